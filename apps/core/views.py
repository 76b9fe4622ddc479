import hmac

from django.conf import settings
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_safe
from django.views.static import serve
from django_prometheus.exports import ExportToDjangoView

from apps.core.ratelimit import client_ip
from apps.core.selectors import health_checks


@never_cache
@require_GET
def health(request):
    checks = health_checks()
    ok = all(check["ok"] for check in checks.values())
    return JsonResponse({"status": "ok" if ok else "down", "checks": checks}, status=200 if ok else 503)


def _may_read_metrics(request) -> bool:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if settings.METRICS_TOKEN and scheme.lower() == "bearer" and hmac.compare_digest(
        token.strip().encode(), settings.METRICS_TOKEN.encode()
    ):
        return True
    return client_ip(request) in settings.METRICS_ALLOWED_IPS


@never_cache
@require_GET
def metrics(request):
    """Prometheus metrics for the scraper only; anyone else is told there is nothing here."""
    if not _may_read_metrics(request):
        raise Http404
    return ExportToDjangoView(request)


def error_403(request, exception=None):
    return render(request, "403.html", status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)


@require_safe
def public_media(request, path):
    """Public uploads from the local MEDIA_ROOT, in production too (whitenoise serves only static files).
    MEDIA_ROOT holds nothing private (apps.core.files), and a proxy in front may serve it instead."""
    response = serve(request, path, document_root=settings.MEDIA_ROOT)
    response["Cache-Control"] = "public, max-age=86400"
    return response
