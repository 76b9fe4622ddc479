from pathlib import Path

import pytest

from tests.notifications.backends import FlakyBackend


@pytest.fixture(autouse=True)
def email_templates(settings):
    """The test e-mails in tests/notifications/templates, next to the project's own templates."""
    engine = settings.TEMPLATES[0]
    settings.TEMPLATES = [{**engine, "DIRS": [*engine["DIRS"], Path(__file__).parent / "templates"]}]


@pytest.fixture
def flaky_backend(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.FlakyBackend"
    FlakyBackend.failures_left = 0
    yield FlakyBackend
    FlakyBackend.failures_left = 0
