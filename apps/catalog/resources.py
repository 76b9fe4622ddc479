from decimal import InvalidOperation

from django.utils.translation import gettext as _
from import_export import fields
from import_export.widgets import ForeignKeyWidget

from apps.catalog.models import Product, Service, ServiceCategory, ServiceTier
from apps.catalog.products import moderation_snapshot, send_back_to_review
from apps.core.resources import MoneyAmountWidget, SafeModelResource, VendorScopedResource
from apps.vendors.models import Vendor


class ServiceCategoryResource(SafeModelResource):
    class Meta:
        model = ServiceCategory
        import_id_fields = ("slug",)
        fields = ("slug", "name", "parent", "icon", "ordering")
        skip_unchanged = True


class ServiceResource(VendorScopedResource):
    class Meta:
        model = Service
        fields = ("id", "vendor", "category", "name", "slug", "short_description", "description", "base_price",
                  "base_price_currency", "is_active", "duration_minutes")
        skip_unchanged = True


class ServiceTierResource(VendorScopedResource):
    class Meta:
        model = ServiceTier
        fields = ("id", "service", "name", "price", "price_currency", "sort_order")
        skip_unchanged = True


class PriceWidget(MoneyAmountWidget):
    """A price cell as people type it ("150 000" too); anything else is a row error naming the column."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = "".join(value.split())  # thousands separators: spaces, no-break and narrow no-break spaces
        try:
            return super().clean(value, row=row, **kwargs)
        except InvalidOperation:
            raise ValueError(_("Enter a price as a number, for example 150000.")) from None


class ProductResource(VendorScopedResource):
    """Products by slug, with vendor and category by slug too; imported content always waits for review.

    The moderation state is exported for reading but never imported: a new row is pending, and a row
    that changes what buyers read or pay goes back to pending, as when the product is edited.
    """

    vendor = fields.Field(attribute="vendor", column_name="vendor", widget=ForeignKeyWidget(Vendor, "slug"))
    category = fields.Field(attribute="category", column_name="category",
                            widget=ForeignKeyWidget(ServiceCategory, "slug"))
    price = fields.Field(attribute="price", column_name="price", widget=PriceWidget())
    sale_price = fields.Field(attribute="sale_price", column_name="sale_price", widget=PriceWidget())
    moderation_status = fields.Field(attribute="moderation_status", column_name="moderation_status", readonly=True)
    rejection_reason = fields.Field(attribute="rejection_reason", column_name="rejection_reason", readonly=True)

    class Meta:
        model = Product
        import_id_fields = ("slug",)
        fields = ("slug", "vendor", "category", "name", "description", "brand", "colour", "attributes", "price",
                  "price_currency", "sale_price", "sale_price_currency", "sale_starts_at", "sale_ends_at", "stock",
                  "low_stock_threshold", "is_active", "moderation_status", "rejection_reason")
        skip_unchanged = True
        clean_model_instances = True  # a missing name or a negative stock is a row error, not a crash

    def import_instance(self, instance, row, **kwargs):
        before = None if instance.pk is None else moderation_snapshot(instance)
        super().import_instance(instance, row, **kwargs)
        if before is None:
            instance.moderation_status = Product.Moderation.PENDING
        elif moderation_snapshot(instance) != before:
            send_back_to_review(instance)
