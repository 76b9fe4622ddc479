from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display
from unfold.widgets import UnfoldAdminTextareaWidget

from apps.core.admin import ActionFormPageMixin, BaseAdmin
from apps.moderation import services
from apps.moderation.forms import ModeratorNoteForm
from apps.moderation.models import TARGET_FIELDS, Report

MODERATE = "moderation.moderate_report"
STATUS_COLOURS = {Report.Status.OPEN: "warning", Report.Status.RESOLVED: "success", Report.Status.DISMISSED: "info"}


class TargetTypeFilter(admin.SimpleListFilter):
    title = _("target type")
    parameter_name = "target"

    def lookups(self, request, model_admin):
        return [("reported_user", _("Account")), ("product", _("Product")), ("vendor", _("Store"))]

    def queryset(self, request, queryset):
        if self.value() in TARGET_FIELDS:
            return queryset.filter(**{f"{self.value()}__isnull": False})
        return queryset


class NoteForm(ModeratorNoteForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["note"].widget = UnfoldAdminTextareaWidget(attrs={"rows": 3})


@admin.register(Report)
class ReportAdmin(ActionFormPageMixin, BaseAdmin):
    """Moderators only (moderation.moderate_report); reports are never shown to sellers."""

    list_display = ["target_display", "reason", "status_badge", "reporter", "created_at"]
    list_filter = ["status", "reason", TargetTypeFilter]
    list_select_related = ["reporter", "reported_user", "product", "vendor"]
    search_fields = ["reporter__email", "reported_user__email", "product__name", "vendor__name", "description"]
    actions_detail = ["resolve", "dismiss", "reactivate"]
    readonly_fields = ["reporter", "reported_user", "product", "vendor", "reason", "description", "status",
                       "moderator", "moderator_note", "handled_at", "created_at"]
    fields = readonly_fields

    # --- one permission opens everything; nobody adds or deletes reports here
    def has_module_permission(self, request):
        return request.user.has_perm(MODERATE)

    def has_view_permission(self, request, obj=None):
        return request.user.has_perm(MODERATE)

    def has_change_permission(self, request, obj=None):
        return False  # read-only: every change goes through a detail action and its service

    def has_moderate_permission(self, request, object_id=None):
        return request.user.has_perm(MODERATE)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # handled reports are the record of what moderators decided

    def has_import_permission(self, request):
        return False

    @display(description=_("Reported"))
    def target_display(self, obj):
        kind = {"reported_user": _("Account"), "product": _("Product"), "vendor": _("Store")}[obj.target_type]
        return f"{kind}: {obj.target}"

    @display(description=_("Status"), label=STATUS_COLOURS, ordering="status")
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    # --- detail actions: a note, then a service call; a refusal comes back as a message
    def action_summary(self, obj):
        lines = [f"{obj.get_reason_display()} · {obj.target} · {obj.get_status_display()}", obj.description]
        return "\n".join(line for line in lines if line)

    def _note_page(self, request, object_id, *, title, run, explanation=""):
        return self.action_form_page(request, object_id, title=title, form_class=NoteForm, explanation=explanation,
                                     submit=_("Confirm"), run=lambda report, data: run(report, data["note"]))

    @action(description=_("Resolve"), permissions=["moderate"], icon="task_alt")
    def resolve(self, request, object_id):
        return self._note_page(request, object_id, title=_("Resolve"), run=lambda report, note:
                               services.report_resolve(report_id=report.pk, moderator=request.user, note=note))

    @action(description=_("Dismiss"), permissions=["moderate"], icon="block")
    def dismiss(self, request, object_id):
        return self._note_page(request, object_id, title=_("Dismiss"), run=lambda report, note:
                               services.report_dismiss(report_id=report.pk, moderator=request.user, note=note))

    @action(description=_("Reactivate the reported account"), permissions=["moderate"], icon="person_check")
    def reactivate(self, request, object_id):
        def run(report, note):
            if report.reported_user_id is None:
                raise services.ReportError(_("This report is not about an account."))
            services.account_reactivate(user_id=report.reported_user_id, moderator=request.user, note=note)

        return self._note_page(request, object_id, title=_("Reactivate the reported account"), run=run,
                               explanation=_("Dismiss or resolve its open reports first: an account still over "
                                             "the threshold is deactivated again by the next report."))
