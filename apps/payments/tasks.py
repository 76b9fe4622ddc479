from apps.payments.gateways import sandbox


def sandbox_deliver(url: str, body: str) -> int:
    # Safe to run twice: the webhook recognises the event id and answers "duplicate".
    return sandbox.deliver(url, body)
