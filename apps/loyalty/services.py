"""Loyalty points: earned on completed orders, spent at checkout, given back on cancel, expired after a year.

Every change is a ledger entry written with the cached balance of the (locked) account, in one
transaction. Points are spent oldest first, so at any time the balance is made of the most recent
credits: what exceeds the credits that have not expired yet is what has expired.
"""

from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.core.exceptions import DomainError
from apps.loyalty.models import LoyaltyAccount, LoyaltyEntry

Kind = LoyaltyEntry.Kind
# Entries that add points which expire; a reversal carries the expiry of the credit it takes back.
EXPIRING_KINDS = (Kind.EARN, Kind.RESTORE, Kind.REVERSE)


class LoyaltyError(DomainError):
    pass


def loyalty_balance(*, user) -> int:
    """Points the customer may spend now."""
    account = LoyaltyAccount.objects.filter(user=user).only("balance").first()
    return account.balance if account else 0


def loyalty_points_value(*, points: int) -> Money:
    """What that many points take off an order, in the base currency."""
    return Money(Decimal(points) * settings.LOYALTY_POINT_VALUE, settings.BASE_CURRENCY)


def _lock_account(user) -> LoyaltyAccount:
    LoyaltyAccount.objects.get_or_create(user=user)
    return LoyaltyAccount.objects.select_for_update().get(user=user)


def _post(account: LoyaltyAccount, *, kind: str, points: int, reference: str, expires_at=None) -> LoyaltyEntry:
    """Write one entry and move the cached balance with it (the account is locked by the caller)."""
    entry = LoyaltyEntry.objects.create(user_id=account.user_id, kind=kind, points=points, reference=reference,
                                        expires_at=expires_at)
    LoyaltyAccount.objects.filter(pk=account.pk).update(balance=F("balance") + points, updated_at=timezone.now())
    account.balance += points
    return entry


def _expiry_from_now():
    return timezone.now() + timedelta(days=settings.LOYALTY_EXPIRY_DAYS)


def _check_positive(points: int) -> None:
    if not isinstance(points, int) or points <= 0:
        raise LoyaltyError(_("Enter a whole number of points above zero."))


@transaction.atomic
def loyalty_redeem(*, user, points: int, reference: str) -> None:
    """Spend points on a checkout, inside its transaction; the account lock stops two checkouts spending them twice."""
    _check_positive(points)
    account = _lock_account(user)
    existing = LoyaltyEntry.objects.filter(user=user, kind=Kind.REDEEM, reference=reference).first()
    if existing is not None:
        if existing.points == -points:
            return  # a replay of the same checkout
        raise LoyaltyError(_("Points were already used for %(reference)s.") % {"reference": reference})
    if account.balance < points:
        raise LoyaltyError(_("You have %(balance)s points: you cannot use %(points)s.")
                           % {"balance": account.balance, "points": points})
    _post(account, kind=Kind.REDEEM, points=-points, reference=reference)


@transaction.atomic
def loyalty_restore(*, user, points: int, reference: str) -> None:
    """Give back points spent on a cancelled order; valid for another full period. Once per reference."""
    _check_positive(points)
    account = _lock_account(user)
    if LoyaltyEntry.objects.filter(user=user, kind=Kind.RESTORE, reference=reference).exists():
        return
    spent = LoyaltyEntry.objects.filter(user=user, kind__in=(Kind.REDEEM, Kind.RESTORE)).aggregate(
        net=Coalesce(Sum("points"), 0))["net"]
    if points > -spent:
        raise LoyaltyError(_("Only %(spent)s used points can be given back, not %(points)s.")
                           % {"spent": max(-spent, 0), "points": points})
    _post(account, kind=Kind.RESTORE, points=points, reference=reference, expires_at=_expiry_from_now())


def _points_for(amount_paid: Money) -> int:
    if str(amount_paid.currency) != settings.BASE_CURRENCY:
        raise LoyaltyError(_("Points are earned on amounts in %(base)s only, not %(currency)s.")
                           % {"base": settings.BASE_CURRENCY, "currency": amount_paid.currency})
    if amount_paid.amount < 0:
        raise LoyaltyError(_("An amount paid cannot be negative (%(amount)s).") % {"amount": amount_paid})
    return int(amount_paid.amount // settings.LOYALTY_EARN_UNIT)


@transaction.atomic
def loyalty_earn(*, user, amount_paid: Money, reference: str) -> int:
    """Credit points for a completed order (once per reference); returns the points that reference earned."""
    points = _points_for(amount_paid)
    if points == 0:
        return 0
    account = _lock_account(user)
    existing = LoyaltyEntry.objects.filter(user=user, kind=Kind.EARN, reference=reference).first()
    if existing is not None:
        return existing.points
    _post(account, kind=Kind.EARN, points=points, reference=reference, expires_at=_expiry_from_now())
    return points


@transaction.atomic
def loyalty_reverse_earned(*, reference: str) -> None:
    """Take back the points a returned order earned, as far as the balance allows; once per reference."""
    for earned in LoyaltyEntry.objects.filter(kind=Kind.EARN, reference=reference):
        account = _lock_account(earned.user)
        if LoyaltyEntry.objects.filter(user_id=earned.user_id, kind=Kind.REVERSE, reference=reference).exists():
            continue
        # Points already spent stay spent: the balance never goes below zero.
        taken = min(earned.points, account.balance)
        _post(account, kind=Kind.REVERSE, points=-taken, reference=reference, expires_at=earned.expires_at)


def _valid_credits(user_id: int, at) -> int:
    return LoyaltyEntry.objects.filter(user_id=user_id, kind__in=EXPIRING_KINDS, expires_at__gt=at).aggregate(
        total=Coalesce(Sum("points"), 0))["total"]


def loyalty_expire_due() -> int:
    """Expire the points whose credits are past their date; returns the points expired. Safe to run twice."""
    now = timezone.now()
    still_valid = Coalesce(Sum("user__loyalty_entries__points", filter=Q(
        user__loyalty_entries__kind__in=EXPIRING_KINDS, user__loyalty_entries__expires_at__gt=now)), 0)
    due = (LoyaltyAccount.objects.filter(balance__gt=0).annotate(still_valid=still_valid)
           .filter(balance__gt=F("still_valid")).values_list("user_id", flat=True))
    return sum(_expire_for(user_id, now) for user_id in due)


@transaction.atomic
def _expire_for(user_id: int, now) -> int:
    account = LoyaltyAccount.objects.select_for_update().get(user_id=user_id)
    expired = account.balance - max(_valid_credits(user_id, now), 0)
    if expired <= 0:
        return 0  # another run got here first
    _post(account, kind=Kind.EXPIRE, points=-expired, reference=f"expiry {now:%Y-%m-%d %H:%M:%S.%f}")
    return expired
