from django.urls import path

from apps.orders import views, views_cart, views_favorites

app_name = "orders"

urlpatterns = [
    path("cart/", views_cart.cart, name="cart"),
    path("cart/add/<int:product_id>/", views_cart.cart_add, name="cart-add"),
    path("cart/items/<int:item_id>/", views_cart.cart_update, name="cart-update"),
    path("checkout/", views_cart.checkout, name="checkout"),
    path("checkout/<str:reference>/done/", views_cart.checkout_done, name="checkout-done"),
    path("favorites/<int:product_id>/toggle/", views_favorites.favorite_toggle, name="favorite-toggle"),
    path("account/favorites/", views_favorites.favorites, name="favorites"),
    path("account/orders/", views.order_list, name="order-list"),
    path("account/orders/<str:reference>/", views.order_detail, name="order-detail"),
    path("account/orders/<str:reference>/cancel/", views.order_cancel, name="order-cancel"),
    path("account/orders/<str:reference>/invoice.pdf", views.order_invoice, name="order-invoice"),
]
