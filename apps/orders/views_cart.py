from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from apps.geo.forms import AddressForm
from apps.loyalty.services import LoyaltyError, loyalty_balance, loyalty_points_value
from apps.orders.cart import (
    CartError,
    cart_add as cart_add_line,
    cart_for_request,
    cart_quantity,
    cart_remember,
    cart_set_quantity,
    cart_summary,
)
from apps.orders.checkout import CheckoutError, checkout_pay, checkout_place, checkout_preview
from apps.orders.forms import CartAddForm, CartQuantityForm, CheckoutForm
from apps.orders.models import Checkout, Order
from apps.payments.exceptions import PaymentError
from apps.payments.gateways import gateway_choices
from apps.promotions.services import PromoError


def _fragment(request) -> bool:
    # a boosted link wants the whole page; an hx-post from the page wants the fragment
    return bool(request.htmx) and not request.htmx.boosted


@require_GET
def cart(request):
    template = "orders/partials/_cart.html" if _fragment(request) else "orders/cart.html"
    return render(request, template, {"summary": cart_summary(cart_for_request(request))})


def _safe_next(request, url: str) -> str:
    # a path on this site only: redirect() would take anything else for a URL name and fail
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts={request.get_host()},
                                               require_https=request.is_secure()):
        return url
    return reverse("orders:cart")


@require_POST
def cart_add(request, product_id):
    form = CartAddForm(request.POST)
    notice = error = ""
    if form.is_valid():
        try:
            item, notice = cart_add_line(cart=cart_for_request(request, create=True), product_id=product_id,
                                         quantity=form.cleaned_data["quantity"])
            cart_remember(request, item.cart)
        except CartError as refusal:
            error = str(refusal)
    else:
        error = form.errors.get("quantity", [_("Choose a quantity.")])[0]
    if _fragment(request):
        return render(request, "orders/partials/_cart_added.html",
                      {"error": error, "notice": notice, "count": cart_quantity(request)})
    if error:
        messages.error(request, error)
    else:
        messages.success(request, notice or _("Added to your cart."))
    return redirect(_safe_next(request, form.data.get("next", "")))


@require_POST
def cart_update(request, item_id):
    cart = cart_for_request(request)
    form = CartQuantityForm(request.POST)
    notice = error = ""
    if cart is None:
        error = _("This item is no longer in your cart.")
    elif not form.is_valid():
        error = form.errors["quantity"][0]
    else:
        try:
            _item, notice = cart_set_quantity(cart=cart, item_id=item_id, quantity=form.cleaned_data["quantity"])
        except CartError as refusal:
            error = str(refusal)
    if _fragment(request):
        return render(request, "orders/partials/_cart.html", {
            "summary": cart_summary(cart), "notice": notice, "error": error, "message_item": item_id})
    if error:
        messages.error(request, error)
    elif notice:
        messages.info(request, notice)
    return redirect("orders:cart")


def _preview(form: CheckoutForm, *, buyer, lines):
    """Price the checkout with the promo code and points asked for; each one refused gets its message next
    to its field and the summary is priced without it."""
    promo_code = form.cleaned_data.get("promo_code", "")
    points = form.cleaned_data.get("points", 0)
    while True:
        try:
            return checkout_preview(buyer=buyer, lines=lines, promo_code=promo_code, points=points)
        except PromoError as refusal:
            form.add_error("promo_code", str(refusal))
            promo_code = ""
        except LoyaltyError as refusal:
            form.add_error("points", str(refusal))
            points = 0


def _place(request, form: CheckoutForm, cart):
    """Place the checkout and answer with where to go next, or None with the reason added to the form."""
    data = form.cleaned_data
    try:
        placed = checkout_place(
            buyer=request.user, cart=cart, delivery_mode=data["delivery_mode"], address=data["delivery_address"],
            payment_method=data["payment_method"], commission_payer=data["commission_payer"],
            promo_code=data["promo_code"], points=data["points"], item_ids=data["items"])
    except PromoError as refusal:
        form.add_error("promo_code", str(refusal))
        return None
    except LoyaltyError as refusal:
        form.add_error("points", str(refusal))
        return None
    except CheckoutError as refusal:
        form.add_error(None, str(refusal))
        return None
    try:
        return redirect(checkout_pay(checkout=placed, request=request))
    except PaymentError as refusal:
        messages.error(request, _("The payment could not be started: %(reason)s Nothing was charged and your "
                                  "items are back in your cart.") % {"reason": refusal})
        return redirect("orders:checkout")


@login_required
@require_http_methods(["GET", "POST"])
def checkout(request):
    prefectures_url = reverse("orders:checkout")
    if request.htmx and request.htmx.trigger_name == "address-region":
        # the region select asks for its prefectures (see AddressForm)
        region = request.GET.get("address-region", "")
        return HttpResponse(AddressForm(prefix="address", initial={"region": region}).prefecture_select())
    cart = cart_for_request(request)
    summary = cart_summary(cart)
    lines = summary.orderable_lines
    if not lines:
        messages.info(request, _("Your cart has nothing that can be ordered yet."))
        return redirect("orders:cart")
    placing = request.POST.get("action") != "apply"
    form = CheckoutForm(request.POST or None, buyer=request.user, item_ids=[line.item.pk for line in lines],
                        gateways=gateway_choices(), placing=placing, prefectures_url=prefectures_url)
    if form.is_bound:
        form.is_valid()
        preview = _preview(form, buyer=request.user, lines=lines)
        if placing and form.is_valid() and (response := _place(request, form, cart)):
            return response
    else:
        preview = checkout_preview(buyer=request.user, lines=lines)
    balance = loyalty_balance(user=request.user)
    context = {"form": form, "summary": summary, "preview": preview, "balance": balance,
               "balance_value": loyalty_points_value(points=balance) if balance else None}
    if _fragment(request) and not placing:
        return render(request, "orders/partials/_checkout_discounts.html", context)
    return render(request, "orders/checkout.html", context)


@login_required
@require_GET
def checkout_done(request, reference):
    placed = get_object_or_404(Checkout.objects.select_related("payment"), reference=reference, buyer=request.user)
    orders = placed.orders.select_related("vendor").prefetch_related("items").order_by("vendor__name", "pk")
    return render(request, "orders/checkout_done.html", {
        "checkout": placed, "orders": orders,
        "awaiting_payment": any(order.payment_status == Order.PaymentStatus.PENDING
                                and order.status != Order.Status.CANCELLED for order in orders),
        "released": all(order.status == Order.Status.CANCELLED for order in orders),
    })
