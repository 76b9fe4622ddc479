# the purchase flow's fixtures (a service on sale, the sandbox gateway), for the retry-link tests
from tests.servicedesk.conftest import category, service, servicedesk_settings  # noqa: F401
