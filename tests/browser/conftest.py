"""Browser journeys: Playwright (sync API) driving Debian's Chromium against pytest-django's live_server.

Run them with `make test-browser` (installs /usr/bin/chromium when missing); the default run leaves them out.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API keeps an event loop running in the test thread, which makes Django refuse
# ORM calls from it (SynchronousOnlyOperation); the tests only create data before driving the page.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

HERE = Path(__file__).parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Runs before `-m` deselection, so every test in this folder carries the marker, present or future.
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium, never a browser build downloaded by Playwright.
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: `make test-browser` installs Debian's chromium (or set CHROMIUM=/path).")
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def base_url(live_server):
    # page.goto("/accounts/login/") then targets the live server.
    return live_server.url


@pytest.fixture
def page(page):
    """Every journey also checks that the Content-Security-Policy refused nothing on its pages."""
    page.set_default_timeout(10_000)
    violations = []
    page.on("console", lambda message: violations.append(message.text)
            if "Content Security Policy" in message.text else None)
    yield page
    assert not violations, "CSP violations:\n" + "\n".join(violations)
