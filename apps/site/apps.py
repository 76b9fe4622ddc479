from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SiteConfig(AppConfig):
    """The top of the project: wiring that knows every app (admin shell and dashboard, task schedules, home page).
    No app imports it."""

    name = "apps.site"
    label = "site"
    verbose_name = "Site"

    def ready(self):
        from apps.site.schedules import sync_schedules

        post_migrate.connect(sync_schedules, dispatch_uid="site.sync_schedules")
