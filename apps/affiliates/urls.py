from django.urls import path

app_name = "affiliates"

urlpatterns: list = []
