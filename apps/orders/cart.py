"""The cart: who owns it, what goes in, and what it is worth now (always recomputed from current prices)."""

import secrets
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef, Prefetch, Sum
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.catalog.models import Product, ProductImage
from apps.core.exceptions import DomainError
from apps.orders.models import Cart, CartItem
from apps.vendors.models import Vendor

# The session holds a token of our own rather than the session key: login cycles the session key,
# and the guest's cart must still be found when the user_logged_in signal merges it.
CART_SESSION_KEY = "cart_token"
MAX_LINE_QUANTITY = 999


class CartError(DomainError):
    pass


@dataclass(frozen=True)
class CartLine:
    """A cart line priced now; `problem` says why it cannot be ordered ("" when it can)."""

    item: CartItem
    unit_price: Money
    line_total: Money
    problem: str = ""

    @property
    def product(self) -> Product:
        return self.item.product

    @property
    def orderable(self) -> bool:
        return not self.problem


@dataclass(frozen=True)
class SellerGroup:
    vendor: Vendor
    lines: list[CartLine]

    @property
    def orderable_lines(self) -> list[CartLine]:
        return [line for line in self.lines if line.orderable]

    @property
    def subtotal(self) -> Money:
        return _sum(line.line_total for line in self.orderable_lines)


@dataclass(frozen=True)
class CartSummary:
    groups: list[SellerGroup] = field(default_factory=list)

    @property
    def lines(self) -> list[CartLine]:
        return [line for group in self.groups for line in group.lines]

    @property
    def orderable_lines(self) -> list[CartLine]:
        return [line for line in self.lines if line.orderable]

    @property
    def total(self) -> Money:
        return _sum(line.line_total for line in self.orderable_lines)

    @property
    def quantity(self) -> int:
        return sum(line.item.quantity for line in self.lines)

    @property
    def has_problems(self) -> bool:
        return any(line.problem for line in self.lines)


def _sum(amounts) -> Money:
    return sum(amounts, Money(0, settings.BASE_CURRENCY))


# --- Who owns the cart


def cart_for_request(request, *, create: bool = False) -> Cart | None:
    """The signed-in user's cart, or the guest's session cart.

    With `create`, a new unsaved cart when there is none yet: cart_add saves it with its first line (a
    refused add writes nothing), and cart_remember ties a guest's cart to the session.
    """
    if request.user.is_authenticated:
        cart = Cart.objects.filter(user=request.user).first()
        return cart or (Cart(user=request.user) if create else None)
    token = request.session.get(CART_SESSION_KEY)
    cart = Cart.objects.filter(session_key=token, user__isnull=True).first() if token else None
    return cart or (Cart(session_key=secrets.token_urlsafe(32)) if create else None)


def cart_remember(request, cart: Cart) -> None:
    """Keep a guest's saved cart with the session."""
    if cart.pk is not None and cart.user_id is None:
        request.session[CART_SESSION_KEY] = cart.session_key


def cart_quantity(request) -> int:
    """How many items the cart holds, in one query (none for a guest who never added anything)."""
    if request.user.is_authenticated:
        items = CartItem.objects.filter(cart__user=request.user)
    elif token := request.session.get(CART_SESSION_KEY):
        items = CartItem.objects.filter(cart__session_key=token, cart__user__isnull=True)
    else:
        return 0
    return items.aggregate(total=Sum("quantity"))["total"] or 0


def cart_adopt_guest_cart(*, request, user) -> list[str]:
    """At sign-in: fold the guest's session cart into the user's cart; returns notices for capped lines."""
    token = request.session.pop(CART_SESSION_KEY, None)
    session_cart = Cart.objects.filter(session_key=token, user__isnull=True).first() if token else None
    if session_cart is None:
        return []
    user_cart = Cart.objects.get_or_create(user=user)[0]
    return cart_merge(session_cart=session_cart, user_cart=user_cart)


# --- What goes in


def _lock(cart: Cart) -> Cart:
    # One writer per cart at a time: two quick taps on "+" or "Add" must not lose an update.
    return Cart.objects.select_for_update().get(pk=cart.pk)


def _only_left(product: Product, quantity: int) -> str:
    if quantity < 1:
        return _("'%(name)s' is out of stock.") % {"name": product.name}
    return _("Only %(count)s '%(name)s' left: your cart holds %(count)s.") % {"count": quantity, "name": product.name}


@transaction.atomic
def cart_add(*, cart: Cart, product_id: int, quantity: int) -> tuple[CartItem, str]:
    """Add a product buyers may see and buy, capped at the stock. Returns (line, notice); line.cart is saved."""
    if quantity < 1:
        raise CartError(_("Choose a quantity of at least 1."))
    product = Product.objects.visible().filter(pk=product_id).first()
    if product is None:
        raise CartError(_("This product is not for sale."))
    if product.stock < 1:
        raise CartError(_("'%(name)s' is out of stock.") % {"name": product.name})
    if cart.pk is None:  # created lazily, with its first line
        cart = Cart.objects.get_or_create(user=cart.user, session_key=cart.session_key)[0]
    _lock(cart)
    item = CartItem.objects.filter(cart=cart, product=product).first() or CartItem(cart=cart, product=product,
                                                                                  quantity=0)
    wanted = item.quantity + quantity
    item.quantity = min(wanted, product.stock, MAX_LINE_QUANTITY)
    item.save()
    return item, _only_left(product, item.quantity) if item.quantity < wanted else ""


@transaction.atomic
def cart_set_quantity(*, cart: Cart, item_id: int, quantity: int) -> tuple[CartItem | None, str]:
    """Set a line's quantity (0 removes it), capped at the stock. Returns (line or None, notice)."""
    if quantity < 1:
        cart_remove(cart=cart, item_id=item_id)
        return None, ""
    _lock(cart)
    item = CartItem.objects.select_related("product").filter(cart=cart, pk=item_id).first()
    if item is None:
        raise CartError(_("This item is no longer in your cart."))
    product = item.product
    if not Product.objects.visible().filter(pk=product.pk).exists() or product.stock < 1:
        raise CartError(_("'%(name)s' is no longer available; remove it from your cart.") % {"name": product.name})
    item.quantity = min(quantity, product.stock, MAX_LINE_QUANTITY)
    item.save(update_fields=["quantity"])
    return item, _only_left(product, item.quantity) if item.quantity < quantity else ""


def cart_remove(*, cart: Cart, item_id: int) -> None:
    """Remove a line; removing it twice is not an error."""
    CartItem.objects.filter(cart=cart, pk=item_id).delete()


@transaction.atomic
def cart_merge(*, session_cart: Cart, user_cart: Cart) -> list[str]:
    """Move the guest's lines into the user's cart: quantities add up, capped at the stock.

    The guest cart is deleted, so merging again finds nothing to do. Returns a notice per capped line.
    """
    if session_cart.pk == user_cart.pk:
        return []
    locked = Cart.objects.select_for_update().filter(pk__in=[session_cart.pk, user_cart.pk]).order_by("pk")
    if session_cart.pk not in {cart.pk for cart in locked}:
        return []  # merged already (a second sign-in at the same moment, or a replay)
    guest_items = list(CartItem.objects.filter(cart=session_cart).select_related("product"))
    held = {item.product_id: item for item in CartItem.objects.filter(cart=user_cart)}
    notices = []
    for guest in guest_items:
        item = held.get(guest.product_id) or CartItem(cart=user_cart, product=guest.product, quantity=0)
        wanted = item.quantity + guest.quantity
        # never below what the user already had: a line over the stock is flagged on the cart page
        item.quantity = max(min(wanted, guest.product.stock, MAX_LINE_QUANTITY), item.quantity)
        if item.quantity < wanted:
            notices.append(_only_left(guest.product, item.quantity))
        if item.quantity >= 1:
            item.save()
    session_cart.delete()
    return notices


# --- What it is worth now


def line_problem(product: Product, quantity: int, *, visible: bool) -> str:
    """Why this many of the product cannot be ordered now, naming it ("" when it can)."""
    if not visible:
        return _("'%(name)s' is no longer available.") % {"name": product.name}
    if product.stock < 1:
        return _("'%(name)s' is out of stock.") % {"name": product.name}
    if product.stock < quantity:
        return _("Only %(count)s '%(name)s' left.") % {"count": product.stock, "name": product.name}
    if str(product.current_price().currency) != settings.BASE_CURRENCY:
        # promo and points are in the base currency; a foreign price would need its own checkout
        return _("'%(name)s' cannot be bought online.") % {"name": product.name}
    return ""


def cart_items(cart: Cart, *, item_ids=None):
    """The cart's lines with everything pricing and display need, in a fixed number of queries."""
    items = (
        CartItem.objects.filter(cart=cart)
        .select_related("product__vendor")
        .annotate(is_visible=Exists(Product.objects.visible().filter(pk=OuterRef("product_id"))))
        .order_by("product__vendor__name", "product__vendor_id", "added_at", "pk")
    )
    return items.filter(pk__in=item_ids) if item_ids is not None else items


def price_line(item: CartItem) -> CartLine:
    unit_price = item.product.current_price()
    return CartLine(item=item, unit_price=unit_price, line_total=unit_price * item.quantity,
                    problem=line_problem(item.product, item.quantity, visible=item.is_visible))


def cart_summary(cart: Cart | None) -> CartSummary:
    """The cart grouped by seller and priced at current prices; lines that cannot be ordered are flagged."""
    if cart is None:
        return CartSummary()
    groups: list[SellerGroup] = []
    images = Prefetch("product__images", queryset=ProductImage.objects.order_by("sort_order", "pk"))
    for item in cart_items(cart).prefetch_related(images):
        line = price_line(item)
        if groups and groups[-1].vendor.pk == item.product.vendor_id:
            groups[-1].lines.append(line)
        else:
            groups.append(SellerGroup(vendor=item.product.vendor, lines=[line]))
    return CartSummary(groups=groups)


@transaction.atomic
def cart_put_back(*, user, quantities: dict[int, int]) -> None:
    """Return the lines of an order that did not go through to the user's cart (product id -> quantity)."""
    cart = Cart.objects.get_or_create(user=user)[0]
    _lock(cart)
    held = {item.product_id: item for item in CartItem.objects.filter(cart=cart, product_id__in=quantities)}
    for product_id, quantity in quantities.items():
        item = held.get(product_id) or CartItem(cart=cart, product_id=product_id, quantity=0)
        item.quantity = min(item.quantity + quantity, MAX_LINE_QUANTITY)
        item.save()
