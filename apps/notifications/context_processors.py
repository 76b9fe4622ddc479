from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.notifications.selectors import notification_unread_count

BADGE_MAX = 99  # "99+": the badge stays small; the label keeps the exact figure


@dataclass(frozen=True)
class Bell:
    """The bell's unread count, as the header and the sidebar show it."""

    unread: int

    @property
    def badge(self) -> str:
        """The figure on the badge: "" when nothing is unread, so the badge hides."""
        if not self.unread:
            return ""
        return f"{BADGE_MAX}+" if self.unread > BADGE_MAX else str(self.unread)

    @property
    def label(self) -> str:
        if not self.unread:
            return _("Notifications, none unread")
        return ngettext("Notifications, %(count)s unread", "Notifications, %(count)s unread",
                        self.unread) % {"count": self.unread}


def bell_for_request(request) -> Bell:
    """The signed-in user's bell, counted once per request (the header and the admin sidebar share it)."""
    bell = getattr(request, "_notification_bell", None)
    if bell is None:
        user = request.user
        bell = Bell(notification_unread_count(user=user) if user.is_authenticated else 0)
        request._notification_bell = bell
    return bell


def notification_bell(request) -> dict:
    """`{{ notification_bell }}` for the headers; lazy, so pages that do not show it run no query."""
    return {"notification_bell": SimpleLazyObject(lambda: bell_for_request(request))}


def sidebar_badge(request):
    """The admin sidebar's badge on "Notifications": empty (hidden) when nothing is unread."""
    return SimpleLazyObject(lambda: bell_for_request(request).badge)
