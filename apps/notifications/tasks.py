from apps.notifications.services import email_send_attempt


def email_send(log_id: int) -> None:
    """Safe to run twice: a sent or failed e-mail is left alone."""
    email_send_attempt(log_id=log_id)
