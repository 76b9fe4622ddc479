import uuid

from apps.payments.models import Payment


def payment_status(*, token: uuid.UUID) -> Payment | None:
    """The payment behind a return page, with only what that page shows; None if there is none."""
    return (
        Payment.objects.select_related("vendor")
        .only("token", "gateway", "status", "amount", "amount_currency", "description", "return_url", "retry_url",
              "failure_reason", "provider_reference", "vendor__name")
        .filter(token=token)
        .first()
    )


def payment_for_reference(*, purpose: str, reference: str) -> Payment | None:
    """The latest payment started for the caller's object (a purchase may be retried)."""
    return Payment.objects.filter(purpose=purpose, reference=reference).order_by("-created_at").first()
