"""Finished import jobs go after their retention, files included; jobs in flight stay."""

from datetime import timedelta

import pytest
from django.utils import timezone

from apps.dataio.models import ImportJob
from apps.dataio.services import import_jobs_prune
from tests.factories import ImportJobFactory

pytestmark = pytest.mark.django_db


def _aged(days: int, **fields) -> ImportJob:
    job = ImportJobFactory(**fields)
    ImportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(days=days))
    return job


def test_old_finished_jobs_are_deleted_with_their_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_JOB_RETENTION_DAYS = 30
    old_done, old_failed = _aged(31, status="done"), _aged(40, status="failed")
    recent, waiting = _aged(5, status="done"), _aged(90, status="preview_ready")
    old_file = old_done.file.name
    assert old_done.file.storage.exists(old_file)

    assert import_jobs_prune() == 2

    assert set(ImportJob.objects.values_list("pk", flat=True)) == {recent.pk, waiting.pk}
    assert not old_done.file.storage.exists(old_file) and not old_failed.file.storage.exists(old_failed.file.name)
    assert recent.file.storage.exists(recent.file.name)
