"""Low-stock alerts: which products run low, a daily e-mail and in-app notifications to their sellers, and the
dashboard list."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.db.models import F, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.models import LowStockAlert, Product
from apps.catalog.products import _seller_addresses
from apps.notifications.selectors import notification_recipients_for_vendor
from apps.notifications.services import email_queue, notify
from apps.vendors.models import Vendor


def products_low_on_stock(*, vendor_ids=None) -> QuerySet:
    """Active products (moderated or not) whose stock is at or below their threshold, lowest stock first."""
    products = Product.objects.filter(is_active=True, stock__lte=F("low_stock_threshold"))
    if vendor_ids is not None:
        products = products.filter(vendor_id__in=vendor_ids)
    return products.select_related("vendor").order_by("stock", "name", "pk")


def low_stock_alerts_send(*, day: date | None = None) -> int:
    """E-mail each active vendor the products that went low and were not reported yet that day.

    Returns the number of products alerted; a second run the same day alerts nothing.
    """
    day = day or timezone.localdate()
    low = products_low_on_stock().filter(vendor__status=Vendor.Status.ACTIVE).exclude(low_stock_alerts__day=day)
    vendor_ids = sorted(set(low.values_list("vendor_id", flat=True)))
    return sum(_vendor_alert(vendor_id=vendor_id, day=day) for vendor_id in vendor_ids)


@transaction.atomic
def _vendor_alert(*, vendor_id: int, day: date) -> int:
    # The vendor row lock makes concurrent runs take turns, so the products read under it are exactly the
    # ones this run reports; the unique (product, day) constraint is the backstop.
    vendor = Vendor.objects.select_for_update().get(pk=vendor_id)
    products = list(products_low_on_stock(vendor_ids=[vendor_id]).exclude(low_stock_alerts__day=day))
    if not products:
        return 0
    alerts = LowStockAlert.objects.bulk_create([LowStockAlert(product=product, day=day) for product in products])
    # A product that runs low later the same day gets its own e-mail: the batch's first alert marks it.
    batch = min(alert.pk for alert in alerts)
    context = {"vendor": vendor, "products": products, "day": day,
               "admin_url": settings.SITE_URL.rstrip("/") + reverse("admin:catalog_product_changelist")}
    subject = _("%(count)s product(s) running low at %(vendor)s") % {"count": len(products), "vendor": vendor.name}
    for address in _seller_addresses(vendor):
        email_queue(to=address, subject=subject, template="catalog/email/low_stock", context=context,
                    kind="catalog.low_stock", dedupe_key=f"low-stock:{vendor_id}:{day}:{batch}:{address}",
                    related_reference=f"vendor:{vendor_id}")
    # In the app: one notification per product (each links to its restock page), to every active member.
    members = notification_recipients_for_vendor(vendor_id=vendor_id)
    for product in products:
        notify(members, kind="catalog.low_stock", email=False, dedupe_key=f"low-stock:{product.pk}:{day}",
               title=_("Low stock: %(name)s (%(stock)s left)") % {"name": product.name, "stock": product.stock},
               url=reverse("admin:catalog_product_change", args=[product.pk]))
    return len(products)
