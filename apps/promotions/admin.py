from django import forms
from django.contrib import admin
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from unfold.admin import TabularInline
from unfold.decorators import display

from apps.core.admin import BaseAdmin, VendorScopedAdminMixin
from apps.core.templatetags.money import price
from apps.dataio.admin_mixins import ImportWorkflowMixin
from apps.promotions.codes import kind_values, normalise_code
from apps.promotions.models import PromoCode, PromoRedemption
from apps.promotions.resources import PromoCodeResource

VALIDITY_COLOURS = {"active": "success", "scheduled": "info", "expired": "danger", "used_up": "warning",
                    "paused": "warning"}
VALIDITY_LABELS = {"active": _("Active"), "scheduled": _("Scheduled"), "expired": _("Expired"),
                   "used_up": _("Used up"), "paused": _("Paused")}


def validity(promo: PromoCode, at=None) -> str:
    at = at or timezone.now()
    if not promo.is_active:
        return "paused"
    if promo.valid_until is not None and at >= promo.valid_until:
        return "expired"
    if at < promo.valid_from:
        return "scheduled"
    if promo.max_uses is not None and promo.uses_count >= promo.max_uses:
        return "used_up"
    return "active"


class PromoCodeForm(forms.ModelForm):
    class Meta:
        model = PromoCode
        fields = "__all__"

    def clean_code(self):
        try:
            return normalise_code(self.cleaned_data["code"])
        except ValueError as error:
            raise forms.ValidationError(str(error)) from None

    def clean(self):
        cleaned = super().clean()
        # Only the value of the chosen kind is kept: the other box may hold a leftover from a change of mind.
        values, missing = kind_values(cleaned.get("kind"), cleaned.get("percent_off"), cleaned.get("amount_off"))
        cleaned.update(values)
        for field, message in missing.items():
            if field not in self.errors:
                self.add_error(field, message)
        return cleaned


class RedemptionInline(TabularInline):
    model = PromoRedemption
    extra = 0
    can_delete = False
    fields = ["reference", "customer", "created_at", "released_at"]
    readonly_fields = fields
    verbose_name_plural = _("Redemptions")
    per_page = 20  # unfold paginates the inline: a popular code has thousands of uses

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True  # shown inside a code the person may already open; never on its own

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("customer")


class ValidityFilter(admin.SimpleListFilter):
    title = _("validity")
    parameter_name = "validity"

    def lookups(self, request, model_admin):
        return [(key, VALIDITY_LABELS[key]) for key in ("active", "scheduled", "expired", "used_up", "paused")]

    def queryset(self, request, queryset):
        now = timezone.now()
        running = Q(is_active=True) & (Q(valid_until__isnull=True) | Q(valid_until__gt=now))
        used_up = Q(max_uses__isnull=False, uses_count__gte=F("max_uses"))
        conditions = {
            "paused": Q(is_active=False),
            "expired": Q(is_active=True, valid_until__lte=now),
            "scheduled": running & Q(valid_from__gt=now),
            "used_up": running & Q(valid_from__lte=now) & used_up,
            "active": running & Q(valid_from__lte=now) & ~used_up,
        }
        return queryset.filter(conditions[self.value()]) if self.value() in conditions else queryset


@admin.register(PromoCode)
class PromoCodeAdmin(ImportWorkflowMixin, VendorScopedAdminMixin, BaseAdmin):
    """Sellers make codes for their own products; platform staff also make platform codes (no vendor)."""

    form = PromoCodeForm
    resource_classes = [PromoCodeResource]
    list_display = ["code", "value_display", "vendor_display", "category", "uses_display", "validity_badge",
                    "valid_until"]
    list_filter = [ValidityFilter, "kind", "is_active", "vendor", "category"]
    list_select_related = ["vendor", "category", "category__parent"]
    search_fields = ["code"]
    autocomplete_fields = ["vendor", "category"]
    readonly_fields = ["uses_count", "created_at", "updated_at"]
    inlines = [RedemptionInline]
    fieldsets = [
        (None, {"fields": ["code", "vendor", "is_active"]}),
        (_("Discount"), {"fields": ["kind", "percent_off", "amount_off", "min_order", "category"]}),
        (_("Validity and limits"), {"fields": ["valid_from", "valid_until", "max_uses", "max_uses_per_customer",
                                               "uses_count"]}),
    ]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        formfield = super().formfield_for_foreignkey(db_field, request, **kwargs)
        if db_field.name == "vendor" and formfield is not None and not self.vendor_scope(request).all_vendors:
            # a platform-wide code is for platform staff only
            formfield.required = True
            formfield.help_text = _("Your codes apply to your own products only.")
        return formfield

    def get_inlines(self, request, obj):
        return self.inlines if obj is not None else []  # a code being created has no redemptions

    @display(description=_("Discount"))
    def value_display(self, obj):
        if obj.kind == PromoCode.Kind.PERCENT:
            return f"{obj.percent_off.normalize():f} %"
        return price(obj.amount_off)

    @display(description=_("Vendor"), ordering="vendor__name")
    def vendor_display(self, obj):
        return obj.vendor.name if obj.vendor_id else _("Platform (every seller)")

    @display(description=_("Uses"), ordering="uses_count")
    def uses_display(self, obj):
        return f"{obj.uses_count} / {obj.max_uses if obj.max_uses is not None else '∞'}"

    @display(description=_("Validity"), label=VALIDITY_COLOURS)
    def validity_badge(self, obj):
        state = validity(obj)
        return state, VALIDITY_LABELS[state]
