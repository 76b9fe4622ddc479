"""Browser journeys through the payment pages: the same Chromium set-up as tests/browser/."""

from pathlib import Path

import pytest

from tests.browser.conftest import base_url, browser_type_launch_args, page  # noqa: F401

HERE = Path(__file__).parent


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config, items):
    # Before `-m` deselection: `make test-browser` runs these, the default suite leaves them out.
    for item in items:
        if HERE in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.browser)
