from django.apps import AppConfig


class DataIOConfig(AppConfig):
    name = "apps.dataio"
    label = "dataio"
    verbose_name = "Imports and exports"
