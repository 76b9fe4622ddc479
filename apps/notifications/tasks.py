from apps.notifications.services import (
    email_prune_bodies,
    email_requeue_stale,
    email_send_attempt,
    notification_prune,
)


def email_send(log_id: int) -> None:
    """Safe to run twice: a sent or failed e-mail is left alone."""
    email_send_attempt(log_id=log_id)


def prune_read_notifications() -> int:
    """Daily; safe to run twice: the second run finds nothing old enough left."""
    return notification_prune()


def requeue_stale_emails() -> int:
    """Every few minutes; safe to run twice: a requeued e-mail is claimed by one worker only."""
    return email_requeue_stale()


def prune_email_bodies() -> int:
    """Daily; safe to run twice."""
    return email_prune_bodies()
