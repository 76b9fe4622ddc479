"""Background imports: upload -> a worker checks the file (writes nothing) -> preview -> confirm -> a worker imports.

Files up to settings.IMPORT_BACKGROUND_THRESHOLD rows go through the admin's own import pages; bigger
ones become an ImportJob. Both are all-or-nothing: one bad row and nothing is written. The worker
uses the tuned resource (apps.dataio.resources.tuned) with the uploader's vendor scope, so a
seller's rows are forced to their store exactly as on the small-file path.
"""

import codecs
import csv
import io
import logging
import os
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connection, connections, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from import_export.formats.base_formats import CSV, XLSX
from openpyxl import load_workbook

from apps.core.queue import enqueue_on_commit
from apps.core.exceptions import DomainError
from apps.core.exporting import csv_stream
from apps.core.resources import neutralise_formula
from apps.core.scoping import VendorScope
from apps.dataio.models import ImportJob
from apps.dataio.registry import IMPORT_RESOURCES, resource_class_for
from apps.dataio.resources import RowError, import_errors, tuned

logger = logging.getLogger(__name__)

VALIDATE_TASK = "apps.dataio.tasks.import_job_validate"
RUN_TASK = "apps.dataio.tasks.import_job_run"
FORMATS = {"csv": CSV, "xlsx": XLSX}
FIRST_ERRORS_KEPT = 50  # shown on the job page; the CSV error report has them all

Status = ImportJob.Status


class ImportJobError(DomainError):
    pass


# --- files


def format_key(file_format) -> str | None:
    """"csv" or "xlsx" for one of import-export's format instances; None for the others."""
    return next((key for key, cls in FORMATS.items() if isinstance(file_format, cls)), None)


def _text(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ImportJobError(_("The file is not UTF-8 text: save it as “CSV UTF-8” and upload it again.")) from None


def read_dataset(data: bytes, fmt: str):
    if fmt == "csv":
        return CSV(encoding="utf-8-sig").create_dataset(_text(data))
    return XLSX().create_dataset(data)


def count_rows(data: bytes, fmt: str) -> int:
    """Data rows (header excluded), counted without building the dataset: it decides where a file goes."""
    if fmt == "csv":
        return max(sum(1 for row in csv.reader(io.StringIO(_text(data))) if row) - 1, 0)
    workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    try:
        sheet = workbook.active
        rows = sheet.max_row  # from the sheet's declared dimension; some writers leave it out
        if rows is None:
            rows = sum(1 for _row in sheet.iter_rows(values_only=True))
        return max(rows - 1, 0)
    finally:
        workbook.close()


def error_report_csv(errors: list[RowError]) -> bytes:
    rows = ([neutralise_formula(value) for value in (error.row or "", error.column, error.reason)] for error in errors)
    # the BOM makes spreadsheet programs read it as UTF-8
    return codecs.BOM_UTF8 + b"".join(csv_stream(["row", "column", "reason"], rows))


# --- creating and confirming


def may_import(user, resource_key: str) -> bool:
    model = resource_class_for(resource_key)._meta.model
    return user is not None and user.is_active and user.has_perm(f"{model._meta.app_label}.add_{model._meta.model_name}")


@transaction.atomic
def import_job_create(*, resource_key: str, data: bytes, file_name: str, fmt: str, actor,
                      total_rows: int = 0) -> ImportJob:
    """Keep the file and have a worker check it; nothing is imported before someone confirms."""
    if resource_key not in IMPORT_RESOURCES or fmt not in FORMATS:
        raise ImportJobError(_("This kind of file cannot be imported in the background."))
    if not may_import(actor, resource_key):
        raise ImportJobError(_("You may not import these records."))
    scope = VendorScope.for_user(actor)
    if not scope.all_vendors and scope.single_vendor_id is None:
        # the job must belong to one store so that its members, and only they, can follow it
        raise ImportJobError(_("You work for several stores: a large import has to be run by platform staff."))
    job = ImportJob(vendor_id=None if scope.all_vendors else scope.single_vendor_id, created_by=actor,
                    resource_key=resource_key, original_name=os.path.basename(file_name)[:255], file_format=fmt,
                    total_rows=total_rows, message=_("Waiting for a worker to check the file."))
    # stored under a name of ours: the uploader's (kept in original_name) could be catalogue.html
    job.file.save(f"import.{fmt}", ContentFile(data), save=False)
    job._history_user = actor
    job.save()
    enqueue_on_commit(VALIDATE_TASK, job.pk, group="imports")
    return job


@transaction.atomic
def import_job_confirm(*, job_id: int, actor) -> ImportJob:
    """Import the checked file for real, in a worker."""
    job = ImportJob.objects.select_for_update().get(pk=job_id)
    if job.created_by_id != actor.pk:
        raise ImportJobError(_("Only the person who uploaded this file can confirm its import."))
    if job.status != Status.PREVIEW_READY or job.error_rows:
        raise ImportJobError(_("This import is “%(status)s”: it can no longer be confirmed.")
                             % {"status": job.get_status_display()})
    job.status, job.progress, job.started_at = Status.IMPORTING, 0, None
    job.message = _("Waiting for a worker to import the rows.")
    job._history_user = actor
    job.save(update_fields=["status", "progress", "started_at", "message", "updated_at"])
    enqueue_on_commit(RUN_TASK, job.pk, group="imports")
    return job


# --- the worker's side


def import_job_progress(*, job_id: int, percent: int, side_connection=None) -> None:
    """Record how far a job got. A side connection commits at once, whatever transaction the import is in."""
    now = timezone.now()
    if side_connection is None:
        ImportJob.objects.filter(pk=job_id).update(progress=percent, updated_at=now)
        return
    table, quote = ImportJob._meta.db_table, side_connection.ops.quote_name
    with side_connection.cursor() as cursor:
        cursor.execute(f"UPDATE {quote(table)} SET {quote('progress')} = %s, {quote('updated_at')} = %s "
                       f"WHERE {quote('id')} = %s", [percent, now, job_id])


class _Progress:
    """Reports each new percent of rows done.

    Checking the file runs outside any transaction: an ordinary update shows at once. The import
    itself runs in one transaction (all-or-nothing), invisible to others until it ends, so on
    PostgreSQL its progress goes through a second connection. SQLite allows one writer at a time:
    there the bar waits at 0 % while the rows are written and the page shows "Importing".
    """

    def __init__(self, job: ImportJob, *, inside_transaction: bool):
        self.job_id, self.total, self.last = job.pk, max(job.total_rows, 1), -1
        self.enabled = not inside_transaction or connection.vendor == "postgresql"
        self.side = connections.create_connection(DEFAULT_DB_ALIAS) if inside_transaction and self.enabled else None

    def __call__(self, rows_done: int) -> None:
        percent = min(rows_done * 100 // self.total, 99)  # 100 % once the outcome is recorded
        if percent > self.last:
            self.last = percent
            self.report(percent)

    def report(self, percent: int) -> None:
        if not self.enabled:
            return
        try:
            import_job_progress(job_id=self.job_id, percent=percent, side_connection=self.side)
        except DatabaseError:  # the bar stops moving; the import itself goes on
            logger.warning("import job %s: could not record its progress", self.job_id, exc_info=True)
            self.enabled = False

    def close(self) -> None:
        if self.side is not None:
            self.side.close()


def _stale_before():
    # a worker killed at the task timeout leaves its job behind; the task's next delivery may take it over
    return timezone.now() - timedelta(seconds=settings.Q_CLUSTER.get("timeout", 300))


def _claim(job_id: int, *, status: str, claimed: Q, changes: dict) -> ImportJob | None:
    """Take the job for this worker (a conditional update), or None when another run has it or it is finished."""
    taken = ImportJob.objects.filter(Q(pk=job_id, status=status) & claimed).update(updated_at=timezone.now(),
                                                                                   **changes)
    return ImportJob.objects.select_related("created_by").get(pk=job_id) if taken else None


def _import(job: ImportJob, *, validate_only: bool):
    user = job.created_by
    if user is None or not may_import(user, job.resource_key):
        raise ImportJobError(_("The person who uploaded this file may no longer import these records."))
    with job.file.open("rb") as upload:
        dataset = read_dataset(upload.read(), job.file_format)
    if job.total_rows != len(dataset):
        job.total_rows = len(dataset)
        job.save(update_fields=["total_rows", "updated_at"])
    resource = tuned(resource_class_for(job.resource_key))(vendor_scope=VendorScope.for_user(user),
                                                       validate_only=validate_only)
    progress = _Progress(job, inside_transaction=not validate_only)
    resource.on_progress = progress
    try:
        # checking writes nothing, so it needs no transaction (and its progress shows at once);
        # the import is one transaction that any error rolls back (SafeModelResource)
        options = {"use_transactions": False} if validate_only else {}
        result = resource.import_data(dataset, dry_run=False, user=user, file_name=job.original_name, **options)
    finally:
        progress.close()
    return resource, result


def _record(job: ImportJob, resource, result, *, success: str, success_message: str) -> None:
    errors = import_errors(result, resource)
    job.new_rows = result.totals["new"]
    job.updated_rows = result.totals["update"]
    job.skipped_rows = result.totals["skip"]
    job.error_rows = len({error.row for error in errors})
    job.first_errors = [error.as_list() for error in errors[:FIRST_ERRORS_KEPT]]
    if errors:
        job.error_report.save("errors.csv", ContentFile(error_report_csv(errors)), save=False)
        job.status = Status.FAILED
        job.message = ngettext(
            "%(count)s row has errors: nothing was imported. Fix it and upload the file again.",
            "%(count)s rows have errors: nothing was imported. Fix them and upload the file again.",
            job.error_rows) % {"count": job.error_rows}
    else:
        job.status, job.message = success, success_message
    job.progress = 100
    if job.status in (Status.DONE, Status.FAILED):
        job.finished_at = timezone.now()
    job.save()


def _fail(job: ImportJob, error: Exception) -> None:
    if isinstance(error, DomainError):
        reason = str(error)
    else:
        logger.exception("import job %s failed", job.pk)
        reason = _("an unexpected error stopped it (see the server log)")
    job.status, job.finished_at = Status.FAILED, timezone.now()
    job.message = _("Nothing was imported: %(reason)s") % {"reason": reason}
    job.save(update_fields=["status", "finished_at", "message", "updated_at"])


def import_job_validate(*, job_id: int) -> None:
    """Check every row of the file (a dry run that writes nothing) and count what the import would do."""
    job = _claim(job_id, status=Status.UPLOADED, claimed=Q(), changes={
        "status": Status.VALIDATING, "progress": 0, "message": _("Checking every row; nothing is written yet.")})
    if job is None:
        job = _claim(job_id, status=Status.VALIDATING, claimed=Q(updated_at__lt=_stale_before()), changes={})
    if job is None:
        return
    try:
        resource, result = _import(job, validate_only=True)
    except Exception as error:
        _fail(job, error)
        return
    _record(job, resource, result, success=Status.PREVIEW_READY,
            success_message=_("The file is ready: check the counts, then confirm the import."))


def import_job_run(*, job_id: int) -> None:
    """Import the confirmed file in one transaction: everything or, on any error, nothing."""
    job = _claim(job_id, status=Status.IMPORTING,
                 claimed=Q(started_at__isnull=True) | Q(updated_at__lt=_stale_before()),
                 changes={"started_at": timezone.now(), "message": _("Writing the rows, all at once or not at all.")})
    if job is None:
        return
    try:
        resource, result = _import(job, validate_only=False)
    except Exception as error:
        _fail(job, error)
        return
    _record(job, resource, result, success=Status.DONE, success_message=_(
        "Imported: %(new)s new, %(updated)s updated, %(skipped)s unchanged.") % {
        "new": result.totals["new"], "updated": result.totals["update"], "skipped": result.totals["skip"]})


def import_jobs_prune(*, now=None) -> int:
    """Delete finished jobs older than IMPORT_JOB_RETENTION_DAYS with their uploaded file and error report
    (a seller's spreadsheet is personal data nobody needs once imported); returns how many went."""
    before = (now or timezone.now()) - timedelta(days=settings.IMPORT_JOB_RETENTION_DAYS)
    jobs = list(ImportJob.objects.filter(status__in=[ImportJob.Status.DONE, ImportJob.Status.FAILED],
                                         created_at__lt=before))
    for job in jobs:
        # the rows first: a file left behind by a failed deletion is harmless, a row pointing nowhere is not
        files = [stored for stored in (job.file, job.error_report) if stored]
        job.delete()
        for stored in files:
            stored.storage.delete(stored.name)
    return len(jobs)
