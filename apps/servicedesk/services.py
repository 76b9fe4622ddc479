"""Every write of the service desk: purchases, requests created from payments, and status moves."""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.affiliates.services import commission_record, commission_reverse
from apps.core.exceptions import DomainError
from apps.notifications.services import email_queue
from apps.payments.services import payment_refund, payment_start
from apps.servicedesk.models import Purchase, ServiceRequest, StatusChange, new_reference
from apps.servicedesk.selectors import NEXT_STEP, provider_pick_for

Status = ServiceRequest.Status
PURPOSE = "service_purchase"

ALLOWED = {
    Status.PAYMENT_CONFIRMED: {Status.PENDING_CONTACT, Status.CANCELLED, Status.REFUNDED},
    Status.PENDING_CONTACT: {Status.TEAM_ASSIGNED, Status.CANCELLED, Status.REFUNDED},
    Status.TEAM_ASSIGNED: {Status.TEAM_ASSIGNED, Status.IN_PROGRESS, Status.CANCELLED, Status.REFUNDED},
    Status.IN_PROGRESS: {Status.COMPLETED, Status.CANCELLED, Status.REFUNDED},
    Status.COMPLETED: set(),
    Status.CANCELLED: set(),
    Status.REFUNDED: set(),
}


class ServiceRequestError(DomainError):
    pass


def purchase_create(*, service, tier, customer, full_name: str, email: str, phone: str, requirements: str,
                    affiliate_code: str = "") -> Purchase:
    """Record what the customer wants to buy, priced now from the tier or the service."""
    if tier is not None and tier.service_id != service.pk:
        raise ServiceRequestError(_("This tier does not belong to this service."))
    return Purchase.objects.create(
        service=service, tier=tier, customer=customer if customer and customer.is_authenticated else None,
        full_name=full_name, email=email.strip().lower(), phone=phone, requirements=requirements,
        amount=tier.price if tier else service.base_price, affiliate_code=affiliate_code or "",
    )


def purchase_pay(*, purchase: Purchase, gateway: str, request) -> str:
    """Start the payment and return where to send the customer."""
    build = request.build_absolute_uri
    _payment, next_url = payment_start(
        gateway=gateway, amount=purchase.amount, purpose=PURPOSE, reference=str(purchase.token),
        customer_email=purchase.email, description=str(purchase.tier or purchase.service),
        return_url=build(reverse("servicedesk:confirmation", args=[purchase.token])),
        retry_url=build(reverse("servicedesk:purchase", args=[purchase.service.slug]) + f"?retry={purchase.token}"),
        vendor=purchase.service.vendor, request=request,
    )
    return next_url


@transaction.atomic
def request_create_from_payment(*, payment) -> ServiceRequest:
    """Payment handler: turn the paid purchase into a routed request (once, whatever the replays)."""
    purchase = Purchase.objects.select_for_update().select_related("service__category").get(token=payment.reference)
    existing = ServiceRequest.objects.filter(purchase=purchase).first()
    if existing is not None:
        return existing
    req = _create_with_unique_reference(purchase, payment)
    _record(req, "", Status.PAYMENT_CONFIRMED, actor=None,
            note=_("Paid %(amount)s by %(gateway)s.") % {"amount": payment.amount, "gateway": payment.gateway})
    _move(req, Status.PENDING_CONTACT, actor=None, notify_customer=False)
    commission_record(affiliate_code=req.affiliate_code, reference=req.reference, base_amount=req.amount)
    email_queue(to=req.email, subject=_("Your request %(ref)s is confirmed") % {"ref": req.reference},
                template="servicedesk/email/confirmation", context=_email_context(req),
                kind="servicedesk.confirmation", dedupe_key=f"{req.reference}:confirmation",
                related_reference=req.reference)
    provider = provider_pick_for(category=purchase.service.category)
    if provider is not None:
        _assign(req, provider, actor=None, note=_("Routed automatically to the least busy provider."))
    return req


def _create_with_unique_reference(purchase: Purchase, payment) -> ServiceRequest:
    for _attempt in range(5):
        try:
            with transaction.atomic():
                return ServiceRequest.objects.create(
                    reference=new_reference(), purchase=purchase, payment=payment, vendor=purchase.service.vendor,
                    service=purchase.service, tier=purchase.tier, customer=purchase.customer,
                    full_name=purchase.full_name, email=purchase.email, phone=purchase.phone,
                    requirements=purchase.requirements, amount=purchase.amount,
                    affiliate_code=purchase.affiliate_code,
                )
        except IntegrityError:
            if ServiceRequest.objects.filter(purchase=purchase).exists():
                raise
    raise ServiceRequestError(_("Could not allocate a reference number; please try again."))


def _lock(request_id: int) -> ServiceRequest:
    return ServiceRequest.objects.select_for_update().get(pk=request_id)


def _check(req: ServiceRequest, to_status: str) -> None:
    if to_status not in ALLOWED[req.status]:
        raise ServiceRequestError(
            _("Request %(ref)s is %(status)s and cannot become %(to)s.")
            % {"ref": req.reference, "status": req.get_status_display().lower(), "to": Status(to_status).label.lower()}
        )


def _record(req, from_status, to_status, *, actor, note="") -> StatusChange:
    return StatusChange.objects.create(request=req, from_status=from_status, to_status=to_status, actor=actor,
                                       note=note)


def _move(req: ServiceRequest, to_status: str, *, actor, note: str = "", notify_customer: bool = True,
          extra_fields: tuple = ()) -> StatusChange:
    _check(req, to_status)
    from_status, req.status = req.status, to_status
    req._history_user = actor  # simple-history: the acting user, also when no HTTP request is around
    req.save(update_fields=["status", "updated_at", *extra_fields])
    change = _record(req, from_status, to_status, actor=actor, note=note)
    if notify_customer:
        email_queue(to=req.email,
                    subject=_("Request %(ref)s: %(status)s") % {"ref": req.reference, "status": req.get_status_display()},
                    template="servicedesk/email/status_changed", context={**_email_context(req), "change": change},
                    kind="servicedesk.status", dedupe_key=f"{req.reference}:status:{change.pk}",
                    related_reference=req.reference)
    return change


def _assign(req: ServiceRequest, provider, *, actor, note: str) -> None:
    req.provider, req.assigned_at = provider, timezone.now()
    change = _move(req, Status.TEAM_ASSIGNED, actor=actor, note=note or _("Assigned to %(who)s.") % {"who": provider},
                   extra_fields=("provider", "assigned_at"))
    email_queue(to=provider.email, subject=_("New service request %(ref)s") % {"ref": req.reference},
                template="servicedesk/email/provider_assigned", context=_email_context(req),
                kind="servicedesk.provider", dedupe_key=f"{req.reference}:provider:{change.pk}",
                related_reference=req.reference)


@transaction.atomic
def request_assign(*, request_id: int, provider, actor, note: str = "") -> ServiceRequest:
    """Give the request to a provider (or another one); it becomes team_assigned."""
    req = _lock(request_id)
    if req.status == Status.IN_PROGRESS:
        raise ServiceRequestError(_("Work has started on %(ref)s; cancel it instead of reassigning.") % {"ref": req.reference})
    if req.provider_id == provider.pk:
        raise ServiceRequestError(_("%(ref)s is already assigned to %(who)s.") % {"ref": req.reference, "who": provider})
    _assign(req, provider, actor=actor, note=note)
    return req


@transaction.atomic
def request_start(*, request_id: int, actor, note: str = "") -> ServiceRequest:
    req = _lock(request_id)
    _move(req, Status.IN_PROGRESS, actor=actor, note=note)
    return req


@transaction.atomic
def request_complete(*, request_id: int, actor, note: str = "") -> ServiceRequest:
    req = _lock(request_id)
    req.completed_at = timezone.now()
    _move(req, Status.COMPLETED, actor=actor, note=note, extra_fields=("completed_at",))
    return req


@transaction.atomic
def request_cancel(*, request_id: int, actor, note: str) -> ServiceRequest:
    if not note.strip():
        raise ServiceRequestError(_("Say why the request is cancelled."))
    req = _lock(request_id)
    _move(req, Status.CANCELLED, actor=actor, note=note)
    return req


@transaction.atomic
def request_refund(*, request_id: int, actor, note: str = "") -> ServiceRequest:
    """Refund through the payment's gateway, reverse the affiliate commission, close the request."""
    req = _lock(request_id)
    _check(req, Status.REFUNDED)
    payment_refund(payment_id=req.payment_id, actor=actor)
    commission_reverse(reference=req.reference, note=_("Request refunded."))
    _move(req, Status.REFUNDED, actor=actor, note=note)
    return req


def _email_context(req: ServiceRequest) -> dict:
    from apps.servicedesk.tracking import tracking_url

    return {"request": req, "next_step": NEXT_STEP[req.status], "tracking_url": tracking_url(req)}
