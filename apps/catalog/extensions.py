"""Extension points of the catalogue for the apps that build on it; they register in their AppConfig.ready.

The catalogue never imports those apps: it calls what they registered."""

from collections.abc import Callable

# Set per-visitor marks on the products a shop page is about to show (orders: product.is_favorite).
# Called with the request's user (maybe anonymous) and the list of products.
ProductMarker = Callable[[object, list], None]
_product_markers: list[ProductMarker] = []


def register_product_marker(marker: ProductMarker) -> None:
    if marker not in _product_markers:
        _product_markers.append(marker)


def mark_products(user, products: list) -> None:
    for marker in _product_markers:
        marker(user, products)
