from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.decorators import display

from apps.core.admin import ReadOnlyAdmin
from apps.loyalty.models import LoyaltyAccount, LoyaltyEntry

KIND_COLOURS = {LoyaltyEntry.Kind.EARN: "success", LoyaltyEntry.Kind.RESTORE: "info",
                LoyaltyEntry.Kind.REDEEM: "primary", LoyaltyEntry.Kind.EXPIRE: "warning",
                LoyaltyEntry.Kind.REVERSE: "danger"}



@admin.register(LoyaltyAccount)
class LoyaltyAccountAdmin(ReadOnlyAdmin):
    list_display = ["user", "balance", "updated_at"]
    list_select_related = ["user"]
    search_fields = ["user__email", "user__full_name"]
    fields = ["user", "balance", "updated_at"]
    readonly_fields = fields


@admin.register(LoyaltyEntry)
class LoyaltyEntryAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "user", "kind_badge", "points", "reference", "expires_at"]
    list_filter = ["kind", ("created_at", RangeDateFilter)]
    list_select_related = ["user"]
    search_fields = ["reference", "user__email", "user__full_name"]
    fields = ["user", "kind", "points", "reference", "expires_at", "created_at"]
    readonly_fields = fields

    @display(description=_("Kind"), label=KIND_COLOURS, ordering="kind")
    def kind_badge(self, obj):
        return obj.kind, obj.get_kind_display()
