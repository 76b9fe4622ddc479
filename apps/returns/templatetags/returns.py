"""The order page's return panel: `{% load returns %}{% order_return_panel order %}` (the buyer's own order)."""

from django import template

from apps.returns.selectors import RETURNABLE_STATUSES, return_latest_for_order, return_refusal, return_window_end

register = template.Library()


@register.inclusion_tag("returns/partials/_order_return.html")
def order_return_panel(order):
    if order.status not in RETURNABLE_STATUSES:
        return {"shown": False}
    return {"shown": True, "order": order, "return_request": return_latest_for_order(order),
            "refusal": return_refusal(order, buyer=order.buyer), "window_end": return_window_end(order)}
