from django.apps import AppConfig


class GeoConfig(AppConfig):
    name = "apps.geo"
    label = "geo"
    verbose_name = "Geography"
