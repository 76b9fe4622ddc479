import re

import pytest
from django.core import mail
from djmoney.money import Money

from apps.payments.models import Payment
from apps.servicedesk.models import Purchase, ServiceRequest
from tests.servicedesk.conftest import PURCHASE, bought_request, buy, pay

Status = ServiceRequest.Status
pytestmark = pytest.mark.django_db


def test_purchase_page_offers_tiers_and_mobile_input_types(client, service, tier):
    body = client.get(f"/services/{service.slug}/buy/").content.decode()
    assert 'type="email"' in body and 'type="tel"' in body
    assert "Premium" in body and 'name="gateway"' in body
    assert 'id="pay-button"' in body and "disabled" in body.split('id="pay-button"')[1].split(">")[0]


def test_signed_in_customer_gets_details_filled_in(client, service):
    from tests.factories import UserFactory

    client.force_login(UserFactory(email="kadi@example.com", full_name="Kadi Touré", phone="+224 621 00 00 00"))
    body = client.get(f"/services/{service.slug}/buy/").content.decode()
    assert 'value="kadi@example.com"' in body and 'value="Kadi Touré"' in body


def test_inline_validation_reports_the_field_and_keeps_pay_disabled(client, service):
    response = client.post(f"/services/{service.slug}/buy/", {**PURCHASE, "email": "not-an-email", "_validate": "email"},
                           headers={"HX-Request": "true"})
    body = response.content.decode()
    assert 'id="error-email"' in body and "valid email" in body
    assert re.search(r'id="pay-button"[^>]*disabled', body)


def test_inline_validation_enables_pay_when_everything_is_valid(client, service):
    response = client.post(f"/services/{service.slug}/buy/", {**PURCHASE, "_validate": "phone"},
                           headers={"HX-Request": "true"})
    body = response.content.decode()
    assert not re.search(r'id="pay-button"[^>]*disabled', body)
    assert not Purchase.objects.exists()  # checking never writes


def test_bad_input_gives_messages_next_to_fields_and_writes_nothing(client, service, tier):
    response = client.post(f"/services/{service.slug}/buy/", {**PURCHASE, "phone": "abc", "email": "x", "tier": ""})
    body = response.content.decode()
    assert response.status_code == 200
    assert "at least 7 digits" in body and "valid email" in body and "This field is required" in body
    assert not Purchase.objects.exists() and not Payment.objects.exists()


def test_no_request_before_payment_then_one_request_after(client, service, tier):
    payment = buy(client, service, tier=tier.pk)
    assert payment.amount == Money(450000, "GNF") and payment.status == Payment.Status.PENDING
    assert not ServiceRequest.objects.exists()
    assert pay(client, payment).status_code == 200
    req = ServiceRequest.objects.get()
    assert re.fullmatch(r"SR-\d{4}-[2-9A-HJKMNP-Z]{6}", req.reference)
    assert req.tier == tier and req.amount == Money(450000, "GNF") and req.email == "mariam@example.com"
    assert [c.to_status for c in req.timeline.all()] == [Status.PAYMENT_CONFIRMED, Status.PENDING_CONTACT]


def test_confirmation_page_shows_reference_amount_next_step_and_receipt(client, service):
    req = bought_request(client, service)
    body = client.get(f"/purchase/{req.purchase.token}/done/").content.decode()
    assert req.reference in body and "200" in body and "Full car check" in body
    assert "contact you" in body and f"/purchase/{req.purchase.token}/receipt.pdf" in body


def test_payment_return_page_sends_the_customer_to_the_confirmation(client, service):
    req = bought_request(client, service)
    response = client.get(f"/payments/{req.payment.token}/return/")
    assert response.status_code == 302 and response["Location"].endswith(f"/purchase/{req.purchase.token}/done/")


def test_declined_payment_leaves_no_request_and_retry_succeeds(client, service):
    first = buy(client, service)
    pay(client, first, succeeded=False)
    assert not ServiceRequest.objects.exists()
    page = client.get(f"/payments/{first.token}/return/").content.decode()
    assert "declined" in page.lower() and first.retry_url.split("testserver")[-1] in page
    retry = client.get(first.retry_url.split("testserver")[-1]).content.decode()
    assert 'value="Mariam Sylla"' in retry and "did not go through" in retry
    second = buy(client, service)
    pay(client, second)
    assert ServiceRequest.objects.get().payment == second


def test_replayed_payment_event_creates_one_request_and_one_confirmation_email(
    client, service, django_capture_on_commit_callbacks
):
    from tests.payments.webhooks import post_sandbox, sandbox_body

    payment = buy(client, service)
    body = sandbox_body(payment)
    with django_capture_on_commit_callbacks(execute=True):
        assert [post_sandbox(client, body).status_code for _ in range(3)] == [200, 200, 200]
    assert ServiceRequest.objects.count() == 1
    confirmations = [m for m in mail.outbox if "is confirmed" in m.subject]
    assert len(confirmations) == 1 and confirmations[0].to == ["mariam@example.com"]


def test_my_requests_lists_only_my_requests_with_receipts(client, service):
    from tests.factories import UserFactory

    me, other = UserFactory(email="me@example.com"), UserFactory(email="other@example.com")
    client.force_login(me)
    mine = bought_request(client, service, email=me.email)
    client.force_login(other)
    theirs = bought_request(client, service, email=other.email)
    client.force_login(me)
    body = client.get("/account/requests/").content.decode()
    assert mine.reference in body and theirs.reference not in body
    assert client.get(f"/account/requests/{mine.reference}/receipt.pdf").status_code == 200
    assert client.get(f"/account/requests/{theirs.reference}/receipt.pdf").status_code == 404


def test_confirmation_before_the_payment_is_confirmed_waits_on_the_payment_page(client, service):
    payment = buy(client, service)
    bought = Purchase.objects.get()
    response = client.get(f"/purchase/{bought.token}/done/")
    assert response.status_code == 302 and response["Location"] == f"/payments/{payment.token}/return/"


def test_without_any_payment_method_the_page_says_so_and_nothing_can_be_paid(client, service, settings):
    settings.PAYMENT_GATEWAYS = []
    body = client.get(f"/services/{service.slug}/buy/").content.decode()
    assert "Payments are not available at the moment" in body
    response = client.post(f"/services/{service.slug}/buy/", {**PURCHASE, "gateway": "sandbox"})
    assert response.status_code == 200 and not Purchase.objects.exists()
