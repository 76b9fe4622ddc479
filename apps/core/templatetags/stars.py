"""Star ratings as a class name, so pages need no inline style (the CSP forbids it)."""

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django import template

register = template.Library()


@register.filter
def stars_class(rating) -> str:
    """`stars--N`, N the rating (0 to 5) in half stars, rounded to the nearest."""
    try:
        halves = int((Decimal(str(rating)) * 2).quantize(Decimal(1), rounding=ROUND_HALF_UP))
    except (InvalidOperation, TypeError, ValueError):
        halves = 0
    return f"stars--{min(max(halves, 0), 10)}"
