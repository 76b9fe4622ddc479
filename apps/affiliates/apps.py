from django.apps import AppConfig


class AffiliatesConfig(AppConfig):
    name = "apps.affiliates"
    label = "affiliates"
    verbose_name = "Affiliates"
