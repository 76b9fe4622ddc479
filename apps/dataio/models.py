import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from apps.core.files import private_storage
from apps.core.models import TimeStampedModel
from apps.dataio.registry import LABELS


def import_file_path(job, filename):
    # Private storage, and a folder of its own per job so that file names (ours, never the uploader's) do not clash.
    return f"imports/{uuid.uuid4().hex}/{filename}"


class ImportJob(TimeStampedModel):
    """A large import run in the background: validated (dry run) first, then written once someone confirms."""

    vendor_path = "vendor"

    class Status(models.TextChoices):
        UPLOADED = "uploaded", _("Uploaded")
        VALIDATING = "validating", _("Checking the file")
        PREVIEW_READY = "preview_ready", _("Ready to import")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    class Format(models.TextChoices):
        CSV = "csv", "CSV"
        XLSX = "xlsx", "XLSX"

    # Empty for platform-level imports (categories, customers) and for staff importing several vendors' rows.
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="import_jobs", verbose_name=_("vendor"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True,
                                   related_name="import_jobs", verbose_name=_("imported by"))
    # not "resource" nor "format": import-export's export form would take such columns for its own fields
    resource_key = models.CharField(_("what is imported"), max_length=40, choices=list(LABELS.items()))
    file = models.FileField(_("file"), upload_to=import_file_path, storage=private_storage, max_length=300)
    original_name = models.CharField(_("file name"), max_length=255)
    file_format = models.CharField(_("format"), max_length=8, choices=Format.choices)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.UPLOADED,
                              db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    total_rows = models.PositiveIntegerField(_("rows"), default=0)
    new_rows = models.PositiveIntegerField(_("new"), default=0)
    updated_rows = models.PositiveIntegerField(_("updated"), default=0)
    skipped_rows = models.PositiveIntegerField(_("unchanged"), default=0)
    error_rows = models.PositiveIntegerField(_("rows with errors"), default=0)
    first_errors = models.JSONField(_("first errors"), default=list, blank=True,
                                    help_text=_("The first errors found, as [row, column, reason]."))
    error_report = models.FileField(_("error report"), upload_to=import_file_path, storage=private_storage, max_length=300,
                                    blank=True)
    message = models.TextField(_("message"), blank=True)
    started_at = models.DateTimeField(_("import started"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished"), null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("import job")
        verbose_name_plural = _("import jobs")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(progress__lte=100), name="dataio_importjob_progress_max_100"),
        ]

    def __str__(self):
        return self.original_name

    @property
    def is_running(self) -> bool:
        return self.status in (self.Status.UPLOADED, self.Status.VALIDATING, self.Status.IMPORTING)

    @property
    def can_confirm(self) -> bool:
        return self.status == self.Status.PREVIEW_READY and not self.error_rows
