"""Customer pages: the sandbox pay page, the return page and its polling fragment, bank-transfer instructions."""

import pytest
from django.urls import reverse

from apps.payments.models import Payment
from tests.factories import PaymentFactory, VendorFactory
from tests.payments.webhooks import post_sandbox, sandbox_body

pytestmark = pytest.mark.django_db

HTMX = {"HX-Request": "true"}


def _return_url(payment):
    return reverse("payments:return", args=[payment.token])


def test_the_sandbox_page_shows_what_is_paid_and_two_choices(client):
    payment = PaymentFactory(description="Plumbing repair", vendor=VendorFactory(name="Fix-It"))

    body = client.get(reverse("payments:sandbox-page", args=[payment.token])).content.decode()

    assert "Plumbing repair" in body and "Fix-It" in body and "150,000" in body
    assert 'name="decision" value="pay"' in body and 'name="decision" value="decline"' in body
    assert "no real money moves" in body


def test_paying_on_the_sandbox_page_delivers_a_signed_webhook_and_completes(
        client, webhook_transport, handled, django_capture_on_commit_callbacks):
    payment = PaymentFactory()

    # the delivery is queued on commit; the view runs in autocommit, so at once (the test's
    # transaction holds it back, hence the capture)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("payments:sandbox-page", args=[payment.token]), {"decision": "pay"})

    assert response.status_code == 302 and response.url == _return_url(payment)
    assert [r.status_code for r in webhook_transport] == [200]
    payment.refresh_from_db()
    assert payment.status == Payment.Status.COMPLETED
    assert handled == [payment.pk]
    # the return page now sends the customer on to the caller's page
    assert client.get(_return_url(payment)).url == "/paid/"


def test_declining_shows_the_message_and_a_way_to_try_again(client, webhook_transport, django_capture_on_commit_callbacks):
    payment = PaymentFactory(retry_url="/services/plumbing/buy/")

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("payments:sandbox-page", args=[payment.token]), {"decision": "decline"})
    response = client.get(_return_url(payment))

    payment.refresh_from_db()
    assert payment.status == Payment.Status.FAILED
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your payment was declined" in body
    assert 'href="/services/plumbing/buy/"' in body and "Try again" in body
    assert "hx-trigger" not in body


def test_the_sandbox_page_refuses_an_unknown_decision(client, webhook_transport):
    payment = PaymentFactory()

    response = client.post(reverse("payments:sandbox-page", args=[payment.token]), {"decision": "maybe"})

    assert response.status_code == 400
    assert "Choose Pay or Decline." in response.content.decode()
    assert webhook_transport == []


def test_the_sandbox_page_of_a_settled_payment_goes_to_the_return_page(client):
    payment = PaymentFactory(status=Payment.Status.FAILED)

    response = client.get(reverse("payments:sandbox-page", args=[payment.token]))

    assert response.url == _return_url(payment)


def test_the_sandbox_page_is_gone_when_the_sandbox_is_disabled(client, settings):
    settings.PAYMENT_GATEWAYS = ["bank_transfer"]
    payment = PaymentFactory()

    assert client.get(reverse("payments:sandbox-page", args=[payment.token])).status_code == 404


def test_the_sandbox_page_serves_only_sandbox_payments(client):
    payment = PaymentFactory(gateway="stripe")

    assert client.get(reverse("payments:sandbox-page", args=[payment.token])).status_code == 404


def test_a_pending_return_page_polls_every_two_seconds_and_offers_a_plain_link(client):
    payment = PaymentFactory()

    body = client.get(_return_url(payment)).content.decode()

    assert 'hx-trigger="every 2s"' in body
    assert f'hx-get="{_return_url(payment)}"' in body
    assert f'<a href="{_return_url(payment)}">Check again</a>' in body
    assert "<html" in body


def test_the_polling_fragment_answers_no_content_while_pending(client):
    payment = PaymentFactory()

    response = client.get(_return_url(payment), headers=HTMX)

    assert response.status_code == 204 and response.content == b""


def test_the_polling_fragment_redirects_once_completed(client):
    payment = PaymentFactory()
    post_sandbox(client, sandbox_body(payment))

    response = client.get(_return_url(payment), headers=HTMX)

    assert response["HX-Redirect"] == "/paid/"


def test_the_polling_fragment_stops_polling_with_the_decline_message(client):
    payment = PaymentFactory(retry_url="/again/")
    post_sandbox(client, sandbox_body(payment, event_type="payment.failed"))

    response = client.get(_return_url(payment), headers=HTMX)

    assert response.status_code == 286  # htmx: stop polling, swap this in
    body = response.content.decode()
    assert "Your payment was declined" in body and 'href="/again/"' in body
    assert "<html" not in body and "hx-trigger" not in body


def test_a_refunded_payment_says_so(client):
    payment = PaymentFactory(refunded=True)

    assert "This payment was refunded" in client.get(_return_url(payment)).content.decode()


def test_an_unknown_payment_has_no_return_page(client):
    assert client.get(reverse("payments:return", args=["00000000-0000-4000-8000-000000000000"])).status_code == 404


def test_the_bank_transfer_page_gives_the_details_and_the_reference(client, settings):
    settings.PAYMENT_BANK_DETAILS = {"bank_name": "Banque Test", "account_name": "Comptoir SARL",
                                     "account_number": "GN12 3456", "bic": "TESTGNGN"}
    payment = PaymentFactory(gateway="bank_transfer", provider_reference="CPT-ABCDEF1234")

    body = client.get(reverse("payments:bank-transfer", args=[payment.token])).content.decode()

    for text in ("Banque Test", "GN12 3456", "TESTGNGN", "CPT-ABCDEF1234", "150,000"):
        assert text in body
    assert _return_url(payment) in body


def test_a_pending_bank_transfer_return_page_does_not_poll(client):
    payment = PaymentFactory(gateway="bank_transfer")

    body = client.get(_return_url(payment)).content.decode()

    assert "waiting for your transfer" in body
    assert "hx-trigger" not in body
    assert reverse("payments:bank-transfer", args=[payment.token]) in body
