"""The imports that may run as background jobs, by key (ImportJob.resource_key stores the key)."""

from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

IMPORT_RESOURCES = {
    "products": "apps.catalog.resources.ProductResource",
    "services": "apps.catalog.resources.ServiceResource",
    "service-tiers": "apps.catalog.resources.ServiceTierResource",
    "categories": "apps.catalog.resources.ServiceCategoryResource",
    "customers": "apps.accounts.resources.CustomerResource",
    "promo-codes": "apps.promotions.resources.PromoCodeResource",
}
LABELS = {"products": _("Products"), "services": _("Services"), "service-tiers": _("Service tiers"),
          "categories": _("Categories"), "customers": _("Customers"), "promo-codes": _("Promo codes")}


def resource_class_for(key: str) -> type:
    return import_string(IMPORT_RESOURCES[key])


def key_of(resource_class: type) -> str | None:
    path = f"{resource_class.__module__}.{resource_class.__qualname__}"
    return next((key for key, dotted in IMPORT_RESOURCES.items() if dotted == path), None)
