from django.urls import path

from apps.reviews import views

app_name = "reviews"

urlpatterns = [
    path("new/<int:product_id>/", views.create, name="create"),
]
