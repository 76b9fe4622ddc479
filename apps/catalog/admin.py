from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.contrib.filters.admin import RangeNumericFilter
from unfold.decorators import display

from apps.catalog.models import Service, ServiceCategory, ServiceTier
from apps.catalog.resources import ServiceCategoryResource, ServiceResource, ServiceTierResource
from apps.core.admin import BaseAdmin, VendorScopedAdminMixin


@admin.register(ServiceCategory)
class ServiceCategoryAdmin(BaseAdmin):
    resource_classes = [ServiceCategoryResource]
    list_display = ["name", "parent", "icon", "ordering", "services_count"]
    list_editable = ["ordering"]
    list_select_related = ["parent"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["parent"]
    filter_horizontal = ["eligible_providers"]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(services_total=Count("services")).order_by("ordering", "name")

    @display(description=_("Services"), ordering="services_total")
    def services_count(self, obj):
        return obj.services_total


class ServiceTierInline(VendorScopedAdminMixin, TabularInline):
    model = ServiceTier
    extra = 0
    fields = ["name", "price", "features", "sort_order"]


@admin.register(Service)
class ServiceAdmin(VendorScopedAdminMixin, BaseAdmin):
    resource_classes = [ServiceResource]
    list_display = ["name", "vendor", "category", "base_price", "active_badge", "updated_at"]
    list_filter = ["is_active", "category", "vendor", ("base_price", RangeNumericFilter)]
    list_select_related = ["vendor", "category", "category__parent"]
    search_fields = ["name", "slug", "short_description"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["vendor", "category"]
    inlines = [ServiceTierInline]
    fieldsets = [
        (None, {"fields": ["vendor", "category", "name", "slug", "is_active"]}),
        (_("Description"), {"fields": ["short_description", "description", "features"]}),
        (_("Price and duration"), {"fields": ["base_price", "duration_minutes"]}),
    ]

    @display(description=_("Active"), label={True: "success", False: "danger"})
    def active_badge(self, obj):
        return obj.is_active


@admin.register(ServiceTier)
class ServiceTierAdmin(VendorScopedAdminMixin, BaseAdmin):
    resource_classes = [ServiceTierResource]
    list_display = ["name", "service", "price", "sort_order"]
    list_filter = ["service__category", "service"]
    list_select_related = ["service", "service__vendor"]
    search_fields = ["name", "service__name"]
    autocomplete_fields = ["service"]
