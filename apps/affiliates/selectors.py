from django.db.models import Count, Q, QuerySet, Sum
from djmoney.money import Money

from apps.affiliates.models import EARNING_STATUSES, Affiliate, Commission, code_validator


def affiliate_find_active(code: str | None) -> Affiliate | None:
    """The active affiliate behind a referral code (any case), or None."""
    code = (code or "").strip().upper()
    if not code_validator.regex.fullmatch(code):
        return None  # not a code at all: no need to ask the database
    return Affiliate.objects.active().filter(code=code).first()


def commission_list_for_affiliate(*, affiliate: Affiliate) -> QuerySet[Commission]:
    return Commission.objects.filter(affiliate=affiliate).order_by("-created_at", "-pk")


def commission_totals_for_affiliate(*, affiliate: Affiliate) -> list[dict]:
    """Per currency: referred purchases, their value, and the commission earned (reversed ones left out)."""
    rows = (
        Commission.objects.filter(affiliate=affiliate, status__in=EARNING_STATUSES)
        .values("amount_currency")
        .annotate(purchases=Count("id"), base_total=Sum("base_amount"), earned=Sum("amount"),
                  approved=Sum("amount", filter=Q(status=Commission.Status.APPROVED)))
        .order_by("amount_currency")
    )
    return [
        {
            "purchases": row["purchases"],
            "base_total": Money(row["base_total"], row["amount_currency"]),
            "earned": Money(row["earned"], row["amount_currency"]),
            "approved": Money(row["approved"] or 0, row["amount_currency"]),
        }
        for row in rows
    ]

