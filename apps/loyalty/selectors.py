"""Reads for the loyalty page."""

from dataclasses import dataclass
from datetime import datetime

from django.utils import timezone

from apps.loyalty.models import LoyaltyEntry
from apps.loyalty.services import EXPIRING_KINDS, loyalty_balance


@dataclass(frozen=True)
class ComingExpiry:
    points: int
    on: datetime


def loyalty_next_expiry(*, user) -> ComingExpiry | None:
    """The next date some of the balance expires, and how many points, if none are spent before."""
    balance = loyalty_balance(user=user)
    now = timezone.now()
    credits = list(LoyaltyEntry.objects.filter(user=user, kind__in=EXPIRING_KINDS, expires_at__gt=now)
                   .order_by("expires_at").values_list("expires_at", "points"))
    valid_after = sum(points for _at, points in credits)
    already_due = max(balance - valid_after, 0)  # waiting for tonight's expiry run
    for expires_at, points in credits:
        valid_after -= points
        expiring = balance - max(valid_after, 0) - already_due
        if expiring > 0:
            return ComingExpiry(points=expiring, on=expires_at)
    return None


def loyalty_history(*, user):
    return LoyaltyEntry.objects.filter(user=user).order_by("-created_at", "-pk")
