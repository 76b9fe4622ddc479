from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "apps.servicedesk"
    label = "servicedesk"
    verbose_name = "Service desk"

    def ready(self):
        from apps.core.scoping import row_rule_register
        from apps.servicedesk.selectors import REACHES_REQUEST, scope_to_assigned_requests

        for label in REACHES_REQUEST:
            row_rule_register(label, scope_to_assigned_requests)
