from allauth.usersessions.models import UserSession
from django.contrib import admin
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import display
from unfold.forms import AdminPasswordChangeForm, UserChangeForm, UserCreationForm

from apps.accounts.models import LoginEvent, User
from apps.accounts.resources import CustomerResource, UserResource
from apps.core.admin import BaseAdmin, ReadOnlyAdmin
from apps.dataio.admin_mixins import ImportWorkflowMixin
from apps.vendors.admin import AdminsOnlyImportExportMixin

admin.site.unregister(Group)
# People end their own sessions from their account pages; allauth's admin for them searches a username
# field our users do not have. Deactivating an account ends all its sessions at once.
admin.site.unregister(UserSession)


class UserCreateForm(UserCreationForm):
    class Meta:
        model = User
        fields = ("email",)


class UserEditForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(ImportWorkflowMixin, AdminsOnlyImportExportMixin, DjangoUserAdmin, BaseAdmin):
    form = UserEditForm
    add_form = UserCreateForm
    change_password_form = AdminPasswordChangeForm
    resource_classes = [UserResource]
    ordering = ["email"]
    list_display = ["email", "full_name", "phone", "roles", "staff_badge", "is_active", "date_joined"]
    list_filter = ["is_staff", "is_active", "groups", "date_joined"]
    search_fields = ["email", "full_name", "phone"]
    readonly_fields = ["last_login", "date_joined"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Personal info"), {"fields": ["full_name", "phone"]}),
        (_("Roles and permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]
    filter_horizontal = ["groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_import_resource_classes(self, request):
        return [CustomerResource]  # imports create and update customers only; exports list everyone

    @display(description=_("Roles"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all()) or "—"

    @display(description=_("Back office"), boolean=True)
    def staff_badge(self, obj):
        return obj.is_staff


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin, ModelAdmin):
    filter_horizontal = ["permissions"]


KIND_COLOURS = {LoginEvent.Kind.SUCCESS: "success", LoginEvent.Kind.MFA_PASSED: "success",
                LoginEvent.Kind.FAILURE: "danger", LoginEvent.Kind.MFA_FAILED: "danger"}


@admin.register(LoginEvent)
class LoginEventAdmin(ReadOnlyAdmin):
    """The sign-in audit. Written by the authentication signals only; administrators read it (role permission)."""

    list_display = ["created_at", "kind_badge", "user", "email", "ip", "user_agent"]
    list_filter = ["kind", ("created_at", RangeDateTimeFilter)]
    list_select_related = ["user"]
    search_fields = ["email", "user__email"]
    fields = ["kind", "user", "email", "ip", "user_agent", "created_at"]
    readonly_fields = fields

    @display(description=_("Kind"), ordering="kind", label=KIND_COLOURS)
    def kind_badge(self, obj):
        return obj.kind, obj.get_kind_display()
