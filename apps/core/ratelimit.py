"""The client's address behind trusted proxies, and a fixed-window counter in the shared cache
for endpoints allauth does not cover."""

from ipaddress import ip_address

from django.conf import settings
from django.core.cache import cache


def client_ip(request) -> str:
    """The address of the client, by one rule shared with allauth's rate limits.

    With TRUSTED_PROXY_COUNT = N (N proxies in front of the app, each appending the address it saw),
    the client is the N-th X-Forwarded-For entry from the right: entries further left were written by
    the client itself and prove nothing. With N = 0, or a header shorter than N or not an address
    (the request did not come through our proxies), REMOTE_ADDR is used.
    """
    remote = request.META.get("REMOTE_ADDR", "unknown")
    count = settings.TRUSTED_PROXY_COUNT
    if not count:
        return remote
    hops = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    if len(hops) < count:
        return remote
    candidate = hops[-count]
    try:
        return str(ip_address(candidate))
    except ValueError:
        return remote


def hit(*, key: str, limit: int, window_seconds: int) -> bool:
    """Count one attempt; False once `limit` attempts were made in the current window."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, window_seconds)
        count = 1
    return count <= limit
