from django.urls import path

from apps.servicedesk import views

app_name = "servicedesk"

urlpatterns = [
    path("services/<slug:slug>/buy/", views.purchase, name="purchase"),
]
