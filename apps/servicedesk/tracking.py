"""Public tracking links: signed, so nobody can walk through other people's references."""

from django.conf import settings
from django.core import signing
from django.urls import reverse

SIGNER = signing.Signer(salt="servicedesk.tracking")


def tracking_token(reference: str) -> str:
    # No timestamp: the link printed on a receipt (and in its QR code) stays valid and identical.
    return SIGNER.sign(reference)


def reference_from_token(token: str) -> str | None:
    try:
        return SIGNER.unsign(token)
    except signing.BadSignature:
        return None


def tracking_url(req) -> str:
    return settings.SITE_URL.rstrip("/") + reverse("servicedesk:track-signed", args=[tracking_token(req.reference)])
