"""The analysts' report catalogue. Each report is one selector registered with @report.

Every money figure is in settings.BASE_CURRENCY (converted with the admin's exchange rates); every
report costs a fixed number of grouped queries, whatever the amount of data. "Sales" are shop orders
that were not cancelled (their total as paid: after discounts, with the delivery commission charged)
plus paid service requests that were neither cancelled nor refunded, by the day they were placed.
"""

from datetime import date, timedelta

from django.apps import apps
from django.db.models import Avg, Count, DateField, DurationField, ExpressionWrapper, F, Q, Subquery, Sum
from django.db.models.functions import TruncDate, TruncMonth, TruncWeek
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.affiliates.models import EARNING_STATUSES, Commission
from apps.analytics.registry import Chart, Column, Kind, ReportFilters, report
from apps.analytics.selectors.base import hours, ratio, totals_in_base
from apps.core.exceptions import DomainError
from apps.delivery.models import CourierEarning
from apps.orders.models import Order, OrderItem
from apps.payments.models import Gateway
from apps.servicedesk.models import ServiceRequest

NOT_SOLD_REQUESTS = (ServiceRequest.Status.CANCELLED, ServiceRequest.Status.REFUNDED)
DELIVERED_ORDERS = (Order.Status.DELIVERED, Order.Status.COMPLETED)
CATEGORY_CHART_ROWS = 15
TOP_PRODUCTS = 10

SALES_COLUMNS = (
    Column("orders", gettext_lazy("Shop orders"), Kind.INT),
    Column("order_sales", gettext_lazy("Shop sales"), Kind.MONEY),
    Column("requests", gettext_lazy("Service requests"), Kind.INT),
    Column("request_sales", gettext_lazy("Service sales"), Kind.MONEY),
    Column("sales", gettext_lazy("Total sales"), Kind.MONEY),
)


# --- the two sources of sales


def sold_orders(filters: ReportFilters):
    orders = Order.objects.filter(filters.period.q("created_at")).exclude(status=Order.Status.CANCELLED)
    return filters.for_vendor(orders, "vendor")


def sold_requests(filters: ReportFilters):
    requests = ServiceRequest.objects.filter(filters.period.q("created_at")).exclude(status__in=NOT_SOLD_REQUESTS)
    return filters.for_vendor(requests, "vendor")


def sold_items(filters: ReportFilters):
    items = OrderItem.objects.filter(filters.period.q("order__created_at")).exclude(
        order__status=Order.Status.CANCELLED)
    return filters.for_vendor(items, "order__vendor")


def _sales(filters: ReportFilters, by: list[str], annotate: dict | None = None) -> dict[tuple, dict]:
    """Orders and service requests grouped the same way, merged into one row per group."""
    annotate = annotate or {}
    orders = totals_in_base(sold_orders(filters).annotate(**annotate), by, sums={"order_sales": "total"},
                            counts={"orders": Count("id")})
    requests = totals_in_base(sold_requests(filters).annotate(**annotate), by, sums={"request_sales": "amount"},
                              counts={"requests": Count("id")})
    merged = {}
    for key in orders.keys() | requests.keys():
        row = {"orders": 0, "order_sales": 0, "requests": 0, "request_sales": 0,
               **orders.get(key, {}), **requests.get(key, {})}
        row["sales"] = row["order_sales"] + row["request_sales"]
        merged[key] = row
    return merged


# --- sales over time


def _days(first: date, last: date, step: str):
    """Every bucket start from the one holding `first` to the one holding `last`."""
    if step == "week":
        first = first - timedelta(days=first.weekday())
    elif step == "month":
        first = first.replace(day=1)
    while first <= last:
        yield first
        if step == "day":
            first += timedelta(days=1)
        elif step == "week":
            first += timedelta(days=7)
        else:
            first = (first.replace(day=28) + timedelta(days=4)).replace(day=1)


TRUNCATE = {"day": TruncDate, "week": TruncWeek, "month": TruncMonth}


def _sales_over_time(filters: ReportFilters, step: str) -> list[dict]:
    truncate = TRUNCATE[step]
    bucket = truncate("created_at") if step == "day" else truncate("created_at", output_field=DateField())
    sales = _sales(filters, ["bucket"], {"bucket": bucket})
    empty = {"orders": 0, "order_sales": 0, "requests": 0, "request_sales": 0, "sales": 0}
    # every bucket of the period is listed, the quiet ones with zeros, so the chart's x axis is regular
    return [{"period": day, **sales.get((day,), empty)}
            for day in _days(filters.period.first, filters.period.last, step)]


SALES_CHART = Chart("line", label="period", values=("order_sales", "request_sales"))


@report(slug="sales-by-day", title=gettext_lazy("Sales by day"),
        description=gettext_lazy("Shop orders and service requests placed each day, in the base currency."),
        columns=(Column("period", gettext_lazy("Day"), Kind.DATE), *SALES_COLUMNS), chart=SALES_CHART)
def sales_by_day(filters: ReportFilters) -> list[dict]:
    return _sales_over_time(filters, "day")


@report(slug="sales-by-week", title=gettext_lazy("Sales by week"),
        description=gettext_lazy("Sales per week (weeks start on Monday; the first and last may be partial)."),
        columns=(Column("period", gettext_lazy("Week starting"), Kind.DATE), *SALES_COLUMNS), chart=SALES_CHART)
def sales_by_week(filters: ReportFilters) -> list[dict]:
    return _sales_over_time(filters, "week")


@report(slug="sales-by-month", title=gettext_lazy("Sales by month"),
        description=gettext_lazy("Sales per calendar month (the first and last may be partial)."),
        columns=(Column("period", gettext_lazy("Month"), Kind.MONTH), *SALES_COLUMNS), chart=SALES_CHART)
def sales_by_month(filters: ReportFilters) -> list[dict]:
    return _sales_over_time(filters, "month")


# --- sales by who and what


def _by_sales(rows: list[dict], key: str = "sales") -> list[dict]:
    return sorted(rows, key=lambda row: (-row[key], str(row.get("name", ""))))


@report(slug="sales-by-vendor", title=gettext_lazy("Sales by vendor"),
        description=gettext_lazy("Each vendor's shop and service sales, largest first."),
        columns=(Column("name", gettext_lazy("Vendor")), *SALES_COLUMNS),
        chart=Chart("bar", label="name", values=("sales",), limit=CATEGORY_CHART_ROWS))
def sales_by_vendor(filters: ReportFilters) -> list[dict]:
    sales = _sales(filters, ["vendor_id", "vendor__name"])
    return _by_sales([{"name": name, **row} for (_id, name), row in sales.items()])


def _category_name(name, parent):
    return f"{parent} › {name}" if parent else name


@report(slug="sales-by-category", title=gettext_lazy("Sales by category"),
        description=gettext_lazy("Products sold (line totals, before order-wide discounts) and service "
                                  "requests, by category."),
        columns=(Column("name", gettext_lazy("Category")), Column("units", gettext_lazy("Units sold"), Kind.INT),
                 Column("product_sales", gettext_lazy("Product sales"), Kind.MONEY),
                 Column("requests", gettext_lazy("Service requests"), Kind.INT),
                 Column("request_sales", gettext_lazy("Service sales"), Kind.MONEY),
                 Column("sales", gettext_lazy("Total sales"), Kind.MONEY)),
        chart=Chart("bar", label="name", values=("product_sales", "request_sales"), limit=CATEGORY_CHART_ROWS))
def sales_by_category(filters: ReportFilters) -> list[dict]:
    products = totals_in_base(
        sold_items(filters), ["product__category_id", "product__category__name", "product__category__parent__name"],
        sums={"product_sales": "line_total"}, counts={"units": Sum("quantity")})
    services = totals_in_base(
        sold_requests(filters), ["service__category_id", "service__category__name", "service__category__parent__name"],
        sums={"request_sales": "amount"}, counts={"requests": Count("id")})
    rows = {}
    for (category_id, name, parent), figures in [*products.items(), *services.items()]:
        row = rows.setdefault(category_id, {"name": _category_name(name, parent), "units": 0, "product_sales": 0,
                                            "requests": 0, "request_sales": 0})
        row.update(figures)
    for row in rows.values():
        row["sales"] = row["product_sales"] + row["request_sales"]
    return _by_sales(list(rows.values()))


PRODUCT_COLUMNS = (Column("name", gettext_lazy("Product")), Column("vendor", gettext_lazy("Vendor")),
                   Column("units", gettext_lazy("Units sold"), Kind.INT),
                   Column("orders", gettext_lazy("Orders"), Kind.INT),
                   Column("sales", gettext_lazy("Sales"), Kind.MONEY))


def _product_sales(filters: ReportFilters) -> list[dict]:
    totals = totals_in_base(sold_items(filters), ["product_id", "product__name", "order__vendor__name"],
                            sums={"sales": "line_total"},
                            counts={"units": Sum("quantity"), "orders": Count("order", distinct=True)})
    return [{"name": name, "vendor": vendor, **row} for (_id, name, vendor), row in totals.items()]


@report(slug="sales-by-product", title=gettext_lazy("Sales by product"),
        description=gettext_lazy("Every product sold: units, orders and line totals (before order-wide "
                                 "discounts), largest sales first."),
        columns=PRODUCT_COLUMNS, chart=Chart("bar", label="name", values=("sales",), limit=CATEGORY_CHART_ROWS))
def sales_by_product(filters: ReportFilters) -> list[dict]:
    return _by_sales(_product_sales(filters))


@report(slug="top-products", title=gettext_lazy("Top products"),
        description=gettext_lazy("The ten products sold in the largest quantities."),
        columns=PRODUCT_COLUMNS, chart=Chart("bar", label="name", values=("units",)))
def top_products(filters: ReportFilters) -> list[dict]:
    return _by_sales(_product_sales(filters), key="units")[:TOP_PRODUCTS]


# --- orders


ORDER_COLUMNS = (Column("orders", gettext_lazy("Orders"), Kind.INT),
                 Column("value", gettext_lazy("Value"), Kind.MONEY))


def _orders(filters: ReportFilters):
    return filters.for_vendor(Order.objects.filter(filters.period.q("created_at")), "vendor")


@report(slug="orders-by-status", title=gettext_lazy("Orders by status"),
        description=gettext_lazy("Orders placed in the period, by where they are now (cancelled ones included)."),
        columns=(Column("status", gettext_lazy("Status")), *ORDER_COLUMNS),
        chart=Chart("bar", label="status", values=("orders",)))
def orders_by_status(filters: ReportFilters) -> list[dict]:
    totals = totals_in_base(_orders(filters), ["status"], sums={"value": "total"}, counts={"orders": Count("id")})
    return [{"status": label, "orders": 0, "value": 0, **totals.get((value,), {})}
            for value, label in Order.Status.choices]


def payment_method_label(code: str) -> str:
    labels = {Order.CASH_ON_DELIVERY: _("Cash on delivery"), **dict(Gateway.choices)}
    return str(labels.get(code, code))


@report(slug="orders-by-payment-method", title=gettext_lazy("Orders by payment method"),
        description=gettext_lazy("Orders placed in the period by how the buyer chose to pay, and how many "
                                 "of them are paid."),
        columns=(Column("method", gettext_lazy("Payment method")), *ORDER_COLUMNS,
                 Column("paid", gettext_lazy("Paid"), Kind.INT),
                 Column("paid_value", gettext_lazy("Paid value"), Kind.MONEY)),
        chart=Chart("bar", label="method", values=("orders", "paid")))
def orders_by_payment_method(filters: ReportFilters) -> list[dict]:
    paid = Q(payment_status=Order.PaymentStatus.PAID)
    totals = totals_in_base(_orders(filters), ["payment_method"], sums={"value": "total", "paid_value": ("total", paid)},
                            counts={"orders": Count("id"), "paid": Count("id", filter=paid)})
    rows = [{"method": payment_method_label(method), **row} for (method,), row in totals.items()]
    return sorted(rows, key=lambda row: (-row["orders"], row["method"]))


# --- service desk


def _since_created(field: str):
    return ExpressionWrapper(F(field) - F("created_at"), output_field=DurationField())


@report(slug="service-requests-by-status", title=gettext_lazy("Service requests by status"),
        description=gettext_lazy("Requests paid in the period by where they are now, with the average time "
                                 "from payment to assignment and to completion."),
        columns=(Column("status", gettext_lazy("Status")), Column("requests", gettext_lazy("Requests"), Kind.INT),
                 Column("value", gettext_lazy("Value"), Kind.MONEY),
                 Column("hours_to_assign", gettext_lazy("Average hours to assign"), Kind.HOURS),
                 Column("hours_to_complete", gettext_lazy("Average hours to complete"), Kind.HOURS)),
        chart=Chart("bar", label="status", values=("requests",)))
def service_requests_by_status(filters: ReportFilters) -> list[dict]:
    requests = filters.for_vendor(ServiceRequest.objects.filter(filters.period.q("created_at")), "vendor")
    totals = totals_in_base(requests, ["status"], sums={"value": "amount"}, counts={"requests": Count("id")})
    # averages are not additive across currencies, so they come from their own query
    durations = {row["status"]: row for row in requests.order_by().values("status").annotate(
        to_assign=Avg(_since_created("assigned_at")), to_complete=Avg(_since_created("completed_at")))}
    rows = []
    for value, label in ServiceRequest.Status.choices:
        times = durations.get(value, {})
        rows.append({"status": label, "requests": 0, "value": 0, **totals.get((value,), {}),
                     "hours_to_assign": hours(times.get("to_assign")),
                     "hours_to_complete": hours(times.get("to_complete"))})
    return rows


# --- affiliates, couriers, returns


@report(slug="affiliate-commissions", title=gettext_lazy("Affiliate commissions"),
        description=gettext_lazy("Per affiliate: purchases referred in the period, the commission owed "
                                 "(pending and approved) and what was reversed."),
        columns=(Column("code", gettext_lazy("Affiliate")), Column("email", gettext_lazy("E-mail")),
                 Column("purchases", gettext_lazy("Referred purchases"), Kind.INT),
                 Column("purchase_value", gettext_lazy("Purchase value"), Kind.MONEY),
                 Column("earned", gettext_lazy("Commission owed"), Kind.MONEY),
                 Column("approved", gettext_lazy("Of which approved"), Kind.MONEY),
                 Column("reversed", gettext_lazy("Reversed"), Kind.MONEY)),
        chart=Chart("bar", label="code", values=("earned", "reversed"), limit=CATEGORY_CHART_ROWS))
def affiliate_commissions(filters: ReportFilters) -> list[dict]:
    commissions = Commission.objects.filter(filters.period.q("created_at"))
    if filters.vendor_ids is not None:
        # a commission names the service request it comes from by reference
        references = filters.for_vendor(ServiceRequest.objects.all(), "vendor").values("reference")
        commissions = commissions.filter(reference__in=Subquery(references))
    earning = Q(status__in=EARNING_STATUSES)
    totals = totals_in_base(
        commissions, ["affiliate_id", "affiliate__code", "affiliate__user__email"],
        sums={"purchase_value": ("base_amount", earning), "earned": ("amount", earning),
              "approved": ("amount", Q(status=Commission.Status.APPROVED)),
              "reversed": ("amount", Q(status=Commission.Status.REVERSED))},
        counts={"purchases": Count("id", filter=earning)})
    rows = [{"code": code, "email": email, **row} for (_id, code, email), row in totals.items()]
    return sorted(rows, key=lambda row: (-row["earned"], row["code"]))


@report(slug="courier-earnings", title=gettext_lazy("Courier earnings"),
        description=gettext_lazy("Per courier: deliveries paid in the period, commissions, reversals and "
                                 "what they net."),
        columns=(Column("courier", gettext_lazy("Courier")), Column("email", gettext_lazy("E-mail")),
                 Column("deliveries", gettext_lazy("Deliveries"), Kind.INT),
                 Column("commissions", gettext_lazy("Commissions"), Kind.MONEY),
                 Column("reversals", gettext_lazy("Reversals"), Kind.MONEY),
                 Column("net", gettext_lazy("Net earnings"), Kind.MONEY)),
        chart=Chart("bar", label="courier", values=("net",), limit=CATEGORY_CHART_ROWS))
def courier_earnings(filters: ReportFilters) -> list[dict]:
    earnings = filters.for_vendor(CourierEarning.objects.filter(filters.period.q("created_at")),
                                  "delivery__order__vendor")
    commission = Q(kind=CourierEarning.Kind.COMMISSION)
    totals = totals_in_base(
        earnings, ["courier_id", "courier__full_name", "courier__email"],
        sums={"commissions": ("amount", commission), "reversals": ("amount", Q(kind=CourierEarning.Kind.REVERSAL)),
              "net": "amount"},
        counts={"deliveries": Count("delivery", distinct=True, filter=commission)})
    rows = [{"courier": name or email, "email": email, **row} for (_id, name, email), row in totals.items()]
    return sorted(rows, key=lambda row: (-row["net"], row["courier"]))


def return_model():
    try:
        return apps.get_model("returns", "ReturnRequest")
    except LookupError:
        raise DomainError(_("Returns are not recorded on this platform yet.")) from None


def returned_orders(orders, ReturnRequest):
    """Orders with a return that still stands (requested, approved or refunded; rejected ones do not count)."""
    return orders.filter(returns__status__in=ReturnRequest.LIVE_STATUSES)


@report(slug="returns-by-vendor", title=gettext_lazy("Returns rate by vendor"),
        description=gettext_lazy("Of the orders placed in the period and delivered, the share the buyer asked "
                                 "to return (rejected requests left out)."),
        columns=(Column("name", gettext_lazy("Vendor")), Column("delivered", gettext_lazy("Delivered orders"), Kind.INT),
                 Column("returned", gettext_lazy("Returned orders"), Kind.INT),
                 Column("rate", gettext_lazy("Returns rate"), Kind.PERCENT)),
        chart=Chart("bar", label="name", values=("rate",), limit=CATEGORY_CHART_ROWS))
def returns_by_vendor(filters: ReportFilters) -> list[dict]:
    ReturnRequest = return_model()
    delivered = _orders(filters).filter(status__in=DELIVERED_ORDERS)
    returned = dict(returned_orders(delivered, ReturnRequest).order_by().values_list("vendor_id").annotate(
        total=Count("id", distinct=True)))
    rows = []
    for vendor_id, name, total in delivered.order_by().values_list("vendor_id", "vendor__name").annotate(
            total=Count("id")):
        rows.append({"name": name, "delivered": total, "returned": returned.get(vendor_id, 0),
                     "rate": ratio(returned.get(vendor_id, 0), total)})
    return sorted(rows, key=lambda row: (-(row["rate"] or 0), row["name"]))
