from django.apps import AppConfig


class ForecastsConfig(AppConfig):
    name = "apps.forecasts"
    label = "forecasts"
    verbose_name = "Forecasts"
