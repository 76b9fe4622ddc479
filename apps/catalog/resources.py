from apps.catalog.models import Service, ServiceCategory, ServiceTier
from apps.core.resources import SafeModelResource, VendorScopedResource


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
