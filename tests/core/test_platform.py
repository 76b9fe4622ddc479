import json
import logging
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from apps.accounts.roles import ROLE_PERMISSIONS, sync_roles
from apps.core.models import WorkerHeartbeat

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_SETTINGS_MODULE": "project.settings.production",
    "SECRET_KEY": "x" * 20 + "production-secret-key-for-the-check-only-0123456789",
    "ALLOWED_HOSTS": "comptoir.example",
    "DATABASE_URL": "sqlite:////tmp/comptoir-deploy-check.sqlite3",
}


def _manage(*args, env):
    # a real deployment has neither our test variables nor the browser suite's async switch
    clean = {k: v for k, v in os.environ.items() if k not in PRODUCTION_ENV and k != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env={**clean, **env},
                          capture_output=True, text=True, timeout=120)


def test_production_settings_pass_check_deploy_with_no_warning():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL"])
def test_production_settings_refuse_to_start_without_required_variables(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = _manage("check", env=env)
    assert result.returncode != 0
    assert f"Production settings need these environment variables: {missing}" in result.stderr


@pytest.mark.django_db
def test_seed_demo_twice_changes_nothing_the_second_time(settings, tmp_path):
    from django.apps import apps

    settings.DEBUG = True
    settings.MEDIA_ROOT = tmp_path  # the demo products' photos
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    tracked_apps = {"accounts", "vendors", "account", "auth", "catalog", "orders", "reviews"}
    tracked = [m for m in apps.get_models() if m._meta.app_label in tracked_apps]

    def snapshot():
        return {m._meta.label: sorted(map(repr, m.objects.values())) for m in tracked}

    before = snapshot()
    call_command("seed_demo", stdout=open(os.devnull, "w"))
    assert snapshot() == before


@pytest.mark.django_db
def test_seed_demo_refuses_without_debug(settings):
    from django.core.management.base import CommandError

    settings.DEBUG = False
    with pytest.raises(CommandError):
        call_command("seed_demo")


@pytest.mark.django_db
def test_role_sync_is_idempotent_and_matches_declaration():
    from django.contrib.auth.models import Group

    sync_roles()
    first = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    sync_roles()
    second = {g.name: set(g.permissions.values_list("codename", flat=True)) for g in Group.objects.all()}
    assert first == second
    assert set(first) == set(ROLE_PERMISSIONS)
    assert "access_all_vendors" in first["Manager"] and "access_all_vendors" not in first["Seller"]


@pytest.mark.django_db
def test_health_is_ok_with_a_fresh_heartbeat(client):
    WorkerHeartbeat.objects.create(beat_at=timezone.now() - timedelta(seconds=5))
    response = client.get("/health/")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["checks"]["database"]["ok"] and body["checks"]["cache"]["ok"] and body["checks"]["worker"]["ok"]
    assert 0 <= body["checks"]["worker"]["heartbeat_age_seconds"] < 60


@pytest.mark.django_db
@pytest.mark.parametrize("age", [None, 3600])
def test_health_is_503_when_the_worker_is_silent(client, age):
    if age is not None:
        WorkerHeartbeat.objects.create(beat_at=timezone.now() - timedelta(seconds=age))
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["ok"] is False


@pytest.mark.django_db
def test_health_is_503_when_the_cache_is_down(client, monkeypatch):
    from django.core.cache import cache

    WorkerHeartbeat.objects.create(beat_at=timezone.now())
    monkeypatch.setattr(cache, "set", lambda *a, **k: (_ for _ in ()).throw(ConnectionError("down")))
    response = client.get("/health/")
    assert response.status_code == 503
    assert response.json()["checks"]["cache"] == {"ok": False, "error": "ConnectionError"}


@pytest.mark.django_db
def test_heartbeat_task_runs_through_django_q():
    from django_q.tasks import async_task

    async_task("apps.core.tasks.heartbeat", sync=True)
    assert WorkerHeartbeat.objects.filter(name="default").exists()


def test_task_settings_retry_longer_than_timeout_and_bounded_attempts(settings):
    assert settings.Q_CLUSTER["retry"] > settings.Q_CLUSTER["timeout"]
    assert 0 < settings.Q_CLUSTER["max_attempts"] <= 5


@pytest.mark.django_db
def test_heartbeat_schedule_is_installed_by_migrate():
    from django_q.models import Schedule

    assert Schedule.objects.filter(name="worker-heartbeat", func="apps.core.tasks.heartbeat").count() == 1


@pytest.mark.django_db
def test_each_request_logs_one_json_line_with_its_request_id(client, caplog):
    from apps.core.logging import JsonFormatter, RequestIdFilter

    handler = logging.StreamHandler()
    records = []
    handler.emit = lambda record: records.append(JsonFormatter().format(record))
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/no-such-page/", HTTP_X_REQUEST_ID="abc12345-req")
    finally:
        logger.removeHandler(handler)
    assert response["X-Request-ID"] == "abc12345-req"
    line = json.loads(records[-1])
    assert line["request_id"] == "abc12345-req" and line["level"] == "WARNING" and line["status_code"] == 404
    assert "\n" not in records[-1]


@pytest.mark.django_db
def test_history_records_the_acting_user(client, manager, vendor_a):
    client.force_login(manager)
    data = {"name": "Alpha renamed", "slug": vendor_a.slug, "status": "active", "default_currency": "GNF",
            "memberships-TOTAL_FORMS": "0", "memberships-INITIAL_FORMS": "0"}
    response = client.post(f"/admin/vendors/vendor/{vendor_a.pk}/change/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    latest = vendor_a.history.latest("history_date")
    assert latest.history_user == manager and latest.name == "Alpha renamed"
    assert client.get(f"/admin/vendors/vendor/{vendor_a.pk}/history/").status_code == 200


def test_the_startup_check_refuses_a_retry_not_above_the_timeout(settings):
    from django.core.management import call_command
    from django.core.management.base import SystemCheckError

    from apps.core.checks import task_retry_exceeds_timeout

    settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 300, "retry": 360}
    assert task_retry_exceeds_timeout(None) == []
    for retry in (300, 200):
        settings.Q_CLUSTER = {**settings.Q_CLUSTER, "timeout": 300, "retry": retry}
        assert [error.id for error in task_retry_exceeds_timeout(None)] == ["core.E001"]
    with pytest.raises(SystemCheckError, match="core.E001"):
        call_command("check")
