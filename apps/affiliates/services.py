"""Affiliate commissions: recorded when a referred purchase is paid, reversed when it is refunded."""

from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.affiliates.models import EARNING_STATUSES, Commission
from apps.affiliates.selectors import affiliate_find_active
from apps.core.exceptions import DomainError


class CommissionError(DomainError):
    pass


def _commission_amount(*, base_amount: Money, rate: Decimal) -> Money:
    """base_amount x rate %, rounded half up to the currency's minor unit (GNF and XOF have none)."""
    minor_unit = Decimal(1).scaleb(-get_currency_precision(base_amount.currency.code))
    value = (base_amount.amount * rate / 100).quantize(minor_unit, rounding=ROUND_HALF_UP)
    return Money(value, base_amount.currency)


def commission_record(*, affiliate_code: str | None, reference: str, base_amount: Money) -> Commission | None:
    """Credit the referring affiliate once per reference; None without an active affiliate."""
    affiliate = affiliate_find_active(affiliate_code)
    if affiliate is None:
        return None
    if base_amount.amount < 0:
        raise CommissionError(_("A purchase amount cannot be negative (%(amount)s).") % {"amount": base_amount})
    # get_or_create settles replays and concurrent calls on the (affiliate, reference) constraint.
    commission, _created = Commission.objects.get_or_create(
        affiliate=affiliate, reference=reference,
        defaults={"base_amount": base_amount, "rate": affiliate.commission_rate,
                  "amount": _commission_amount(base_amount=base_amount, rate=affiliate.commission_rate)},
    )
    return commission


@transaction.atomic
def commission_reverse(*, reference: str, note: str = "") -> list[Commission]:
    """Reverse the commissions of a refunded purchase; returns those this call reversed."""
    reversible = Commission.objects.select_for_update().filter(reference=reference, status__in=EARNING_STATUSES)
    commissions = list(reversible)
    now = timezone.now()
    for commission in commissions:
        commission.status, commission.reversed_at = Commission.Status.REVERSED, now
        commission.note = note or commission.note
        commission.save(update_fields=["status", "reversed_at", "note", "updated_at"])
    return commissions


@transaction.atomic
def commission_approve(*, commission_id: int) -> Commission:
    """Confirm a pending commission as payable."""
    commission = Commission.objects.select_for_update().get(pk=commission_id)
    if commission.status != Commission.Status.PENDING:
        raise CommissionError(_("Commission %(ref)s is %(status)s; only pending commissions can be approved.")
                              % {"ref": commission.reference, "status": commission.get_status_display().lower()})
    commission.status = Commission.Status.APPROVED
    commission.save(update_fields=["status", "updated_at"])
    return commission
