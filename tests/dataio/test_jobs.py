"""Large files: an ImportJob checked by a worker, previewed, confirmed, imported by a worker (django-q2 in sync mode)."""

import csv
import io

import pytest

from apps.catalog.models import Product
from apps.dataio import services, tasks
from apps.dataio.models import ImportJob
from apps.dataio.samples import product_rows, to_csv
from tests.dataio.uploads import products_with_two_bad_rows, upload
from tests.factories import ImportJobFactory, MembershipFactory, ServiceCategoryFactory

PRODUCTS = "/admin/catalog/product/"
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def home(db):
    return ServiceCategoryFactory(slug="home", name="Home")


@pytest.fixture
def progress(monkeypatch):
    """Every progress value a job reports, by phase."""
    reported = []
    report = services._Progress.report

    def spy(self, percent):
        reported.append(percent)
        report(self, percent)

    monkeypatch.setattr(services._Progress, "report", spy)
    return reported


def _job_url(job, view="change"):
    return f"/admin/dataio/importjob/{job.pk}/{view}/"


def _start(client, data, capture):
    with capture(execute=True):
        response = upload(client, PRODUCTS, data)
    assert response.status_code == 302, response.content[:500]
    job = ImportJob.objects.get()
    assert response["Location"] == _job_url(job)
    job.refresh_from_db()
    return job


def _confirm(client, job, capture):
    with capture(execute=True):
        response = client.post(_job_url(job, "confirm"))
    assert response.status_code == 302
    job.refresh_from_db()
    return job


def test_a_20000_row_file_is_checked_then_imported_in_the_background(
        client, seller_a, vendor_a, home, progress, django_capture_on_commit_callbacks):
    # given a seller's file of 20,000 products (above the default threshold of 5,000 rows)
    data = to_csv(product_rows(20_000, vendor=vendor_a.slug, category=home.slug))
    client.force_login(seller_a)

    # when they upload it, a worker checks it: nothing is written yet, the counts are ready
    job = _start(client, data, django_capture_on_commit_callbacks)
    assert (job.status, job.vendor, job.created_by) == (ImportJob.Status.PREVIEW_READY, vendor_a, seller_a)
    assert (job.total_rows, job.new_rows, job.error_rows, job.progress) == (20_000, 20_000, 0, 100)
    assert progress == sorted(set(progress)) and progress[0] <= 2 and progress[-1] == 99 and len(progress) >= 50
    assert not Product.objects.exists()
    page = client.get(_job_url(job)).content.decode()
    assert "Import 20000 rows" in page and _job_url(job, "panel") not in page  # checked: the panel no longer polls

    # when they confirm, a worker imports every row, reporting its progress again
    checked = len(progress)
    job = _confirm(client, job, django_capture_on_commit_callbacks)

    assert job.status == ImportJob.Status.DONE and job.new_rows == 20_000 and job.finished_at
    imported = progress[checked:]
    assert imported == sorted(set(imported)) and imported[-1] == 99 and len(imported) >= 50
    assert Product.objects.filter(vendor=vendor_a, moderation_status="pending").count() == 20_000
    history = Product.history.filter(vendor_id=vendor_a.pk)
    assert history.count() == 20_000 and set(history.values_list("history_user_id", flat=True)) == {seller_a.pk}
    assert f"{PRODUCTS}" in client.get(_job_url(job)).content.decode()  # a link to the imported products


def test_the_same_file_twice_through_jobs_creates_no_duplicates(client, seller_a, vendor_a, home, settings,
                                                               django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_THRESHOLD = 10
    data = to_csv(product_rows(40, vendor=vendor_a.slug, category=home.slug))
    client.force_login(seller_a)
    _confirm(client, _start(client, data, django_capture_on_commit_callbacks), django_capture_on_commit_callbacks)
    ImportJob.objects.all().delete()

    job = _confirm(client, _start(client, data, django_capture_on_commit_callbacks),
                   django_capture_on_commit_callbacks)

    assert (job.status, job.new_rows, job.updated_rows, job.skipped_rows) == (ImportJob.Status.DONE, 0, 0, 40)
    assert Product.objects.count() == 40 and Product.history.count() == 40


def test_a_file_with_errors_fails_with_the_first_errors_and_a_full_report(client, seller_a, vendor_a, home, settings,
                                                                        django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_THRESHOLD = 100
    _rows, data = products_with_two_bad_rows(vendor_a, home)
    client.force_login(seller_a)

    job = _start(client, data, django_capture_on_commit_callbacks)

    assert (job.status, job.error_rows, job.new_rows) == (ImportJob.Status.FAILED, 2, 198)
    assert [error[:2] for error in job.first_errors] == [[52, "price"], [152, "name"]]
    page = client.get(_job_url(job)).content.decode()
    assert "2 rows have errors: nothing was imported" in page and "Import 200 rows" not in page
    report = client.get(_job_url(job, "errors"))
    assert report["Content-Disposition"].startswith("attachment")
    lines = list(csv.reader(io.StringIO(b"".join(report.streaming_content).decode("utf-8-sig"))))
    assert lines[0] == ["row", "column", "reason"] and [line[:2] for line in lines[1:]] == [["52", "price"],
                                                                                             ["152", "name"]]
    # confirming anyway is refused and writes nothing
    _confirm(client, job, django_capture_on_commit_callbacks)
    assert ImportJob.objects.get().status == ImportJob.Status.FAILED and not Product.objects.exists()


def test_the_panel_polls_while_a_worker_runs_the_job_and_stops_after(client, seller_a, vendor_a):
    job = ImportJobFactory(vendor=vendor_a, created_by=seller_a, status=ImportJob.Status.VALIDATING, progress=40)
    client.force_login(seller_a)

    running = client.get(_job_url(job, "panel"), **HTMX)
    assert running.status_code == 200
    body = running.content.decode()
    assert 'hx-trigger="every 2s"' in body and 'aria-valuenow="40"' in body and 'role="progressbar"' in body

    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.DONE, progress=100)
    finished = client.get(_job_url(job, "panel"), **HTMX)
    assert finished.status_code == 286  # htmx stops polling
    assert "hx-trigger" not in finished.content.decode()
    assert client.get(_job_url(job, "panel")).status_code == 302  # without htmx: the job page


def test_only_the_uploader_confirms_and_other_stores_cannot_reach_the_job(client, seller_a, seller_b, vendor_a):
    job = ImportJobFactory(vendor=vendor_a, created_by=seller_a)
    colleague = MembershipFactory(vendor=vendor_a, role="staff").user

    client.force_login(colleague)
    assert client.get(_job_url(job)).status_code == 200  # the store's members follow it
    client.post(_job_url(job, "confirm"))
    assert ImportJob.objects.get().status == ImportJob.Status.PREVIEW_READY

    client.force_login(seller_b)
    for view in ("change", "panel", "errors"):
        assert client.get(_job_url(job, view), **HTMX).status_code == 404
    assert client.post(_job_url(job, "confirm")).status_code == 404
    assert job.original_name not in client.get("/admin/dataio/importjob/").content.decode()


def test_tasks_are_safe_to_run_twice(client, seller_a, vendor_a, home, settings, django_capture_on_commit_callbacks):
    settings.IMPORT_BACKGROUND_THRESHOLD = 10
    client.force_login(seller_a)
    job = _confirm(client, _start(client, to_csv(product_rows(20, vendor=vendor_a.slug, category=home.slug)),
                                  django_capture_on_commit_callbacks), django_capture_on_commit_callbacks)
    history = Product.history.count()

    tasks.import_job_validate(job.pk)
    tasks.import_job_run(job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and Product.objects.count() == 20 and Product.history.count() == history


def test_an_unreadable_file_fails_with_a_clear_message(client, seller_a, vendor_a, settings,
                                                      django_capture_on_commit_callbacks):
    job = ImportJobFactory(vendor=vendor_a, created_by=seller_a, status=ImportJob.Status.UPLOADED,
                           file__data=b"\xff\xfe\x00bad" * 10)

    services.import_job_validate(job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.FAILED
    assert job.message == ("Nothing was imported: The file is not UTF-8 text: save it as “CSV UTF-8” and upload it "
                           "again.")


def test_someone_working_for_two_stores_is_told_to_ask_staff(client, seller_a, vendor_b, home, settings):
    settings.IMPORT_BACKGROUND_THRESHOLD = 5
    MembershipFactory(vendor=vendor_b, user=seller_a)
    client.force_login(seller_a)

    response = upload(client, PRODUCTS, to_csv(product_rows(10, vendor=vendor_b.slug, category=home.slug)))

    assert response.status_code == 302 and response["Location"] == f"{PRODUCTS}import/"
    messages = [str(message) for message in client.get(response["Location"]).context["messages"]]
    assert messages == ["You work for several stores: a large import has to be run by platform staff."]
    assert not ImportJob.objects.exists()
