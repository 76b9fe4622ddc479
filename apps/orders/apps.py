from django.apps import AppConfig


class OrdersConfig(AppConfig):
    name = "apps.orders"
    label = "orders"
    verbose_name = "Orders"

    def ready(self):
        from apps.catalog.extensions import register_product_marker
        from apps.orders import signals  # noqa: F401  (connects the guest-cart merge at sign-in)
        from apps.orders.favorites import favorite_mark

        register_product_marker(favorite_mark)
