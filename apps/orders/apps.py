from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "apps.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self):
        from apps.orders import signals  # noqa: F401  (connects the guest-cart merge at sign-in)
