"""The buyer's order page and invoice carry personal data: no shared or browser cache may keep them."""

import pytest
from django.urls import reverse

from tests.factories import UserFactory, order_for


@pytest.mark.parametrize("page", ["orders:order-detail", "orders:order-invoice"])
def test_the_order_page_and_invoice_are_never_cached(client, settings, vendor_a, page):
    settings.SITE_URL = "http://testserver"
    order = order_for(vendor_a, buyer=UserFactory(email="oumou@example.com"))
    client.force_login(order.buyer)
    response = client.get(reverse(page, kwargs={"reference": order.reference}))
    assert response.status_code == 200
    directives = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
