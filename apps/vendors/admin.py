from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import action, display

from apps.core.admin import BaseAdmin, VendorScopedAdminMixin
from apps.core.exceptions import DomainError
from apps.vendors.models import Vendor, VendorMembership
from apps.vendors.resources import VendorResource
from apps.vendors.services import vendor_set_status


class AdminsOnlyImportExportMixin:
    """Bulk import/export of platform-level records is for those who may create them."""

    def _may_bulk(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")

    def has_import_permission(self, request):
        return self._may_bulk(request)

    def has_export_permission(self, request):
        return self._may_bulk(request)


class MembershipInline(VendorScopedAdminMixin, TabularInline):
    model = VendorMembership
    extra = 0
    autocomplete_fields = ["user"]
    fields = ["user", "role", "created_at"]
    readonly_fields = ["created_at"]

    # Adding people to a store is done by platform staff, who may search every account.
    def has_add_permission(self, request, obj=None):
        return self.vendor_scope(request).all_vendors and super().has_add_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return readonly if self.vendor_scope(request).all_vendors else [*readonly, "user"]


@admin.register(Vendor)
class VendorAdmin(VendorScopedAdminMixin, AdminsOnlyImportExportMixin, BaseAdmin):
    resource_classes = [VendorResource]
    list_display = ["name", "slug", "contact_email", "default_currency", "status_badge", "members_count", "created_at"]
    list_filter = ["status", "default_currency", "created_at"]
    search_fields = ["name", "slug", "contact_email"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = ["created_at", "updated_at"]
    inlines = [MembershipInline]
    actions = ["suspend_selected", "reactivate_selected"]
    fieldsets = [
        (None, {"fields": ["name", "slug", "status", "description", "logo"]}),
        (_("Contact"), {"fields": ["contact_email", "contact_phone", "address", "pickup_neighbourhood",
                                   "pickup_latitude", "pickup_longitude", "default_currency"]}),
        (_("Record"), {"fields": ["created_at", "updated_at"]}),
    ]

    def get_queryset(self, request):
        from django.db.models import Count

        return super().get_queryset(request).annotate(members_total=Count("memberships")).order_by("name")

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        if not self.vendor_scope(request).all_vendors:
            readonly = [*readonly, "status", "slug"]  # only platform staff suspend or rename a store
        return readonly

    def get_prepopulated_fields(self, request, obj=None):
        return self.prepopulated_fields if self.vendor_scope(request).all_vendors else {}

    @display(description=_("Status"), label={"active": "success", "suspended": "danger"}, ordering="status")
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Members"), ordering="members_total")
    def members_count(self, obj):
        return obj.members_total

    def _set_status(self, request, queryset, status):
        for vendor in queryset:
            try:
                vendor_set_status(vendor_id=vendor.pk, status=status)
            except DomainError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                self.message_user(request, _("%(vendor)s is now %(status)s.") % {
                    "vendor": vendor, "status": Vendor.Status(status).label.lower()})

    @action(description=_("Suspend selected vendors"), permissions=["suspend"])
    def suspend_selected(self, request, queryset):
        self._set_status(request, queryset, Vendor.Status.SUSPENDED)

    @action(description=_("Reactivate selected vendors"), permissions=["suspend"])
    def reactivate_selected(self, request, queryset):
        self._set_status(request, queryset, Vendor.Status.ACTIVE)

    def has_suspend_permission(self, request):
        return request.user.has_perm("vendors.access_all_vendors") and request.user.has_perm("vendors.change_vendor")


@admin.register(VendorMembership)
class VendorMembershipAdmin(VendorScopedAdminMixin, BaseAdmin):
    list_display = ["user", "vendor", "role_badge", "created_at"]
    list_filter = ["role", "vendor"]
    search_fields = ["user__email", "user__full_name", "vendor__name"]
    list_select_related = ["user", "vendor"]
    autocomplete_fields = ["user", "vendor"]

    @display(description=_("Role"), label={"owner": "primary", "manager": "info", "staff": "warning"})
    def role_badge(self, obj):
        return obj.role, obj.get_role_display()

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        return [*readonly, "user"] if obj is not None else readonly
