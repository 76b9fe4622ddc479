import io

import pypdfium2
import pytest
import zxingcpp
from django.urls import reverse
from djmoney.money import Money

from apps.orders.models import Checkout, Order
from tests.factories import ProductFactory, UserFactory, order_for

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


@pytest.fixture
def order(vendor_a):
    vendor_a.address, vendor_a.contact_phone = "Avenue de la République, Kaloum", "+224 622 10 20 30"
    vendor_a.save()
    buyer = UserFactory(email="oumou@example.com", full_name="Oumou Barry")
    soap = ProductFactory(vendor=vendor_a, name="Black soap", price=Money(12000, "GNF"))
    oil = ProductFactory(vendor=vendor_a, name="Palm oil 1 l", price=Money(25000, "GNF"))
    checkout = Checkout.objects.create(buyer=buyer, promo_code="KALOUM5")
    return order_for(vendor_a, buyer=buyer, checkout=checkout, lines=[(soap, 4), (oil, 2)],
                     discount=Money(4900, "GNF"), points_redeemed=100, points_discount=Money(100, "GNF"),
                     delivery_fee=Money(8000, "GNF"), payment_method="sandbox", payment_status=Order.PaymentStatus.PAID)


def _read(pdf_bytes):
    page = pypdfium2.PdfDocument(io.BytesIO(pdf_bytes))[0]
    text = page.get_textpage().get_text_range().replace("\xa0", " ")  # prices never wrap: no-break spaces
    codes = zxingcpp.read_barcodes(page.render(scale=3).to_pil())
    return text, [code.text for code in codes]


def _assert_is_the_invoice_of(response, order):
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f'filename="invoice-{order.reference}.pdf"' in response["Content-Disposition"]
    text, codes = _read(response.content)
    for expected in (order.reference, "Alpha Store", "Avenue de la République, Kaloum", "+224 622 10 20 30",
                     "Oumou Barry", "Black soap", "12,000 GNF", "48,000 GNF", "Palm oil 1 l", "50,000 GNF",
                     "98,000 GNF", "KALOUM5", "4,900 GNF", "100 points", "8,000 GNF", "paid by the customer",
                     "101,000 GNF", "Sandbox", "Paid"):
        assert expected in text, expected
    order_url = "http://testserver" + reverse("orders:order-detail", kwargs={"reference": order.reference})
    assert codes == [order_url]
    return order_url


def test_buyer_downloads_the_invoice_and_its_qr_opens_the_order(client, order):
    client.force_login(order.buyer)
    response = client.get(reverse("orders:order-invoice", kwargs={"reference": order.reference}))
    order_url = _assert_is_the_invoice_of(response, order)
    assert client.get(order_url.removeprefix("http://testserver")).status_code == 200


def test_seller_downloads_the_same_invoice_from_the_admin(client, order, seller_a):
    client.force_login(seller_a)
    _assert_is_the_invoice_of(client.get(f"/admin/orders/order/{order.pk}/invoice/"), order)


def test_another_buyer_gets_no_invoice(client, order):
    client.force_login(UserFactory())
    response = client.get(reverse("orders:order-invoice", kwargs={"reference": order.reference}))
    assert response.status_code == 404 and response["Content-Type"] != "application/pdf"
