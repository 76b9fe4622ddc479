"""Roles are auth groups whose permissions are declared here and synced on every migrate."""

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.db import transaction


class Role:
    SELLER = "Seller"
    COURIER = "Courier"
    SUPPORT = "Support staff"
    MANAGER = "Manager"
    ANALYST = "Analyst"
    ADMINISTRATOR = "Administrator"


ALL = ("view", "add", "change", "delete")
VIEW = ("view",)
ACCESS_ALL_VENDORS = "vendors.access_all_vendors"
SEE_ALL_REQUESTS = "servicedesk.view_all_servicerequests"

# model label -> actions; "perms" lists extra codenames as "app_label.codename".
ROLE_PERMISSIONS: dict[str, dict] = {
    Role.SELLER: {
        "models": {
            "vendors.vendor": ("view", "change"),
            "vendors.vendormembership": ("view", "change", "delete"),
            "catalog.service": ALL,
            "catalog.servicetier": ALL,
            "catalog.servicecategory": VIEW,
            "servicedesk.servicerequest": ("view", "change"),
            "payments.payment": VIEW,
            "orders.order": ("view", "change"),
            "promotions.promocode": ALL,
            "reviews.review": ("view", "change"),
            "catalog.product": ALL,
            "catalog.productimage": ALL,
            "returns.returnrequest": ("view", "change"),
            "returns.refund": ("view", "change"),
            "delivery.delivery": VIEW,
            "forecasts.forecastrun": ("view", "add"),  # "add" = request a forecast of their own store
            "dataio.importjob": VIEW,  # their store's large imports (started from an import page)
        },
    },
    Role.COURIER: {"models": {}},
    Role.SUPPORT: {
        # providers: they work the requests assigned to them (the admin narrows the list to those)
        "models": {"accounts.user": VIEW, "vendors.vendor": VIEW, "vendors.vendormembership": VIEW,
                   "servicedesk.servicerequest": ("view", "change"), "notifications.emaillog": VIEW,
                   "payments.payment": VIEW, "payments.paymentevent": VIEW,
                   "catalog.product": VIEW, "catalog.productimage": VIEW},
        "perms": [ACCESS_ALL_VENDORS, "catalog.moderate_product", "moderation.moderate_report",
                  "analytics.view_service_desk_dashboard"],
    },
    Role.MANAGER: {
        "models": {
            "accounts.user": ("view", "change"),
            "vendors.vendor": ALL,
            "vendors.vendormembership": ALL,
            "catalog.servicecategory": ALL,
            "catalog.service": ALL,
            "catalog.servicetier": ALL,
            "catalog.product": ALL,
            "catalog.productimage": ALL,
            "servicedesk.servicerequest": ("view", "change"),
            "orders.order": ("view", "change"),
            "promotions.promocode": ALL,
            "reviews.review": VIEW,
            "loyalty.loyaltyaccount": VIEW,
            "loyalty.loyaltyentry": VIEW,
            "payments.payment": VIEW,
            "payments.paymentevent": VIEW,
            "notifications.emaillog": ("view", "change"),
            "affiliates.affiliate": ALL,
            "affiliates.commission": ("view", "change"),
            "django_q.success": VIEW,
            "django_q.failure": VIEW,
            "django_q.schedule": VIEW,
            "exchange.rate": ALL,  # exchange rates used by the reports
            "exchange.exchangebackend": VIEW,
            "returns.returnrequest": ("view", "change"),
            "returns.refund": ("view", "change"),
            "forecasts.forecastrun": ALL,
            "dataio.importjob": VIEW,
            "delivery.delivery": ("view", "change"),
            "delivery.courierprofile": ("view", "change"),
            "delivery.courierearning": ("view", "change"),
            "delivery.courierrating": ("view", "change"),
        },
        "perms": [ACCESS_ALL_VENDORS, SEE_ALL_REQUESTS, "payments.confirm_bank_transfer", "payments.refund_payment",
                  "catalog.moderate_product", "moderation.moderate_report",
                  # history tools (apps/core/history.py); Administrators hold every core permission
                  "core.revert_history", "core.view_activity",
                  "analytics.view_reports", "analytics.view_platform_dashboard",
                  "analytics.view_service_desk_dashboard"],
    },
    Role.ANALYST: {
        "models": {"accounts.user": VIEW, "vendors.vendor": VIEW, "vendors.vendormembership": VIEW,
                   "catalog.servicecategory": VIEW, "catalog.service": VIEW, "catalog.servicetier": VIEW,
                   "servicedesk.servicerequest": VIEW, "payments.payment": VIEW, "notifications.emaillog": VIEW,
                   "affiliates.affiliate": VIEW, "affiliates.commission": VIEW, "orders.order": VIEW,
                   "promotions.promocode": VIEW, "reviews.review": VIEW, "loyalty.loyaltyaccount": VIEW,
                   "loyalty.loyaltyentry": VIEW, "catalog.product": VIEW, "catalog.productimage": VIEW,
                   "exchange.rate": ALL, "exchange.exchangebackend": VIEW,
                   "forecasts.forecastrun": ALL},
        "perms": [ACCESS_ALL_VENDORS, SEE_ALL_REQUESTS, "analytics.view_reports", "analytics.view_platform_dashboard"],
    },
    # Administrators hold every permission of the platform's own apps and of the tools they run.
    Role.ADMINISTRATOR: {"apps": ["accounts", "vendors", "geo", "auth", "django_q", "core", "catalog", "payments",
                                  "notifications", "affiliates", "servicedesk", "orders", "promotions",
                                  "loyalty", "reviews", "moderation", "returns", "delivery", "forecasts",
                                  "analytics", "exchange", "dataio"]},
}

# Roles whose members work in the Django admin.
BACK_OFFICE_ROLES = {Role.SELLER, Role.SUPPORT, Role.MANAGER, Role.ANALYST, Role.ADMINISTRATOR}


def _permissions_for(spec: dict) -> list[Permission]:
    perms = []
    for label, actions in spec.get("models", {}).items():
        app_label, model = label.split(".")
        perms += Permission.objects.filter(
            content_type__app_label=app_label,
            codename__in=[f"{action}_{model}" for action in actions],
        )
    for full in spec.get("perms", []):
        app_label, codename = full.split(".")
        perms += Permission.objects.filter(content_type__app_label=app_label, codename=codename)
    if spec.get("apps"):
        perms += Permission.objects.filter(content_type__app_label__in=spec["apps"])
    return perms


@transaction.atomic
def sync_roles() -> None:
    """Create the role groups and set their permissions to exactly what is declared."""
    for name, spec in ROLE_PERMISSIONS.items():
        group, _ = Group.objects.get_or_create(name=name)
        group.permissions.set(_permissions_for(spec))


def sync_roles_after_migrate(sender, using="default", apps=global_apps, **kwargs):
    if sender.label != "accounts":
        return
    # post_migrate fires app by app; make sure every app's permissions exist before syncing.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles()
