"""Callbacks referenced from settings.UNFOLD: environment badge, sidebar, dashboard."""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse, reverse_lazy
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role
from apps.catalog.stock_alerts import products_low_on_stock
from apps.core.scoping import VendorScope
from apps.vendors.models import Vendor, VendorMembership

ENVIRONMENT_COLOURS = {"production": "danger", "staging": "warning"}
DASHBOARD_ROLES = (Role.SELLER, Role.COURIER, Role.SUPPORT, Role.MANAGER, Role.ANALYST, Role.ADMINISTRATOR)


def environment_callback(request):
    name = settings.ENVIRONMENT_NAME
    return [name.capitalize(), ENVIRONMENT_COLOURS.get(name, "info")]


def _item(title, icon, link, perm):
    return {"title": title, "icon": icon, "link": link, "permission": lambda request: request.user.has_perm(perm)}


def navigation(request):
    """Sidebar groups; items the user may not open are hidden, and so are empty groups."""
    groups = [
        {
            "title": _("Overview"),
            "items": [{"title": _("Dashboard"), "icon": "dashboard", "link": reverse_lazy("admin:index")}],
        },
        {
            "title": _("Vendors"),
            "items": [
                _item(_("Vendors"), "storefront", reverse_lazy("admin:vendors_vendor_changelist"), "vendors.view_vendor"),
                _item(_("Memberships"), "badge", reverse_lazy("admin:vendors_vendormembership_changelist"),
                      "vendors.view_vendormembership"),
            ],
        },
        {
            "title": _("Catalogue"),
            "items": [
                _item(_("Categories"), "category", reverse_lazy("admin:catalog_servicecategory_changelist"),
                      "catalog.view_servicecategory"),
                _item(_("Products"), "inventory_2", reverse_lazy("admin:catalog_product_changelist"),
                      "catalog.view_product"),
                _item(_("Services"), "design_services", reverse_lazy("admin:catalog_service_changelist"),
                      "catalog.view_service"),
                _item(_("Service tiers"), "layers", reverse_lazy("admin:catalog_servicetier_changelist"),
                      "catalog.view_servicetier"),
            ],
        },
        {
            "title": _("Shop"),
            "items": [
                _item(_("Orders"), "receipt_long", reverse_lazy("admin:orders_order_changelist"), "orders.view_order"),
                _item(_("Promo codes"), "sell", reverse_lazy("admin:promotions_promocode_changelist"),
                      "promotions.view_promocode"),
                _item(_("Reviews"), "reviews", reverse_lazy("admin:reviews_review_changelist"), "reviews.view_review"),
                _item(_("Reports"), "flag", reverse_lazy("admin:moderation_report_changelist"),
                      "moderation.moderate_report"),
                _item(_("Loyalty accounts"), "loyalty", reverse_lazy("admin:loyalty_loyaltyaccount_changelist"),
                      "loyalty.view_loyaltyaccount"),
                _item(_("Points ledger"), "history", reverse_lazy("admin:loyalty_loyaltyentry_changelist"),
                      "loyalty.view_loyaltyentry"),
            ],
        },
        {
            "title": _("Service desk"),
            "items": [
                _item(_("Service requests"), "support_agent", reverse_lazy("admin:servicedesk_servicerequest_changelist"),
                      "servicedesk.view_servicerequest"),
                _item(_("Payments"), "payments", reverse_lazy("admin:payments_payment_changelist"),
                      "payments.view_payment"),
                _item(_("Payment events"), "webhook", reverse_lazy("admin:payments_paymentevent_changelist"),
                      "payments.view_paymentevent"),
            ],
        },
        {
            "title": _("Notifications and affiliates"),
            "items": [
                _item(_("E-mails"), "mail", reverse_lazy("admin:notifications_emaillog_changelist"),
                      "notifications.view_emaillog"),
                _item(_("Affiliates"), "handshake", reverse_lazy("admin:affiliates_affiliate_changelist"),
                      "affiliates.view_affiliate"),
                _item(_("Commissions"), "percent", reverse_lazy("admin:affiliates_commission_changelist"),
                      "affiliates.view_commission"),
            ],
        },
        {
            "title": _("People"),
            "items": [
                _item(_("Users"), "group", reverse_lazy("admin:accounts_user_changelist"), "accounts.view_user"),
                _item(_("Roles"), "admin_panel_settings", reverse_lazy("admin:auth_group_changelist"), "auth.view_group"),
            ],
        },
        {
            "title": _("Reference data"),
            "items": [
                _item(_("Regions"), "map", reverse_lazy("admin:geo_region_changelist"), "geo.view_region"),
                _item(_("Prefectures"), "location_city", reverse_lazy("admin:geo_prefecture_changelist"),
                      "geo.view_prefecture"),
                _item(_("Neighbourhoods"), "holiday_village", reverse_lazy("admin:geo_neighbourhood_changelist"),
                      "geo.view_neighbourhood"),
            ],
        },
        {
            "title": _("Background tasks"),
            "items": [
                _item(_("Scheduled tasks"), "schedule", reverse_lazy("admin:django_q_schedule_changelist"),
                      "django_q.view_schedule"),
                _item(_("Successful tasks"), "task_alt", reverse_lazy("admin:django_q_success_changelist"),
                      "django_q.view_success"),
                _item(_("Failed tasks"), "error", reverse_lazy("admin:django_q_failure_changelist"),
                      "django_q.view_failure"),
            ],
        },
    ]
    visible = []
    for group in groups:
        items = [item for item in group["items"] if "permission" not in item or item["permission"](request)]
        if items:
            visible.append({**group, "separator": True, "items": items})
    return visible


def dashboard_figures(days: int = 30) -> dict:
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
        "users_by_role": [{"role": _("Customers"), "total": users["customers"]}]
        + [{"role": name, "total": role_counts.get(name, 0)} for name in DASHBOARD_ROLES],
        "vendors_by_status": [
            {"status": value, "label": label, "total": vendors.get(value, 0)} for value, label in Vendor.Status.choices
        ],
        "signups": [(day, signups.get(day, 0)) for day in day_list],
        "signups_total": sum(signups.values()),
    }


def _signup_chart(signups) -> str:
    return json.dumps({
        "labels": [day.strftime("%d %b") for day, _count in signups],
        "datasets": [{
            "label": str(_("Sign-ups")),
            "data": [count for _day, count in signups],
            "backgroundColor": "var(--color-primary-600)",
            "maxTicksXLimit": 10,
        }],
    })


# Platform-wide figures name every account and vendor, so only people who may list users see them.
PLATFORM_FIGURES_PERMISSION = "accounts.view_user"


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


LOW_STOCK_ROWS = 20  # the dashboard is a summary; the daily e-mail and the product list hold the rest


def _low_stock(request) -> dict:
    """The seller's products at or below their threshold, as a table linking to the product pages they may open."""
    products = products_low_on_stock(vendor_ids=VendorScope.for_request(request).vendor_ids)
    may_view_product = request.user.has_perm("catalog.view_product")
    rows = []
    for product in products[:LOW_STOCK_ROWS]:
        link = format_html('<a href="{}" aria-label="{}" class="text-primary-600 underline dark:text-primary-500">{}</a>',
                           reverse("admin:catalog_product_change", args=[product.pk]),
                           _("Restock %(name)s") % {"name": product.name}, _("Restock")) if may_view_product else ""
        rows.append([product.name, product.stock, product.low_stock_threshold, link])
    total = len(rows) if len(rows) < LOW_STOCK_ROWS else products.count()
    return {"headers": [_("Product"), _("Stock"), _("Threshold"), ""], "rows": rows, "total": total}


def dashboard_callback(request, context):
    """Platform staff get the figures; everyone else (sellers) gets the stores they work for."""
    context["title"] = _("Dashboard")
    if request.user.has_perm(PLATFORM_FIGURES_PERMISSION):
        figures = dashboard_figures()
        context.update({
            "figures": figures,
            "signup_chart": _signup_chart(figures["signups"]),
            "role_table": {
                "headers": [_("Role"), _("Active people")],
                "rows": [[row["role"], row["total"]] for row in figures["users_by_role"]],
            },
        })
    else:
        context["stores"] = _member_stores(request)
        context["low_stock"] = _low_stock(request)
    return context
