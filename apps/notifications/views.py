"""The signed-in person's notifications: the bell's polling fragment, the list, marking read, opening one."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe
from django_htmx.http import HttpResponseStopPolling

from apps.notifications.context_processors import Bell, bell_for_request
from apps.notifications.selectors import (
    notification_get_for_user_or_404,
    notification_list_for_user,
    notification_unread_count,
)
from apps.notifications.services import notification_link, notification_mark_all_read, notification_mark_read

NOTIFICATIONS_PER_PAGE = 20
BELL_TEMPLATES = {"site": "notifications/partials/_bell.html", "admin": "notifications/partials/_bell_admin.html"}


def _bell(request) -> Bell:
    return Bell(notification_unread_count(user=request.user))


@require_safe
@never_cache
def notification_bell(request):
    """The bell, polled by htmx: 204 while the count it shows is still right, so nothing moves or is re-announced."""
    if not request.user.is_authenticated:
        return HttpResponseStopPolling()  # signed out meanwhile: the bell goes away and stops asking
    bell = _bell(request)
    if request.GET.get("shown") == str(bell.unread):
        return HttpResponse(status=204)
    template = BELL_TEMPLATES.get(request.GET.get("variant", "site"), BELL_TEMPLATES["site"])
    return render(request, template, {"bell": bell})


@login_required
@require_safe
@never_cache
def notification_list(request):
    notifications = notification_list_for_user(user=request.user)
    page = Paginator(notifications, NOTIFICATIONS_PER_PAGE).get_page(request.GET.get("page"))
    # The header's bell has counted them already (once per request): no query of its own.
    context = {"page": page, "has_unread": bool(bell_for_request(request).unread)}
    # htmx asks for another page only: the list and its pager, not the whole page around them
    template = "notifications/partials/_notification_list.html" if request.htmx else "notifications/notification_list.html"
    return render(request, template, context)


def _list_url(page) -> str:
    page = str(page or "")
    return reverse("notifications:list") + (f"?page={page}" if page.isdigit() and page != "1" else "")


@login_required
@require_POST
def notification_read(request, notification_id: int):
    notification = notification_mark_read(
        notification=notification_get_for_user_or_404(user=request.user, notification_id=notification_id))
    if request.htmx:
        return render(request, "notifications/partials/_notification_read.html",
                      {"notification": notification, "bell": _bell(request)})
    return redirect(_list_url(request.POST.get("page")))


@login_required
@require_POST
def notification_read_all(request):
    count = notification_mark_all_read(user=request.user)
    if count:
        messages.success(request, ngettext("%(count)s notification marked as read.",
                                           "%(count)s notifications marked as read.", count) % {"count": count})
    else:
        messages.info(request, _("You had no unread notification."))
    return redirect("notifications:list")


@login_required
@require_safe
def notification_open(request, notification_id: int):
    """Follow a notification's link, marking it read; only ever to a page of this site."""
    notification = notification_mark_read(
        notification=notification_get_for_user_or_404(user=request.user, notification_id=notification_id))
    link = notification_link(notification.url)
    if not link:
        messages.info(request, _("This notification has no page to open."))
        return redirect("notifications:list")
    return HttpResponseRedirect(link)
