from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "apps.delivery"
    label = "delivery"
    verbose_name = "Delivery"

    def ready(self):
        # Delivery builds on orders: it hooks into their lifecycle and buyer page, orders never import it.
        from apps.delivery.handover import issue_code_on_confirm
        from apps.delivery.services import delivery_cancel_with_order
        from apps.delivery.views_handover import BUYER_PANEL
        from apps.orders.extensions import order_cancelled, order_confirmed, register_buyer_panel

        order_confirmed.connect(issue_code_on_confirm, dispatch_uid="delivery.issue_code_on_confirm")
        order_cancelled.connect(delivery_cancel_with_order, dispatch_uid="delivery.cancel_with_order")
        register_buyer_panel(BUYER_PANEL)
