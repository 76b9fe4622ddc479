"""django-q2 entry points: they only call services, and are safe to run twice."""

from apps.catalog.stock_alerts import low_stock_alerts_send


def send_low_stock_alerts() -> int:
    return low_stock_alerts_send()
