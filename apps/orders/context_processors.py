from django.utils.functional import SimpleLazyObject

from apps.orders.cart import cart_quantity


def cart_count(request) -> dict:
    """`{{ cart_count }}` for the header; lazy, so pages that do not show it run no query."""
    return {"cart_count": SimpleLazyObject(lambda: cart_quantity(request))}
