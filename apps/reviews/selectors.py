"""Reads shared by the review page and the review service."""

from django.utils.translation import gettext as _

from apps.orders.models import Order, OrderItem
from apps.reviews.models import Review

RECEIVED_STATUSES = (Order.Status.DELIVERED, Order.Status.COMPLETED)


def review_order_item_for(*, buyer, product_id: int) -> OrderItem | None:
    """The buyer's latest received order line of this product: what makes a review verified."""
    if buyer is None or not buyer.is_authenticated:
        return None
    return (OrderItem.objects.filter(product_id=product_id, order__buyer=buyer, order__status__in=RECEIVED_STATUSES)
            .order_by("-order__delivered_at", "-pk").first())


def review_refusal(*, buyer, product_id: int) -> str | None:
    """Why this buyer may not review this product now, or None when they may."""
    if Review.objects.filter(product_id=product_id, buyer=buyer).exists():
        return _("You have already reviewed this product.")
    if review_order_item_for(buyer=buyer, product_id=product_id) is None:
        return _("You can review a product once an order of it has been delivered to you.")
    return None

