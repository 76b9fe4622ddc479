"""Favorites: products a signed-in buyer keeps an eye on."""

from django.db.models import Exists, OuterRef, QuerySet
from django.utils.translation import gettext_lazy as _

from apps.accounts.models import User
from apps.catalog.models import Product
from apps.catalog.selectors_shop import cover_subquery
from apps.core.exceptions import DomainError
from apps.orders.models import Favorite


class FavoriteError(DomainError):
    pass


def favorite_add(*, user: User, product_id: int) -> None:
    """Keep a visible product among the user's favorites; adding it again changes nothing."""
    if not Product.objects.visible().filter(pk=product_id).exists():
        raise FavoriteError(_("This product is no longer available."))
    # get_or_create re-reads the row when a simultaneous request (a double tap) inserted it first
    Favorite.objects.get_or_create(user=user, product_id=product_id)


def favorite_remove(*, user: User, product_id: int) -> None:
    """Drop a product from the user's favorites, visible or not; removing it again changes nothing."""
    Favorite.objects.filter(user=user, product_id=product_id).delete()


def favorite_toggle(*, user: User, product_id: int) -> bool:
    """Add the product if it is not a favorite yet, else remove it; returns whether it is a favorite now."""
    if Favorite.objects.filter(user=user, product_id=product_id).exists():
        favorite_remove(user=user, product_id=product_id)
        return False
    favorite_add(user=user, product_id=product_id)
    return True


def favorite_reachable_products(*, user: User) -> QuerySet[Product]:
    """What a favorite button may act on: visible products, and hidden ones the user already keeps (to remove
    them); any other product is "not found", so the button never confirms that it exists or names it."""
    kept = Favorite.objects.filter(user=user, product=OuterRef("pk"))
    return Product.objects.filter(Exists(Product.objects.visible().filter(pk=OuterRef("pk"))) | Exists(kept))


def favorite_product_ids(*, user: User, product_ids: list[int]) -> set[int]:
    """Which of these products the user has among their favorites, in one query (none for a guest)."""
    if not user.is_authenticated or not product_ids:
        return set()
    return set(Favorite.objects.filter(user=user, product_id__in=product_ids).values_list("product_id", flat=True))


def favorite_mark(user, products: list[Product]) -> None:
    """Set product.is_favorite on the products a shop page shows (registered with the catalogue)."""
    favorites = favorite_product_ids(user=user, product_ids=[product.pk for product in products])
    for product in products:
        product.is_favorite = product.pk in favorites


def favorite_list(*, user: User) -> QuerySet[Favorite]:
    """The user's favorites, newest first, each with its product, seller, first picture (cover) and visibility."""
    return (
        Favorite.objects.filter(user=user)
        .select_related("product", "product__vendor")
        .annotate(available=Exists(Product.objects.visible().filter(pk=OuterRef("product_id"))),
                  cover=cover_subquery("product_id"))
        .order_by("-created_at", "-pk")
    )
