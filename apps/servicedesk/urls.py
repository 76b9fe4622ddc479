from django.urls import path

from apps.servicedesk import views

app_name = "servicedesk"

urlpatterns = [
    path("services/<slug:slug>/buy/", views.purchase, name="purchase"),
    path("purchase/<uuid:token>/done/", views.confirmation, name="confirmation"),
    path("purchase/<uuid:token>/receipt.pdf", views.receipt, name="receipt"),
    path("track/", views.track, name="track"),
    path("track/s/<str:token>/", views.track_signed, name="track-signed"),
    path("account/requests/", views.account_requests, name="account-requests"),
    path("account/requests/<str:reference>/receipt.pdf", views.account_receipt, name="account-receipt"),
]
