from django.urls import path

from apps.geo import views

app_name = "geo"

urlpatterns = [
    path("geo/options/<str:level>/", views.options, name="options"),
    path("account/addresses/", views.address_list, name="address-list"),
    path("account/addresses/new/", views.address_edit, name="address-create"),
    path("account/addresses/<int:pk>/edit/", views.address_edit, name="address-update"),
    path("account/addresses/<int:pk>/delete/", views.address_delete, name="address-delete"),
    path("account/addresses/<int:pk>/default/", views.address_set_default, name="address-default"),
]
