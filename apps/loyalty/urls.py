from django.urls import path

from apps.loyalty import views

app_name = "loyalty"

urlpatterns = [
    path("", views.account, name="account"),
]
