"""Analytics owns no business rows: permissions for its pages, and the history of exchange rates."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from djmoney.contrib.exchange.models import Rate
from simple_history import register


class AnalyticsAccess(models.Model):
    """No table: the content type that carries the report and dashboard permissions.

    Django permissions hang off a model; reports and dashboards read other apps' tables, so this
    unmanaged model exists only to name them (`analytics.view_reports` ...) and grant them to roles.
    """

    class Meta:
        managed = False
        default_permissions = ()
        verbose_name = _("analytics access")
        permissions = [
            ("view_reports", _("Can open the report catalogue and download reports")),
            ("view_platform_dashboard", _("Can see the platform figures on the dashboard")),
            ("view_service_desk_dashboard", _("Can see the service desk figures on the dashboard")),
        ]


# Rates move money figures: who changed which rate, and when, is kept like any business record.
register(Rate, app="apps.analytics")
