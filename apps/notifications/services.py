"""Outgoing e-mail: rendered once, logged, sent by a task that retries with exponential backoff."""

from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django_q.models import Schedule
from django_q.tasks import async_task, schedule

from apps.core.exceptions import DomainError
from apps.notifications.models import EmailLog

SEND_TASK = "apps.notifications.tasks.email_send"


class EmailError(DomainError):
    pass


def _render(template: str, context: dict) -> tuple[str, str]:
    # Plain text must not be HTML-escaped ("R&D", not "R&amp;D"); the HTML part is, as usual.
    body_text = Engine.get_default().get_template(f"{template}.txt").render(Context(context, autoescape=False))
    try:
        body_html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        body_html = ""
    return body_text, body_html


def _enqueue(log_id: int) -> None:
    transaction.on_commit(lambda: async_task(SEND_TASK, log_id))


def email_queue(*, to: str, subject: str, template: str, context: dict, kind: str, dedupe_key: str | None = None,
                related_reference: str = "") -> EmailLog:
    """Render and log an e-mail, and send it once the caller's transaction commits.

    An e-mail whose dedupe_key was already queued is not queued again: the first log is returned.
    """
    body_text, body_html = _render(template, context)
    fields = {
        "to": to,
        "subject": " ".join(subject.split()),  # a line break in a subject is a header injection
        "body_text": body_text,
        "body_html": body_html,
        "kind": kind,
        "related_reference": related_reference,
    }
    if dedupe_key:
        # get_or_create also settles two callers racing on the same key (unique constraint).
        log, created = EmailLog.objects.get_or_create(dedupe_key=dedupe_key, defaults=fields)
    else:
        log, created = EmailLog.objects.create(**fields), True
    if created:
        _enqueue(log.pk)
    return log


def email_retry_delay(*, attempts: int) -> int | None:
    """Seconds to wait after the given number of failed attempts, or None when none are left."""
    if attempts >= 1 + settings.EMAIL_MAX_RETRIES:
        return None
    return settings.EMAIL_RETRY_BASE_SECONDS * 2 ** (attempts - 1)


def _retry_schedule(log: EmailLog, delay_seconds: int) -> Schedule:
    return schedule(SEND_TASK, log.pk, name=f"email-retry-{log.pk}-{log.attempts}",
                    schedule_type=Schedule.ONCE, next_run=timezone.now() + timedelta(seconds=delay_seconds))


def _deliver(log: EmailLog) -> None:
    message = EmailMultiAlternatives(subject=log.subject, body=log.body_text, to=[log.to])
    if log.body_html:
        message.attach_alternative(log.body_html, "text/html")
    message.send()


@transaction.atomic
def email_send_attempt(*, log_id: int) -> EmailLog:
    """Try to send a queued e-mail once; on failure, schedule the next try or give up.

    The row lock makes concurrent runs of the same task wait, then see "sent" and do nothing.
    The retry is scheduled in the same transaction as the failed attempt, so no failure is
    recorded without its retry (nor the other way round).
    """
    log = EmailLog.objects.select_for_update().get(pk=log_id)
    if log.status != EmailLog.Status.QUEUED:
        return log
    log.attempts += 1
    try:
        _deliver(log)
    except Exception as error:  # SMTP, socket and provider-SDK errors have no common base class
        log.last_error = f"{error.__class__.__name__}: {error}"
        delay = email_retry_delay(attempts=log.attempts)
        if delay is None:
            log.status = EmailLog.Status.FAILED
        else:
            _retry_schedule(log, delay)
        log.save(update_fields=["attempts", "last_error", "status", "updated_at"])
        return log
    log.status, log.sent_at, log.last_error = EmailLog.Status.SENT, timezone.now(), ""
    log.save(update_fields=["attempts", "status", "sent_at", "last_error", "updated_at"])
    return log


@transaction.atomic
def email_resend(*, log_id: int) -> EmailLog:
    """Give a failed e-mail a fresh set of attempts."""
    log = EmailLog.objects.select_for_update().get(pk=log_id)
    if log.status != EmailLog.Status.FAILED:
        raise EmailError(_("The e-mail to %(to)s is %(status)s; only failed e-mails can be sent again.")
                         % {"to": log.to, "status": log.get_status_display().lower()})
    log.status, log.attempts, log.last_error = EmailLog.Status.QUEUED, 0, ""
    log.save(update_fields=["status", "attempts", "last_error", "updated_at"])
    _enqueue(log.pk)
    return log


def notify(recipients, *, kind: str, title: str, body: str = "", url: str = "", email: bool = True,
           dedupe_key: str | None = None) -> list:
    """Tell one user (or several) something in the app, and by e-mail through the queue.

    `url` is a site path ("/orders/ORD-...") shown as the notification's link. With a dedupe_key the
    e-mail is sent at most once per recipient for that key.
    """
    from apps.notifications.models import Notification

    users = [recipients] if hasattr(recipients, "pk") else list(recipients)
    notifications = Notification.objects.bulk_create(
        Notification(user=user, kind=kind, title=title[:200], body=body, url=url) for user in users)
    if email:
        for user in users:
            email_queue(to=user.email, subject=title, template="notifications/email/notification",
                        context={"user": user, "title": title, "body": body, "url": url,
                                 "site_url": settings.SITE_URL},
                        kind=kind, dedupe_key=f"{dedupe_key}:{user.pk}" if dedupe_key else None)
    return notifications
