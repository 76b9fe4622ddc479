"""Handover pages: the deliverer's (opened by the buyer's QR code, or a typed code) and the buyer's side of
it on their order page (the QR, confirming, paying at the door, a new code)."""

import re

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST
from django_htmx.http import HttpResponseStopPolling

from apps.core.exceptions import DomainError
from apps.core.qr import qr_svg
from apps.core.ratelimit import client_ip, hit
from apps.core.templatetags.money import price
from apps.delivery.handover import (
    Handover,
    handover_check_pin,
    handover_choose_online,
    handover_code_renew,
    handover_confirm_by_buyer,
    handover_confirm_by_deliverer,
    handover_for_buyer,
    handover_for_deliverer,
    handover_payment_start,
    handover_url,
    online_gateways,
)
from apps.orders.extensions import BuyerPanel
from apps.orders.models import Order
from apps.orders.selectors import order_get_for_buyer, order_lines

# The id of the buyer's panel on the order page: its polls ask the order page for this fragment.
BUYER_PANEL_ID = "order-handover"
# Codes that open nothing, per account and per network address: 20 in 10 minutes, then 429.
LOOKUP_LIMIT, LOOKUP_WINDOW_SECONDS = 20, 600
TOKEN_RE = re.compile(r"[A-Za-z0-9_-]{20,64}")


class CodeForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Delivery code"), max_length=300,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}))

    def clean_code(self):
        value = self.cleaned_data["code"]
        if "/deliver/" in value:  # a pasted link works as well as the code
            value = value.split("/deliver/", 1)[1]
        value = "".join(value.split()).strip("/")  # the buyer's page shows the code in groups of four
        if not TOKEN_RE.fullmatch(value):
            raise ValidationError(_("A delivery code has 43 letters, digits, dashes and underscores. Check it "
                                    "with the buyer."))
        return value


class PinForm(forms.Form):
    pin = forms.RegexField(
        regex=r"^\d{4}$", label=gettext_lazy("The buyer's PIN"),
        error_messages={"required": gettext_lazy("Type the 4 digits the buyer reads out."),
                        "invalid": gettext_lazy("The PIN is 4 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "4",
                                      "pattern": r"\d{4}"}))


class PayForm(forms.Form):
    gateway = forms.ChoiceField(label=gettext_lazy("Pay with"), widget=forms.RadioSelect,
                                error_messages={"required": gettext_lazy("Choose how to pay."),
                                                "invalid_choice": gettext_lazy("Choose how to pay.")})

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["gateway"].choices = online_gateways()
        if self.fields["gateway"].choices:
            self.fields["gateway"].initial = self.fields["gateway"].choices[0][0]


def _poll_response(request, handover: Handover | None, template: str, context: dict) -> HttpResponse:
    """A poll that already shows the current state gets 204 (no swap: a PIN being typed stays); a change
    swaps the panel, and the change that ends the waiting also ends the polling."""
    if handover is None or request.GET.get("state") == handover.state_key:
        return HttpResponse(status=204)
    html = render_to_string(template, context, request)
    return HttpResponse(html) if handover.polling else HttpResponseStopPolling(html)


# --- The deliverer


def _enter_page(request, form=None, *, error: str = "", status: int = 200):
    return render(request, "delivery/handover/enter.html", {"form": form or CodeForm(), "error": error},
                  status=status)


def _not_found(request, form=None):
    """One answer for an unknown code and for someone else's delivery, so nobody learns which codes exist.
    Such lookups are counted; the deliverer's own handover never is, however often its page polls."""
    within = [hit(key=f"handover:user:{request.user.pk}", limit=LOOKUP_LIMIT, window_seconds=LOOKUP_WINDOW_SECONDS),
              hit(key=f"handover:ip:{client_ip(request)}", limit=LOOKUP_LIMIT, window_seconds=LOOKUP_WINDOW_SECONDS)]
    if all(within):
        error, status = _("No delivery of yours matches this code. Check the code with the buyer, and that you "
                          "are signed in with the account the delivery is assigned to."), 404
    else:
        error, status = _("Too many codes that match none of your deliveries. Wait 10 minutes, then try again."), 429
    if form is not None:
        form.add_error("code", error)
        error = ""
    return _enter_page(request, form, error=error, status=status)


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def handover_enter(request):
    """For a phone without a camera: the code typed (or the link pasted) opens the handover page."""
    if request.method == "GET":
        return _enter_page(request)
    form = CodeForm(request.POST)
    if not form.is_valid():
        return _enter_page(request, form, status=400)
    if handover_for_deliverer(token=form.cleaned_data["code"], user=request.user) is None:
        return _not_found(request, form)
    return redirect("delivery:handover", token=form.cleaned_data["code"])


def _handover_page(request, handover: Handover, *, pin_form=None, error: str = "", status: int | None = None):
    context = {"handover": handover, "order": handover.order, "lines": order_lines(handover.order),
               "pin_form": pin_form or PinForm(), "error": error, "online_available": bool(online_gateways())}
    if request.htmx and request.method == "GET":
        return _poll_response(request, handover, "delivery/handover/_deliverer_panel.html", context)
    if status is None:
        status = 410 if handover.state == "closed" and handover.expired else 200
    return render(request, "delivery/handover/handover.html", context, status=status)


def _deliverer_success(handover: Handover, action: str) -> str:
    due = handover.amount_due
    if action == "online":
        return _("The buyer can now pay %(amount)s on their order page.") % {"amount": price(due)}
    if action == "pin":
        return _("PIN correct: the order is delivered.")
    if due.amount:
        return _("Cash confirmed. Now the buyer confirms on their phone, or you type the PIN they read out.")
    return _("Handover confirmed. Now the buyer confirms on their phone, or you type the PIN they read out.")


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def handover(request, token):
    """The page the buyer's QR code opens: for the order's deliverer only; 404 for anyone else."""
    found = handover_for_deliverer(token=token, user=request.user)
    if found is None:
        return _not_found(request)
    if request.method == "GET":
        return _handover_page(request, found)

    action, pin_form = request.POST.get("action"), None
    try:
        if action == "pin":
            pin_form = PinForm(request.POST)
            if not pin_form.is_valid():
                return _handover_page(request, found, pin_form=pin_form, status=400)
            handover_check_pin(code_id=found.code.pk, pin=pin_form.cleaned_data["pin"], actor=request.user)
        elif action == "confirm":
            handover_confirm_by_deliverer(code_id=found.code.pk, actor=request.user)
        elif action == "online":
            handover_choose_online(code_id=found.code.pk, actor=request.user)
        else:
            return _handover_page(request, found, error=_("Choose one of the buttons below."), status=400)
    except DomainError as refusal:
        # Read again: the refusal may come with a change (one more wrong PIN, the buyer just confirmed).
        fresh = handover_for_deliverer(token=token, user=request.user) or found
        if pin_form is not None and fresh.state == "awaiting_buyer" and not fresh.pin_locked:
            pin_form.add_error("pin", str(refusal))
            return _handover_page(request, fresh, pin_form=pin_form, status=400)
        return _handover_page(request, fresh, error=str(refusal), status=400)
    messages.success(request, _deliverer_success(found, action))
    return redirect("delivery:handover", token=token)


# --- The buyer, on their order page


def _token_in_groups(token: str) -> str:
    return " ".join(token[i:i + 4] for i in range(0, len(token), 4))


def buyer_handover_context(order: Order) -> dict:
    """What the buyer's order page shows of the handover: nothing for an order collected at the store."""
    if order.delivery_mode != Order.DeliveryMode.HOME or order.status == Order.Status.CANCELLED:
        return {}
    handover = handover_for_buyer(order=order)
    context = {"handover": handover, "handover_panel_id": BUYER_PANEL_ID, "order": order}
    if handover is not None and handover.qr_live:
        link = handover_url(handover.code)
        context.update(handover_qr=qr_svg(link), handover_code=_token_in_groups(handover.code.token),
                       pay_form=PayForm())
    return context


def buyer_handover_fragment(request, order: Order) -> HttpResponse:
    """The buyer's panel alone, for its polls (the order page hands them over: see BUYER_PANEL)."""
    context = buyer_handover_context(order)
    return _poll_response(request, context.get("handover"), "delivery/handover/_buyer_panel.html", context)


def buyer_invoice_link(order: Order) -> str:
    """The handover link for the buyer's own invoice ("" when there is none to show). Never on the seller's
    copy: a printout packed with the parcel would let anyone holding it open the handover."""
    handover = handover_for_buyer(order=order) if order.delivery_mode == Order.DeliveryMode.HOME else None
    return handover_url(handover.code) if handover is not None and handover.qr_live else ""


# The handover on the buyer's order page (registered with orders in apps.delivery.apps).
BUYER_PANEL = BuyerPanel(target=BUYER_PANEL_ID, context=buyer_handover_context, fragment=buyer_handover_fragment,
                         invoice_link=buyer_invoice_link)


def _buyer_order_or_404(request, reference: str) -> Order:
    # the URL's slug converter keeps anything but letters, digits, - and _ out of the query
    order = order_get_for_buyer(buyer=request.user, reference=reference)
    if order is None:
        raise Http404
    return order


def _buyer_step(request, reference: str, step, success: str):
    order = _buyer_order_or_404(request, reference)
    try:
        step(order_id=order.pk, actor=request.user)
    except DomainError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, success % {"ref": order.reference})
    return redirect("orders:order-detail", reference=order.reference)


@login_required
@require_POST
def buyer_confirm(request, reference):
    return _buyer_step(request, reference, handover_confirm_by_buyer,
                       _("Thank you! Order %(ref)s is delivered."))


@login_required
@require_POST
def buyer_renew(request, reference):
    return _buyer_step(request, reference, handover_code_renew,
                       _("Here is your new delivery code for %(ref)s. The old one no longer works."))


@login_required
@require_POST
def buyer_pay(request, reference):
    order = _buyer_order_or_404(request, reference)
    form = PayForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["gateway"][0])
        return redirect("orders:order-detail", reference=order.reference)
    try:
        return redirect(handover_payment_start(order_id=order.pk, actor=request.user,
                                               gateway=form.cleaned_data["gateway"], request=request))
    except DomainError as refusal:
        messages.error(request, str(refusal))
        return redirect("orders:order-detail", reference=order.reference)
