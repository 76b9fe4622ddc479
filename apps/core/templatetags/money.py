"""Money as people read it, in every template: `{% load money %}{{ amount|price }}`."""

from babel.numbers import format_currency
from django import template
from django.conf import settings
from django.utils.html import avoid_wrapping
from django.utils.translation import get_language, to_locale
from djmoney.money import Money

register = template.Library()


@register.filter
def price(value: Money) -> str:
    """Amount then ISO code, grouped the reader's way: "150,000 GNF" in English, "150 000 GNF" in French.

    djmoney's own rendering puts the code first with no space ("GNF150,000"), which reads badly on a card.
    """
    locale = to_locale(get_language() or settings.LANGUAGE_CODE)
    text = format_currency(value.amount, value.currency.code, format="#,##0.00 ¤¤", locale=locale,
                           currency_digits=True)  # currency_digits: GNF has no minor unit, EUR shows cents
    return avoid_wrapping(text)
