import uuid

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from apps.affiliates.middleware import affiliate_code_from_request
from apps.catalog.models import Service
from apps.core.exceptions import DomainError
from apps.core.pdf import render_pdf
from apps.core.qr import qr_svg
from apps.core.ratelimit import client_ip, hit
from apps.payments.gateways import gateway_choices
from apps.payments.selectors import payment_for_reference
from apps.servicedesk.forms import PurchaseForm, TrackForm
from apps.servicedesk.models import Purchase, ServiceRequest
from apps.servicedesk.selectors import NEXT_STEP, request_find_for_tracking, request_timeline
from apps.servicedesk.services import PURPOSE, purchase_create, purchase_pay
from apps.servicedesk.tracking import reference_from_token, tracking_url

TRACK_LIMIT, TRACK_WINDOW = 10, 600  # lookups per IP per 10 minutes


SESSION_PURCHASES, SESSION_PURCHASES_KEPT = "servicedesk_purchases", 10


def _remember_purchase(request, bought) -> None:
    """The tokens of this session's own purchases: only they may prefill the retry form."""
    kept = request.session.get(SESSION_PURCHASES, [])
    request.session[SESSION_PURCHASES] = [*kept, str(bought.token)][-SESSION_PURCHASES_KEPT:]


def _own_previous_purchase(request, retry_token) -> Purchase | None:
    """The earlier attempt named by ?retry=, when it was made in this session or by the signed-in buyer;
    the link alone (forwarded, or in a shared browser history) prefills nobody's details."""
    try:
        token = uuid.UUID(str(retry_token))
    except ValueError:
        return None
    previous = Purchase.objects.filter(token=token).first()
    if previous is None:
        return None
    if str(token) in request.session.get(SESSION_PURCHASES, []):
        return previous
    if request.user.is_authenticated and previous.customer_id == request.user.pk:
        return previous
    return None


def _initial_for(request, retry_token):
    """Prefill from the buyer's own previous attempt (after a declined payment) or from the signed-in account."""
    previous = _own_previous_purchase(request, retry_token) if retry_token else None
    if previous is not None:
        return {"full_name": previous.full_name, "email": previous.email, "phone": previous.phone,
                "requirements": previous.requirements, "tier": previous.tier_id}
    if request.user.is_authenticated:
        return {"full_name": request.user.full_name, "email": request.user.email, "phone": request.user.phone}
    return {}


@require_http_methods(["GET", "POST"])
def purchase(request, slug):
    service = get_object_or_404(Service.objects.on_sale().select_related("vendor", "category"), slug=slug)
    gateways = gateway_choices()
    if request.method == "POST":
        form = PurchaseForm(request.POST, service=service, gateways=gateways, validate_url=request.path)
        field = request.POST.get("_validate")
        if request.htmx and field:
            # Checking as the customer types: the errors of every field filled in so far (a newer
            # check cancels an older one, so each answer covers all of them) and the Pay button.
            form.is_valid()
            touched = [form[name] for name in form.fields if name == field or form[name].value() not in (None, "")]
            return render(request, "servicedesk/partials/_field_check.html", {"form": form, "fields": touched})
        if form.is_valid():
            try:
                bought = purchase_create(
                    service=service, tier=form.cleaned_data.get("tier"), customer=request.user,
                    full_name=form.cleaned_data["full_name"], email=form.cleaned_data["email"],
                    phone=form.cleaned_data["phone"], requirements=form.cleaned_data["requirements"],
                    affiliate_code=affiliate_code_from_request(request) or "",
                )
                _remember_purchase(request, bought)
                return redirect(purchase_pay(purchase=bought, gateway=form.cleaned_data["gateway"], request=request))
            except DomainError as error:
                form.add_error(None, str(error))
    else:
        initial = _initial_for(request, request.GET.get("retry"))
        if request.GET.get("tier"):
            initial["tier"] = request.GET["tier"]
        form = PurchaseForm(initial=initial, service=service, gateways=gateways, validate_url=request.path)
    ready = PurchaseForm(form.initial | {"gateway": form["gateway"].initial}, service=service,
                         gateways=gateways).is_valid() if request.method == "GET" else form.is_valid()
    return render(request, "servicedesk/purchase.html", {
        "service": service, "form": form, "pay_disabled": not ready, "declined": bool(request.GET.get("retry"))})


def confirmation(request, token):
    bought = get_object_or_404(Purchase.objects.select_related("service", "tier", "service__vendor"), token=token)
    req = ServiceRequest.objects.filter(purchase=bought).first()
    if req is None:
        # not paid yet (or the gateway has not told us): the payment's own page waits and explains
        payment = payment_for_reference(purpose=PURPOSE, reference=str(bought.token))
        if payment is None:
            raise Http404
        return redirect("payments:return", token=payment.token)
    return render(request, "servicedesk/confirmation.html", {
        "req": req, "next_step": NEXT_STEP[req.status], "tracking_url": tracking_url(req)})


def _receipt_response(req: ServiceRequest) -> HttpResponse:
    url = tracking_url(req)
    pdf = render_pdf("pdf/service_receipt.html", {"req": req, "tracking_url": url, "qr_svg": qr_svg(url)})
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="receipt-{req.reference}.pdf"'
    return response


def receipt(request, token):
    req = get_object_or_404(ServiceRequest.objects.select_related("service", "tier", "vendor", "payment"),
                            purchase__token=token)
    return _receipt_response(req)


def _tracking_page(request, req, form=None, not_found=False, status=200):
    context = {"form": form or TrackForm(), "req": req, "not_found": not_found}
    if req is not None:
        context.update(next_step=NEXT_STEP[req.status], timeline=request_timeline(req))
    return render(request, "servicedesk/track.html", context, status=status)


@require_http_methods(["GET", "POST"])
def track(request):
    if request.method == "GET":
        return _tracking_page(request, None)
    if not hit(key=f"track:{client_ip(request)}", limit=TRACK_LIMIT, window_seconds=TRACK_WINDOW):
        form = TrackForm(request.POST)
        form.is_valid()
        form.add_error(None, _("Too many attempts. Please wait a few minutes and try again."))
        return _tracking_page(request, None, form=form, status=429)
    form = TrackForm(request.POST)
    req = request_find_for_tracking(**form.cleaned_data) if form.is_valid() else None
    # one answer for a wrong reference and a wrong e-mail: nobody learns which references exist
    return _tracking_page(request, req, form=form, not_found=form.is_valid() and req is None)


def track_signed(request, token):
    reference = reference_from_token(token)
    req = ServiceRequest.objects.select_related("service", "tier", "vendor").filter(reference=reference).first()
    if req is None:
        raise Http404
    return _tracking_page(request, req)


@login_required
def account_requests(request):
    requests = ServiceRequest.objects.filter(customer=request.user).select_related("service", "tier")
    page = Paginator(requests, 20).get_page(request.GET.get("page"))
    return render(request, "servicedesk/account_requests.html", {"page": page})


@login_required
def account_receipt(request, reference):
    req = get_object_or_404(ServiceRequest.objects.select_related("service", "tier", "vendor", "payment"),
                            reference=reference, customer=request.user)
    return _receipt_response(req)
