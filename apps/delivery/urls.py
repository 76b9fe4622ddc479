from django.urls import path

from apps.delivery import views_courier, views_handover

app_name = "delivery"

urlpatterns = [
    # couriers' own pages (made for a phone)
    path("courier/", views_courier.courier_home, name="courier-home"),
    path("courier/profile/", views_courier.courier_profile, name="courier-profile"),
    path("courier/jobs/", views_courier.job_list, name="courier-jobs"),
    path("courier/jobs/<int:delivery_id>/accept/", views_courier.job_accept, name="courier-job-accept"),
    path("courier/deliveries/", views_courier.delivery_list, name="courier-deliveries"),
    path("courier/deliveries/<int:delivery_id>/picked-up/", views_courier.delivery_picked_up,
         name="courier-picked-up"),
    path("courier/earnings/", views_courier.earnings, name="courier-earnings"),
    path("courier/ratings/", views_courier.ratings, name="courier-ratings"),
    # the buyer rates whoever delivered their order
    path("courier-ratings/<str:reference>/", views_courier.rating_create, name="courier-rate"),
    # the QR handover: the deliverer's page (the QR holds its URL), the typed-code form, the buyer's steps
    path("deliver/", views_handover.handover_enter, name="handover-enter"),
    path("deliver/<slug:token>/", views_handover.handover, name="handover"),
    path("account/orders/<slug:reference>/handover/confirm/", views_handover.buyer_confirm,
         name="handover-buyer-confirm"),
    path("account/orders/<slug:reference>/handover/pay/", views_handover.buyer_pay, name="handover-pay"),
    path("account/orders/<slug:reference>/handover/renew/", views_handover.buyer_renew, name="handover-renew"),
]
