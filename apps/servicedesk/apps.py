from django.apps import AppConfig


class ServicedeskConfig(AppConfig):
    name = "apps.servicedesk"
    label = "servicedesk"
    verbose_name = "Service desk"
