"""Catalogue imports and exports: every row is named by a natural key (a slug; a tier by service + name)."""

from decimal import InvalidOperation

from django.utils.translation import gettext as _
from import_export import fields

from apps.catalog.models import Product, Service, ServiceCategory, ServiceTier
from apps.catalog.products import moderation_snapshot, send_back_to_review
from apps.core.resources import MoneyAmountWidget, SafeModelResource, VendorScopedResource
from apps.dataio.resources import ImportRules, LookupWidget
from apps.vendors.models import Vendor


def _lookup(name, model, key="slug"):
    return fields.Field(attribute=name, column_name=name, widget=LookupWidget(model, key))


def _read_only_id():
    # exported for reference; never imported: rows are matched by their natural key, not by database id
    return fields.Field(attribute="id", column_name="id", readonly=True)


class ServiceCategoryResource(ImportRules, SafeModelResource):
    parent = _lookup("parent", ServiceCategory)

    class Meta:
        model = ServiceCategory
        import_id_fields = ("slug",)
        fields = ("slug", "name", "parent", "icon", "ordering")
        skip_unchanged = True
        clean_model_instances = True

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        # a later row may name this one as its parent before it is written (tuned validation writes nothing)
        self.fields["parent"].widget.remember(instance.slug, instance)


class PriceWidget(MoneyAmountWidget):
    """A price cell as people type it ("150 000" too); anything else is a row error naming the column."""

    def clean(self, value, row=None, **kwargs):
        if isinstance(value, str):
            value = "".join(value.split())  # thousands separators: spaces, no-break and narrow no-break spaces
        try:
            return super().clean(value, row=row, **kwargs)
        except InvalidOperation:
            raise ValueError(_("Enter a price as a number, for example 150000.")) from None


class ProductResource(ImportRules, VendorScopedResource):
    """Products by slug, with vendor and category by slug too; imported content always waits for review.

    The moderation state is exported for reading but never imported: a new row is pending, and a row
    that changes what buyers read or pay goes back to pending, as when the product is edited.
    """

    vendor = _lookup("vendor", Vendor)
    category = _lookup("category", ServiceCategory)
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


class ServiceResource(ImportRules, VendorScopedResource):
    id = _read_only_id()
    vendor = _lookup("vendor", Vendor)
    category = _lookup("category", ServiceCategory)
    base_price = fields.Field(attribute="base_price", column_name="base_price", widget=PriceWidget())

    class Meta:
        model = Service
        import_id_fields = ("slug",)
        fields = ("id", "slug", "vendor", "category", "name", "short_description", "description", "features",
                  "base_price", "base_price_currency", "is_active", "duration_minutes")
        skip_unchanged = True
        clean_model_instances = True


class ServiceTierResource(ImportRules, VendorScopedResource):
    """Tiers by service slug + tier name: the pair is unique, so a second import updates instead of adding."""

    id = _read_only_id()
    service = _lookup("service", Service)
    price = fields.Field(attribute="price", column_name="price", widget=PriceWidget())

    class Meta:
        model = ServiceTier
        import_id_fields = ("service", "name")
        fields = ("id", "service", "name", "price", "price_currency", "features", "sort_order")
        skip_unchanged = True
        clean_model_instances = True
