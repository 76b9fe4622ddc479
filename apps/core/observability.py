"""Error reports (Sentry) that carry no personal data, and the request id carried into background tasks.

Imported by the settings, so nothing here may touch models or app registries at import time."""

import re
from contextvars import ContextVar
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from apps.core.logging import request_id_var

# The request being served, so an error report can name its user; set by RequestIdMiddleware.
current_request: ContextVar = ContextVar("current_request", default=None)

FILTERED = "[Filtered]"
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
# International numbers (+224 620 11 22 33) and Guinean mobiles written locally (620 11 22 33, 620112233).
_PHONE = re.compile(r"\+\d[\d .()-]{6,}\d|(?<![\w.])6\d{2}(?:[ .]?\d{2}){3}(?![\w.])")
# Values filtered whatever they look like, by the name they are stored under.
_SENSITIVE_KEY = re.compile(r"e-?mail|phone|password|passwd|secret|token|signature|authorization|cookie|csrf|session",
                            re.IGNORECASE)
# Query parameters that carry credentials or personal data (reset keys, signed links, codes, addresses),
# in a query string and where a URL is only part of a text (a log line, a repr).
_PARAM_WORDS = r"key|token|code|sig|secret|auth|pass|e-?mail|phone|login|next"
_SENSITIVE_PARAM = re.compile(_PARAM_WORDS, re.IGNORECASE)
_PARAM_IN_TEXT = re.compile(rf"([?&][\w.-]*(?:{_PARAM_WORDS})[\w.-]*=)[^&#\s'\"]*", re.IGNORECASE)
# A path segment holding a key (e-mail confirmation, password reset, signed links) has a long run of
# letters mixed with digits; slugs and ids do not.
_KEY_RUN = re.compile(r"(?=[A-Za-z0-9]*\d)(?=[A-Za-z0-9]*[A-Za-z])[A-Za-z0-9]{16,}")
_DROPPED_HEADERS = {"cookie", "authorization", "x-forwarded-for", "x-real-ip", "forwarded"}


def scrub_text(text: str) -> str:
    return _PHONE.sub("[phone]", _EMAIL.sub("[email]", _PARAM_IN_TEXT.sub(rf"\1{FILTERED}", text)))


def scrub_query(query: str) -> str:
    pairs = parse_qsl(query, keep_blank_values=True)
    return urlencode([(name, FILTERED if _SENSITIVE_PARAM.search(name) else scrub_text(value)) for name, value in pairs],
                     safe="[]")


def scrub_url(url: str) -> str:
    parts = urlsplit(url)
    path = "/".join(FILTERED if _KEY_RUN.search(seg) else seg for seg in parts.path.split("/"))
    return scrub_text(urlunsplit(parts._replace(path=path, query=scrub_query(parts.query), fragment="")))


def _scrub(value, key: str = ""):
    if key and _SENSITIVE_KEY.search(key):
        return FILTERED
    if isinstance(value, str):
        return scrub_url(value) if key.endswith("url") else scrub_text(value)
    if isinstance(value, dict):
        return {k: _scrub(v, str(k)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_scrub(item) for item in value]
    return value


def _scrub_request(request: dict) -> dict:
    request = {k: v for k, v in request.items() if k not in {"data", "cookies"}}  # no bodies, no cookies
    if isinstance(request.get("headers"), dict):
        request["headers"] = {k: v for k, v in request["headers"].items() if k.lower() not in _DROPPED_HEADERS}
    if isinstance(request.get("env"), dict):
        request["env"] = {k: v for k, v in request["env"].items() if k != "REMOTE_ADDR"}
    if isinstance(request.get("query_string"), str):
        request["query_string"] = scrub_query(request["query_string"])
    return _scrub(request)


def _current_user_id() -> str | None:
    request = current_request.get()
    user = getattr(request, "user", None)
    try:
        return str(user.pk) if user is not None and user.is_authenticated else None
    except Exception:  # loading the user failed (e.g. the database is what broke): report without it
        return None


def before_send(event: dict, hint: dict) -> dict:
    """Sentry hook: strip personal data, tag the request id and the user's id (nothing else about them)."""
    request = event.pop("request", None)
    event.pop("user", None)
    event = _scrub(event)
    if isinstance(request, dict):
        event["request"] = _scrub_request(request)
    tags = event.setdefault("tags", {})
    tags["request_id"] = request_id_var.get()
    if user_id := _current_user_id():
        tags["user_id"] = user_id
    return event


def before_breadcrumb(crumb: dict, hint: dict) -> dict:
    """Sentry hook: breadcrumbs (log lines, SQL, outgoing HTTP) keep no addresses, numbers or query tokens."""
    crumb = _scrub(crumb)
    data = crumb.get("data")
    if isinstance(data, dict) and isinstance(data.get("http.query"), str):
        data["http.query"] = scrub_query(data["http.query"])
    return crumb


def _task_enqueued(sender, task, **kwargs):
    task["request_id"] = request_id_var.get()


def _task_running(sender, task, **kwargs):
    # Every task sets it, so an id never leaks from one task to the next in a worker process.
    request_id_var.set(task.get("request_id", "-"))


def connect_task_signals() -> None:
    """The request (or task) that enqueues a django-q2 task lends it its id: the task's log lines,
    and the worker's lines about it, carry the id of the request that caused them."""
    from django_q.signals import post_execute, pre_enqueue, pre_execute

    pre_enqueue.connect(_task_enqueued, dispatch_uid="core.task_request_id.enqueue")
    pre_execute.connect(_task_running, dispatch_uid="core.task_request_id.execute")
    # the monitor process logs "Processed"/"Failed" right after this signal
    post_execute.connect(_task_running, dispatch_uid="core.task_request_id.result")
