from django.urls import path

from apps.moderation import views

app_name = "moderation"

urlpatterns = [
    path("new/", views.report_new, name="report-new"),
    path("thanks/", views.report_thanks, name="report-thanks"),
]
