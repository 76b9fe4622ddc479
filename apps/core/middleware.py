import re
import uuid

from csp.constants import UNSAFE_INLINE
from csp.middleware import CSPMiddleware
from django.conf import settings

from apps.core.logging import request_id_var
from apps.core.observability import current_request

_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")


class RequestIdMiddleware:
    """Tags each request with an id (the proxy's X-Request-ID if sane), logged and echoed back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request.id = incoming if _SAFE_ID.match(incoming) else uuid.uuid4().hex
        # Not reset on the way out: Django logs 4xx/5xx after the middleware chain returns,
        # and those lines must carry the id too. The next request sets its own.
        request_id_var.set(request.id)
        current_request.set(request)  # error reports name its user (apps.core.observability)
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """CONTENT_SECURITY_POLICY (strict: self only, no inline script or style) for the site; the admin
    gets ADMIN_CONTENT_SECURITY_POLICY, since unfold's Alpine.js evaluates expressions and its pages
    carry inline scripts and styles. The bare 500 page keeps its inline styles (it has no user content)."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only)
        if report_only or parts.config is not None:
            return parts
        if request.path_info.startswith("/admin/"):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        elif response.status_code >= 500:
            parts.update = {**(parts.update or {}), "style-src": [UNSAFE_INLINE]}
        return parts
