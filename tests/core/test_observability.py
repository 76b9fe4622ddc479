import contextvars
import logging

import pytest
from django.core import mail
from django.http import HttpResponse
from django.test import Client
from django.urls import path
from django_q.brokers import get_broker
from django_q.tasks import _sync, async_task

from apps.core.logging import RequestIdFilter, request_id_var
from apps.core.observability import before_breadcrumb, before_send, current_request
from project import urls as project_urls
from tests.factories import UserFactory

# --- Sentry hooks, fed sample events


def _event():
    return {
        "message": "Login failed for awa.diallo@example.com (+224 620 11 22 33), call 620112233",
        "exception": {"values": [{"type": "IntegrityError",
                                  "value": "Key (email)=(awa.diallo@example.com) already exists",
                                  "stacktrace": {"frames": [{"function": "order_place", "lineno": 42, "vars": {
                                      "email": "awa.diallo@example.com", "phone": "+224620112233",
                                      "order_id": "1234", "note": "ring 620 11 22 33 at the door"}}]}}]},
        "request": {
            "url": "https://comptoir.example/accounts/password/reset/key/3-c9m2ab-1f5e3d8a7b6c5d4e3f2a/",
            "method": "POST",
            "query_string": "token=s3cret-value&page=2&email=awa%40example.com",
            "data": {"password": "hunter2", "note": "anything typed"},
            "cookies": {"sessionid": "abc"},
            "headers": {"Cookie": "sessionid=abc", "Authorization": "Bearer xyz", "User-Agent": "Firefox",
                        "X-Forwarded-For": "198.51.100.7"},
            "env": {"REMOTE_ADDR": "198.51.100.7", "SERVER_NAME": "web-1"},
        },
        "user": {"id": "7", "email": "awa.diallo@example.com", "ip_address": "198.51.100.7"},
        "logentry": {"message": "GET /shop/?next=/x&code=991122 for %s", "params": ["awa.diallo@example.com"]},
    }


def test_before_send_strips_personal_data_bodies_cookies_and_query_tokens():
    # when
    event = before_send(_event(), {})
    # then
    text = repr(event)
    for secret in ("awa.diallo", "awa%40", "620 11 22 33", "620112233", "224620112233", "hunter2", "anything typed",
                   "sessionid", "Bearer", "198.51.100.7", "s3cret", "991122", "1f5e3d8a7b6c5d4e3f2a"):
        assert secret not in text, secret
    request = event["request"]
    assert "data" not in request and "cookies" not in request
    assert request["headers"] == {"User-Agent": "Firefox"}
    assert request["env"] == {"SERVER_NAME": "web-1"}
    assert request["query_string"] == "token=[Filtered]&page=2&email=[Filtered]"
    assert request["url"] == "https://comptoir.example/accounts/password/reset/key/[Filtered]/"
    assert "user" not in event
    # what helps debugging is kept
    frame = event["exception"]["values"][0]["stacktrace"]["frames"][0]
    assert frame["function"] == "order_place" and frame["lineno"] == 42 and frame["vars"]["order_id"] == "1234"
    assert event["message"] == "Login failed for [email] ([phone]), call [phone]"


@pytest.mark.django_db
def test_before_send_tags_the_request_id_and_only_the_user_id(rf):
    # given a request being served for a signed-in person
    user = UserFactory()
    request = rf.get("/")
    request.user = user

    def report():
        request_id_var.set("req-1234abcd")
        current_request.set(request)
        return before_send({"message": "boom"}, {})

    # when
    event = contextvars.copy_context().run(report)
    # then
    assert event["tags"] == {"request_id": "req-1234abcd", "user_id": str(user.pk)}
    assert user.email not in repr(event)


def test_before_send_outside_a_request_has_no_user_tag():
    def report():
        request_id_var.set("-")
        current_request.set(None)
        return before_send({"message": "boom"}, {})

    event = contextvars.copy_context().run(report)
    assert event["tags"] == {"request_id": "-"}


def test_before_breadcrumb_strips_addresses_numbers_and_query_tokens():
    crumb = before_breadcrumb({
        "category": "httplib", "message": "sent to awa@example.com",
        "data": {"url": "https://api.example/pay?api_key=K123&ref=ord-9", "http.query": "token=abc&x=1",
                 "method": "POST"},
    }, {})
    assert crumb["message"] == "sent to [email]"
    assert crumb["data"] == {"url": "https://api.example/pay?api_key=[Filtered]&ref=ord-9",
                             "http.query": "token=[Filtered]&x=1", "method": "POST"}


def test_sql_breadcrumb_keeps_the_query_but_not_the_address_typed():
    crumb = before_breadcrumb({"category": "query", "message": 'SELECT 1 FROM "user" WHERE email = %s',
                               "data": {"db.params": ["awa@example.com"]}}, {})
    assert crumb["message"] == 'SELECT 1 FROM "user" WHERE email = %s'
    assert crumb["data"]["db.params"] == ["[email]"]


# --- 500s are mailed to ADMINS


def _boom(request):
    raise RuntimeError("boom")


def _enqueue_and_log(request):
    logging.getLogger("comptoir.test").warning("view ran")
    async_task("tests.core.test_observability.log_from_task", sync=False)
    return HttpResponse("queued")


def log_from_task():
    logging.getLogger("comptoir.test").warning("task ran")


# the site's own URLs too: the error page links to them
urlpatterns = [path("boom/", _boom), path("enqueue/", _enqueue_and_log), *project_urls.urlpatterns]
handler500 = project_urls.handler500


@pytest.mark.urls("tests.core.test_observability")
@pytest.mark.django_db
def test_a_server_error_is_mailed_to_admins(settings):
    settings.ADMINS = [("Ops", "ops@example.com")]
    response = Client(raise_request_exception=False).get("/boom/")
    assert response.status_code == 500
    assert [m.to for m in mail.outbox] == [["ops@example.com"]]
    assert "RuntimeError" in mail.outbox[0].subject + mail.outbox[0].body


# --- The request id travels into background tasks


@pytest.mark.urls("tests.core.test_observability")
@pytest.mark.django_db
def test_a_task_enqueued_during_a_request_logs_with_that_request_id(client, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    caplog.set_level(logging.INFO, logger="django-q")
    # given a request that enqueues a task on the broker
    client.get("/enqueue/", HTTP_X_REQUEST_ID="req-from-web-01")
    [(_ack, pack)] = get_broker().dequeue()

    # when a worker, in a process of its own, runs it
    def work():
        request_id_var.set("-")
        _sync(pack)

    caplog.clear()
    contextvars.copy_context().run(work)
    # then the task's lines and the worker's line about it carry the request's id
    task_line = next(r for r in caplog.records if r.getMessage() == "task ran")
    processed = next(r for r in caplog.records if r.getMessage().startswith("Processed"))
    assert task_line.request_id == processed.request_id == "req-from-web-01"


@pytest.mark.django_db
def test_a_task_enqueued_outside_any_request_does_not_inherit_an_old_id(caplog):
    caplog.handler.addFilter(RequestIdFilter())

    def work():
        request_id_var.set("-")
        async_task("tests.core.test_observability.log_from_task", sync=False)
        [(_ack, pack)] = get_broker().dequeue()
        request_id_var.set("stale-id-of-a-previous-task")
        _sync(pack)

    contextvars.copy_context().run(work)
    assert next(r for r in caplog.records if r.getMessage() == "task ran").request_id == "-"


# --- /metrics


@pytest.mark.django_db
def test_metrics_answer_the_allowed_address(client, settings):
    settings.METRICS_ALLOWED_IPS = ["10.0.0.5"]
    response = client.get("/metrics", REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 200
    assert b"django_http_requests_total_by_method_total" in response.content


@pytest.mark.django_db
def test_metrics_answer_the_right_token_from_any_address(client, settings):
    settings.METRICS_TOKEN = "scrape-token-0123456789"
    settings.METRICS_ALLOWED_IPS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer scrape-token-0123456789").status_code == 200
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer wrong").status_code == 404
    assert client.get("/metrics").status_code == 404


@pytest.mark.django_db
def test_metrics_are_hidden_from_other_addresses_even_with_a_spoofed_header(client, settings):
    # given one trusted proxy in front, which saw the client as 203.0.113.9
    settings.TRUSTED_PROXY_COUNT = 1
    settings.METRICS_TOKEN = ""  # no token configured: an empty bearer must not match it
    response = client.get("/metrics", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.9",
                          HTTP_AUTHORIZATION="Bearer ")
    assert response.status_code == 404
    assert b"django_http" not in response.content


# --- Sentry is configured by SENTRY_DSN only


def _sentry_options(**env):
    import os
    import subprocess
    import sys

    code = ("import django; django.setup(); import sentry_sdk; c = sentry_sdk.get_client(); o = c.options; "
            "d = o.get('data_collection') or {}; print(c.is_active(), *([d['user_info'], d['http_bodies'] == [], "
            "d['cookies']['mode'], o['environment'], o['traces_sample_rate'], o['before_send'].__module__, "
            "o['before_breadcrumb'].__name__] if c.is_active() else []))")
    clean = {k: v for k, v in os.environ.items() if not k.startswith("SENTRY_")}
    result = subprocess.run([sys.executable, "-c", code], env={**clean, "DJANGO_SETTINGS_MODULE": "project.settings.test",
                                                               **env}, capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_sentry_is_off_without_a_dsn():
    assert _sentry_options() == ["False"]


def test_sentry_with_a_dsn_reports_no_personal_data_through_our_hooks():
    options = _sentry_options(SENTRY_DSN="https://public@sentry.example.invalid/1", ENVIRONMENT_NAME="staging")
    assert options == ["True", "False", "True", "off", "staging", "0.0", "apps.core.observability", "before_breadcrumb"]
