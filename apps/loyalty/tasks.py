"""django-q2 entry points: they only call services, and are safe to run twice."""

from apps.loyalty.services import loyalty_expire_due


def expire_due_points() -> int:
    return loyalty_expire_due()
