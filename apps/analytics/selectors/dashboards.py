"""The dashboards' figures: a fixed number of queries each, cached for DASHBOARD_CACHE_SECONDS.

Everything returned is plain data (numbers, dates, names, Trend) so it can be cached and shared by
everyone with the same view; labels and links are added when the page is drawn.
"""

from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.db.models import (
    Avg,
    Case,
    Count,
    DurationField,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext_lazy

from apps.accounts.roles import Role
from apps.analytics.registry import ReportFilters
from apps.analytics.selectors.base import Period, Trend, hours, ratio, totals_in_base
from apps.analytics.selectors.reports import (
    DELIVERED_ORDERS,
    return_model,
    returned_orders,
    sales_by_day,
    sold_items,
    sold_orders,
    sold_requests,
)
from apps.catalog.stock_alerts import products_low_on_stock
from apps.orders.models import Order
from apps.reviews.models import Review
from apps.servicedesk.models import ServiceRequest, StatusChange
from apps.vendors.models import Vendor

DASHBOARD_DAYS = 30
DASHBOARD_ROLES = (Role.SELLER, Role.COURIER, Role.SUPPORT, Role.MANAGER, Role.ANALYST, Role.ADMINISTRATOR)
ORDERS_TO_HANDLE = (Order.Status.PLACED, Order.Status.CONFIRMED, Order.Status.READY)
TOP_PRODUCTS = 5
LOW_STOCK_ROWS = 20  # the dashboard is a summary; the daily e-mail and the product list hold the rest


def cached(key: str, compute: Callable[[], dict]) -> dict:
    """compute() shared for DASHBOARD_CACHE_SECONDS under key (0 computes every time)."""
    seconds = settings.DASHBOARD_CACHE_SECONDS
    if seconds <= 0:
        return compute()
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


# --- sales with their trend, for the whole platform or some vendors


def _current_or_previous(period: Period, field: str = "created_at"):
    return Case(When(**{f"{field}__gte": period.start}, then=Value("current")), default=Value("previous"))


def sales_trends(period: Period, vendor_ids: frozenset[int] | None = None) -> dict[str, Trend]:
    """GMV (shop orders + service requests), shop orders and average order value, now and the period before."""
    both = ReportFilters(Period(period.previous().first, period.last), vendor_ids)
    bucket = {"bucket": _current_or_previous(period)}
    orders = totals_in_base(sold_orders(both).annotate(**bucket), ["bucket"], sums={"sales": "total"},
                            counts={"orders": Count("id")})
    requests = totals_in_base(sold_requests(both).annotate(**bucket), ["bucket"], sums={"sales": "amount"},
                              counts={"requests": Count("id")})

    def of(name):
        shop = orders.get((name,), {"sales": Decimal(0), "orders": 0})
        services = requests.get((name,), {"sales": Decimal(0), "requests": 0})
        average = (shop["sales"] / shop["orders"]).quantize(Decimal("0.01")) if shop["orders"] else None
        return {"gmv": shop["sales"] + services["sales"], "orders": shop["orders"], "average_order_value": average,
                "requests": services["requests"]}

    now, before = of("current"), of("previous")
    return {name: Trend(now[name], before[name]) for name in now}


# --- the platform dashboard (administrators, managers, analysts)


def platform_figures(period: Period) -> dict:
    """GMV, orders, average order value, new customers, requests by status and return rate, with trends."""
    both = Period(period.previous().first, period.last)
    current = Q(created_at__gte=period.start)
    figures = sales_trends(period)

    customers = get_user_model().objects.filter(both.q("date_joined"), groups__isnull=True, is_superuser=False)
    joined = customers.aggregate(now=Count("id", filter=Q(date_joined__gte=period.start), distinct=True),
                                 before=Count("id", filter=Q(date_joined__lt=period.start), distinct=True))
    figures["new_customers"] = Trend(joined["now"], joined["before"])

    by_status = {row["status"]: Trend(row["now"], row["before"]) for row in (
        ServiceRequest.objects.filter(both.q("created_at")).order_by().values("status")
        .annotate(now=Count("id", filter=current), before=Count("id", filter=~current)))}
    figures["requests_by_status"] = [(status, by_status.get(status, Trend(0, 0)))
                                     for status, _label in ServiceRequest.Status.choices]

    figures["return_rate"] = _return_rate(both, period)
    # the current period day by day, for the chart (the report's own selector)
    figures["daily_sales"] = [(row["period"], row["order_sales"], row["request_sales"])
                              for row in sales_by_day(ReportFilters(period))]
    return figures


def _return_rate(both: Period, period: Period) -> Trend:
    ReturnRequest = return_model()
    delivered = Order.objects.filter(both.q("created_at"), status__in=DELIVERED_ORDERS)
    current = Q(created_at__gte=period.start)
    returned = returned_orders(delivered, ReturnRequest).values("pk")
    counts = delivered.aggregate(
        delivered_now=Count("id", filter=current), delivered_before=Count("id", filter=~current),
        returned_now=Count("id", filter=current & Q(pk__in=returned)),
        returned_before=Count("id", filter=~current & Q(pk__in=returned)))
    return Trend(ratio(counts["returned_now"], counts["delivered_now"]),
                 ratio(counts["returned_before"], counts["delivered_before"]))


def people_figures(days: int = DASHBOARD_DAYS) -> dict:
    """Users by role, vendors by status and sign-ups per day: a constant number of queries."""
    User = get_user_model()
    since = timezone.localdate() - timedelta(days=days - 1)
    role_counts = dict(
        Group.objects.annotate(total=Count("user", filter=Q(user__is_active=True))).values_list("name", "total")
    )
    # The customers filter joins the groups table; distinct keeps people with two roles counted once.
    users = User.objects.aggregate(
        total=Count("id", distinct=True),
        customers=Count("id", filter=Q(groups__isnull=True, is_superuser=False, is_active=True), distinct=True),
    )
    vendors = dict(Vendor.objects.values_list("status").annotate(total=Count("id")).values_list("status", "total"))
    signups = dict(
        User.objects.filter(date_joined__date__gte=since)
        .annotate(day=TruncDate("date_joined"))
        .values_list("day")
        .annotate(total=Count("id"))
        .values_list("day", "total")
    )
    day_list = [since + timedelta(days=offset) for offset in range(days)]
    return {
        "days": days,
        "users_total": users["total"],
        "users_by_role": [{"role": gettext_lazy("Customers"), "total": users["customers"]}]
        + [{"role": name, "total": role_counts.get(name, 0)} for name in DASHBOARD_ROLES],
        "vendors_by_status": [{"status": value, "total": vendors.get(value, 0)} for value, _label in Vendor.Status.choices],
        "signups": [(day, signups.get(day, 0)) for day in day_list],
        "signups_total": sum(signups.values()),
    }


# --- the seller dashboard (the stores a person works for)


def seller_figures(vendor_ids: frozenset[int], period: Period) -> dict:
    """Own sales with their trend, orders to handle, top products, stock running low and average rating."""
    figures = sales_trends(period, vendor_ids)
    to_handle = dict(Order.objects.filter(vendor_id__in=vendor_ids, status__in=ORDERS_TO_HANDLE).order_by()
                     .values_list("status").annotate(total=Count("id")))
    figures["orders_to_handle"] = [(status, to_handle.get(status, 0)) for status in ORDERS_TO_HANDLE]

    items = sold_items(ReportFilters(period, vendor_ids))
    top = list(items.order_by().values("product_id", "product__name").annotate(units=Sum("quantity"))
               .order_by("-units", "product__name")[:TOP_PRODUCTS])
    sales = totals_in_base(items.filter(product_id__in=[row["product_id"] for row in top]), ["product_id"],
                           sums={"sales": "line_total"})
    figures["top_products"] = [
        {"id": row["product_id"], "name": row["product__name"], "units": row["units"],
         "sales": sales.get((row["product_id"],), {}).get("sales", Decimal(0))} for row in top]

    # the total comes with the rows (a window count), so a long list costs no second query
    low = list(products_low_on_stock(vendor_ids=vendor_ids).annotate(total=Window(Count("pk")))
               .values("pk", "name", "stock", "low_stock_threshold", "total")[:LOW_STOCK_ROWS])
    figures["low_stock"] = {"rows": low, "total": low[0]["total"] if low else 0}

    rating = Review.objects.filter(product__vendor_id__in=vendor_ids).aggregate(average=Avg("rating"),
                                                                               count=Count("id"))
    figures["rating"] = {"average": None if rating["average"] is None
                         else Decimal(rating["average"]).quantize(Decimal("0.1")), "count": rating["count"]}
    return figures


# --- the service desk view (support staff see their own row, managers the whole team)


def _started_at():
    """When work started on the request: its (only) step into in_progress."""
    return Subquery(StatusChange.objects.filter(request=OuterRef("pk"), to_status=ServiceRequest.Status.IN_PROGRESS)
                    .order_by("created_at").values("created_at")[:1])


def _duration(later, earlier):
    return ExpressionWrapper(F(later) - F(earlier), output_field=DurationField())


def service_desk_figures(period: Period, provider_id: int | None = None) -> dict:
    """Open requests per provider and, over the period, the average time from assignment to starting work."""
    requests = ServiceRequest.objects.all()
    if provider_id is not None:
        requests = requests.filter(provider_id=provider_id)
    Status = ServiceRequest.Status
    rows = {row["provider_id"]: {**row, "response_hours": None, "responses": 0} for row in (
        requests.filter(status__in=ServiceRequest.OPEN_STATUSES).order_by()
        .values("provider_id", "provider__full_name", "provider__email")
        .annotate(open=Count("id"), assigned=Count("id", filter=Q(status=Status.TEAM_ASSIGNED)),
                  in_progress=Count("id", filter=Q(status=Status.IN_PROGRESS))))}

    responses = (requests.filter(period.q("assigned_at"), provider__isnull=False).annotate(started=_started_at())
                 .filter(started__isnull=False).order_by().values("provider_id", "provider__full_name",
                                                                  "provider__email")
                 .annotate(average=Avg(_duration("started", "assigned_at")), responses=Count("id")))
    total_seconds, total_responses = 0, 0
    for row in responses:
        entry = rows.setdefault(row["provider_id"], {**row, "open": 0, "assigned": 0, "in_progress": 0})
        entry.update(response_hours=hours(row["average"]), responses=row["responses"])
        total_seconds += row["average"].total_seconds() * row["responses"]
        total_responses += row["responses"]

    to_assign = requests.filter(period.q("created_at"), assigned_at__isnull=False).aggregate(
        average=Avg(_duration("assigned_at", "created_at")))["average"]
    ordered = sorted(rows.values(), key=lambda row: (row["provider_id"] is not None, -row["open"],
                                                     row["provider__full_name"] or row["provider__email"] or ""))
    return {
        "providers": ordered,
        "open_total": sum(row["open"] for row in rows.values()),
        "unassigned": sum(row["open"] for row in rows.values() if row["provider_id"] is None),
        "response_hours": hours(timedelta(seconds=total_seconds / total_responses)) if total_responses else None,
        "assign_hours": hours(to_assign),
    }
