"""Referral capture: ?ref=CODE on any page remembers the affiliate for later purchases."""

from django.conf import settings

from apps.affiliates.selectors import affiliate_find_active

COOKIE_NAME = "affiliate_ref"
COOKIE_SALT = "affiliate"


def affiliate_code_from_request(request) -> str | None:
    """The referring affiliate's code if the cookie is genuine and the affiliate still active."""
    code = request.get_signed_cookie(COOKIE_NAME, default=None, salt=COOKIE_SALT,
                                     max_age=settings.AFFILIATE_COOKIE_DAYS * 86400)
    affiliate = affiliate_find_active(code)
    return affiliate.code if affiliate else None


class AffiliateReferralMiddleware:
    """On a GET with ?ref= naming an active affiliate, (re)sets the signed referral cookie.

    The latest link followed wins. Unknown or inactive codes are ignored silently: a stale
    link must still open the page.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        ref = request.GET.get("ref") if request.method == "GET" else None
        affiliate = affiliate_find_active(ref)
        if affiliate is not None:
            response.set_signed_cookie(
                COOKIE_NAME, affiliate.code, salt=COOKIE_SALT, max_age=settings.AFFILIATE_COOKIE_DAYS * 86400,
                httponly=True, samesite="Lax", secure=request.is_secure(),
            )
        return response
