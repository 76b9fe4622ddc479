from django.db.models import Count, F, Max, Q, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.accounts.roles import SEE_ALL_REQUESTS
from apps.core.scoping import ACCESS_ALL_VENDORS
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


# Every record that reaches a request: (its field, the request's field it holds).
REACHES_REQUEST = {
    "servicedesk.ServiceRequest": ("pk", "pk"),
    "payments.Payment": ("pk", "payment_id"),
    "payments.PaymentEvent": ("payment_id", "payment_id"),
    "notifications.EmailLog": ("related_reference", "reference"),
}


def requests_assigned_only(user) -> QuerySet[ServiceRequest] | None:
    """Providers (support staff: requests of every vendor, but not every request) work only the requests
    assigned to them; None for everybody else, whose vendor scope and permissions decide."""
    if (user.has_perm(ACCESS_ALL_VENDORS) and user.has_perm("servicedesk.view_servicerequest")
            and not user.has_perm(SEE_ALL_REQUESTS)):
        return ServiceRequest.objects.filter(provider=user)
    return None


def scope_to_assigned_requests(user, queryset: QuerySet) -> QuerySet:
    """A provider's view of any record in REACHES_REQUEST: only what belongs to their assigned requests."""
    requests = requests_assigned_only(user)
    if requests is None:
        return queryset
    field, request_field = REACHES_REQUEST[queryset.model._meta.label]
    return queryset.filter(**{f"{field}__in": requests.values(request_field)})


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
