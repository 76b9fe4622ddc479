"""Paying a checkout online (sandbox): orders wait, a signed success marks them paid once, a failure releases them."""

import pytest
from django.core import mail
from djmoney.money import Money

from apps.catalog.models import Product
from apps.loyalty.services import loyalty_balance, loyalty_earn
from apps.notifications.models import EmailLog
from apps.orders.models import CartItem, Checkout, Order
from apps.payments.exceptions import GatewayError
from apps.payments.models import Payment
from apps.payments.services import payment_fail
from apps.promotions.models import PromoCode
from tests.factories import PaymentFactory, ProductFactory, PromoCodeFactory, UserFactory, cart_with
from tests.payments.webhooks import SANDBOX_SECRET, post_sandbox, sandbox_body

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def sandbox(settings):
    settings.PAYMENT_GATEWAYS = ["sandbox"]
    settings.SANDBOX_WEBHOOK_SECRET = SANDBOX_SECRET


@pytest.fixture
def buyer(client):
    user = UserFactory(email="mariam@example.com", full_name="Mariam Sylla")
    client.force_login(user)
    return user


@pytest.fixture
def products(vendor_a, vendor_b):
    return (ProductFactory(vendor=vendor_a, name="Blue kettle", price=Money(20000, "GNF"), stock=5),
            ProductFactory(vendor=vendor_b, name="Red scarf", price=Money(40000, "GNF"), stock=5))


def place_online(client, buyer, **overrides):
    items = [str(pk) for pk in CartItem.objects.filter(cart__user=buyer).values_list("pk", flat=True)]
    return client.post("/checkout/", {"items": items, "delivery_mode": "pickup", "payment_method": "sandbox",
                                      "commission_payer": "customer", "action": "place", **overrides})


@pytest.fixture
def placed(client, buyer, products):
    kettle, scarf = products
    cart_with(buyer, (kettle, 2), (scarf, 1))
    response = place_online(client, buyer)
    return response, Checkout.objects.get()


def test_orders_wait_for_one_payment_of_the_checkout_total(placed):
    response, checkout = placed

    payment = Payment.objects.get()
    assert response.status_code == 302 and response.url == f"/payments/sandbox/{payment.token}/"
    assert checkout.payment == payment
    assert (payment.purpose, payment.reference, payment.amount) == ("shop_checkout", checkout.reference,
                                                                    Money(80000, "GNF"))
    assert payment.return_url.endswith(f"/checkout/{checkout.reference}/done/")
    assert set(checkout.orders.values_list("payment_status", "payment_method")) == {("pending", "sandbox")}
    assert not EmailLog.objects.exists()  # sellers hear of it once it is paid


def test_a_signed_success_marks_the_orders_paid_once_with_one_set_of_emails(
    client, placed, django_capture_on_commit_callbacks
):
    _response, checkout = placed
    body = sandbox_body(Payment.objects.get())

    with django_capture_on_commit_callbacks(execute=True):
        statuses = [post_sandbox(client, body).status_code for _ in range(3)]
        post_sandbox(client, sandbox_body(Payment.objects.get()))  # another event id for the same payment

    assert statuses == [200, 200, 200]
    assert set(checkout.orders.values_list("payment_status", flat=True)) == {"paid"}
    assert EmailLog.objects.filter(kind="orders.checkout_placed").count() == 1
    assert EmailLog.objects.filter(kind="orders.new_order").count() == 2
    assert len([m for m in mail.outbox if m.to == ["mariam@example.com"]]) == 1
    done = client.get(f"/checkout/{checkout.reference}/done/").content.decode()
    assert "Thank you, your order is placed" in done and "Paid" in done


def test_the_done_page_waits_while_the_payment_is_pending(client, placed):
    _response, checkout = placed
    body = client.get(f"/checkout/{checkout.reference}/done/").content.decode()
    assert "Waiting for your payment" in body and f"/payments/{checkout.payment.token}/return/" in body


def test_a_declined_payment_releases_the_checkout(client, buyer, products, django_capture_on_commit_callbacks):
    # given a checkout with a promo code and points, waiting for its payment
    kettle, scarf = products
    cart_with(buyer, (kettle, 2), (scarf, 1))
    PromoCodeFactory(code="WELCOME10", percent_off="10.00", max_uses=3)
    loyalty_earn(user=buyer, amount_paid=Money(10000, "GNF"), reference="ORD-EARLIER")
    place_online(client, buyer, promo_code="WELCOME10", points="1000")
    checkout = Checkout.objects.get()
    assert (PromoCode.objects.get().uses_count, loyalty_balance(user=buyer)) == (1, 0)

    # when the sandbox reports the card declined
    with django_capture_on_commit_callbacks(execute=True):
        assert post_sandbox(client, sandbox_body(checkout.payment, event_type="payment.failed")).status_code == 200

    # then everything the checkout held is given back
    assert set(checkout.orders.values_list("status", flat=True)) == {"cancelled"}
    assert [p.stock for p in Product.objects.order_by("pk")] == [5, 5]
    assert PromoCode.objects.get().uses_count == 0
    assert loyalty_balance(user=buyer) == 1000
    assert dict(buyer.cart.items.values_list("product__name", "quantity")) == {"Blue kettle": 2, "Red scarf": 1}
    assert any("was not placed" in m.subject for m in mail.outbox)
    assert "Your order was not placed" in client.get(f"/checkout/{checkout.reference}/done/").content.decode()
    assert Payment.objects.get().retry_url.endswith("/cart/")


def test_a_payment_accepted_after_the_release_is_refunded(client, placed):
    _response, checkout = placed
    payment = checkout.payment
    post_sandbox(client, sandbox_body(payment, event_type="payment.failed"))

    assert post_sandbox(client, sandbox_body(payment)).status_code == 200

    payment.refresh_from_db()
    assert payment.status == Payment.Status.REFUNDED
    assert set(checkout.orders.values_list("status", "payment_status")) == {("cancelled", "refunded")}
    assert [p.stock for p in Product.objects.order_by("pk")] == [5, 5]


def test_a_payment_that_cannot_start_releases_the_checkout(client, buyer, products, monkeypatch):
    kettle, scarf = products
    cart_with(buyer, (kettle, 2), (scarf, 1))

    def refuse(self, payment, request):
        raise GatewayError("The card payment service is not answering.")

    monkeypatch.setattr("apps.payments.gateways.sandbox.SandboxGateway.create_payment", refuse)
    response = place_online(client, buyer)

    assert response.status_code == 302 and response.url == "/checkout/"
    assert "The payment could not be started" in client.get("/cart/").content.decode()
    assert set(Order.objects.values_list("status", flat=True)) == {"cancelled"}
    assert [p.stock for p in Product.objects.order_by("pk")] == [5, 5]
    assert buyer.cart.items.count() == 2


def test_payment_fail_runs_the_purposes_failure_handler_once(settings, monkeypatch):
    calls = []
    settings.PAYMENT_PURPOSE_FAILURE_HANDLERS = {"test_purchase": "tests.orders.test_checkout_payment.record"}
    monkeypatch.setattr("tests.orders.test_checkout_payment.CALLS", calls)
    payment = PaymentFactory()
    other = PaymentFactory(purpose="something_else")

    payment_fail(payment_id=payment.pk, reason="Declined")
    payment_fail(payment_id=payment.pk, reason="Declined")
    payment_fail(payment_id=other.pk, reason="Declined")

    assert calls == [(payment.pk, "failed")]


CALLS: list = []


def record(*, payment):
    CALLS.append((payment.pk, payment.status))
