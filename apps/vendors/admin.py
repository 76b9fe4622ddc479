from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import action, display

from apps.core.admin import BaseAdmin, VendorScopedAdminMixin
from apps.core.exceptions import DomainError
from apps.vendors.models import Vendor, VendorMembership
from apps.vendors.resources import VendorResource
from apps.vendors.selectors import members_manageable_by
from apps.vendors.services import membership_add, membership_change_role, membership_remove, vendor_set_status


class AdminsOnlyImportExportMixin:
    """Bulk import/export of platform-level records is for those who may create them."""

    def _may_bulk(self, request):
        return request.user.has_perm(f"{self.opts.app_label}.add_{self.opts.model_name}")

    def has_import_permission(self, request):
        return self._may_bulk(request)

    def has_export_permission(self, request):
        return self._may_bulk(request)


class MembershipInline(VendorScopedAdminMixin, TabularInline):
    """Who works for the store, read-only: roles change on the membership's own page, through the services."""

    model = VendorMembership
    extra = 0
    fields = ["user", "role", "created_at"]
    readonly_fields = fields
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
        return [*readonly, "user", "vendor"] if obj is not None else readonly

    # --- only the store's owners (and platform staff) manage members; nobody edits their own role
    def has_change_permission(self, request, obj=None):
        if not super().has_change_permission(request, obj):
            return False
        return not isinstance(obj, VendorMembership) or (
            obj.user_id != request.user.pk and members_manageable_by(user=request.user, vendor_id=obj.vendor_id))

    def has_delete_permission(self, request, obj=None):
        if not super().has_delete_permission(request, obj):
            return False
        return not isinstance(obj, VendorMembership) or members_manageable_by(
            user=request.user, vendor_id=obj.vendor_id, perm="delete")

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # one by one, through membership_remove and its last-owner rule
        return actions

    def save_model(self, request, obj, form, change):
        self.check_save_in_scope(request, obj)
        if change:
            membership_change_role(membership_id=obj.pk, role=obj.role, actor=request.user)
        else:
            obj.pk = membership_add(vendor_id=obj.vendor_id, user=obj.user, role=obj.role, actor=request.user).pk
            obj.refresh_from_db()

    def delete_model(self, request, obj):
        membership_remove(membership_id=obj.pk, actor=request.user)

    # A refusal raised while saving rolls the whole form back and comes back as a message.
    def _refusal_as_message(self, request, view, object_id):
        try:
            return view()
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
            if object_id is None:
                return redirect(reverse("admin:vendors_vendormembership_changelist"))
            return redirect(reverse("admin:vendors_vendormembership_change", args=[object_id]))

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        return self._refusal_as_message(
            request, lambda: super(VendorMembershipAdmin, self).changeform_view(request, object_id, form_url,
                                                                                 extra_context), object_id)

    def delete_view(self, request, object_id, extra_context=None):
        return self._refusal_as_message(
            request, lambda: super(VendorMembershipAdmin, self).delete_view(request, object_id, extra_context),
            object_id)
