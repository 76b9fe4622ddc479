"""Reads behind the bell, the notification list, and who a notification reaches."""

from django.contrib.auth import get_user_model
from django.db.models import BooleanField, ExpressionWrapper, Q, QuerySet
from django.shortcuts import get_object_or_404

from apps.notifications.models import Notification


def notification_unread_count(*, user) -> int:
    """How many of the user's notifications are unread (one indexed COUNT)."""
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def notification_list_for_user(*, user) -> QuerySet:
    """The user's notifications, unread first, newest first within each group."""
    is_read = ExpressionWrapper(Q(read_at__isnull=False), output_field=BooleanField())
    return Notification.objects.filter(user=user).order_by(is_read, "-created_at", "-pk")


def notification_get_for_user_or_404(*, user, notification_id: int) -> Notification:
    """One of the user's own notifications; anyone else's is "not found", never "forbidden"."""
    return get_object_or_404(Notification, pk=notification_id, user=user)


def notification_recipients_for_vendor(*, vendor_id: int) -> list:
    """The vendor's members whose accounts are active: who is told about the store's orders and stock."""
    return list(get_user_model().objects.filter(vendor_memberships__vendor_id=vendor_id, is_active=True)
                .distinct().order_by("pk"))
