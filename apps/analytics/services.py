"""Writes of the analytics app: the exchange rates analysts and managers keep."""

from decimal import Decimal

from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.utils.translation import gettext as _
from djmoney.contrib.exchange.models import ExchangeBackend, Rate

from apps.analytics.exchange import BACKEND_NAME, rate_cache_keys
from apps.core.exceptions import DomainError


class ExchangeRateError(DomainError):
    pass


def _rates_changed(backend: ExchangeBackend) -> None:
    backend.save(update_fields=["last_update"])  # auto_now: "rates as of" on the reports
    # djmoney keeps each rate in the cache for 10 minutes; an edited rate must count at once.
    transaction.on_commit(lambda: cache.delete_many(rate_cache_keys()))


def _backend_locked() -> ExchangeBackend:
    try:
        return ExchangeBackend.objects.select_for_update().get(name=BACKEND_NAME)
    except ExchangeBackend.DoesNotExist:
        raise ExchangeRateError(_("The exchange-rate table is missing: run the database migrations.")) from None


@transaction.atomic
def exchange_rate_set(*, currency: str, value: Decimal, actor) -> Rate:
    """Set how many units of `currency` one unit of the quote currency (USD) buys; creates or updates."""
    backend = _backend_locked()
    if currency not in settings.CURRENCIES:
        raise ExchangeRateError(_("%(currency)s is not a currency of the platform.") % {"currency": currency})
    if currency == backend.base_currency:
        raise ExchangeRateError(_("Rates are quoted per 1 %(quote)s: its own rate is always 1.")
                                % {"quote": backend.base_currency})
    if value is None or value <= 0:
        raise ExchangeRateError(_("A rate must be greater than zero."))
    rate = Rate.objects.filter(backend=backend, currency=currency).first() or Rate(backend=backend, currency=currency)
    rate.value = value
    rate._history_user = actor  # simple-history: the acting user, with or without an HTTP request
    rate.save()
    _rates_changed(backend)
    return rate


@transaction.atomic
def exchange_rate_delete(*, rate: Rate, actor) -> None:
    """Remove a rate: amounts in that currency can no longer be converted until it is set again."""
    backend = _backend_locked()
    rate._history_user = actor
    rate.delete()
    _rates_changed(backend)
