"""Service-desk providers see only what belongs to the requests assigned to them: payments, their events,
e-mail logs; and nobody reads a bearer token (purchase or payment token) in the admin."""

import pytest
from django.urls import reverse

from apps.accounts.roles import Role
from apps.payments.models import PaymentEvent
from apps.servicedesk.models import ServiceRequest
from tests.factories import EmailLogFactory, UserFactory, service_request_for

Status = ServiceRequest.Status


@pytest.fixture
def provider_a(db):
    return UserFactory(email="provider.a@example.com", roles=[Role.SUPPORT])


@pytest.fixture
def provider_b(db):
    return UserFactory(email="provider.b@example.com", roles=[Role.SUPPORT])


@pytest.fixture
def request_a(vendor_a, provider_a):
    return service_request_for(vendor_a, provider=provider_a, status=Status.TEAM_ASSIGNED)


@pytest.fixture
def request_b(vendor_b, provider_b):
    req = service_request_for(vendor_b, provider=provider_b, status=Status.TEAM_ASSIGNED)
    req.payment.customer_email = "secret.b@example.com"
    req.payment.save(update_fields=["customer_email"])
    return req


def _event_for(payment, event_id):
    return PaymentEvent.objects.create(gateway="sandbox", event_id=event_id, payment=payment,
                                       event_type="payment.completed", payload={}, outcome="processed")


def test_provider_a_lists_only_the_payments_of_its_requests(client, provider_a, request_a, request_b):
    client.force_login(provider_a)
    listing = client.get(reverse("admin:payments_payment_changelist")).content.decode()
    assert request_a.payment.description in listing
    assert request_b.payment.description not in listing


@pytest.mark.parametrize("term", ["secret.b@example.com", "secret", "Payment"])
def test_provider_a_search_finds_none_of_bs_payments(client, provider_a, request_a, request_b, term):
    client.force_login(provider_a)
    listing = client.get(reverse("admin:payments_payment_changelist"), {"q": term}).content.decode()
    assert request_b.payment.description not in listing  # the term itself stays in the search box


@pytest.mark.parametrize("view", ["change", "history"])
def test_provider_a_cannot_open_bs_payment(client, provider_a, request_a, request_b, view):
    client.force_login(provider_a)
    response = client.get(reverse(f"admin:payments_payment_{view}", args=[request_b.payment.pk]), follow=True)
    body = response.content.decode()
    assert response.status_code in (403, 404) or response.redirect_chain
    assert "secret.b@example.com" not in body and str(request_b.purchase.token) not in body


def test_provider_a_sees_only_the_events_of_its_payments(client, provider_a, request_a, request_b):
    mine, theirs = _event_for(request_a.payment, "evt-mine"), _event_for(request_b.payment, "evt-theirs")
    client.force_login(provider_a)
    listing = client.get(reverse("admin:payments_paymentevent_changelist")).content.decode()
    assert "evt-mine" in listing and "evt-theirs" not in listing
    response = client.get(reverse("admin:payments_paymentevent_change", args=[theirs.pk]), follow=True)
    assert "evt-theirs" not in response.content.decode()
    assert client.get(reverse("admin:payments_paymentevent_change", args=[mine.pk])).status_code == 200


def test_provider_a_reads_only_the_email_logs_of_its_requests(client, provider_a, request_a, request_b):
    mine = EmailLogFactory(related_reference=request_a.reference, subject="About request A")
    theirs = EmailLogFactory(related_reference=request_b.reference, subject="About request B",
                             to="secret.b@example.com")
    unrelated = EmailLogFactory(subject="Reset your password", to="someone@example.com")
    client.force_login(provider_a)
    listing = client.get(reverse("admin:notifications_emaillog_changelist")).content.decode()
    assert "About request A" in listing
    assert "About request B" not in listing and "Reset your password" not in listing
    for log in (theirs, unrelated):
        response = client.get(reverse("admin:notifications_emaillog_change", args=[log.pk]), follow=True)
        assert log.subject not in response.content.decode()
        history = client.get(reverse("admin:notifications_emaillog_history", args=[log.pk]))
        assert history.status_code in (302, 403, 404) and log.subject not in history.content.decode()
    assert client.get(reverse("admin:notifications_emaillog_change", args=[mine.pk])).status_code == 200


def test_manager_still_sees_every_payment_and_email(client, manager, request_a, request_b):
    EmailLogFactory(related_reference=request_b.reference, subject="About request B")
    client.force_login(manager)
    listing = client.get(reverse("admin:payments_payment_changelist")).content.decode()
    assert request_a.payment.description in listing and request_b.payment.description in listing
    assert "About request B" in client.get(reverse("admin:notifications_emaillog_changelist")).content.decode()


def test_no_bearer_token_on_the_payment_or_request_pages(client, manager, request_a):
    payment = request_a.payment
    client.force_login(manager)
    pages = [reverse("admin:payments_payment_change", args=[payment.pk]),
             reverse("admin:payments_payment_changelist"),
             reverse("admin:servicedesk_servicerequest_change", args=[request_a.pk])]
    for url in pages:
        body = client.get(url).content.decode()
        assert str(request_a.purchase.token) not in body, url
        assert str(payment.token) not in body and payment.token.hex not in body, url
