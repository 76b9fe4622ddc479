"""Outgoing e-mail (rendered once, logged, sent by a task that retries with exponential backoff) and the
in-app notifications behind the bell."""

import logging
from datetime import timedelta
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.http.request import validate_host
from django.template import Context, Engine, TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django_q.models import Schedule
from django_q.tasks import schedule

from apps.core.queue import enqueue_on_commit
from apps.core.exceptions import DomainError
from apps.notifications.models import EmailLog, Notification

SEND_TASK = "apps.notifications.tasks.email_send"
logger = logging.getLogger(__name__)


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
        enqueue_on_commit(SEND_TASK, log.pk)
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


def _claim(log_id: int) -> EmailLog | None:
    """Take a queued e-mail (or one whose sender vanished mid-send) for one attempt, and commit that at once."""
    with transaction.atomic():
        log = EmailLog.objects.select_for_update().get(pk=log_id)
        now = timezone.now()
        stale = log.status == EmailLog.Status.SENDING and log.claimed_until and log.claimed_until < now
        if log.status != EmailLog.Status.QUEUED and not stale:
            return None
        log.status, log.attempts = EmailLog.Status.SENDING, log.attempts + 1
        log.claimed_until = now + timedelta(seconds=settings.EMAIL_CLAIM_SECONDS)
        log.skip_history_when_saving = True  # history keeps one row per attempt, with its outcome
        log.save(update_fields=["status", "attempts", "claimed_until", "updated_at"])
        return log


def _record(log: EmailLog, error: Exception | None) -> EmailLog:
    """Write down how the attempt went, unless the claim was lost (a sweeper already handed it out again)."""
    with transaction.atomic():
        current = EmailLog.objects.select_for_update().get(pk=log.pk)
        if current.status != EmailLog.Status.SENDING or current.attempts != log.attempts:
            return current
        current.claimed_until = None
        if error is None:
            current.status, current.sent_at, current.last_error = EmailLog.Status.SENT, timezone.now(), ""
        else:
            current.last_error = f"{error.__class__.__name__}: {error}"
            delay = email_retry_delay(attempts=current.attempts)
            if delay is None:
                current.status = EmailLog.Status.FAILED
            else:
                # the retry is scheduled in the same transaction as the failure: never one without the other
                current.status = EmailLog.Status.QUEUED
                _retry_schedule(current, delay)
        current.save(update_fields=["status", "sent_at", "last_error", "claimed_until", "updated_at"])
        return current


def email_send_attempt(*, log_id: int) -> EmailLog:
    """Try to send a queued e-mail once; on failure, schedule the next try or give up.

    Claim (committed), send with no transaction open and no row locked (an SMTP server may take
    EMAIL_TIMEOUT seconds), then record. Runs of the same task find the e-mail claimed or sent and do
    nothing. A worker that dies between sending and recording leaves the claim to expire: the e-mail is
    then sent once more, never more than that per crash.
    """
    log = _claim(log_id)
    if log is None:
        return EmailLog.objects.get(pk=log_id)
    try:
        _deliver(log)
    except Exception as error:  # SMTP, socket and provider-SDK errors have no common base class
        return _record(log, error)
    return _record(log, None)


def email_requeue_stale() -> int:
    """E-mails whose sender died mid-attempt (claim expired): queue them again. Run by a schedule."""
    stale = EmailLog.objects.filter(status=EmailLog.Status.SENDING, claimed_until__lt=timezone.now())
    ids = list(stale.values_list("pk", flat=True))
    for log_id in ids:
        enqueue_on_commit(SEND_TASK, log_id)
    return len(ids)


def email_prune_bodies(*, days: int | None = None) -> int:
    """Blank the bodies of e-mails sent more than EMAIL_BODY_RETENTION_DAYS ago: they hold personal data,
    and the log (to whom, what, when, how it went) is all that is needed later."""
    days = settings.EMAIL_BODY_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    return (EmailLog.objects.filter(status=EmailLog.Status.SENT, sent_at__lt=cutoff)
            .exclude(body_text="", body_html="").update(body_text="", body_html=""))


@transaction.atomic
def email_resend(*, log_id: int) -> EmailLog:
    """Give a failed e-mail a fresh set of attempts."""
    log = EmailLog.objects.select_for_update().get(pk=log_id)
    if log.status != EmailLog.Status.FAILED:
        raise EmailError(_("The e-mail to %(to)s is %(status)s; only failed e-mails can be sent again.")
                         % {"to": log.to, "status": log.get_status_display().lower()})
    log.status, log.attempts, log.last_error = EmailLog.Status.QUEUED, 0, ""
    log.save(update_fields=["status", "attempts", "last_error", "updated_at"])
    enqueue_on_commit(SEND_TASK, log.pk)
    return log


# --- In-app notifications


def notification_link(url: str) -> str | None:
    """The path on this site that `url` points at ("" for none), or None when it leads anywhere else.

    Absolute links to the site itself (SITE_URL, e.g. from order_url) become paths, so that a stored
    link never leaves the site, whatever host serves it.
    """
    if not url:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return None
    if parts.scheme in ("http", "https") and parts.netloc:
        site = urlsplit(settings.SITE_URL).netloc
        if parts.netloc != site and not validate_host(parts.hostname or "", settings.ALLOWED_HOSTS):
            return None
        url = parts._replace(scheme="", netloc="").geturl() or "/"
    # url_has_allowed_host_and_scheme with no allowed host accepts only relative links, and refuses
    # the tricks browsers read as another host ("//evil", "/\\evil"); browsers also drop tabs and line
    # breaks inside a link ("/\t/evil" is "//evil"), so no control character passes at all.
    if (not url.startswith("/") or any(ord(char) < 32 or ord(char) == 127 for char in url)
            or not url_has_allowed_host_and_scheme(url, allowed_hosts=set())):
        return None
    return url


def _notification_create_once(user, fields: dict) -> Notification | None:
    try:
        with transaction.atomic():
            return Notification.objects.create(user=user, **fields)
    except IntegrityError:  # a concurrent call with the same dedupe key told this person already
        return None


def _notifications_create(users: list, *, dedupe_key: str | None, **fields) -> list[Notification]:
    if not dedupe_key:
        return Notification.objects.bulk_create(Notification(user=user, **fields) for user in users)
    told = set(Notification.objects.filter(user__in=users, dedupe_key=dedupe_key).values_list("user_id", flat=True))
    users = [user for user in users if user.pk not in told]
    try:
        with transaction.atomic():
            return Notification.objects.bulk_create(
                Notification(user=user, dedupe_key=dedupe_key, **fields) for user in users)
    except IntegrityError:
        # Rare race with the same key: the savepoint kept the caller's transaction usable; go one by one.
        return [created for user in users
                if (created := _notification_create_once(user, {**fields, "dedupe_key": dedupe_key}))]


def notify(recipients, *, kind: str, title: str, body: str = "", url: str = "", email: bool = True,
           dedupe_key: str | None = None) -> list:
    """Tell one user (or several) something in the app, and by e-mail through the queue.

    `url` is a site path ("/orders/ORD-...") shown as the notification's link; an absolute link to this
    site is stored as its path, a link elsewhere is dropped. With a dedupe_key each recipient gets at
    most one notification (and one e-mail) for that key. Returns the notifications created.
    """
    users = [recipients] if hasattr(recipients, "pk") else list(recipients)
    users = list({user.pk: user for user in users}.values())  # listed twice (owner and admin) -> told once
    link = notification_link(url)
    if link is None:
        logger.warning("notify(kind=%s): dropped the off-site link %r", kind, url)
        link = ""
    title = " ".join(title.split())[:200]
    notifications = _notifications_create(users, dedupe_key=dedupe_key, kind=kind, title=title, body=body, url=link)
    if email:
        for notification in notifications:
            user = notification.user
            if not user.email:
                continue
            email_queue(to=user.email, subject=title, template="notifications/email/notification",
                        context={"user": user, "title": title, "body": body, "url": link,
                                 "site_url": settings.SITE_URL.rstrip("/")},
                        kind=kind, dedupe_key=f"{dedupe_key}:{user.pk}" if dedupe_key else None)
    return notifications


def notification_mark_read(*, notification: Notification) -> Notification:
    """Mark one notification read (the first time only: read_at keeps when it was first read)."""
    now = timezone.now()
    if Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=now):
        notification.read_at = now
    elif notification.read_at is None:
        notification.refresh_from_db(fields=["read_at"])
    return notification


def notification_mark_all_read(*, user) -> int:
    """Mark every unread notification of the user read; returns how many were."""
    return Notification.objects.filter(user=user, read_at__isnull=True).update(read_at=timezone.now())


def notification_prune(*, days: int | None = None) -> int:
    """Delete read notifications older than NOTIFICATIONS_RETENTION_DAYS; unread ones stay. Returns the count."""
    days = settings.NOTIFICATIONS_RETENTION_DAYS if days is None else days
    cutoff = timezone.now() - timedelta(days=days)
    deleted, _per_model = Notification.objects.filter(read_at__isnull=False, created_at__lt=cutoff).delete()
    return deleted
