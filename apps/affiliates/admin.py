from django.conf import settings
from django.contrib import admin, messages
from django.db.models import Q, Sum
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money
from unfold.decorators import action, display

from apps.affiliates.models import EARNING_STATUSES, Affiliate, Commission
from apps.affiliates.services import commission_approve, commission_reverse
from apps.core.admin import BaseAdmin
from apps.core.exceptions import DomainError

EARNING = Q(commissions__status__in=EARNING_STATUSES)


@admin.register(Affiliate)
class AffiliateAdmin(BaseAdmin):
    list_display = ["user", "code", "commission_rate", "active_badge", "commissions_total", "created_at"]
    list_filter = ["is_active", "created_at"]
    list_select_related = ["user"]
    search_fields = ["code", "user__email", "user__full_name"]
    autocomplete_fields = ["user"]
    readonly_fields = ["created_at", "updated_at"]
    fields = ["user", "code", "commission_rate", "is_active", "created_at", "updated_at"]

    def has_import_permission(self, request):
        return False  # an import would skip the code and rate validation of the form

    def get_queryset(self, request):
        # One sum per currency in the same query: amounts in different currencies never add up.
        return super().get_queryset(request).annotate(**{
            f"earned_{code}": Sum("commissions__amount", filter=EARNING & Q(commissions__amount_currency=code))
            for code in settings.CURRENCIES
        })

    def get_readonly_fields(self, request, obj=None):
        readonly = super().get_readonly_fields(request, obj)
        # Commissions and share links already name this person and this code.
        return [*readonly, "user", "code"] if obj is not None else readonly

    @display(description=_("Status"), label={True: "success", False: "danger"}, ordering="is_active")
    def active_badge(self, obj):
        return obj.is_active, _("Active") if obj.is_active else _("Paused")

    @display(description=_("Commissions (not reversed)"), ordering=f"earned_{settings.BASE_CURRENCY}")
    def commissions_total(self, obj):
        totals = [str(Money(getattr(obj, f"earned_{code}"), code))
                  for code in settings.CURRENCIES if getattr(obj, f"earned_{code}")]
        return " · ".join(totals) or "—"


@admin.register(Commission)
class CommissionAdmin(BaseAdmin):
    """Commissions come from paid purchases: only the note is editable; approve and reverse are actions."""

    list_display = ["affiliate", "reference", "base_amount", "amount", "status_badge", "created_at"]
    list_filter = ["status", "created_at"]
    list_select_related = ["affiliate"]
    search_fields = ["affiliate__code", "reference"]
    fields = ["affiliate", "reference", "base_amount", "rate", "amount", "status", "reversed_at", "note",
              "created_at", "updated_at"]
    readonly_fields = [name for name in fields if name != "note"]
    actions = ["approve_selected", "reverse_selected"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False

    @display(description=_("Status"), ordering="status", label={Commission.Status.PENDING: "warning",
                                                                Commission.Status.APPROVED: "success",
                                                                Commission.Status.REVERSED: "danger"})
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @action(description=_("Approve selected commissions"), permissions=["change"])
    def approve_selected(self, request, queryset):
        approved = 0
        for commission_id in queryset.values_list("pk", flat=True):
            try:
                commission_approve(commission_id=commission_id)
            except DomainError as error:
                self.message_user(request, str(error), messages.WARNING)
            else:
                approved += 1
        if approved:
            self.message_user(request, _("%(count)d commission(s) approved.") % {"count": approved})

    @action(description=_("Reverse selected commissions"), permissions=["change"])
    def reverse_selected(self, request, queryset):
        note = _("Reversed in the back office by %(who)s.") % {"who": request.user.email}
        # A reference names one purchase, and a purchase has one referring affiliate.
        references = (queryset.filter(status__in=EARNING_STATUSES).order_by()
                      .values_list("reference", flat=True).distinct())
        reversed_count = sum(len(commission_reverse(reference=reference, note=note)) for reference in references)
        self.message_user(request, _("%(count)d commission(s) reversed.") % {"count": reversed_count})
