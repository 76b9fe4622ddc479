"""Delivery lifecycle: the seller picks how an order travels, couriers take jobs, the handover closes them."""

from django.db import transaction
from django.utils import timezone

from apps.delivery.models import CourierEarning, Delivery


@transaction.atomic
def delivery_mark_delivered(*, delivery_id: int, actor) -> Delivery:
    """Close the delivery after a confirmed handover and credit the courier's commission once.

    Called by the handover (apps.delivery.handover) inside its own transaction, after the order itself
    has been marked delivered; safe to call twice (the second call changes nothing).
    """
    delivery = Delivery.objects.select_for_update().get(pk=delivery_id)
    if delivery.status == Delivery.Status.DELIVERED:
        return delivery
    delivery.status, delivery.delivered_at = Delivery.Status.DELIVERED, timezone.now()
    delivery._history_user = actor
    delivery.save(update_fields=["status", "delivered_at", "updated_at"])
    if delivery.mode != Delivery.Mode.PERSONAL and delivery.deliverer_id and delivery.commission.amount > 0:
        CourierEarning.objects.get_or_create(
            delivery=delivery, kind=CourierEarning.Kind.COMMISSION,
            defaults={"courier_id": delivery.deliverer_id, "amount": delivery.commission,
                      "note": delivery.order.reference})
    return delivery
