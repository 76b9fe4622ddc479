from django import forms
from django.contrib import admin
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateFilter
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextareaWidget

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.core.admin import ActionFormPageMixin, BaseAdmin, TimelineInline, VendorScopedAdminMixin
from apps.core.templatetags.money import price
from apps.servicedesk import services
from apps.servicedesk.models import ServiceRequest, StatusChange

Status = ServiceRequest.Status
STATUS_COLOURS = {
    Status.PAYMENT_CONFIRMED: "info", Status.PENDING_CONTACT: "warning", Status.TEAM_ASSIGNED: "info",
    Status.IN_PROGRESS: "primary", Status.COMPLETED: "success", Status.CANCELLED: "danger", Status.REFUNDED: "danger",
}


class TransitionForm(forms.Form):
    note = forms.CharField(label=_("Note"), required=False, widget=UnfoldAdminTextareaWidget(attrs={"rows": 3}))

    def __init__(self, *args, providers=None, note_required=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].required = note_required
        if providers is not None:
            self.fields["provider"] = forms.ModelChoiceField(label=_("Provider"), queryset=providers,
                                                               widget=UnfoldAdminSelectWidget)
            self.order_fields(["provider", "note"])


class RequestTimelineInline(TimelineInline):
    model = StatusChange


@admin.register(ServiceRequest)
class ServiceRequestAdmin(VendorScopedAdminMixin, ActionFormPageMixin, BaseAdmin):
    list_display = ["reference", "full_name", "service", "created_at", "status_badge", "provider", "amount_display"]
    list_filter = [("status", admin.ChoicesFieldListFilter), "service__category", ("created_at", RangeDateFilter),
                   "provider", "vendor"]
    list_select_related = ["service", "provider", "vendor"]
    search_fields = ["reference", "full_name", "email", "phone"]
    date_hierarchy = None
    inlines = [RequestTimelineInline]
    actions = ["start_selected", "complete_selected"]
    actions_detail = ["assign", "start", "complete", "cancel", "refund"]
    readonly_fields = ["reference", "vendor", "service", "tier", "customer", "full_name", "email", "phone",
                       "requirements", "amount", "status", "provider", "assigned_at", "completed_at",
                       "affiliate_code", "payment_summary", "commission_summary", "email_log", "created_at"]
    fieldsets = [
        (None, {"fields": ["reference", "status", "provider", "service", "tier", "vendor", "created_at"]}),
        (_("Customer"), {"fields": ["full_name", "email", "phone", "customer", "requirements"]}),
        (_("Money"), {"fields": ["amount", "payment_summary", "affiliate_code", "commission_summary"]}),
        (_("Delivery"), {"fields": ["assigned_at", "completed_at", "email_log"]}),
    ]

    # Who sees what: sellers their vendor's requests, managers all, providers those assigned to them
    # (apps.servicedesk.selectors.scope_to_assigned_requests, applied by BaseAdmin.get_queryset).

    def has_add_permission(self, request):
        return False  # requests are created by payments, never by hand

    def has_delete_permission(self, request, obj=None):
        return False  # a paid request is cancelled or refunded, never deleted

    @display(description=_("Status"), label=STATUS_COLOURS, ordering="status")
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Amount"), ordering="amount")
    def amount_display(self, obj):
        return price(obj.amount)

    @display(description=_("Payment"))
    def payment_summary(self, obj):
        payment = obj.payment
        # never the payment's token: it opens the buyer's payment page
        parts = [price(payment.amount), payment.gateway, payment.get_status_display(), payment.provider_reference]
        return " · ".join(str(part) for part in parts if part)

    @display(description=_("Affiliate commission"))
    def commission_summary(self, obj):
        from apps.affiliates.models import Commission

        rows = Commission.objects.filter(reference=obj.reference).select_related("affiliate")
        return "; ".join(f"{c.affiliate.code}: {c.amount} ({c.get_status_display()})" for c in rows) or "—"

    @display(description=_("E-mails"))
    def email_log(self, obj):
        from apps.notifications.models import EmailLog

        rows = EmailLog.objects.filter(related_reference=obj.reference).order_by("created_at")
        return "; ".join(f"{log.subject} → {log.to} ({log.get_status_display()}, {log.attempts}×)" for log in rows) or "—"

    # --- actions: every one calls a service and reports a refusal as a message
    def _providers_for(self, req):
        return (User.objects.filter(is_active=True)
                .filter(Q(groups__name=Role.SUPPORT) | Q(vendor_memberships__vendor=req.vendor,
                                                         vendor_memberships__vendor__status="active"))
                .distinct().order_by("full_name", "email"))

    def action_summary(self, obj):
        return f"{obj.service.name} · {obj.full_name} · {obj.get_status_display()}"

    def _transition_page(self, request, object_id, *, title, run, providers=False, note_required=False):
        return self.action_form_page(
            request, object_id, title=title, form_class=TransitionForm, run=run,
            form_kwargs=lambda req: {"providers": self._providers_for(req) if providers else None,
                                     "note_required": note_required})

    @action(description=_("Assign"), permissions=["change"], icon="person_add")
    def assign(self, request, object_id):
        return self._transition_page(request, object_id, title=_("Assign"), providers=True, run=lambda req, data:
                                     services.request_assign(request_id=req.pk, provider=data["provider"],
                                                             actor=request.user, note=data["note"]))

    @action(description=_("Start work"), permissions=["change"], icon="play_arrow")
    def start(self, request, object_id):
        return self._transition_page(request, object_id, title=_("Start work"), run=lambda req, data:
                                     services.request_start(request_id=req.pk, actor=request.user, note=data["note"]))

    @action(description=_("Complete"), permissions=["change"], icon="check_circle")
    def complete(self, request, object_id):
        return self._transition_page(request, object_id, title=_("Complete"), run=lambda req, data:
                                     services.request_complete(request_id=req.pk, actor=request.user, note=data["note"]))

    @action(description=_("Cancel"), permissions=["change"], icon="cancel")
    def cancel(self, request, object_id):
        return self._transition_page(request, object_id, title=_("Cancel"), note_required=True, run=lambda req, data:
                                     services.request_cancel(request_id=req.pk, actor=request.user, note=data["note"]))

    @action(description=_("Refund"), permissions=["change"], icon="currency_exchange")
    def refund(self, request, object_id):
        return self._transition_page(request, object_id, title=_("Refund"), note_required=True, run=lambda req, data:
                                     services.request_refund(request_id=req.pk, actor=request.user, note=data["note"]))

    def _bulk(self, request, queryset, service):
        self.apply_to_each(request, queryset, lambda obj: service(request_id=obj.pk, actor=request.user))

    @admin.action(description=_("Start work on selected requests"), permissions=["change"])
    def start_selected(self, request, queryset):
        self._bulk(request, queryset, services.request_start)

    @admin.action(description=_("Complete selected requests"), permissions=["change"])
    def complete_selected(self, request, queryset):
        self._bulk(request, queryset, services.request_complete)
