"""The buyer's return pages: ask for a return of an order, the list of returns, one return with its timeline."""

import mimetypes
import os

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from apps.core.exceptions import DomainError
from apps.core.files import private_file_response
from apps.orders.selectors import order_get_for_buyer
from apps.orders.views import REFERENCE_RE
from apps.returns.forms import ReturnRequestForm
from apps.returns.models import ReturnRequest
from apps.returns.selectors import (
    refund_next_step,
    return_get_for_buyer,
    return_list_for_buyer,
    return_refusal,
    return_timeline,
    return_window_end,
)
from apps.returns.services import return_request_create

RETURNS_PER_PAGE = 20


def _own_order_or_404(request, reference: str):
    order = order_get_for_buyer(buyer=request.user, reference=reference) if REFERENCE_RE.fullmatch(reference) else None
    if order is None:
        raise Http404
    return order


def _own_return_or_404(request, pk: int) -> ReturnRequest:
    return_request = return_get_for_buyer(buyer=request.user, pk=pk)
    if return_request is None:
        raise Http404
    return return_request


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
def return_create(request, reference):
    order = _own_order_or_404(request, reference)
    refusal = return_refusal(order, buyer=request.user)
    context = {"order": order, "refusal": refusal, "window_end": return_window_end(order)}
    if refusal:
        # After the window (or with a return already open) there is no form, and a POST changes nothing.
        return render(request, "returns/return_form.html", context, status=403 if request.method == "POST" else 200)
    form = ReturnRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if form.is_valid():
            try:
                return_request = return_request_create(
                    order_id=order.pk, buyer=request.user, reason=form.cleaned_data["reason"],
                    description=form.cleaned_data["description"], photo=form.cleaned_data["photo"])
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(request, _("Your return request was sent to %(vendor)s.")
                                 % {"vendor": order.vendor.name})
                return redirect("returns:return-detail", pk=return_request.pk)
        return render(request, "returns/return_form.html", {**context, "form": form}, status=400)
    return render(request, "returns/return_form.html", {**context, "form": form})


@login_required
@require_safe
def return_list(request):
    page = Paginator(return_list_for_buyer(buyer=request.user), RETURNS_PER_PAGE).get_page(request.GET.get("page"))
    template = "returns/partials/_return_list.html" if request.htmx else "returns/return_list.html"
    return render(request, template, {"page": page})


@login_required
@require_safe
def return_detail(request, pk):
    return_request = _own_return_or_404(request, pk)
    refund = getattr(return_request, "refund", None)
    return render(request, "returns/return_detail.html", {
        "return_request": return_request,
        "order": return_request.order,
        "timeline": return_timeline(return_request),
        "refund": refund,
        "refund_next_step": refund_next_step(refund) if refund else "",
    })


@login_required
@require_safe
def return_photo(request, pk):
    return photo_response(_own_return_or_404(request, pk))


def photo_response(return_request: ReturnRequest):
    """The return's photo, for whoever the caller has let see the return (its buyer, its seller)."""
    if not return_request.photo:
        raise Http404
    name = return_request.photo.name
    return private_file_response(return_request.photo, filename=f"return-{return_request.pk}{os.path.splitext(name)[1]}",
                                 content_type=mimetypes.guess_type(name)[0])
