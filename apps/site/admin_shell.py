"""Callbacks referenced from settings.UNFOLD: environment badge, sidebar, dashboard (apps.site.dashboard)."""

from django.conf import settings
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

from apps.site.dashboard import dashboard_callback  # noqa: F401  (settings.UNFOLD["DASHBOARD_CALLBACK"])
from apps.notifications.context_processors import sidebar_badge

ENVIRONMENT_COLOURS = {"production": "danger", "staging": "warning"}


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
            "items": [{"title": _("Dashboard"), "icon": "dashboard", "link": reverse_lazy("admin:index")},
                      # everyone's own notifications (the customer-side list); the badge is empty when none is unread
                      {"title": _("Notifications"), "icon": "notifications", "link": reverse_lazy("notifications:list"),
                       "badge": sidebar_badge(request)}],
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
                _item(_("Returns"), "assignment_return", reverse_lazy("admin:returns_returnrequest_changelist"),
                      "returns.view_returnrequest"),
                _item(_("Refunds"), "currency_exchange", reverse_lazy("admin:returns_refund_changelist"),
                      "returns.view_refund"),
                _item(_("Deliveries"), "local_shipping", reverse_lazy("admin:delivery_delivery_changelist"),
                      "delivery.view_delivery"),
                _item(_("Couriers"), "two_wheeler", reverse_lazy("admin:delivery_courierprofile_changelist"),
                      "delivery.view_courierprofile"),
                _item(_("Courier earnings"), "account_balance_wallet",
                      reverse_lazy("admin:delivery_courierearning_changelist"), "delivery.view_courierearning"),
                _item(_("Courier ratings"), "star", reverse_lazy("admin:delivery_courierrating_changelist"),
                      "delivery.view_courierrating"),
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
                _item(_("In-app notifications"), "notifications_active",
                      reverse_lazy("admin:notifications_notification_changelist"), "notifications.view_notification"),
                _item(_("Affiliates"), "handshake", reverse_lazy("admin:affiliates_affiliate_changelist"),
                      "affiliates.view_affiliate"),
                _item(_("Commissions"), "percent", reverse_lazy("admin:affiliates_commission_changelist"),
                      "affiliates.view_commission"),
            ],
        },
        {
            "title": _("Analytics"),
            "items": [
                _item(_("Report catalogue"), "monitoring", reverse_lazy("analytics:report-list"), "analytics.view_reports"),
                _item(_("Exchange rates"), "currency_exchange", reverse_lazy("admin:exchange_rate_changelist"),
                      "exchange.view_rate"),
                _item(_("Sales forecasts"), "query_stats", reverse_lazy("admin:forecasts_forecastrun_changelist"),
                      "forecasts.view_forecastrun"),
            ],
        },
        {
            "title": _("Data"),
            "items": [
                _item(_("Import jobs"), "upload_file", reverse_lazy("admin:dataio_importjob_changelist"),
                      "dataio.view_importjob"),
            ],
        },
        {
            "title": _("People"),
            "items": [
                _item(_("Users"), "group", reverse_lazy("admin:accounts_user_changelist"), "accounts.view_user"),
                _item(_("Roles"), "admin_panel_settings", reverse_lazy("admin:auth_group_changelist"), "auth.view_group"),
                _item(_("Activity"), "manage_history", reverse_lazy("admin-activity"), "core.view_activity"),
                _item(_("Sign-in audit"), "shield_person", reverse_lazy("admin:accounts_loginevent_changelist"),
                      "accounts.view_loginevent"),
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
