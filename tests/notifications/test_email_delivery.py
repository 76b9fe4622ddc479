"""Claim, commit, send, record: no SMTP conversation inside a transaction, a crash between send and record
costs at most one duplicate, sent bodies are pruned."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import get_connection
from django.utils import timezone

from apps.notifications import services
from apps.notifications.models import EmailLog
from apps.notifications.services import email_prune_bodies, email_queue, email_requeue_stale, email_send_attempt
from tests.notifications.backends import TransactionCheckingBackend

FIELDS = {"to": "awa@example.com", "subject": "Welcome", "template": "notifications_test/welcome",
          "context": {"name": "Awa"}, "kind": "tests.welcome"}


@pytest.mark.django_db(transaction=True)
def test_the_smtp_conversation_happens_with_no_transaction_open(settings):
    settings.EMAIL_BACKEND = "tests.notifications.backends.TransactionCheckingBackend"
    TransactionCheckingBackend.in_transaction = []

    email_queue(**FIELDS)  # autocommit: sync django-q runs the send at once

    assert TransactionCheckingBackend.in_transaction == [False]
    assert EmailLog.objects.get().status == EmailLog.Status.SENT


@pytest.mark.django_db
def test_a_crash_between_send_and_record_costs_one_duplicate_at_most(django_capture_on_commit_callbacks,
                                                                      monkeypatch):
    real_record = services._record
    monkeypatch.setattr(services, "_record", lambda log, error: (_ for _ in ()).throw(SystemExit("worker killed")))
    with pytest.raises(SystemExit), django_capture_on_commit_callbacks(execute=True):
        log = email_queue(**FIELDS)
    log = EmailLog.objects.get()
    assert (log.status, len(mail.outbox)) == (EmailLog.Status.SENDING, 1)
    monkeypatch.setattr(services, "_record", real_record)

    # the task delivered again while the claim holds: nothing is sent
    email_send_attempt(log_id=log.pk)
    assert len(mail.outbox) == 1 and email_requeue_stale() == 0

    # once the claim has expired, the sweeper queues it again: one more send, then it is done
    EmailLog.objects.filter(pk=log.pk).update(claimed_until=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert email_requeue_stale() == 1
    log.refresh_from_db()
    assert (log.status, log.attempts, len(mail.outbox)) == (EmailLog.Status.SENT, 2, 2)
    email_send_attempt(log_id=log.pk)
    assert len(mail.outbox) == 2


@pytest.mark.django_db
def test_bodies_of_old_sent_e_mails_are_pruned_and_the_log_kept(django_capture_on_commit_callbacks, settings):
    settings.EMAIL_BODY_RETENTION_DAYS = 90
    with django_capture_on_commit_callbacks(execute=True):
        old, recent = email_queue(**FIELDS), email_queue(**FIELDS)
    EmailLog.objects.filter(pk=old.pk).update(sent_at=timezone.now() - timedelta(days=91))
    queued = EmailLog.objects.create(to="x@example.com", subject="s", body_text="kept", kind="tests.welcome")
    EmailLog.objects.filter(pk=queued.pk).update(created_at=timezone.now() - timedelta(days=200))

    assert email_prune_bodies() == 1
    old.refresh_from_db()
    assert (old.body_text, old.body_html, old.to, old.status) == ("", "", "awa@example.com", EmailLog.Status.SENT)
    assert EmailLog.objects.get(pk=recent.pk).body_text
    assert EmailLog.objects.get(pk=queued.pk).body_text == "kept"
    assert email_prune_bodies() == 0


def test_smtp_connections_time_out(settings):
    assert settings.EMAIL_TIMEOUT > 0
    assert get_connection("django.core.mail.backends.smtp.EmailBackend").timeout == settings.EMAIL_TIMEOUT
