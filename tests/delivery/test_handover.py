"""The QR handover at the door: the code, who may open it, cash confirmed twice, the PIN, paying online."""

import io
import re
from datetime import timedelta

import pypdfium2
import pytest
import zxingcpp
from django.urls import reverse
from django.utils import timezone
from djmoney.money import Money

from apps.core.qr import qr_svg
from apps.delivery.handover import (
    PIN_MAX_ATTEMPTS,
    HandoverError,
    delivery_code_issue,
    handover_confirm_by_buyer,
    handover_confirm_by_deliverer,
    handover_url,
)
from apps.delivery.models import CashCollection, CourierEarning, Delivery, DeliveryCode
from apps.notifications.models import Notification
from apps.orders import services as order_services
from apps.orders.models import Order
from apps.payments.models import Payment
from tests.factories import (
    CourierFactory,
    DeliveryFactory,
    MembershipFactory,
    ProductFactory,
    UserFactory,
    order_for,
)
from tests.payments.webhooks import SANDBOX_SECRET, post_sandbox, sandbox_body

pytestmark = pytest.mark.django_db

TOTAL = "32,000 GNF"  # 2 x 12,000 GNF of soap + 8,000 GNF delivery


@pytest.fixture(autouse=True)
def site(settings):
    settings.SITE_URL = "http://testserver"
    settings.PAYMENT_GATEWAYS = ["sandbox", "bank_transfer"]
    settings.SANDBOX_WEBHOOK_SECRET = SANDBOX_SECRET


@pytest.fixture
def courier(db):
    return CourierFactory(user__full_name="Sekou Camara").user


@pytest.fixture
def buyer(db):
    return UserFactory(full_name="Mariam Sylla", email="mariam@example.com")


def out_for_delivery(vendor, buyer, deliverer, *, status="out_for_delivery", mode="marketplace", **fields):
    """A cash-on-delivery home order of 32,000 GNF carried by `deliverer`, with its handover code."""
    soap = ProductFactory(vendor=vendor, name="Black soap", price=Money(12000, "GNF"))
    order = order_for(vendor, buyer=buyer, status=status, lines=[(soap, 2)], delivery_fee=Money(8000, "GNF"),
                      delivery_mode="home", **fields)
    DeliveryFactory(order=order, mode=mode, status="picked_up", deliverer=deliverer, commission=Money(5000, "GNF"))
    delivery_code_issue(order=order)
    return order


@pytest.fixture
def order(vendor_a, buyer, courier):
    return out_for_delivery(vendor_a, buyer, courier)


def code_of(order) -> DeliveryCode:
    return DeliveryCode.objects.get(order=order)


def page(order) -> str:
    return reverse("delivery:handover", args=[code_of(order).token])


def text(response) -> str:
    return response.content.decode().replace("\xa0", " ")  # prices never wrap: no-break spaces


def poll_url_in(response, prefix: str) -> str:
    """The URL the page polls for its handover panel (other parts of the page may poll too)."""
    return re.search(rf'hx-get="({prefix}[^"]*)"', response.content.decode()).group(1).replace("&amp;", "&")


def without_csrf(response) -> str:
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())  # the CSRF token differs on each page


def state(order) -> dict:
    """Everything a handover step may change."""
    order.refresh_from_db()
    return {
        "order": (order.status, order.payment_status, order.payment_method, order.timeline.count()),
        "code": DeliveryCode.objects.filter(order=order).values().get(),
        "delivery": Delivery.objects.values_list("status", flat=True).get(order=order),
        "cash": list(CashCollection.objects.values_list("order_id", "amount")),
        "earnings": CourierEarning.objects.count(),
        "payments": list(Payment.objects.values_list("pk", "status")),
        "notifications": Notification.objects.filter(kind="delivery.handed_over").count(),
    }


def assert_delivered_and_paid_in_cash(order, courier, *, via):
    order.refresh_from_db()
    code = code_of(order)
    assert (order.status, order.payment_status) == ("delivered", "paid")
    cash = CashCollection.objects.get()
    assert (cash.order, cash.collected_by, cash.amount) == (order, courier, Money(32000, "GNF"))
    assert code.used_at is not None and code.buyer_confirmed_via == via and code.payment_method == "cash"
    assert Delivery.objects.get(order=order).status == "delivered"
    assert CourierEarning.objects.get().amount == Money(5000, "GNF")
    assert Notification.objects.filter(user=order.buyer, kind="delivery.handed_over").count() == 1
    assert "collected in cash by Sekou Camara" in order.timeline.last().note


# --- The code


def test_confirming_a_home_delivery_order_issues_a_secret_code_that_expires(vendor_a, seller_a, settings):
    settings.DELIVERY_CODE_TTL_DAYS = 3
    home = order_for(vendor_a, delivery_mode="home")
    pickup = order_for(vendor_a, delivery_mode="pickup")

    for placed in (home, pickup):
        order_services.order_confirm(order_id=placed.pk, actor=seller_a)

    code = code_of(home)
    assert len(code.token) == 43  # 256 random bits, URL-safe
    assert code.pin.isdigit() and len(code.pin) == 4
    assert abs(code.expires_at - (timezone.now() + timedelta(days=3))) < timedelta(minutes=1)
    assert home.reference not in handover_url(code) and "32" not in handover_url(code).split("/deliver/")[0]
    assert not DeliveryCode.objects.filter(order=pickup).exists()


def test_every_code_is_different(vendor_a):
    tokens = {delivery_code_issue(order=order_for(vendor_a)).token for _ in range(20)}
    assert len(tokens) == 20


def test_an_expired_unused_code_gets_a_new_secret_and_a_used_one_never_changes(order, courier, buyer):
    code = code_of(order)
    DeliveryCode.objects.filter(pk=code.pk).update(expires_at=timezone.now() - timedelta(minutes=1))

    renewed = delivery_code_issue(order=order)
    assert renewed.token != code.token and renewed.expires_at > timezone.now()

    handover_confirm_by_deliverer(code_id=renewed.pk, actor=courier)
    handover_confirm_by_buyer(order_id=order.pk, actor=buyer)
    used = code_of(order)
    assert delivery_code_issue(order=order).token == used.token == renewed.token


# --- Who may open it


def test_the_assigned_courier_sees_what_to_hand_over_and_what_to_collect(client, order, courier):
    client.force_login(courier)
    response = client.get(page(order))

    body = text(response)
    assert response.status_code == 200
    for expected in (order.reference, "Black soap", "Mariam Sylla", f"Collect {TOTAL}", "delivery included",
                     "Online: the buyer pays on their phone"):
        assert expected in body, expected
    assert code_of(order).pin not in body


@pytest.mark.parametrize("who", ["another courier", "the buyer", "the seller", "an administrator"])
def test_anyone_but_the_deliverer_gets_the_same_404_as_an_unknown_code_and_changes_nothing(
    client, order, who, seller_a, administrator
):
    person = {"another courier": lambda: CourierFactory().user, "the buyer": lambda: order.buyer,
              "the seller": lambda: seller_a, "an administrator": lambda: administrator}[who]()
    client.force_login(person)
    before = state(order)

    opened = client.get(page(order))
    posted = client.post(page(order), {"action": "confirm"})
    unknown = client.get(reverse("delivery:handover", args=["x" * 43]))

    assert opened.status_code == posted.status_code == unknown.status_code == 404
    assert without_csrf(opened) == without_csrf(unknown)  # nothing tells a real code from a made-up one
    assert "No delivery of yours matches this code" in opened.content.decode()
    assert order.reference not in opened.content.decode()
    assert state(order) == before


def test_signed_out_visitors_are_sent_to_sign_in(client, order):
    response = client.get(page(order))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


def test_an_expired_code_says_so_to_the_deliverer_and_changes_nothing(client, order, courier):
    DeliveryCode.objects.filter(order=order).update(expires_at=timezone.now() - timedelta(hours=1))
    client.force_login(courier)
    before = state(order)

    opened = client.get(page(order))
    posted = client.post(page(order), {"action": "confirm"})

    assert opened.status_code == 410 and "This code expired on" in opened.content.decode()
    assert posted.status_code == 400 and "This code expired on" in posted.content.decode()
    assert state(order) == before


def test_a_used_code_says_it_was_handed_over_and_changes_nothing(client, order, courier, buyer):
    handover_confirm_by_deliverer(code_id=code_of(order).pk, actor=courier)
    handover_confirm_by_buyer(order_id=order.pk, actor=buyer)
    client.force_login(courier)
    before = state(order)

    opened = client.get(page(order))
    posted = [client.post(page(order), {"action": action, "pin": code_of(order).pin})
              for action in ("confirm", "online", "pin")]

    assert opened.status_code == 200
    assert "Handed over on" in text(opened) and f"You collected {TOTAL} in cash" in text(opened)
    assert {response.status_code for response in posted} == {400}
    assert all("already handed over" in response.content.decode() for response in posted)
    assert state(order) == before


def test_a_cancelled_order_is_not_handed_over(client, vendor_a, buyer, courier, seller_a):
    order = out_for_delivery(vendor_a, buyer, courier, status="ready")
    order_services.order_cancel(order_id=order.pk, actor=seller_a, reason="Out of stock", by_buyer=False)
    client.force_login(courier)
    before = state(order)

    response = client.post(page(order), {"action": "confirm"})

    assert response.status_code == 400 and "was cancelled: do not hand it over" in response.content.decode()
    assert state(order) == before


def test_an_order_not_ready_yet_is_not_handed_over(client, vendor_a, buyer, courier):
    order = out_for_delivery(vendor_a, buyer, courier, status="confirmed")
    client.force_login(courier)
    before = state(order)

    response = client.post(page(order), {"action": "confirm"})

    assert response.status_code == 400 and "is not ready to be delivered yet" in response.content.decode()
    assert state(order) == before


# --- Typing the code


def test_a_typed_code_in_groups_or_a_pasted_link_opens_the_handover(client, order, courier):
    token = code_of(order).token
    client.force_login(courier)

    grouped = client.post(reverse("delivery:handover-enter"), {"code": " ".join([token[:4], token[4:20], token[20:]])})
    pasted = client.post(reverse("delivery:handover-enter"), {"code": f"http://testserver/deliver/{token}/"})

    assert grouped.status_code == pasted.status_code == 302
    assert grouped.url == pasted.url == page(order)


def test_a_typed_code_that_is_not_one_or_matches_nothing_gets_a_clear_answer(client, order):
    client.force_login(CourierFactory().user)

    malformed = client.post(reverse("delivery:handover-enter"), {"code": "1234"})
    someone_elses = client.post(reverse("delivery:handover-enter"), {"code": code_of(order).token})

    assert malformed.status_code == 400 and "A delivery code has 43 letters" in malformed.content.decode()
    assert someone_elses.status_code == 404
    assert "No delivery of yours matches this code" in someone_elses.content.decode()


def test_guessing_is_limited_per_person(client, order, courier):
    guesser = CourierFactory().user
    client.force_login(guesser)
    guesses = [client.get(reverse("delivery:handover", args=[f"guess{i:040d}"])).status_code for i in range(20)]

    blocked = client.get(reverse("delivery:handover", args=["guess-21".ljust(43, "x")]))
    right_code = client.post(reverse("delivery:handover-enter"), {"code": code_of(order).token})

    assert set(guesses) == {404}
    assert blocked.status_code == right_code.status_code == 429
    assert "Wait 10 minutes" in blocked.content.decode()
    # the deliverer's own page is not a guess: it opens, and its polls never count
    client.force_login(courier)
    assert [client.get(page(order)).status_code for _ in range(25)] == [200] * 25


def test_guessing_is_limited_per_network_address_across_accounts(client, order):
    for i in range(20):
        client.force_login(UserFactory())
        assert client.get(reverse("delivery:handover", args=[f"guess{i:040d}"])).status_code == 404

    client.force_login(UserFactory())
    assert client.get(reverse("delivery:handover", args=["y" * 43])).status_code == 429


# --- Cash, confirmed by the deliverer and then the buyer


def test_cash_confirmed_by_the_courier_then_the_buyer_delivers_and_pays_the_order_once(client, order, courier, buyer):
    client.force_login(courier)
    # the confirmation step: a first tap only opens it (a <details>), the button posts
    assert f"Yes, I received {TOTAL} in cash" in text(client.get(page(order)))

    response = client.post(page(order), {"action": "confirm"}, follow=True)

    assert "Now the buyer confirms on their phone" in response.content.decode()
    assert order.status == "out_for_delivery" and not CashCollection.objects.exists()
    code = code_of(order)
    assert (code.payment_method, code.courier_confirmed_by) == ("cash", courier)

    client.force_login(buyer)
    order_page = text(client.get(reverse("orders:order-detail", args=[order.reference])))
    assert f"I have received my parcel and paid {TOTAL}" in order_page
    confirmed = client.post(reverse("delivery:handover-buyer-confirm", args=[order.reference]), follow=True)

    assert "is delivered" in confirmed.content.decode()
    assert_delivered_and_paid_in_cash(order, courier, via="page")
    # a second tap changes nothing more
    client.post(reverse("delivery:handover-buyer-confirm", args=[order.reference]))
    assert CashCollection.objects.count() == 1 and order.timeline.filter(to_status="delivered").count() == 1


def test_the_buyer_cannot_confirm_before_the_courier_has_the_cash(client, order, buyer):
    client.force_login(buyer)
    before = state(order)

    response = client.post(reverse("delivery:handover-buyer-confirm", args=[order.reference]), follow=True)

    assert "has not confirmed receiving the cash yet" in response.content.decode()
    assert state(order) == before


def test_another_buyer_cannot_confirm(client, order, courier):
    handover_confirm_by_deliverer(code_id=code_of(order).pk, actor=courier)
    client.force_login(UserFactory())
    before = state(order)

    response = client.post(reverse("delivery:handover-buyer-confirm", args=[order.reference]))

    assert response.status_code == 404 and state(order) == before


def test_a_seller_delivering_personally_dispatches_and_delivers_a_ready_order(client, vendor_a, buyer, seller_a):
    order = out_for_delivery(vendor_a, buyer, seller_a, status="ready", mode="personal")
    client.force_login(seller_a)
    client.post(page(order), {"action": "confirm"})
    client.force_login(buyer)

    client.post(reverse("delivery:handover-buyer-confirm", args=[order.reference]))

    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("delivered", "paid")
    assert list(order.timeline.values_list("to_status", flat=True)) == ["placed", "out_for_delivery", "delivered"]
    assert CashCollection.objects.get().collected_by == seller_a
    assert not CourierEarning.objects.exists()  # no commission when the seller delivers


def test_an_order_paid_before_delivery_collects_nothing_and_still_needs_both_confirmations(
    client, vendor_a, buyer, courier
):
    order = out_for_delivery(vendor_a, buyer, courier, payment_status="paid", payment_method="sandbox")
    client.force_login(courier)
    assert "Already paid: collect nothing" in client.get(page(order)).content.decode()

    client.post(page(order), {"action": "confirm"})
    client.force_login(buyer)
    client.post(reverse("delivery:handover-buyer-confirm", args=[order.reference]))

    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("delivered", "paid")
    assert not CashCollection.objects.exists() and code_of(order).used_at is not None


# --- The PIN the buyer reads out


def test_the_buyer_pin_typed_by_the_courier_stands_for_the_buyer_confirmation(client, order, courier):
    client.force_login(courier)
    client.post(page(order), {"action": "confirm"})

    response = client.post(page(order), {"action": "pin", "pin": code_of(order).pin}, follow=True)

    assert "PIN correct" in response.content.decode()
    assert_delivered_and_paid_in_cash(order, courier, via="pin")


def test_wrong_pins_are_counted_and_the_fifth_locks_the_pin_for_this_code(client, order, courier):
    client.force_login(courier)
    client.post(page(order), {"action": "confirm"})
    right = code_of(order).pin
    wrong = f"{(int(right) + 1) % 10000:04d}"

    first = client.post(page(order), {"action": "pin", "pin": wrong})
    assert first.status_code == 400 and "Wrong PIN. 4 tries left." in first.content.decode()
    for _ in range(PIN_MAX_ATTEMPTS - 2):
        client.post(page(order), {"action": "pin", "pin": wrong})
    fifth = client.post(page(order), {"action": "pin", "pin": wrong})
    before = state(order)
    after_lock = client.post(page(order), {"action": "pin", "pin": right})

    assert "The PIN is now locked" in fifth.content.decode()
    assert after_lock.status_code == 400 and "the PIN is locked for this delivery" in after_lock.content.decode()
    assert code_of(order).pin_failed_attempts == PIN_MAX_ATTEMPTS
    assert state(order) == before and order.status == "out_for_delivery"
    # the buyer's own confirmation still works
    handover_confirm_by_buyer(order_id=order.pk, actor=order.buyer)
    assert_delivered_and_paid_in_cash(order, courier, via="page")


def test_a_pin_that_is_not_four_digits_is_refused_without_counting(client, order, courier):
    client.force_login(courier)
    client.post(page(order), {"action": "confirm"})

    response = client.post(page(order), {"action": "pin", "pin": "12a"})

    assert response.status_code == 400 and "The PIN is 4 digits." in response.content.decode()
    assert code_of(order).pin_failed_attempts == 0


def test_the_pin_is_only_for_after_the_courier_has_the_cash(client, order, courier):
    client.force_login(courier)
    before = state(order)

    response = client.post(page(order), {"action": "pin", "pin": code_of(order).pin})

    assert response.status_code == 400 and "has not confirmed receiving the cash" in response.content.decode()
    assert state(order) == before


# --- Paying online at the door (sandbox)


def test_online_the_buyer_pays_on_their_phone_and_the_payment_completes_the_handover(client, order, courier, buyer):
    client.force_login(courier)
    client.post(page(order), {"action": "online"})
    assert code_of(order).payment_method == "online"

    client.force_login(buyer)
    order_page = text(client.get(reverse("orders:order-detail", args=[order.reference])))
    assert f"Pay {TOTAL} now" in order_page
    assert 'value="bank_transfer"' not in order_page  # days to arrive: not at the door
    started = client.post(reverse("delivery:handover-pay", args=[order.reference]), {"gateway": "sandbox"})

    payment = Payment.objects.get()
    assert started.status_code == 302 and started.url == f"/payments/sandbox/{payment.token}/"
    assert (payment.purpose, payment.reference, payment.amount) == ("order_handover", order.reference,
                                                                    Money(32000, "GNF"))
    assert payment.return_url == f"http://testserver/account/orders/{order.reference}/"

    assert post_sandbox(client, sandbox_body(payment)).status_code == 200

    order.refresh_from_db()
    code = code_of(order)
    assert (order.status, order.payment_status, order.payment_method) == ("delivered", "paid", "sandbox")
    assert code.used_at is not None and code.payment_method == "online"
    assert not CashCollection.objects.exists()
    assert Delivery.objects.get(order=order).status == "delivered" and CourierEarning.objects.count() == 1


def test_a_declined_payment_shows_on_both_pages_and_cash_remains_possible(client, order, courier, buyer):
    client.force_login(courier)
    client.post(page(order), {"action": "online"})
    client.force_login(buyer)
    client.post(reverse("delivery:handover-pay", args=[order.reference]), {"gateway": "sandbox"})

    post_sandbox(client, sandbox_body(Payment.objects.get(), event_type="payment.failed"))

    assert "Your last payment was declined" in client.get(
        reverse("orders:order-detail", args=[order.reference])).content.decode()
    client.force_login(courier)
    courier_page = client.get(page(order)).content.decode()
    assert "The buyer's payment was declined" in courier_page and "in cash" in courier_page
    assert order.status == "out_for_delivery"


def test_a_payment_completing_after_the_courier_took_cash_is_refunded(client, order, courier, buyer):
    client.force_login(courier)
    client.post(page(order), {"action": "online"})
    client.force_login(buyer)
    client.post(reverse("delivery:handover-pay", args=[order.reference]), {"gateway": "sandbox"})
    handover_confirm_by_deliverer(code_id=code_of(order).pk, actor=courier)  # the buyer paid cash after all

    post_sandbox(client, sandbox_body(Payment.objects.get()))

    assert Payment.objects.get().status == "refunded"
    order.refresh_from_db()
    assert order.status == "out_for_delivery" and code_of(order).used_at is None


def test_the_buyer_cannot_pay_online_unless_the_courier_asked_or_with_a_gateway_not_for_the_door(
    client, order, courier, buyer
):
    client.force_login(buyer)
    not_asked = client.post(reverse("delivery:handover-pay", args=[order.reference]), {"gateway": "sandbox"},
                            follow=True)
    handover = code_of(order)
    handover.payment_method = "online"
    handover.save()
    transfer = client.post(reverse("delivery:handover-pay", args=[order.reference]), {"gateway": "bank_transfer"},
                           follow=True)

    assert "The courier has not asked for an online payment" in not_asked.content.decode()
    assert "Choose how to pay." in transfer.content.decode()
    assert not Payment.objects.exists()


# --- The buyer's order page and invoice


def test_the_buyer_sees_the_qr_of_the_handover_link_the_code_and_a_hidden_pin(client, order):
    client.force_login(order.buyer)
    body = client.get(reverse("orders:order-detail", args=[order.reference])).content.decode()

    code = code_of(order)
    assert handover_url(code) == f"http://testserver/deliver/{code.token}/"
    assert qr_svg(handover_url(code)) in body
    assert f"{code.token[:4]} {code.token[4:8]}" in body
    assert "Show my PIN" in body and code.pin in body
    assert 'hx-trigger="every 5s"' in body  # out for delivery: the panel follows the courier's steps


def test_before_confirmation_the_buyer_is_told_the_code_comes_later(client, vendor_a, buyer):
    order = order_for(vendor_a, buyer=buyer, delivery_mode="home")
    client.force_login(buyer)
    body = client.get(reverse("orders:order-detail", args=[order.reference])).content.decode()
    assert "Your delivery code appears here once the seller confirms your order" in body


def test_an_expired_code_can_be_renewed_by_the_buyer(client, order):
    old = code_of(order)
    DeliveryCode.objects.filter(pk=old.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    client.force_login(order.buyer)
    assert "Get a new delivery code" in client.get(reverse("orders:order-detail", args=[order.reference])).content.decode()

    client.post(reverse("delivery:handover-renew", args=[order.reference]))

    assert code_of(order).token != old.token and not code_of(order).is_expired


def _qr_codes(pdf_bytes) -> list[str]:
    page = pypdfium2.PdfDocument(io.BytesIO(pdf_bytes))[0]
    return sorted(code.text for code in zxingcpp.read_barcodes(page.render(scale=3).to_pil()))


def test_the_buyer_invoice_carries_the_delivery_qr_and_the_seller_copy_does_not(client, order, vendor_a):
    client.force_login(order.buyer)
    buyers = client.get(reverse("orders:order-invoice", args=[order.reference]))
    seller = MembershipFactory(vendor=vendor_a).user
    client.force_login(seller)
    sellers = client.get(f"/admin/orders/order/{order.pk}/invoice/")

    order_page = "http://testserver" + reverse("orders:order-detail", args=[order.reference])
    assert _qr_codes(buyers.content) == sorted([order_page, handover_url(code_of(order))])
    assert _qr_codes(sellers.content) == [order_page]


# --- Pages that follow each other (htmx polls)


def test_the_courier_page_polls_quietly_until_the_buyer_confirms_then_stops(client, order, courier, buyer):
    client.force_login(courier)
    client.post(page(order), {"action": "confirm"})
    poll_url = poll_url_in(client.get(page(order)), "/deliver/")

    unchanged = client.get(poll_url, headers={"HX-Request": "true"})
    handover_confirm_by_buyer(order_id=order.pk, actor=buyer)
    changed = client.get(poll_url, headers={"HX-Request": "true"})

    assert unchanged.status_code == 204
    assert changed.status_code == 286 and "Delivered" in changed.content.decode()
    assert "<html" not in changed.content.decode()


def test_the_buyer_panel_shows_the_confirm_button_once_the_courier_confirms(client, order, courier, buyer):
    client.force_login(buyer)
    poll_url = poll_url_in(client.get(reverse("orders:order-detail", args=[order.reference])), "/account/orders/")
    headers = {"HX-Request": "true", "HX-Target": "order-handover"}

    unchanged = client.get(poll_url, headers=headers)
    handover_confirm_by_deliverer(code_id=code_of(order).pk, actor=courier)
    changed = client.get(poll_url, headers=headers)

    assert unchanged.status_code == 204
    assert changed.status_code == 200 and "I have received my parcel and paid" in changed.content.decode()
    assert "<html" not in changed.content.decode()


def test_services_refuse_someone_who_is_not_the_deliverer(order):
    with pytest.raises(HandoverError, match="Only the person delivering this order"):
        handover_confirm_by_deliverer(code_id=code_of(order).pk, actor=order.buyer)
    assert code_of(order).courier_confirmed_at is None
    assert Order.objects.get(pk=order.pk).status == "out_for_delivery"


def test_the_seller_cannot_mark_a_coded_order_delivered_around_the_handover(order, seller_a):
    from apps.orders.services import OrderError, order_mark_delivered

    with pytest.raises(OrderError, match="QR code"):
        order_mark_delivered(order_id=order.pk, actor=seller_a)
    order.refresh_from_db()
    assert order.status == "out_for_delivery" and order.payment_status == "on_delivery"
