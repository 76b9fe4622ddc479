from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone
from djmoney.money import Money

from apps.accounts.roles import Role
from apps.affiliates.models import Affiliate, Commission
from apps.core.exceptions import DomainError
from apps.payments.models import Payment
from apps.servicedesk import services
from apps.servicedesk.models import ServiceRequest
from apps.servicedesk.selectors import provider_pick_for
from tests.factories import UserFactory
from tests.servicedesk.conftest import bought_request

Status = ServiceRequest.Status
pytestmark = pytest.mark.django_db


def _providers(category, *names):
    people = [UserFactory(email=f"{name}@example.com", full_name=name, roles=[Role.SUPPORT]) for name in names]
    category.eligible_providers.add(*people)
    return people


def _give(req, provider, *, ago_minutes):
    ServiceRequest.objects.filter(pk=req.pk).update(
        provider=provider, status=Status.TEAM_ASSIGNED, assigned_at=timezone.now() - timedelta(minutes=ago_minutes))


def test_new_request_goes_to_the_least_loaded_eligible_provider(client, service, category):
    busy, free = _providers(category, "busy", "free")
    for minutes in (5, 10):
        _give(bought_request(client, service), busy, ago_minutes=minutes)
    req = bought_request(client, service)
    assert ServiceRequest.objects.get(pk=req.pk).provider == free
    assert ServiceRequest.objects.get(pk=req.pk).status == Status.TEAM_ASSIGNED


def test_ties_go_to_the_provider_idle_for_longest(client, service, category):
    recent, idle, never = _providers(category, "recent", "idle", "never")
    _give(bought_request(client, service), recent, ago_minutes=1)
    _give(bought_request(client, service), idle, ago_minutes=600)
    ServiceRequest.objects.update(status=Status.COMPLETED)  # nobody has open work now
    assert provider_pick_for(category=category) == never  # never assigned = idle the longest
    category.eligible_providers.remove(never)
    assert provider_pick_for(category=category) == idle


def test_closed_requests_do_not_count_as_load(client, service, category):
    first, second = _providers(category, "first", "second")
    _give(bought_request(client, service), first, ago_minutes=1)
    ServiceRequest.objects.filter(provider=first).update(status=Status.COMPLETED)
    _give(bought_request(client, service), second, ago_minutes=500)
    assert provider_pick_for(category=category) == first


def test_without_eligible_provider_the_request_waits_in_the_managers_queue(client, service):
    req = bought_request(client, service)
    assert req.provider is None and req.status == Status.PENDING_CONTACT


def test_every_status_change_is_in_timeline_and_history_with_actor_and_mails_the_customer(
    client, service, support, manager, django_capture_on_commit_callbacks
):
    req = bought_request(client, service)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.request_assign(request_id=req.pk, provider=support, actor=manager, note="Sia knows cars")
        services.request_start(request_id=req.pk, actor=support)
        services.request_complete(request_id=req.pk, actor=support, note="All good")
    req.refresh_from_db()
    steps = [(c.to_status, c.actor) for c in req.timeline.all()][2:]
    assert steps == [(Status.TEAM_ASSIGNED, manager), (Status.IN_PROGRESS, support), (Status.COMPLETED, support)]
    history = [(h.status, h.history_user) for h in req.history.order_by("history_date")][-3:]
    assert history == [(Status.TEAM_ASSIGNED, manager), (Status.IN_PROGRESS, support), (Status.COMPLETED, support)]
    to_customer = [m for m in mail.outbox if m.to == [req.email]]
    assert len(to_customer) == 3
    to_provider = [m for m in mail.outbox if m.to == [support.email]]
    assert len(to_provider) == 1 and req.phone in to_provider[0].body and req.requirements in to_provider[0].body


@pytest.mark.parametrize("verb", ["request_start", "request_complete"])
def test_transitions_outside_the_map_are_refused_with_a_clear_message(client, service, manager, verb):
    req = bought_request(client, service)  # pending contact
    if verb == "request_complete":
        with pytest.raises(DomainError, match="cannot become completed"):
            services.request_complete(request_id=req.pk, actor=manager)
    else:
        with pytest.raises(DomainError, match="cannot become in progress"):
            services.request_start(request_id=req.pk, actor=manager)
    assert ServiceRequest.objects.get(pk=req.pk).status == Status.PENDING_CONTACT


def test_cancel_needs_a_reason_and_closes_the_request(client, service, manager):
    req = bought_request(client, service)
    with pytest.raises(DomainError, match="why"):
        services.request_cancel(request_id=req.pk, actor=manager, note=" ")
    services.request_cancel(request_id=req.pk, actor=manager, note="Customer asked")
    with pytest.raises(DomainError):
        services.request_refund(request_id=req.pk, actor=manager)


def test_affiliate_code_survives_the_flow_and_commission_is_reversed_on_refund(client, service, manager):
    affiliate = Affiliate.objects.create(user=UserFactory(email="aff@example.com"), code="AMINATA",
                                         commission_rate="10.00")
    # a visit through the share link, then browsing, then buying
    client.get("/?ref=AMINATA")
    client.get("/services/")
    req = bought_request(client, service)
    assert req.affiliate_code == "AMINATA"
    commission = Commission.objects.get(affiliate=affiliate, reference=req.reference)
    assert commission.amount == Money(20000, "GNF") and commission.status == Commission.Status.PENDING
    services.request_refund(request_id=req.pk, actor=manager, note="Could not do it")
    commission.refresh_from_db()
    req.refresh_from_db()
    assert commission.status == Commission.Status.REVERSED
    assert req.status == Status.REFUNDED and req.payment.status == Payment.Status.REFUNDED
