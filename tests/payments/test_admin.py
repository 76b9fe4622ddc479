"""Back office: the payment list, confirming bank transfers, refunds, and the platform-only event log."""

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from apps.payments.models import Payment, PaymentEvent
from tests.factories import MembershipFactory, PaymentFactory, UserFactory
from tests.payments.webhooks import post_sandbox, sandbox_body

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:payments_payment_changelist")


def _staff(*perms, platform=True):
    user = UserFactory(is_staff=True)
    codenames = [p.split(".")[1] for p in perms] + (["access_all_vendors"] if platform else [])
    user.user_permissions.add(*Permission.objects.filter(codename__in=codenames))
    return user


@pytest.fixture
def cashier(db):
    return _staff("payments.view_payment", "payments.confirm_bank_transfer", "payments.refund_payment",
                  "payments.view_paymentevent")


def _run_action(client, action, *payments):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in payments]}, follow=True)


def _messages(response):
    return [str(message) for message in response.context["messages"]]


def test_confirming_a_transfer_completes_it_through_the_same_service(client, cashier, handled):
    payment = PaymentFactory(gateway="bank_transfer")
    client.force_login(cashier)

    response = _run_action(client, "confirm_transfer", payment)

    payment.refresh_from_db()
    assert payment.status == "completed"
    assert handled == [payment.pk]
    assert payment.history.latest("history_date").history_user == cashier
    assert "1 transfer(s) confirmed." in _messages(response)


def test_confirming_refuses_what_is_not_a_pending_transfer_and_says_why(client, cashier):
    card = PaymentFactory(gateway="sandbox")
    transfer = PaymentFactory(gateway="bank_transfer")
    client.force_login(cashier)

    response = _run_action(client, "confirm_transfer", card, transfer)

    assert Payment.objects.get(pk=card.pk).status == "pending"
    assert Payment.objects.get(pk=transfer.pk).status == "completed"
    messages = _messages(response)
    assert any("Only a pending bank-transfer payment can be confirmed" in m and "sandbox" in m for m in messages)
    assert "1 transfer(s) confirmed." in messages


def test_refunding_from_the_list(client, cashier):
    payment = PaymentFactory(completed=True, purpose="donation")
    pending = PaymentFactory(purpose="donation")
    client.force_login(cashier)

    response = _run_action(client, "refund", payment, pending)

    assert Payment.objects.get(pk=payment.pk).status == "refunded"
    assert Payment.objects.get(pk=pending.pk).status == "pending"
    assert any("Only a completed payment can be refunded" in m for m in _messages(response))


def test_the_detail_actions_ask_first_then_act_on_post(client, cashier):
    payment = PaymentFactory(gateway="bank_transfer")
    client.force_login(cashier)
    url = reverse("admin:payments_payment_confirm_transfer_detail", args=[payment.pk])

    dialog = client.get(url)
    assert dialog.status_code == 200 and "Confirm transfer received?" in dialog.content.decode()
    assert Payment.objects.get().status == "pending"

    response = client.post(url, {"_form_submitted": "on"})

    assert response.status_code == 302
    assert Payment.objects.get().status == "completed"


def test_without_the_permissions_the_actions_are_not_offered_and_do_nothing(client):
    viewer = _staff("payments.view_payment")
    payment = PaymentFactory(gateway="bank_transfer")
    client.force_login(viewer)

    page = client.get(CHANGELIST).content.decode()
    _run_action(client, "confirm_transfer", payment)
    detail = client.post(reverse("admin:payments_payment_confirm_transfer_detail", args=[payment.pk]),
                         {"_form_submitted": "on"})

    assert 'value="confirm_transfer"' not in page and 'value="refund"' not in page
    assert detail.status_code == 403
    assert Payment.objects.get().status == "pending"


def test_payments_are_read_only_records(client, cashier):
    payment = PaymentFactory()
    client.force_login(cashier)

    assert client.get(reverse("admin:payments_payment_add")).status_code == 403
    assert client.get(reverse("admin:payments_payment_delete", args=[payment.pk])).status_code == 403
    assert client.post(reverse("admin:payments_payment_change", args=[payment.pk]),
                       {"description": "changed"}).status_code == 403
    assert client.get(reverse("admin:payments_payment_import")).status_code == 403
    assert Payment.objects.get().description == payment.description


def test_the_list_shows_a_status_badge_and_finds_payments_by_token_or_bank_reference(client, cashier):
    transfer = PaymentFactory(gateway="bank_transfer", provider_reference="CPT-0A1B2C3D4E", description="Tiling")
    other = PaymentFactory(description="Painting")
    client.force_login(cashier)

    page = client.get(CHANGELIST)
    assert page.status_code == 200 and "Pending" in page.content.decode()
    for term, expected in ((str(transfer.token), {transfer.pk}), ("CPT-0A1B2C3D4E", {transfer.pk}),
                           ("buyer@example.com", {transfer.pk, other.pk}), ("no such thing", set())):
        response = client.get(CHANGELIST, {"q": term})
        assert response.status_code == 200
        assert {p.pk for p in response.context["cl"].result_list} == expected, term


def test_the_payment_page_lists_its_events(client, cashier):
    payment = PaymentFactory()
    post_sandbox(client, sandbox_body(payment, event_id="evt_sbx_shown"))
    client.force_login(cashier)

    body = client.get(reverse("admin:payments_payment_change", args=[payment.pk])).content.decode()

    assert "evt_sbx_shown" in body


def test_the_event_log_is_for_platform_staff(client, cashier):
    payment = PaymentFactory()
    post_sandbox(client, sandbox_body(payment, event_id="evt_sbx_logged"))
    event = PaymentEvent.objects.get()
    member = _staff("payments.view_paymentevent", "payments.view_payment", platform=False)
    MembershipFactory(user=member)

    client.force_login(cashier)
    assert "evt_sbx_logged" in client.get(reverse("admin:payments_paymentevent_changelist")).content.decode()
    assert client.get(reverse("admin:payments_paymentevent_change", args=[event.pk])).status_code == 200
    found = client.get(reverse("admin:payments_paymentevent_changelist"), {"q": "evt_sbx_logged"})
    assert [e.pk for e in found.context["cl"].result_list] == [event.pk]

    client.force_login(member)
    assert client.get(reverse("admin:payments_paymentevent_changelist")).status_code == 403
    assert client.get(reverse("admin:payments_paymentevent_change", args=[event.pk])).status_code == 403


def test_a_purchase_is_refunded_from_its_own_record_not_from_the_payment(client, cashier):
    # the purpose's app (e.g. the service desk) must close its record and reverse commissions too
    payment = PaymentFactory(completed=True, purpose="test_purchase", reference="SR-000777")
    client.force_login(cashier)

    response = _run_action(client, "refund", payment)

    assert Payment.objects.get().status == "completed"
    assert any("refund it from that record" in m and "SR-000777" in m for m in _messages(response))
