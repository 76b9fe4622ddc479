"""The admin import page with Comptoir's rules, mixed into the admins of every importable model."""

from django.conf import settings
from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from import_export.results import RowResult

from apps.core.exceptions import DomainError
from apps.dataio.registry import key_of
from apps.dataio.resources import import_errors
from apps.dataio.services import count_rows, format_key, import_job_create

PREVIEW_ROWS = 100  # rows shown on the preview; the counts above it cover the whole file
ERRORS_IN_MESSAGE = 5


class ImportWorkflowMixin:
    """Errors as row, column and reason; a preview with counts; files above the threshold go to a background job.

    Put it first in the bases: ``class ProductAdmin(ImportWorkflowMixin, VendorScopedAdminMixin, BaseAdmin)``.
    """

    import_template_name = "admin/dataio/import.html"

    def import_action(self, request, **kwargs):
        if request.method == "POST":
            response = self._start_background_import(request)
            if response is not None:
                return response
        response = super().import_action(request, **kwargs)
        if isinstance(response, TemplateResponse):
            response.context_data["background_threshold"] = settings.IMPORT_BACKGROUND_THRESHOLD
            if response.context_data.get("result") is not None:
                self._describe(request, response.context_data)
        return response

    def _resource_for(self, request, resource_class, form=None):
        return resource_class(**self.get_import_resource_kwargs(request, form=form))

    def _describe(self, request, context) -> None:
        result, form = context["result"], context["form"]
        resource = self._resource_for(request, self.choose_import_resource_class(form, request), form)
        rows = result.valid_rows()
        context.update({
            "import_errors": import_errors(result, resource),
            "import_totals": {kind: result.totals[kind] for kind in
                              (RowResult.IMPORT_TYPE_NEW, RowResult.IMPORT_TYPE_UPDATE, RowResult.IMPORT_TYPE_SKIP)},
            "preview_rows": rows[:PREVIEW_ROWS], "more_rows": max(len(rows) - PREVIEW_ROWS, 0)})

    def _start_background_import(self, request):
        """A job for a file above the threshold; None lets the admin's own flow handle the request."""
        form = self.create_import_form(request)
        if not form.is_valid():
            return None
        resource_key = key_of(self.choose_import_resource_class(form, request))
        fmt = format_key(self.get_import_formats()[int(form.cleaned_data["format"])]())
        if resource_key is None or fmt is None:
            return None
        upload = form.cleaned_data["import_file"]
        data = b"".join(upload.chunks())
        try:
            rows = count_rows(data, fmt)
        except Exception:
            return None  # the admin's flow reads the file again and says what is wrong with it
        if rows <= settings.IMPORT_BACKGROUND_THRESHOLD:
            return None
        try:
            job = import_job_create(resource_key=resource_key, data=data, file_name=upload.name, fmt=fmt,
                                    actor=request.user, total_rows=rows)
        except DomainError as error:
            self.message_user(request, str(error), messages.ERROR)
            return redirect(request.path)
        self.message_user(request, _("%(rows)s rows: the file is checked in the background. Follow it here, then "
                                     "confirm the import.") % {"rows": rows}, messages.INFO)
        return redirect(reverse("admin:dataio_importjob_change", args=[job.pk]))

    # --- the confirm step of the small-file flow
    def process_dataset(self, dataset, form, request, **kwargs):
        request._import_resource = self._resource_for(request, self.choose_import_resource_class(form, request), form)
        return super().process_dataset(dataset, form, request, **kwargs)

    def process_result(self, result, request):
        if not (result.has_errors() or result.has_validation_errors()):
            return super().process_result(result, request)
        # the data changed since the preview: the import was rolled back as a whole
        errors = import_errors(result, request._import_resource)
        details = "; ".join(
            (_("row %(row)s, %(column)s: %(reason)s") if error.column else _("row %(row)s: %(reason)s"))
            % {"row": error.row or "-", "column": error.column, "reason": error.reason}
            for error in errors[:ERRORS_IN_MESSAGE])
        self.message_user(request, _("Nothing was imported: %(details)s. Upload the file again to see every error.")
                          % {"details": details}, messages.ERROR)
        return redirect(reverse(f"admin:{self.opts.app_label}_{self.opts.model_name}_import"))
