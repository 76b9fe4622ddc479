from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

from apps.orders.cart import cart_adopt_guest_cart


@receiver(user_logged_in, dispatch_uid="orders.merge_guest_cart")
def merge_guest_cart(sender, request, user, **kwargs):
    if request is None or not hasattr(request, "session"):
        return
    for notice in cart_adopt_guest_cart(request=request, user=user):
        messages.info(request, notice, fail_silently=True)
