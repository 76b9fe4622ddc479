from django.db.models import Prefetch, Q, QuerySet
from djmoney.money import Money

from apps.catalog.models import Service, ServiceCategory, ServiceTier


def service_list_for_customers(*, search: str = "", category: ServiceCategory | None = None,
                               min_price: Money | None = None, max_price: Money | None = None) -> QuerySet[Service]:
    """Services on sale matching the filters, in category order so a page can be grouped by category.

    Vendor and category are joined in: listing any number of services costs the same queries.
    A price bound only matches services priced in its currency.
    """
    services = Service.objects.on_sale().select_related("vendor", "category", "category__parent")
    if search:
        services = services.filter(Q(name__icontains=search) | Q(short_description__icontains=search))
    if category is not None:
        services = services.filter(Q(category=category) | Q(category__parent=category))
    # Amount and currency spelled out: Service.objects is not djmoney's manager, which would add the currency
    # to a Money lookup by itself; without exchange rates other currencies cannot be compared.
    if min_price is not None:
        services = services.filter(base_price_currency=min_price.currency.code, base_price__gte=min_price.amount)
    if max_price is not None:
        services = services.filter(base_price_currency=max_price.currency.code, base_price__lte=max_price.amount)
    # category_id breaks ties between categories of equal ordering and name, which would interleave groups
    return services.order_by("category__ordering", "category__name", "category_id", "name", "pk")


def service_detail(*, slug: str) -> Service:
    """One service on sale with vendor, category and tiers; raises Service.DoesNotExist otherwise."""
    tiers = ServiceTier.objects.order_by("sort_order", "price", "pk")
    return (
        Service.objects.on_sale()
        .select_related("vendor", "category", "category__parent")
        .prefetch_related(Prefetch("tiers", queryset=tiers))
        .get(slug=slug)
    )
