from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "apps.core"
    label = "core"
    verbose_name = "Platform"

    def ready(self):
        # Runs after django.contrib.admin's autodiscovery, so django_q's admins exist to replace.
        import apps.core.admin_tasks  # noqa: F401
        import apps.core.checks  # noqa: F401  (registers the system checks)
        from apps.core.history import connect_history_signals
        from apps.core.observability import connect_task_signals

        connect_history_signals()
        connect_task_signals()
