from django.urls import path

from apps.affiliates import views

app_name = "affiliates"

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
]
