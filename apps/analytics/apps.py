from django.apps import AppConfig
from django.db.models.signals import post_migrate


def ensure_exchange_backend(sender, using="default", **kwargs):
    """The one table of rates the admin edits (see apps.analytics.exchange); also after a test flush."""
    if sender.label != "analytics":
        return
    from djmoney.contrib.exchange.models import ExchangeBackend

    from apps.analytics.exchange import BACKEND_NAME, QUOTE_CURRENCY

    # No rates are invented: a report names the currency whose rate is missing.
    ExchangeBackend.objects.using(using).get_or_create(name=BACKEND_NAME, defaults={"base_currency": QUOTE_CURRENCY})


class AnalyticsConfig(AppConfig):
    name = "apps.analytics"
    label = "analytics"
    verbose_name = "Analytics"

    def ready(self):
        # The report selectors register themselves in the catalogue when imported.
        import apps.analytics.selectors.reports  # noqa: F401

        post_migrate.connect(ensure_exchange_backend, dispatch_uid="analytics.ensure_exchange_backend")
