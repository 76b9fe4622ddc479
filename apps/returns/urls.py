from django.urls import path

from apps.returns import views

app_name = "returns"

urlpatterns = [
    path("account/orders/<str:reference>/return/", views.return_create, name="return-create"),
    path("account/returns/", views.return_list, name="return-list"),
    path("account/returns/<int:pk>/", views.return_detail, name="return-detail"),
    path("account/returns/<int:pk>/photo/", views.return_photo, name="return-photo"),
]
