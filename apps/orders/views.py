"""The buyer's order pages: list, detail with timeline, cancellation while placed, invoice PDF."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from apps.core.exceptions import DomainError
from apps.core.pdf import render_pdf
from apps.core.qr import qr_svg
from apps.orders.extensions import buyer_panels
from apps.orders.models import Order
from apps.orders.selectors import (
    order_get_for_buyer,
    order_lines,
    order_list_for_buyer,
    order_next_step,
    order_timeline,
    order_url,
    payment_method_label,
    payment_status_label,
)
from apps.orders.services import order_cancel as cancel_order

ORDERS_PER_PAGE = 20
# What a reference can look like (ORD-2026-7KQ2MX): anything else is not looked up at all, which also
# keeps characters PostgreSQL refuses in a query (NUL) out of it.
REFERENCE_RE = re.compile(r"[A-Z0-9-]{1,20}")
REVIEWABLE = {Order.Status.DELIVERED, Order.Status.COMPLETED}


class CancelForm(forms.Form):
    # One optional field: small enough to live with the only view that uses it.
    reason = forms.CharField(label=gettext_lazy("Why are you cancelling? (optional)"), required=False,
                             max_length=500, widget=forms.Textarea(attrs={"rows": 3}))


def _own_order_or_404(request, reference: str) -> Order:
    order = order_get_for_buyer(buyer=request.user, reference=reference) if REFERENCE_RE.fullmatch(reference) else None
    if order is None:
        raise Http404
    return order


@login_required
@require_safe
def order_list(request):
    page = Paginator(order_list_for_buyer(buyer=request.user), ORDERS_PER_PAGE).get_page(request.GET.get("page"))
    # htmx asks for the next page only: the list and its pager, not the whole page around them
    template = "orders/partials/_order_list.html" if request.htmx else "orders/order_list.html"
    return render(request, template, {"page": page})


def _detail_page(request, order: Order, *, cancel_form=None, status=200):
    return render(request, "orders/order_detail.html", {
        "order": order,
        "lines": order_lines(order),
        "timeline": order_timeline(order),
        "next_step": order_next_step(order),
        "payment_method": payment_method_label(order.payment_method),
        "payment_status": payment_status_label(order),
        "can_cancel": order.status == Order.Status.PLACED,
        "cancel_form": cancel_form or CancelForm(),
        "reviewable": order.status in REVIEWABLE,
        **{key: value for panel in buyer_panels() for key, value in panel.context(order).items()},
    }, status=status)


@login_required
@require_safe
@never_cache  # the buyer's address and order: no shared or browser cache keeps a copy
def order_detail(request, reference):
    order = _own_order_or_404(request, reference)
    for panel in buyer_panels():
        if request.htmx and request.htmx.target == panel.target:  # the panel's polls
            return panel.fragment(request, order)
    return _detail_page(request, order)


@login_required
@require_POST
def order_cancel(request, reference):
    order = _own_order_or_404(request, reference)
    form = CancelForm(request.POST)
    if not form.is_valid():
        return _detail_page(request, order, cancel_form=form, status=400)
    try:
        cancel_order(order_id=order.pk, actor=request.user, reason=form.cleaned_data["reason"], by_buyer=True)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Order %(ref)s is cancelled.") % {"ref": order.reference})
    return redirect("orders:order-detail", reference=order.reference)


def invoice_response(order: Order, *, delivery_link: str = "") -> HttpResponse:
    """The order's invoice as a PDF download; the buyer's page and the seller's admin both serve it.
    Only the buyer's copy carries the delivery QR code (delivery_link)."""
    url = order_url(order)
    pdf = render_pdf("pdf/order_invoice.html", {
        "order": order, "lines": order_lines(order), "payment_method": payment_method_label(order.payment_method),
        "payment_status": payment_status_label(order), "order_url": url, "qr_svg": qr_svg(url),
        "delivery_link": delivery_link, "delivery_qr_svg": qr_svg(delivery_link) if delivery_link else ""})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="invoice-{order.reference}.pdf"'
    return response


@login_required
@require_safe
@never_cache
def order_invoice(request, reference):
    order = _own_order_or_404(request, reference)
    links = (panel.invoice_link(order) for panel in buyer_panels())
    return invoice_response(order, delivery_link=next((link for link in links if link), ""))
