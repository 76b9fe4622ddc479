from django.urls import path

from apps.catalog import views_shop

app_name = "shop"

urlpatterns = [
    path("", views_shop.product_list, name="product-list"),
    path("stores/<slug:slug>/", views_shop.store_detail, name="store-detail"),
    path("<slug:slug>/", views_shop.product_detail, name="product-detail"),
]
