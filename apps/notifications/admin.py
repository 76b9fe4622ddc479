from django.contrib import admin, messages
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.contrib.filters.admin import RangeDateTimeFilter
from unfold.decorators import action, display

from apps.core.admin import ReadOnlyAdmin
from apps.core.exceptions import DomainError
from apps.notifications.models import EmailLog, Notification
from apps.notifications.services import email_resend



@admin.register(EmailLog)
class EmailLogAdmin(ReadOnlyAdmin):
    """A delivery record: read-only, except sending a failed e-mail again."""

    list_display = ["to", "subject", "kind", "status_badge", "attempts", "created_at", "sent_at"]
    list_filter = ["status", "kind", ("created_at", RangeDateTimeFilter)]
    search_fields = ["to", "subject", "related_reference"]
    actions = ["resend_selected"]
    actions_detail = ["resend_detail"]
    fieldsets = [
        (None, {"fields": ["to", "subject", "kind", "related_reference"]}),
        (_("Delivery"), {"fields": ["status", "attempts", "last_error", "sent_at", "created_at", "dedupe_key"]}),
        (_("Message"), {"fields": ["body_text", "body_html"]}),
    ]

    def has_resend_permission(self, request, object_id=None):
        return request.user.has_perm("notifications.change_emaillog")

    @display(description=_("Status"), ordering="status",
             label={EmailLog.Status.QUEUED: "info", EmailLog.Status.SENT: "success", EmailLog.Status.FAILED: "danger"})
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    def _resend(self, request, log_id: int) -> None:
        try:
            log = email_resend(log_id=log_id)
        except DomainError as error:
            self.message_user(request, str(error), messages.WARNING)
        else:
            self.message_user(request, _("The e-mail to %(to)s is queued again.") % {"to": log.to})

    @action(description=_("Send again"), permissions=["resend"])
    def resend_selected(self, request, queryset):
        for log_id in queryset.values_list("pk", flat=True):
            self._resend(request, log_id)

    @action(description=_("Send again"), url_path="resend", permissions=["resend"], icon="send")
    def resend_detail(self, request, object_id):
        if request.method == "POST":
            self._resend(request, int(object_id))
        return redirect(reverse("admin:notifications_emaillog_change", args=[object_id]))


class ReadFilter(admin.SimpleListFilter):
    title = _("read")
    parameter_name = "read"

    def lookups(self, request, model_admin):
        return [("no", _("Unread")), ("yes", _("Read"))]

    def queryset(self, request, queryset):
        if self.value() in ("yes", "no"):
            return queryset.filter(read_at__isnull=self.value() == "no")
        return queryset


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin):
    """Everyone's in-app notifications, for administrators answering "did I get told?". Per person, not per
    store, so not vendor-scoped: sellers hold no permission on it."""

    list_display = ["title", "user", "kind", "read_badge", "created_at"]
    list_filter = [ReadFilter, "kind", ("created_at", RangeDateTimeFilter)]
    list_select_related = ["user"]
    search_fields = ["title", "user__email", "kind"]
    fields = ["user", "kind", "title", "body", "url", "created_at", "read_at", "dedupe_key"]
    readonly_fields = fields

    @display(description=_("Read"), ordering="read_at", label={"unread": "warning", "read": "success"})
    def read_badge(self, obj):
        return ("unread", _("Unread")) if obj.is_unread else ("read", _("Read"))

