from django.apps import AppConfig


class ManagementConfig(AppConfig):
    """Project-wide commands (demo data, benchmarks); Django finds them in management/management/commands."""

    name = "management"
    label = "platform_commands"
    verbose_name = "Project commands"

    def ready(self):
        from management.chaos import connect_task_id_signal

        connect_task_id_signal()
