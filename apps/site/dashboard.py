"""The admin dashboard (unfold's DASHBOARD_CALLBACK): which views a person gets, drawn from cached figures.

- platform figures: analytics.view_platform_dashboard (administrators, managers, analysts);
- service desk: analytics.view_service_desk_dashboard (support staff see their own row; with
  servicedesk.view_all_servicerequests, managers see the whole team);
- everyone else in the back office (sellers) gets their stores and the seller dashboard.
"""

from django.conf import settings
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.accounts.roles import SEE_ALL_REQUESTS
from apps.analytics.charts import chart_json, chart_legend
from apps.analytics.selectors.base import Period, Trend
from apps.analytics.selectors.dashboards import (
    DASHBOARD_DAYS,
    LOW_STOCK_ROWS,
    cached,
    people_figures,
    platform_figures,
    seller_figures,
    service_desk_figures,
)
from apps.core.exceptions import DomainError
from apps.core.scoping import VendorScope
from apps.core.templatetags.money import price
from apps.forecasts.selectors import forecast_chart_for
from apps.orders.models import Order
from apps.servicedesk.models import ServiceRequest
from apps.vendors.models import Vendor, VendorMembership

PLATFORM_PERMISSION = "analytics.view_platform_dashboard"
SERVICE_DESK_PERMISSION = "analytics.view_service_desk_dashboard"


# --- formatting shared by the cards


def money(amount) -> str:
    return "—" if amount is None else price(Money(amount, settings.BASE_CURRENCY))


def percent(value) -> str:
    return "—" if value is None else f"{number_format(value, 1)} %"


def count(value) -> str:
    return "—" if value is None else number_format(value, 0, force_grouping=True)


def _change_text(trend: Trend) -> str:
    change = trend.change_percent
    return "—" if change is None else f"{'+' if change > 0 else ''}{number_format(change, 1)} %"


def kpi(label: str, trend: Trend, show=count, *, higher_is_better: bool = True, help_text: str = "") -> dict:
    """One card: the figure, the previous period's, and the change coloured by whether it is good news."""
    good = {"up": higher_is_better, "down": not higher_is_better}.get(trend.direction)
    return {
        "label": label, "value": show(trend.current), "previous": show(trend.previous), "help": help_text,
        "direction": trend.direction,
        "change": None if trend.change_percent is None else _change_text(trend),
        "tone": "neutral" if good is None else ("good" if good else "bad"),
    }


def _days_label(days: int) -> str:
    return _("previous %(days)s days") % {"days": days}


# --- platform


def _platform(period: Period) -> dict:
    figures = cached(f"analytics:dashboard:platform:{period.first}:{period.last}", lambda: _platform_figures(period))
    if "error" in figures:
        return figures
    status_labels = dict(ServiceRequest.Status.choices)
    return {
        "cards": [
            kpi(_("GMV"), figures["gmv"], money, help_text=_("Shop orders (not cancelled) and paid service "
                                                              "requests (not cancelled or refunded).")),
            kpi(_("Shop orders"), figures["orders"]),
            kpi(_("Average order value"), figures["average_order_value"], money),
            kpi(_("New customers"), figures["new_customers"]),
            kpi(_("Service requests"), figures["requests"]),
            kpi(_("Return rate"), figures["return_rate"], percent, higher_is_better=False,
                help_text=_("Delivered orders placed in the period that the buyer asked to return.")),
        ],
        "requests_by_status": {
            "headers": [_("Status"), _("This period"), _("Previous period"), _("Change")],
            "rows": [[status_labels[status], count(trend.current), count(trend.previous),
                      _change_text(trend)] for status, trend in figures["requests_by_status"]],
        },
        "sales_chart": _sales_chart(figures["daily_sales"]),
        "sales_legend": chart_legend([_("Shop sales"), _("Service sales")]),
    }


def _sales_chart(daily_sales) -> str | None:
    days, shop, services = zip(*daily_sales, strict=True) if daily_sales else ((), (), ())
    if not any(shop) and not any(services):
        return None
    return chart_json([day.strftime("%d %b") for day in days], [(_("Shop sales"), shop), (_("Service sales"), services)])


def _platform_figures(period: Period) -> dict:
    try:
        return platform_figures(period)
    except DomainError as error:  # a sale in a currency without an exchange rate
        return {"error": str(error)}


def _people(period: Period) -> dict:
    figures = cached(f"analytics:dashboard:people:{period.last}", people_figures)
    return {
        **figures,
        "vendors_by_status": [{**row, "label": Vendor.Status(row["status"]).label}
                              for row in figures["vendors_by_status"]],
    }


def _signup_chart(signups) -> str:
    return chart_json([day.strftime("%d %b") for day, _count in signups],
                      [(_("Sign-ups"), [total for _day, total in signups])])


# --- service desk


def _service_desk(request, period: Period) -> dict:
    provider_id = None if request.user.has_perm(SEE_ALL_REQUESTS) else request.user.pk
    key = f"analytics:dashboard:desk:{provider_id or 'all'}:{period.last}"
    figures = cached(key, lambda: service_desk_figures(period, provider_id=provider_id))
    changelist = reverse("admin:servicedesk_servicerequest_changelist")
    rows = []
    for row in figures["providers"]:
        if row["provider_id"] is None:
            name = _("Not assigned yet")
        else:
            name = format_html('<a href="{}?provider__id__exact={}" class="text-primary-600 dark:text-primary-500">{}</a>',
                               changelist, row["provider_id"], row["provider__full_name"] or row["provider__email"])
        response = "—" if row["response_hours"] is None else f"{number_format(row['response_hours'], 1)} h"
        rows.append([name, count(row["open"]), count(row["assigned"]), count(row["in_progress"]), response])
    return {
        "team": provider_id is None,
        "open_total": count(figures["open_total"]),
        "unassigned": count(figures["unassigned"]),
        "response": "—" if figures["response_hours"] is None else f"{number_format(figures['response_hours'], 1)} h",
        "assign": "—" if figures["assign_hours"] is None else f"{number_format(figures['assign_hours'], 1)} h",
        "table": {"headers": [_("Provider"), _("Open"), _("Assigned, not started"), _("In progress"),
                              _("Average response")], "rows": rows},
    }


# --- seller


def _member_stores(request) -> list[dict]:
    """The stores the person works for, with links to the admin pages they may open."""
    scope = VendorScope.for_request(request)
    may_view_vendor = request.user.has_perm("vendors.view_vendor")
    may_view_team = request.user.has_perm("vendors.view_vendormembership")
    team_changelist = reverse("admin:vendors_vendormembership_changelist")
    stores = []
    memberships = VendorMembership.objects.filter(user=request.user).select_related("vendor").order_by("vendor__name")
    for membership in memberships:
        vendor = membership.vendor
        is_open = scope.allows(vendor)  # members of a suspended vendor lose access to its pages
        stores.append({
            "vendor": vendor,
            "role": membership.get_role_display(),
            "is_open": is_open,
            "details_url": reverse("admin:vendors_vendor_change", args=[vendor.pk])
            if is_open and may_view_vendor else None,
            "team_url": f"{team_changelist}?vendor__id__exact={vendor.pk}" if is_open and may_view_team else None,
        })
    return stores


def _seller(request, period: Period) -> dict:
    stores = _member_stores(request)
    vendor_ids = VendorScope.for_request(request).vendor_ids
    if not vendor_ids:  # no store, or only suspended ones: nothing of theirs to show
        return {"stores": stores}
    key = f"analytics:dashboard:seller:{','.join(map(str, sorted(vendor_ids)))}:{period.last}"
    try:
        figures = cached(key, lambda: seller_figures(vendor_ids, period))
    except DomainError as error:
        return {"stores": stores, "error": str(error)}
    may_view_product = request.user.has_perm("catalog.view_product")
    orders_url = reverse("admin:orders_order_changelist")
    status_labels = dict(Order.Status.choices)
    return {
        "stores": stores,
        "cards": [
            kpi(_("Sales"), figures["gmv"], money, help_text=_("Shop orders and service requests of your store.")),
            kpi(_("Shop orders"), figures["orders"]),
            kpi(_("Average order value"), figures["average_order_value"], money),
        ],
        "orders_to_handle": [{"label": status_labels[status], "total": count(total),
                              "url": f"{orders_url}?status__exact={status}"}
                             for status, total in figures["orders_to_handle"]],
        "rating": figures["rating"],
        "top_products": {
            "headers": [_("Product"), _("Units sold"), _("Sales")],
            "rows": [[_product_link(row["id"], row["name"], may_view_product), count(row["units"]), money(row["sales"])]
                     for row in figures["top_products"]],
        },
        "low_stock": _low_stock(figures["low_stock"], may_view_product),
        # each open store's latest finished forecast (None: not forecast yet), two queries a store
        "forecasts": [forecast_chart_for(vendor_id) for vendor_id in sorted(vendor_ids)],
    }


def _product_link(product_id, name, may_view_product):
    if not may_view_product:
        return name
    return format_html('<a href="{}" class="text-primary-600 dark:text-primary-500">{}</a>',
                       reverse("admin:catalog_product_change", args=[product_id]), name)


def _low_stock(low: dict, may_view_product: bool) -> dict:
    """The seller's products at or below their threshold, as a table linking to the product pages they may open."""
    rows = []
    for product in low["rows"]:
        link = format_html('<a href="{}" aria-label="{}" class="text-primary-600 underline dark:text-primary-500">{}</a>',
                           reverse("admin:catalog_product_change", args=[product["pk"]]),
                           _("Restock %(name)s") % {"name": product["name"]}, _("Restock")) if may_view_product else ""
        rows.append([product["name"], product["stock"], product["low_stock_threshold"], link])
    return {"headers": [_("Product"), _("Stock"), _("Threshold"), ""], "rows": rows, "total": low["total"],
            "limit": LOW_STOCK_ROWS}


# --- the callback


def dashboard_callback(request, context):
    """Platform staff get the figures and the service desk; everyone else (sellers) gets their stores."""
    context["title"] = _("Dashboard")
    period = Period.last_days(DASHBOARD_DAYS)
    context["period_days"] = period.days
    context["previous_label"] = _days_label(period.days)
    user = request.user
    if user.has_perm(PLATFORM_PERMISSION):
        figures = _people(period)
        context.update({
            "platform": _platform(period),
            "figures": figures,
            "signup_chart": _signup_chart(figures["signups"]),
            "role_table": {
                "headers": [_("Role"), _("Active people")],
                "rows": [[row["role"], row["total"]] for row in figures["users_by_role"]],
            },
            "reports_url": reverse("analytics:report-list") if user.has_perm("analytics.view_reports") else None,
        })
    if user.has_perm(SERVICE_DESK_PERMISSION):
        context["service_desk"] = _service_desk(request, period)
    if "platform" not in context and "service_desk" not in context:
        seller = _seller(request, period)
        context.update(seller=seller, stores=seller["stores"], low_stock=seller.get("low_stock"))
    return context
