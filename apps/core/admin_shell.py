"""Callbacks referenced from settings.UNFOLD: environment badge, sidebar, dashboard."""

import json
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Q
from django.db.models.functions import TruncDate
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from apps.accounts.roles import Role

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
    from apps.vendors.models import Vendor

    User = get_user_model()
    since = timezone.localdate() - timedelta(days=days - 1)
    role_counts = dict(
        Group.objects.annotate(total=Count("user", filter=Q(user__is_active=True))).values_list("name", "total")
    )
    users = User.objects.aggregate(
        total=Count("id"), customers=Count("id", filter=Q(groups__isnull=True, is_superuser=False))
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
        "users_total": users["total"],
        "users_by_role": [(_("Customers"), users["customers"])]
        + [(name, role_counts.get(name, 0)) for name in (Role.SELLER, Role.COURIER, Role.SUPPORT, Role.MANAGER,
                                                          Role.ANALYST, Role.ADMINISTRATOR)],
        "vendors_by_status": [(label, vendors.get(value, 0)) for value, label in Vendor.Status.choices],
        "signups": [(day, signups.get(day, 0)) for day in day_list],
    }


def dashboard_callback(request, context):
    figures = dashboard_figures()
    chart = {
        "labels": [day.strftime("%d %b") for day, _count in figures["signups"]],
        "datasets": [{"label": str(_("Sign-ups")), "data": [count for _day, count in figures["signups"]]}],
    }
    context.update({"figures": figures, "signup_chart": json.dumps(chart)})
    return context
