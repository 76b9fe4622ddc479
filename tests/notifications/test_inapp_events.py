"""Each wired event tells the right people exactly once in the app, without doubling an e-mail that already goes out."""

from datetime import date, timedelta

import pytest
from djmoney.money import Money

from apps.catalog.stock_alerts import low_stock_alerts_send
from apps.moderation.models import Report
from apps.moderation.services import report_create, report_dismiss, report_resolve
from apps.notifications.models import EmailLog, Notification
from apps.orders import services as order_services
from apps.orders.checkout import checkout_payment_completed
from apps.orders.models import Order
from apps.vendors.models import VendorMembership
from tests.factories import (
    MembershipFactory,
    PaymentFactory,
    ProductFactory,
    UserFactory,
    cart_with,
    checkout_for,
    order_for,
)

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


def told(kind: str) -> list[tuple[str, str]]:
    """(recipient e-mail, title) of every notification of this kind, sorted."""
    return sorted(Notification.objects.filter(kind=kind).values_list("user__email", "title"))


@pytest.fixture
def team_a(vendor_a, seller_a):
    """Alpha Store's active members (owner and staff); a former employee whose account is switched off."""
    staff = MembershipFactory(vendor=vendor_a, role=VendorMembership.Role.STAFF, user__email="staff.a@example.com").user
    MembershipFactory(vendor=vendor_a, user__email="gone.a@example.com", user__is_active=False)
    return [seller_a, staff]


@pytest.fixture
def buyer(db):
    return UserFactory(email="mariam@example.com")


# --- new order -> the store's members


def test_a_placed_order_tells_each_active_member_of_its_store_once(
        team_a, vendor_b, seller_b, buyer, django_capture_on_commit_callbacks):
    kettle = ProductFactory(vendor=team_a[0].vendor_memberships.get().vendor, price=Money(20000, "GNF"))
    scarf = ProductFactory(vendor=vendor_b, price=Money(40000, "GNF"))
    cart_with(buyer, (kettle, 2), (scarf, 1))

    with django_capture_on_commit_callbacks(execute=True):
        checkout = checkout_for(buyer)

    order_a, order_b = (checkout.orders.get(vendor=vendor) for vendor in (kettle.vendor, vendor_b))
    assert told("orders.new_order") == sorted([
        ("seller.a@example.com", f"New order {order_a.reference}"),
        ("staff.a@example.com", f"New order {order_a.reference}"),
        ("seller.b@example.com", f"New order {order_b.reference}"),
    ])
    link = Notification.objects.filter(user=team_a[1]).get().url
    assert link == f"/admin/orders/order/{order_a.pk}/change/"
    # the sellers' e-mail is the one that already existed: one per store address, not one more per member
    assert EmailLog.objects.filter(kind="orders.new_order").count() == 2
    assert not Notification.objects.filter(user=buyer).exists()


def test_an_online_order_tells_the_store_once_paid_whatever_the_replays(
        settings, team_a, buyer, django_capture_on_commit_callbacks):
    settings.PAYMENT_GATEWAYS = ["sandbox"]
    cart_with(buyer, (ProductFactory(vendor=team_a[0].vendor_memberships.get().vendor), 1))
    checkout = checkout_for(buyer, payment_method="sandbox")
    assert not Notification.objects.exists()  # not paid yet: nothing to prepare

    payment = PaymentFactory(reference=checkout.reference, purpose="shop_checkout", completed=True)
    with django_capture_on_commit_callbacks(execute=True):
        checkout_payment_completed(payment=payment)
        checkout_payment_completed(payment=payment)

    assert len(told("orders.new_order")) == 2  # owner and staff, once each


# --- order status -> the buyer


def test_a_status_change_tells_the_buyer_once_in_the_app_and_once_by_email(
        vendor_a, seller_a, buyer, django_capture_on_commit_callbacks):
    order = order_for(vendor_a, buyer=buyer)

    with django_capture_on_commit_callbacks(execute=True):
        order_services.order_confirm(order_id=order.pk, actor=seller_a)

    [notification] = Notification.objects.all()
    assert notification.user == buyer and notification.kind == "orders.status"
    assert notification.title == f"Order {order.reference}: Confirmed"
    assert notification.url == f"/account/orders/{order.reference}/"
    assert EmailLog.objects.filter(kind="orders.status").count() == 1  # the e-mail that already existed
    assert EmailLog.objects.count() == 1


def test_each_status_change_is_its_own_notification(vendor_a, seller_a, buyer):
    order = order_for(vendor_a, buyer=buyer, delivery_mode=Order.DeliveryMode.PICKUP)
    order_services.order_confirm(order_id=order.pk, actor=seller_a)
    order_services.order_mark_ready(order_id=order.pk, actor=seller_a)

    assert [title for _email, title in told("orders.status")] == [
        f"Order {order.reference}: Confirmed", f"Order {order.reference}: Ready"]


# --- report outcome -> the reporter; deactivation -> the administrators


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.com", roles=["Support staff"])


@pytest.fixture
def reporters(db):
    return [UserFactory(email=f"reporter{i}@example.com") for i in range(4)]


@pytest.mark.parametrize(("handle", "outcome"), [(report_resolve, "resolved"), (report_dismiss, "dismissed")])
def test_the_reporter_learns_the_outcome_but_not_the_moderators_note(
        moderator, handle, outcome, django_capture_on_commit_callbacks):
    reporter, target = UserFactory(email="reporter@example.com"), UserFactory(email="target@example.com")
    report = report_create(reporter=reporter, reason=Report.Reason.FRAUD, description="", user=target)

    with django_capture_on_commit_callbacks(execute=True):
        handle(report_id=report.pk, moderator=moderator, note="Internal: checked the chat logs")

    [notification] = Notification.objects.all()
    assert notification.user == reporter and notification.kind == "moderation.report_outcome"
    assert notification.title == f"Your report about {target} was {outcome}"
    assert "Internal" not in notification.body
    [email] = EmailLog.objects.filter(kind="moderation.report_outcome")
    assert email.to == "reporter@example.com" and "Internal" not in email.body_text


def test_automatic_deactivation_tells_each_administrator_once(
        settings, administrator, reporters, django_capture_on_commit_callbacks):
    settings.REPORTS_DEACTIVATION_THRESHOLD = 3
    second_admin = UserFactory(email="admin2@example.com", roles=["Administrator"])
    target = UserFactory(email="target@example.com")

    with django_capture_on_commit_callbacks(execute=True):
        for reporter in reporters[:4]:  # the 4th report finds the account already off
            report_create(reporter=reporter, reason=Report.Reason.FRAUD, description="", user=target)

    title = "Account deactivated after 3 reports: target@example.com"
    assert told("moderation.deactivated") == sorted([(administrator.email, title), (second_admin.email, title)])
    assert Notification.objects.get(user=second_admin).url == f"/admin/accounts/user/{target.pk}/change/"
    assert EmailLog.objects.filter(kind="moderation.deactivated").count() == 2  # no second e-mail each
    assert Notification.objects.count() == 2  # nobody else: not the reporters, not the account


def test_dismissed_reports_below_the_threshold_tell_no_administrator(settings, administrator, reporters, moderator):
    settings.REPORTS_DEACTIVATION_THRESHOLD = 3
    target = UserFactory()
    first = report_create(reporter=reporters[0], reason=Report.Reason.FRAUD, description="", user=target)
    report_dismiss(report_id=first.pk, moderator=moderator, note="Unfounded")
    for reporter in reporters[1:3]:
        report_create(reporter=reporter, reason=Report.Reason.FRAUD, description="", user=target)

    assert not Notification.objects.filter(user=administrator).exists()
    assert told("moderation.report_outcome") == [(reporters[0].email, f"Your report about {target} was dismissed")]


def test_a_store_reaching_the_threshold_tells_the_administrators(settings, administrator, reporters, vendor_a):
    settings.REPORTS_DEACTIVATION_THRESHOLD = 2
    for reporter in reporters[:3]:
        report_create(reporter=reporter, reason=Report.Reason.FRAUD, description="", vendor=vendor_a)

    assert told("moderation.vendor") == [(administrator.email, "Store reported 2 times: Alpha Store")]


# --- low stock -> the store's members, one per product per day


def test_low_stock_tells_each_member_once_per_product_per_day(team_a, vendor_a, django_capture_on_commit_callbacks):
    ProductFactory(vendor=vendor_a, name="Beans", stock=2, low_stock_threshold=5)
    rice = ProductFactory(vendor=vendor_a, name="Rice", stock=0, low_stock_threshold=5)
    ProductFactory(vendor=vendor_a, name="Plenty", stock=50, low_stock_threshold=5)

    with django_capture_on_commit_callbacks(execute=True):
        low_stock_alerts_send(day=DAY)
        low_stock_alerts_send(day=DAY)  # the schedule ran twice that day

    expected = sorted((member.email, title) for member in team_a
                      for title in ("Low stock: Beans (2 left)", "Low stock: Rice (0 left)"))
    assert told("catalog.low_stock") == expected
    assert Notification.objects.filter(title="Low stock: Rice (0 left)").first().url == (
        f"/admin/catalog/product/{rice.pk}/change/")
    emails = EmailLog.objects.filter(kind="catalog.low_stock").count()

    low_stock_alerts_send(day=DAY + timedelta(days=1))  # still low the next day: told again, once

    assert len(told("catalog.low_stock")) == 2 * len(expected)
    assert EmailLog.objects.filter(kind="catalog.low_stock").count() == 2 * emails  # the e-mails, not doubled
