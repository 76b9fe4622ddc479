from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.decorators import method_decorator
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET, require_POST
from django_htmx.http import HttpResponseStopPolling
from unfold.decorators import display

from apps.core.admin import BaseAdmin, VendorScopedAdminMixin
from apps.core.exceptions import DomainError
from apps.core.files import private_file_response
from apps.dataio.models import ImportJob
from apps.dataio.registry import resource_class_for
from apps.dataio.resources import RowError
from apps.dataio.services import FIRST_ERRORS_KEPT, import_job_confirm

STATUS_COLOURS = {ImportJob.Status.UPLOADED: "info", ImportJob.Status.VALIDATING: "info",
                  ImportJob.Status.PREVIEW_READY: "warning", ImportJob.Status.IMPORTING: "info",
                  ImportJob.Status.DONE: "success", ImportJob.Status.FAILED: "danger"}
POLL_SECONDS = 2


@admin.register(ImportJob)
class ImportJobAdmin(VendorScopedAdminMixin, BaseAdmin):
    """Large imports: read-only pages with a progress panel that htmx refreshes while a worker runs the job."""

    list_display = ["original_name", "what", "status_badge", "progress_column", "total_rows", "error_rows",
                    "created_by", "created_at"]
    list_filter = ["status", "resource_key", "vendor"]
    list_select_related = ["created_by", "vendor"]
    search_fields = ["original_name"]

    # jobs are created by uploading a file on an import page, and changed only by their services
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False

    @display(description=_("What"), ordering="resource_key")
    def what(self, obj):
        return obj.get_resource_key_display()

    @display(description=_("Status"), label=STATUS_COLOURS)
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Progress"))
    def progress_column(self, obj):
        return f"{obj.progress} %"

    # --- the job page, its progress panel, confirming, the error report
    def get_urls(self):
        info = f"{self.opts.app_label}_{self.opts.model_name}"
        return [
            path("<path:object_id>/panel/", self.admin_site.admin_view(self.panel_view), name=f"{info}_panel"),
            path("<path:object_id>/confirm/", self.admin_site.admin_view(self.confirm_view), name=f"{info}_confirm"),
            path("<path:object_id>/errors/", self.admin_site.admin_view(self.error_report_view),
                 name=f"{info}_errors"),
        ] + super().get_urls()

    def _job(self, request, object_id) -> ImportJob:
        job = self._get_scoped_object_or_404(request, object_id)  # another vendor's job is "not found"
        if not self.has_view_permission(request, job):
            raise PermissionDenied
        return job

    def _panel_context(self, request, job) -> dict:
        info = f"admin:{self.opts.app_label}_{self.opts.model_name}"
        model = resource_class_for(job.resource_key)._meta.model
        return {
            "job": job, "what": job.get_resource_key_display(), "poll_seconds": POLL_SECONDS,
            "errors": [RowError(*error) for error in job.first_errors],
            "errors_truncated": len(job.first_errors) >= FIRST_ERRORS_KEPT,
            "panel_url": reverse(f"{info}_panel", args=[job.pk]),
            "confirm_url": reverse(f"{info}_confirm", args=[job.pk]),
            "errors_url": reverse(f"{info}_errors", args=[job.pk]) if job.error_report else None,
            "may_confirm": job.can_confirm and job.created_by_id == request.user.pk,
            "records_url": reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist"),
        }

    def change_view(self, request, object_id, form_url="", extra_context=None):
        job = self._job(request, object_id)
        return TemplateResponse(request, "admin/dataio/importjob_detail.html", {
            **self.admin_site.each_context(request), **self._panel_context(request, job),
            "title": _("Import of %(file)s") % {"file": job.original_name}, "opts": self.opts, "original": job})

    @staticmethod
    def _render_panel(request, context):
        return TemplateResponse(request, "admin/dataio/partials/_job_panel.html", context).render()

    @method_decorator(require_GET)
    def panel_view(self, request, object_id):
        job = self._job(request, object_id)
        if not request.htmx:
            return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[job.pk]))
        response = self._render_panel(request, self._panel_context(request, job))
        if job.is_running:
            return response
        return HttpResponseStopPolling(response.content)

    @method_decorator(require_POST)
    def confirm_view(self, request, object_id):
        job = self._job(request, object_id)
        try:
            import_job_confirm(job_id=job.pk, actor=request.user)
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
        else:
            self.message_user(request, _("Import confirmed: a worker is writing the rows."), messages.SUCCESS)
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_change", args=[job.pk]))

    @method_decorator(require_GET)
    def error_report_view(self, request, object_id):
        job = self._job(request, object_id)
        if not job.error_report:
            raise Http404
        return private_file_response(job.error_report, filename=f"import-{job.pk}-errors.csv", content_type="text/csv")
