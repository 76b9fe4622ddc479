import logging

from django.conf import settings
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_htmx.http import HttpResponseClientRedirect, HttpResponseStopPolling

from apps.payments.exceptions import PaymentError
from apps.payments.gateways import gateway_get, gateway_is_enabled, sandbox
from apps.payments.gateways.bank_transfer import transfer_reference
from apps.payments.gateways.base import WebhookRejected
from apps.payments.models import Gateway, Payment, PaymentEvent
from apps.payments.selectors import payment_status
from apps.payments.services import payment_apply_event

logger = logging.getLogger("apps.payments")

SANDBOX_DECISIONS = {"pay": True, "decline": False}


@csrf_exempt  # the gateway cannot send our CSRF token; its signature authenticates the request instead
@require_POST
def webhook(request, gateway):
    try:
        adapter = gateway_get(gateway)
    except PaymentError:
        return JsonResponse({"error": "unknown_gateway"}, status=404)
    try:
        event = adapter.verify_webhook(request)
    except WebhookRejected as rejection:
        logger.warning("Webhook refused: %s", rejection, extra={"gateway": gateway, "code": rejection.code})
        return JsonResponse({"error": rejection.code}, status=400)
    record = payment_apply_event(gateway=gateway, event=event)
    if record.outcome == PaymentEvent.Outcome.REJECTED:
        return JsonResponse({"error": "event_rejected", "flagged": True}, status=400)
    return JsonResponse({"outcome": record.outcome})


@never_cache
@require_GET
def payment_return(request, token):
    """Where the customer lands after paying: one view for the page and its polling fragment."""
    payment = payment_status(token=token)
    if payment is None:
        raise Http404
    if payment.status == Payment.Status.COMPLETED:
        return HttpResponseClientRedirect(payment.return_url) if request.htmx else redirect(payment.return_url)
    context = {"payment": payment, "polling": _polls(payment)}
    if not request.htmx:
        return render(request, "payments/return.html", context)
    if payment.status == Payment.Status.PENDING:
        return HttpResponse(status=204)  # nothing new: no swap, and the polling goes on
    return HttpResponseStopPolling(render_to_string("payments/partials/_payment_status.html", context, request))


def _polls(payment: Payment) -> bool:
    # A bank transfer takes days: the page offers the instructions instead of polling.
    return payment.status == Payment.Status.PENDING and payment.gateway != Gateway.BANK_TRANSFER


@never_cache
@require_http_methods(["GET", "POST"])
def sandbox_page(request, token):
    """The sandbox's hosted pay page: Pay or Decline, delivered to us as a signed webhook."""
    if not gateway_is_enabled(Gateway.SANDBOX):
        raise Http404
    payment = get_object_or_404(Payment.objects.select_related("vendor"), token=token, gateway=Gateway.SANDBOX)
    return_url = reverse("payments:return", args=[payment.token])
    if payment.status != Payment.Status.PENDING:
        return redirect(return_url)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in SANDBOX_DECISIONS:
            context = {"payment": payment, "error": _("Choose Pay or Decline.")}
            return render(request, "payments/sandbox_page.html", context, status=400)
        sandbox.schedule_delivery(payment, succeeded=SANDBOX_DECISIONS[decision], request=request)
        return redirect(return_url)
    return render(request, "payments/sandbox_page.html", {"payment": payment})


@never_cache
@require_GET
def bank_transfer(request, token):
    payment = get_object_or_404(Payment.objects.select_related("vendor"), token=token, gateway=Gateway.BANK_TRANSFER)
    if payment.status != Payment.Status.PENDING:
        return redirect("payments:return", token=payment.token)
    return render(request, "payments/bank_transfer.html", {
        "payment": payment,
        "bank": settings.PAYMENT_BANK_DETAILS,
        "transfer_reference": payment.provider_reference or transfer_reference(payment),
    })
