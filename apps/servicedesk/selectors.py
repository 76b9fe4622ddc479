from django.db.models import Count, F, Max, Q
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.servicedesk.models import ServiceRequest

Status = ServiceRequest.Status

NEXT_STEP = {
    Status.PAYMENT_CONFIRMED: _("We are registering your request."),
    Status.PENDING_CONTACT: _("A member of our team will contact you within one business day."),
    Status.TEAM_ASSIGNED: _("Your provider will contact you shortly to plan the work."),
    Status.IN_PROGRESS: _("Your provider is working on it. You will get an e-mail as soon as it is done."),
    Status.COMPLETED: _("The work is done. Thank you for choosing Comptoir!"),
    Status.CANCELLED: _("This request was cancelled. Reply to our e-mail if you have a question."),
    Status.REFUNDED: _("Your payment was refunded. Depending on your bank it may take a few days to appear."),
}


def provider_pick_for(*, category) -> User | None:
    """The eligible provider with the fewest open requests; ties go to whoever waited longest."""
    categories = [category.pk] + ([category.parent_id] if category.parent_id else [])
    return (
        User.objects.filter(is_active=True, eligible_categories__in=categories)
        .distinct()
        .annotate(
            open_requests=Count("assigned_requests", filter=Q(assigned_requests__status__in=ServiceRequest.OPEN_STATUSES),
                                distinct=True),
            last_assigned=Max("assigned_requests__assigned_at"),
        )
        .order_by("open_requests", F("last_assigned").asc(nulls_first=True), "pk")
        .first()
    )


def request_find_for_tracking(*, reference: str, email: str) -> ServiceRequest | None:
    """The request only when both the reference and the purchase e-mail match."""
    return (
        ServiceRequest.objects.select_related("service", "tier", "vendor")
        .filter(reference=reference.strip().upper(), email__iexact=email.strip())
        .first()
    )


def request_timeline(request: ServiceRequest):
    return request.timeline.select_related("actor").order_by("created_at", "pk")
