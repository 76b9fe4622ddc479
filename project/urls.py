import re

from allauth.account.decorators import secure_admin_login
from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path

from apps.core import views as core_views
from apps.core.admin import view_on_site
from apps.core.admin_history import activity_view
from apps.site import views as site_views

# The admin login is allauth's: same rate limits, same two-factor step.
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("", site_views.home, name="home"),
    path("health/", core_views.health, name="health"),
    path("metrics", core_views.metrics, name="metrics"),
    path("accounts/", include("allauth.urls")),
    path("services/", include("apps.catalog.urls")),
    path("shop/", include("apps.catalog.urls_shop")),
    path("loyalty/", include("apps.loyalty.urls")),
    path("reviews/", include("apps.reviews.urls")),
    path("reports/", include("apps.moderation.urls")),
    path("payments/", include("apps.payments.urls")),
    path("affiliates/", include("apps.affiliates.urls")),
    path("notifications/", include("apps.notifications.urls")),
    path("", include("apps.servicedesk.urls")),
    path("", include("apps.orders.urls")),
    path("", include("apps.returns.urls")),
    path("", include("apps.geo.urls")),
    path("", include("apps.delivery.urls")),
    path("admin/reports/", include("apps.analytics.urls")),  # the report catalogue, inside the back office
    # what one person changed, across every history table (apps/core/history.py)
    path("admin/activity/", admin.site.admin_view(activity_view), name="admin-activity"),
    # ahead of the admin's own "view on site" shortcut, which would redirect to any object
    path("admin/r/<int:content_type_id>/<path:object_id>/", admin.site.admin_view(view_on_site)),
    path("admin/", admin.site.urls),
]

handler403 = "apps.core.views.error_403"
handler404 = "apps.core.views.error_404"
handler500 = "apps.core.views.error_500"

if not settings.MEDIA_S3_BUCKET:  # on S3, public files are fetched from the bucket's own URLs
    urlpatterns.append(re_path(rf"^{re.escape(settings.MEDIA_URL.lstrip('/'))}(?P<path>.+)$", core_views.public_media))
