from django.urls import path

app_name = "loyalty"

urlpatterns: list = []
