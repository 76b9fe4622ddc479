from django.urls import path

from apps.payments import views

app_name = "payments"

urlpatterns = [
    path("webhook/<str:gateway>/", views.webhook, name="webhook"),
    path("sandbox/<uuid:token>/", views.sandbox_page, name="sandbox-page"),
    path("<uuid:token>/return/", views.payment_return, name="return"),
    path("<uuid:token>/bank-transfer/", views.bank_transfer, name="bank-transfer"),
]
