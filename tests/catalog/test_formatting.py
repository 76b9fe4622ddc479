"""Prices and durations as the catalogue prints them."""

import pytest
from django.template import Context, Template
from django.utils import translation
from djmoney.money import Money

from apps.catalog.templatetags.catalog_tags import category_icon, duration
from apps.core.templatetags.money import price


@pytest.mark.parametrize(
    ("language", "money", "expected"),
    [
        ("en", Money(150_000, "GNF"), "150,000\xa0GNF"),
        ("en", Money("1500000.00", "GNF"), "1,500,000\xa0GNF"),  # GNF has no minor unit: no ".00"
        ("en", Money("1500.5", "EUR"), "1,500.50\xa0EUR"),
        ("fr", Money(150_000, "GNF"), "150\u202f000\xa0GNF"),  # French groups with a narrow no-break space
    ],
)
def test_price_puts_the_amount_first_and_never_breaks_the_line(language, money, expected):
    with translation.override(language):
        assert price(money) == expected


def test_price_filter_in_a_template():
    rendered = Template("{% load money %}{{ amount|price }}").render(Context({"amount": Money(250_000, "GNF")}))

    assert rendered == "250,000\xa0GNF"


@pytest.mark.parametrize(("minutes", "expected"), [(45, "45 min"), (60, "1 h"), (90, "1 h 30 min"), (600, "10 h")])
def test_duration(minutes, expected):
    assert duration(minutes) == expected.replace(" ", "\xa0")


def test_category_icon_refers_to_the_sprite_or_draws_inline_and_skips_unknown_names():
    assert '<use href="#category-icon-hotel"/>' in category_icon("hotel")
    assert "<path d=" in category_icon("hotel", inline=True)
    assert category_icon("not_an_icon") == ""
