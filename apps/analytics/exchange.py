"""Exchange rates typed in the admin, and conversion of sums to the base currency with them.

Rates live in django-money's own tables (djmoney.contrib.exchange) under one backend, "comptoir",
quoted per 1 US dollar: "1 USD = 8,650 GNF", "1 USD = 0.92 EUR". djmoney stores a rate with six
decimals, so quoting per 1 GNF (1 GNF = 0.000106 EUR) would lose a third of a percent; per dollar
every rate keeps its precision, and djmoney converts EUR -> GNF through the dollar.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext as _
from djmoney.contrib.exchange.backends.base import BaseExchangeBackend
from djmoney.contrib.exchange.exceptions import MissingRate
from djmoney.contrib.exchange.models import Rate, get_rate

from apps.core.exceptions import DomainError

BACKEND_NAME = "comptoir"
QUOTE_CURRENCY = "USD"  # the backend is created with this base after migrate; the admin keeps it read-only


class AdminRatesBackend(BaseExchangeBackend):
    """djmoney's EXCHANGE_BACKEND: the rates analysts and managers keep in the admin; nothing is fetched."""

    name = BACKEND_NAME

    def get_rates(self, **params):
        return dict(Rate.objects.filter(backend_id=self.name).values_list("currency", "value"))

    def update_rates(self, base_currency=None, **kwargs):
        # djmoney's update_rates command would re-base the backend on BASE_CURRENCY and fetch from the network.
        raise ImproperlyConfigured("Comptoir's exchange rates are typed in the admin (Reports > Exchange rates); "
                                   "there is nothing to fetch.")


class MissingExchangeRate(DomainError):
    pass


class BaseCurrencyConverter:
    """Turns (amount, currency) sums into the base currency, asking djmoney for each currency's rate once.

    djmoney's get_rate is what convert_money uses; keeping the rate per currency makes a report cost one
    rate lookup per currency present, however many rows it converts.
    """

    def __init__(self, target: str | None = None):
        self.target = target or settings.BASE_CURRENCY
        self._rates: dict[str, Decimal] = {}

    def rate(self, currency: str) -> Decimal:
        if currency not in self._rates:
            try:
                self._rates[currency] = Decimal(get_rate(currency, self.target, backend=BACKEND_NAME))
            except MissingRate:
                raise MissingExchangeRate(
                    _("Amounts in %(currency)s cannot be shown in %(base)s: no exchange rate for %(currency)s. "
                      "Add it under Reports > Exchange rates.") % {"currency": currency, "base": self.target}
                ) from None
        return self._rates[currency]

    def __call__(self, amount: Decimal | None, currency: str) -> Decimal:
        if not amount:
            return Decimal(0)
        if currency == self.target:
            return amount
        return amount * self.rate(currency)


def rate_cache_keys() -> list[str]:
    """djmoney caches each rate for RATES_CACHE_TIMEOUT under these keys (see djmoney's get_rate)."""
    return [f"djmoney:get_rate:{source}:{target}:{BACKEND_NAME}"
            for source in settings.CURRENCIES for target in settings.CURRENCIES if source != target]
