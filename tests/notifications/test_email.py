"""E-mail through the task queue: rendering, dedupe, retries with backoff, one send per log."""

import ast
from datetime import timedelta

import pytest
from django.core import mail
from django_q.models import Schedule

from apps.notifications.models import EmailLog
from apps.notifications.services import SEND_TASK, EmailError, email_queue, email_resend
from apps.notifications.tasks import email_send

pytestmark = pytest.mark.django_db


def _queue(capture, **overrides):
    """Queue a welcome e-mail and commit, which (sync django-q) runs the first send attempt."""
    fields = {"to": "awa@example.com", "subject": "Welcome", "template": "notifications_test/welcome",
              "context": {"name": "Awa"}, "kind": "tests.welcome"}
    with capture(execute=True):
        return email_queue(**{**fields, **overrides})


def _run_due_retry(log) -> timedelta:
    """Do what the django-q scheduler does with the ONCE schedule: delete it, run its task.

    Returns how far in the future the retry had been scheduled.
    """
    retry = Schedule.objects.get(func=SEND_TASK, schedule_type=Schedule.ONCE)
    scheduled_in = retry.next_run - log.updated_at
    retry.delete()
    email_send(*ast.literal_eval(retry.args))
    return scheduled_in


def _seconds(delta: timedelta) -> int:
    return round(delta.total_seconds())


def test_queue_renders_the_text_and_html_parts_and_sends_after_commit(django_capture_on_commit_callbacks):
    log = _queue(django_capture_on_commit_callbacks, related_reference="SR-000123")

    log.refresh_from_db()
    assert log.status == EmailLog.Status.SENT and log.attempts == 1 and log.sent_at is not None
    assert log.related_reference == "SR-000123" and log.kind == "tests.welcome"
    [message] = mail.outbox
    assert message.to == ["awa@example.com"] and message.subject == "Welcome"
    # plain text is not HTML-escaped; the HTML part is the alternative
    assert "Hello Awa, welcome to R&D." in message.body
    assert message.alternatives[0][1] == "text/html"
    assert "R&amp;D" in message.alternatives[0][0]


def test_html_part_is_optional(django_capture_on_commit_callbacks):
    log = _queue(django_capture_on_commit_callbacks, template="notifications_test/text_only", context={"code": "42"})

    assert log.body_html == ""
    [message] = mail.outbox
    assert message.body.strip() == "Your code is 42." and message.alternatives == []


def test_nothing_is_sent_when_the_callers_transaction_does_not_commit(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        log = email_queue(to="awa@example.com", subject="Welcome", template="notifications_test/welcome",
                          context={"name": "Awa"}, kind="tests.welcome")

    assert len(callbacks) == 1  # the send waits for the commit
    assert mail.outbox == []
    assert EmailLog.objects.get(pk=log.pk).status == EmailLog.Status.QUEUED


def test_subject_line_breaks_cannot_inject_headers(django_capture_on_commit_callbacks):
    log = _queue(django_capture_on_commit_callbacks, subject="Welcome\r\nBcc: victim@example.com")

    assert log.subject == "Welcome Bcc: victim@example.com"
    assert mail.outbox[0].bcc == []


def test_same_dedupe_key_returns_the_first_log_and_sends_once(django_capture_on_commit_callbacks):
    first = _queue(django_capture_on_commit_callbacks, dedupe_key="SR-1:confirmation")
    again = _queue(django_capture_on_commit_callbacks, dedupe_key="SR-1:confirmation", subject="Other")

    assert again.pk == first.pk and again.subject == "Welcome"
    assert EmailLog.objects.count() == 1
    assert len(mail.outbox) == 1


def test_e_mails_without_dedupe_key_are_all_sent(django_capture_on_commit_callbacks):
    _queue(django_capture_on_commit_callbacks)
    _queue(django_capture_on_commit_callbacks, dedupe_key="")

    assert EmailLog.objects.filter(dedupe_key__isnull=True).count() == 2
    assert len(mail.outbox) == 2


def test_backend_failing_twice_is_retried_with_growing_delays_then_sent(
    django_capture_on_commit_callbacks, flaky_backend
):
    # given an SMTP server that refuses the first two sends
    flaky_backend.failures_left = 2

    # when the e-mail is queued (attempt 1 fails) and each scheduled retry comes due
    log = _queue(django_capture_on_commit_callbacks)
    log.refresh_from_db()
    assert (log.status, log.attempts) == (EmailLog.Status.QUEUED, 1)
    assert log.last_error == "ConnectionRefusedError: SMTP server unreachable"
    first_delay = _run_due_retry(log)  # attempt 2 fails
    log.refresh_from_db()
    second_delay = _run_due_retry(log)  # attempt 3 succeeds

    # then it was sent once, on the third attempt, after waiting 30 s then 60 s
    log.refresh_from_db()
    assert (log.status, log.attempts, log.last_error) == (EmailLog.Status.SENT, 3, "")
    assert len(mail.outbox) == 1
    assert (_seconds(first_delay), _seconds(second_delay)) == (30, 60)
    assert not Schedule.objects.filter(func=SEND_TASK).exists()
    # and the history keeps the error of each failed attempt
    errors = log.history.filter(attempts__in=[1, 2]).values_list("last_error", flat=True)
    assert set(errors) == {"ConnectionRefusedError: SMTP server unreachable"}


def test_gives_up_after_the_configured_retries(django_capture_on_commit_callbacks, flaky_backend, settings):
    settings.EMAIL_MAX_RETRIES = 3
    flaky_backend.failures_left = 99

    log = _queue(django_capture_on_commit_callbacks)
    delays = []
    for _retry in range(3):
        log.refresh_from_db()
        delays.append(_seconds(_run_due_retry(log)))

    log.refresh_from_db()
    assert delays == [30, 60, 120]
    assert (log.status, log.attempts) == (EmailLog.Status.FAILED, 4)
    assert not Schedule.objects.filter(func=SEND_TASK).exists()  # no fifth attempt
    assert mail.outbox == []


def test_running_the_task_twice_for_a_sent_e_mail_sends_it_once(django_capture_on_commit_callbacks):
    log = _queue(django_capture_on_commit_callbacks)

    email_send(log.pk)
    email_send(log.pk)

    log.refresh_from_db()
    assert len(mail.outbox) == 1
    assert (log.status, log.attempts) == (EmailLog.Status.SENT, 1)


def test_resend_gives_a_failed_e_mail_a_fresh_set_of_attempts(django_capture_on_commit_callbacks, flaky_backend,
                                                               settings):
    settings.EMAIL_MAX_RETRIES = 0
    flaky_backend.failures_left = 1
    log = _queue(django_capture_on_commit_callbacks)
    log.refresh_from_db()
    assert log.status == EmailLog.Status.FAILED

    with django_capture_on_commit_callbacks(execute=True):
        email_resend(log_id=log.pk)

    log.refresh_from_db()
    assert (log.status, log.attempts) == (EmailLog.Status.SENT, 1)
    assert len(mail.outbox) == 1


def test_only_failed_e_mails_can_be_resent(django_capture_on_commit_callbacks):
    log = _queue(django_capture_on_commit_callbacks)

    with pytest.raises(EmailError, match="only failed e-mails can be sent again"):
        email_resend(log_id=log.pk)
    assert len(mail.outbox) == 1
