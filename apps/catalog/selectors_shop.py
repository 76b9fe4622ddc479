"""Reads behind the shop pages: the product list and its facets, a product, a store."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.storage import default_storage
from django.db.models import (
    Case, CharField, Count, F, IntegerField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum, Value, When,
)
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from djmoney.money import Money

from apps.catalog.models import Product, ProductImage, ServiceCategory
from apps.vendors.models import Vendor


class Sort:
    RELEVANCE = ""  # best match first when searching, else newest first
    PRICE = "price"
    PRICE_DESC = "-price"
    RATING = "rating"


@dataclass
class CategoryNode:
    """A category of the shop's tree with the number of visible products in it and under it."""

    category: ServiceCategory
    count: int = 0
    depth: int = 0
    children: list["CategoryNode"] = field(default_factory=list)
    is_current: bool = False
    is_open: bool = False  # the current category or one of its ancestors: the navigation shows its children

    def walk(self):
        yield self
        for child in self.children:
            yield from child.walk()

    def open_branch(self, current: "CategoryNode") -> bool:
        self.is_current = self is current
        # a list, not a generator: every child is visited, the current one may sit deeper than the first match
        self.is_open = any([child.open_branch(current) for child in self.children]) or self.is_current
        return self.is_open


@dataclass
class Facets:
    """What the filters offer, over the products a page can show (the whole shop or one store)."""

    categories: list[CategoryNode]  # the roots; only branches holding at least one product
    brands: list[str]
    colours: list[str]

    @property
    def total(self) -> int:
        return sum(root.count for root in self.categories)

    def category_nodes(self) -> list[CategoryNode]:
        return [node for root in self.categories for node in root.walk()]

    def open_branch(self, current: CategoryNode | None) -> None:
        """Marks the chosen category and its ancestors for the navigation."""
        for root in self.categories:
            root.open_branch(current)


def _visible(vendor: Vendor | None) -> QuerySet[Product]:
    products = Product.objects.visible()
    return products if vendor is None else products.filter(vendor=vendor)


def _distinct_values(products: QuerySet[Product], name: str) -> list[str]:
    """The field's values, once each whatever their case ("Black" and "black"), sorted for reading."""
    seen = {}
    # order_by(): the model's default ordering would add its column to the DISTINCT
    for value in products.exclude(**{name: ""}).order_by().values_list(name, flat=True).distinct():
        seen.setdefault(value.casefold(), value)
    return sorted(seen.values(), key=str.casefold)


def _category_tree(counts: dict[int, int]) -> list[CategoryNode]:
    nodes = {category.pk: CategoryNode(category, counts.get(category.pk, 0))
             for category in ServiceCategory.objects.order_by("ordering", "name", "pk")}
    roots = []
    for node in nodes.values():
        parent = nodes.get(node.category.parent_id)
        (parent.children if parent else roots).append(node)

    def total(node: CategoryNode, depth: int) -> int:
        node.depth = depth
        node.count += sum(total(child, depth + 1) for child in node.children)
        node.children = [child for child in node.children if child.count]
        return node.count

    return [root for root in roots if total(root, 0)]


def product_facets(*, vendor: Vendor | None = None) -> Facets:
    """The category tree with product counts, and the brands and colours on offer, in four queries."""
    products = _visible(vendor)
    counts = dict(products.order_by().values_list("category").annotate(n=Count("pk")))
    return Facets(categories=_category_tree(counts), brands=_distinct_values(products, "brand"),
                  colours=_distinct_values(products, "colour"))


def _current_price(at) -> Case:
    """The amount a buyer pays now, as SQL: the sale price inside its window, else the price (Product.on_sale)."""
    on_sale = (Q(sale_price__isnull=False, sale_price__lt=F("price"), sale_price_currency=F("price_currency"))
               & (Q(sale_starts_at__isnull=True) | Q(sale_starts_at__lte=at))
               & (Q(sale_ends_at__isnull=True) | Q(sale_ends_at__gt=at)))
    return Case(When(on_sale, then=F("sale_price")), default=F("price"))


def _search(products: QuerySet[Product], search: str) -> QuerySet[Product]:
    """Every word must appear in the name, brand or description; products naming the whole phrase come first."""
    for word in search.split():
        products = products.filter(Q(name__icontains=word) | Q(brand__icontains=word)
                                   | Q(description__icontains=word))
    return products.annotate(match_rank=Case(
        When(name__icontains=search, then=Value(0)), When(brand__icontains=search, then=Value(1)),
        default=Value(2), output_field=IntegerField()))


ORDERINGS = {
    Sort.PRICE: ["current_amount", "name", "pk"],
    Sort.PRICE_DESC: [F("current_amount").desc(), "name", "pk"],
    Sort.RATING: [F("rating_average").desc(nulls_last=True), "-rating_count", "name", "pk"],
}


# What a product card shows (templates/catalog/shop/partials/_product_card.html): the list loads only these.
CARD_FIELDS = ["name", "slug", "price", "price_currency", "sale_price", "sale_price_currency", "sale_starts_at",
               "sale_ends_at", "stock", "low_stock_threshold", "rating_average", "rating_count", "vendor__name",
               "vendor__slug"]


def cover_subquery(product: str = "pk") -> Subquery:
    """The path of the product's first picture, its thumbnail when it has one, for a card; None without any."""
    images = ProductImage.objects.filter(product=OuterRef(product)).order_by("sort_order", "pk")
    path = Coalesce(NullIf("thumbnail", Value("")), "image", output_field=CharField())
    return Subquery(images.values(path=path)[:1])


def attach_cover_urls(products) -> None:
    """Sets cover_url on products read with cover_subquery(): what an <img src> needs, from the media storage."""
    for product in products:
        product.cover_url = default_storage.url(product.cover) if product.cover else ""


def product_list_for_buyers(*, vendor: Vendor | None = None, search: str = "",
                            category: CategoryNode | None = None, brand: str = "", colour: str = "",
                            min_price: Money | None = None, max_price: Money | None = None,
                            in_stock: bool = False, sort: str = Sort.RELEVANCE) -> QuerySet[Product]:
    """Visible products matching the filters, with what a card shows and nothing more, in one query.

    The seller is joined and the first picture's path read by a subquery, so listing any number of products
    costs the same. Price bounds and price sorting use the price paid today.
    """
    products = (
        _visible(vendor)
        .select_related("vendor")
        .only(*CARD_FIELDS)
        .annotate(current_amount=_current_price(timezone.now()), cover=cover_subquery())
    )
    if search:
        products = _search(products, search)
    if category is not None:
        products = products.filter(category__in=[node.category.pk for node in category.walk()])
    if brand:
        products = products.filter(brand__iexact=brand)
    if colour:
        products = products.filter(colour__iexact=colour)
    if in_stock:
        products = products.filter(stock__gt=0)
    # Amount and currency spelled out: without exchange rates only prices in the bound's currency compare.
    if min_price is not None:
        products = products.filter(price_currency=min_price.currency.code, current_amount__gte=min_price.amount)
    if max_price is not None:
        products = products.filter(price_currency=max_price.currency.code, current_amount__lte=max_price.amount)
    if sort in ORDERINGS:
        return products.order_by(*ORDERINGS[sort])
    newest = ["-created_at", "-pk"]
    return products.order_by("match_rank", *newest) if search else products.order_by(*newest)


def product_detail_for_buyers(*, slug: str) -> Product:
    """A visible product with its seller, category and images; raises Product.DoesNotExist otherwise."""
    return (
        Product.objects.visible()
        .select_related("vendor", "category", "category__parent")
        .prefetch_related(Prefetch("images", queryset=ProductImage.objects.order_by("sort_order", "pk")))
        .get(slug=slug)
    )


def product_reviews(*, product: Product) -> QuerySet:
    """The product's reviews, newest first, with the names the page shows. Through the relation the reviews
    app adds to Product: the catalogue does not import it."""
    return product.reviews.select_related("buyer").order_by("-created_at", "-pk")


def store_for_buyers(*, slug: str) -> Vendor:
    """An active vendor; raises Vendor.DoesNotExist for an unknown or suspended one."""
    return Vendor.objects.active().get(slug=slug)


def store_rating(*, vendor: Vendor) -> tuple[Decimal | None, int]:
    """The average rating over the vendor's visible products, weighted by their number of ratings, and that number."""
    totals = _visible(vendor).filter(rating_count__gt=0).aggregate(
        points=Sum(F("rating_average") * F("rating_count")), ratings=Sum("rating_count"))
    if not totals["ratings"]:
        return None, 0
    return (Decimal(totals["points"]) / totals["ratings"]).quantize(Decimal("0.1")), totals["ratings"]
