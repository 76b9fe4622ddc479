import pytest


@pytest.fixture(autouse=True)
def _pages_rendered_afresh(settings):
    # Most tests change products between two requests: guests' shared page cache is off unless a test
    # turns it on (tests/shop/test_page_cache.py).
    settings.SHOP_LIST_CACHE_SECONDS = 0
    return settings
