from django.core.mail.backends.locmem import EmailBackend


class FlakyBackend(EmailBackend):
    """Refuses the next `failures_left` sends like an unreachable SMTP server, then delivers to mail.outbox."""

    failures_left = 0

    def send_messages(self, messages):
        if FlakyBackend.failures_left:
            FlakyBackend.failures_left -= 1
            raise ConnectionRefusedError("SMTP server unreachable")
        return super().send_messages(messages)


class TransactionCheckingBackend(EmailBackend):
    """Records, for each send, whether a database transaction was open around it."""

    in_transaction = []

    def send_messages(self, messages):
        from django.db import connection

        TransactionCheckingBackend.in_transaction.append(connection.in_atomic_block)
        return super().send_messages(messages)
