import re
import uuid

from apps.core.logging import request_id_var

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
        response = self.get_response(request)
        response["X-Request-ID"] = request.id
        return response
