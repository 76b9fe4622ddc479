"""Couriers' pages, made for a phone: profile, open jobs (refreshing themselves), deliveries, earnings, ratings.

Plus the one buyer-side form: rating the courier who delivered an order.
"""

from functools import wraps

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe
from django_htmx.http import HttpResponseStopPolling

from apps.core.exceptions import DomainError
from apps.delivery import selectors, services
from apps.delivery.forms import CourierProfileForm, CourierRatingForm
from apps.delivery.models import CourierProfile, Delivery
from apps.orders.selectors import order_get_for_buyer
from apps.orders.views import REFERENCE_RE

PER_PAGE = 20
POLL_SECONDS = 10


def courier_required(view):
    """Signed-in couriers only: anyone else signed in gets 403. The view receives the courier's profile."""

    @login_required
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not services.is_courier_once(request.user):
            raise PermissionDenied
        profile = services.courier_profile_for(user=request.user)
        return view(request, profile, *args, **kwargs)

    return wrapper


def _page(request, queryset):
    return Paginator(queryset, PER_PAGE).get_page(request.GET.get("page"))


def _fragment_only(request) -> bool:
    # htmx asks for the list alone; a history restore needs the whole page back
    return bool(request.htmx) and not request.htmx.history_restore_request


@require_safe
@courier_required
def courier_home(request, profile):
    return redirect("delivery:courier-jobs" if profile.phone else "delivery:courier-profile")


@require_http_methods(["GET", "HEAD", "POST"])
@courier_required
def courier_profile(request, profile):
    form = CourierProfileForm(request.POST or None, instance=profile)
    if request.method == "POST":
        if form.is_valid():
            services.courier_profile_update(profile=profile, actor=request.user,
                                            **{name: form.cleaned_data[name] for name in form.changed_data})
            messages.success(request, _("Your profile is saved."))
            return redirect("delivery:courier-profile")
        return render(request, "delivery/courier/profile.html", {"form": form, "profile": profile}, status=400)
    return render(request, "delivery/courier/profile.html", {"form": form, "profile": profile})


@require_safe
@courier_required
def job_list(request, profile):
    base = selectors.courier_base(profile)
    page = _page(request, selectors.open_jobs(base=base))
    page.object_list = selectors.with_distance_from(page.object_list, base)
    available = profile.availability == CourierProfile.Availability.AVAILABLE
    context = {"page": page, "profile": profile, "has_base": base is not None, "polling": available,
               "poll_seconds": POLL_SECONDS}
    if _fragment_only(request):
        response = render(request, "delivery/courier/partials/_job_list.html", context)
        if not available:
            # gone offline in another tab: this refresh is the last one
            return HttpResponseStopPolling(response.content)
        return response
    return render(request, "delivery/courier/jobs.html", context)


@require_POST
@courier_required
def job_accept(request, profile, delivery_id):
    get_object_or_404(Delivery.objects.only("pk"), pk=delivery_id, mode=Delivery.Mode.MARKETPLACE)
    try:
        delivery = services.delivery_accept(delivery_id=delivery_id, courier=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("delivery:courier-jobs")
    messages.success(request, _("The job is yours: collect order %(ref)s at %(vendor)s.")
                     % {"ref": delivery.order.reference, "vendor": delivery.order.vendor.name})
    return redirect("delivery:courier-deliveries")


@require_safe
@courier_required
def delivery_list(request, profile):
    page = _page(request, selectors.active_deliveries(courier=request.user))
    return render(request, "delivery/courier/deliveries.html", {"page": page, "profile": profile})


@require_POST
@courier_required
def delivery_picked_up(request, profile, delivery_id):
    delivery = selectors.delivery_for_courier(courier=request.user, delivery_id=delivery_id)
    if delivery is None:
        raise Http404
    try:
        services.delivery_mark_picked_up(delivery_id=delivery.pk, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Order %(ref)s is on its way. At the door, open the buyer's QR code.")
                         % {"ref": delivery.order.reference})
    return redirect("delivery:courier-deliveries")


@require_safe
@courier_required
def earnings(request, profile):
    page = _page(request, selectors.earnings_for(courier=request.user))
    if _fragment_only(request):
        return render(request, "delivery/courier/partials/_earnings.html", {"page": page})
    return render(request, "delivery/courier/earnings.html", {
        "page": page, "profile": profile, "total": selectors.earnings_total(courier=request.user)})


@require_safe
@courier_required
def ratings(request, profile):
    page = _page(request, selectors.ratings_for(courier=request.user))
    return render(request, "delivery/courier/ratings.html", {
        "page": page, "profile": profile, "summary": selectors.rating_summary(courier=request.user)})


# --- the buyer rates the courier


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def rating_create(request, reference):
    order = order_get_for_buyer(buyer=request.user, reference=reference) if REFERENCE_RE.fullmatch(reference) else None
    if order is None:
        raise Http404  # someone else's order does not exist for this person
    state = selectors.rating_state(order=order, user=request.user)
    if state is None or state["rating"] is not None:
        messages.info(request, _("There is no delivery to rate on order %(ref)s.") % {"ref": order.reference}
                      if state is None else _("You have already rated this delivery. Thank you!"))
        return redirect("orders:order-detail", reference=order.reference)
    form = CourierRatingForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.courier_rating_create(order_id=order.pk, buyer=request.user, stars=form.cleaned_data["stars"],
                                           comment=form.cleaned_data["comment"])
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("Thank you: your rating was sent to the courier."))
        return redirect("orders:order-detail", reference=order.reference)
    status = 400 if request.method == "POST" else 200
    return render(request, "delivery/courier/rate.html", {"order": order, "form": form, **state}, status=status)
