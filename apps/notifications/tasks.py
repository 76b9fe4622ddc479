from apps.notifications.services import email_send_attempt, notification_prune


def email_send(log_id: int) -> None:
    """Safe to run twice: a sent or failed e-mail is left alone."""
    email_send_attempt(log_id=log_id)


def prune_read_notifications() -> int:
    """Daily; safe to run twice: the second run finds nothing old enough left."""
    return notification_prune()
