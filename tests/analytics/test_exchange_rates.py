"""Exchange rates kept in the admin by analysts and managers, and the backend djmoney reads them through."""

from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.exceptions import ImproperlyConfigured
from djmoney.contrib.exchange.models import ExchangeBackend, Rate, convert_money
from djmoney.money import Money
from unfold.admin import ModelAdmin as UnfoldModelAdmin

from apps.accounts.roles import Role
from apps.analytics.exchange import BACKEND_NAME, AdminRatesBackend
from apps.analytics.services import ExchangeRateError, exchange_rate_set
from tests.analytics.builders import set_rates
from tests.factories import UserFactory

RATES = "/admin/exchange/rate/"


def test_the_rate_table_exists_quoted_per_dollar(db):
    backend = ExchangeBackend.objects.get(name=BACKEND_NAME)
    assert backend.base_currency == "USD"


def test_djmoney_converts_through_the_dollar(db):
    set_rates(GNF=8650, EUR="0.92", XOF=600)

    assert convert_money(Money(1, "EUR"), "GNF").amount.quantize(Decimal("0.01")) == Decimal("9402.17")
    assert convert_money(Money(1000, "XOF"), "GNF").amount.quantize(Decimal("0.01")) == Decimal("14416.67")
    assert AdminRatesBackend().get_rates() == {"GNF": Decimal("8650"), "EUR": Decimal("0.92"), "XOF": Decimal("600")}


def test_the_backend_never_fetches_rates():
    with pytest.raises(ImproperlyConfigured, match="typed in the admin"):
        AdminRatesBackend().update_rates()


@pytest.mark.parametrize(("currency", "value", "message"), [
    ("JPY", "150", "JPY is not a currency of the platform."),
    ("USD", "1", "Rates are quoted per 1 USD: its own rate is always 1."),
    ("EUR", "0", "A rate must be greater than zero."),
    ("EUR", "-2", "A rate must be greater than zero."),
])
def test_rate_set_refuses_nonsense(db, currency, value, message):
    with pytest.raises(ExchangeRateError, match=message):
        exchange_rate_set(currency=currency, value=Decimal(value), actor=None)
    assert not Rate.objects.exists()


@pytest.mark.parametrize("role", [Role.ANALYST, Role.MANAGER])
def test_analysts_and_managers_keep_rates_in_the_admin(client, db, role):
    person = UserFactory(roles=[role])
    client.force_login(person)

    created = client.post(f"{RATES}add/", {"currency": "GNF", "value": "8650"})
    client.post(f"{RATES}add/", {"currency": "EUR", "value": "0.92"})
    rate = Rate.objects.get(currency="GNF")
    changed = client.post(f"{RATES}{rate.pk}/change/", {"value": "8700"})

    assert created.status_code == changed.status_code == 302
    rate.refresh_from_db()
    assert (rate.backend_id, rate.value) == (BACKEND_NAME, Decimal("8700"))
    assert [entry.history_user for entry in rate.history.all()] == [person, person]
    listing = client.get(RATES)
    assert listing.status_code == 200
    assert "9,457 GNF" in " ".join(listing.text.split())  # 1 EUR = 8,700 / 0.92 GNF (no minor unit), next to the rate


def test_rate_form_explains_mistakes(client, analyst):
    client.force_login(analyst)
    set_rates(EUR="0.92")

    duplicate = client.post(f"{RATES}add/", {"currency": "EUR", "value": "0.9"})
    zero = client.post(f"{RATES}add/", {"currency": "GNF", "value": "0"})
    quote = client.post(f"{RATES}add/", {"currency": "USD", "value": "1"})

    assert duplicate.status_code == zero.status_code == quote.status_code == 200
    assert "EUR already has a rate: change that one instead." in duplicate.context["adminform"].form.errors["currency"]
    assert zero.context["adminform"].form.errors["value"]
    assert quote.context["adminform"].form.errors["currency"]
    assert Rate.objects.get().value == Decimal("0.92")


def test_deleting_a_rate_through_the_admin(client, analyst):
    set_rates(EUR="0.92")
    rate = Rate.objects.get()
    client.force_login(analyst)

    response = client.post(f"{RATES}{rate.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not Rate.objects.exists()
    assert rate.history.filter(history_type="-", history_user=analyst).exists()


def test_the_rate_table_is_read_only(client, administrator):
    client.force_login(administrator)
    assert client.get("/admin/exchange/exchangebackend/").status_code == 200
    assert client.post(f"/admin/exchange/exchangebackend/{BACKEND_NAME}/change/",
                       {"base_currency": "GNF"}).status_code == 403
    assert ExchangeBackend.objects.get(name=BACKEND_NAME).base_currency == "USD"


@pytest.mark.parametrize("role", [Role.SELLER, Role.SUPPORT])
def test_other_roles_cannot_see_or_change_rates(client, db, role):
    client.force_login(UserFactory(roles=[role]))

    assert client.get(RATES).status_code == 403
    assert client.post(f"{RATES}add/", {"currency": "EUR", "value": "1"}).status_code == 403
    assert not Rate.objects.exists()


@pytest.mark.parametrize("model", [Rate, ExchangeBackend])
def test_exchange_admins_are_unfold_admins(model):
    assert isinstance(admin.site._registry[model], UnfoldModelAdmin)
