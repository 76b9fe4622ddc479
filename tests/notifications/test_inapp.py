"""In-app notifications: notify(), the bell and its polling, the list, marking read, opening, pruning, admin."""

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_q.models import Schedule

from apps.notifications.models import EmailLog, Notification
from apps.notifications.services import notification_link, notification_prune, notify
from apps.notifications.tasks import prune_read_notifications
from tests.factories import NotificationFactory, UserFactory

pytestmark = pytest.mark.django_db

LIST_URL = "/notifications/"
BELL_URL = "/notifications/bell/"


@pytest.fixture
def awa(db):
    return UserFactory(email="awa@example.com", full_name="Awa Camara")


def _text(response) -> str:
    """The page's text with tags removed and whitespace collapsed, as a screen reader would read it."""
    return " ".join(re.sub(r"<[^>]+>", " ", response.content.decode()).split())


def _bell_slot(response) -> str:
    html = response.content.decode()
    match = re.search(r'<span id="notification-bell".*?</a>\s*</span>', html, re.S)
    assert match, "no bell on the page"
    return match.group(0)


def _unread(user) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


# --- notify()


def test_notify_stores_one_notification_per_recipient_and_queues_their_emails(
        awa, settings, django_capture_on_commit_callbacks):
    settings.SITE_URL = "https://comptoir.example"
    bob = UserFactory(email="bob@example.com")
    with django_capture_on_commit_callbacks(execute=True):
        created = notify([awa, bob, awa], kind="tests.news", title="Your parcel\nis on its way",
                         body="Moussa is bringing it.", url="/account/orders/ORD-1/")

    assert len(created) == 2  # awa was listed twice: told once
    assert sorted(n.user.email for n in Notification.objects.all()) == ["awa@example.com", "bob@example.com"]
    assert Notification.objects.get(user=awa).title == "Your parcel is on its way"
    assert sorted(message.to[0] for message in mail.outbox) == ["awa@example.com", "bob@example.com"]
    assert "https://comptoir.example/account/orders/ORD-1/" in mail.outbox[0].body


def test_notify_without_email_writes_no_email(awa):
    notify(awa, kind="tests.news", title="Quiet", email=False)
    assert _unread(awa) == 1 and not EmailLog.objects.exists()


def test_same_dedupe_key_tells_each_person_once(awa, django_capture_on_commit_callbacks):
    bob = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        notify(awa, kind="tests.news", title="Job ORD-1 is open", dedupe_key="job:1")
        again = notify([awa, bob], kind="tests.news", title="Job ORD-1 is open", dedupe_key="job:1")

    assert [n.user for n in again] == [bob]
    assert Notification.objects.filter(user=awa).count() == 1 and Notification.objects.filter(user=bob).count() == 1
    assert EmailLog.objects.filter(to=awa.email).count() == 1


@pytest.mark.parametrize(("url", "stored"), [
    ("/shop/", "/shop/"),
    ("https://comptoir.example/account/orders/ORD-1/?tab=2#top", "/account/orders/ORD-1/?tab=2#top"),
    ("http://testserver/admin/", "/admin/"),  # a host of ALLOWED_HOSTS is this site too
    ("https://evil.example/phish", ""),
    ("//evil.example/phish", ""),
    ("/\\evil.example/phish", ""),
    ("javascript:alert(1)", ""),
    ("shop/", ""),
])
def test_notify_keeps_links_on_this_site_only(awa, settings, url, stored):
    settings.SITE_URL = "https://comptoir.example"
    [notification] = notify(awa, kind="tests.news", title="Link", url=url, email=False)
    assert notification.url == stored


# --- the bell


def test_header_bell_shows_the_unread_count_with_an_accessible_label(client, awa):
    NotificationFactory.create_batch(3, user=awa)
    NotificationFactory(user=awa, read_at=timezone.now())
    NotificationFactory()  # someone else's
    client.force_login(awa)

    bell = _bell_slot(client.get("/"))

    assert 'aria-live="polite"' in bell
    assert 'hx-trigger="every 30s"' in bell and f'hx-get="{BELL_URL}?shown=3"' in bell
    assert "Notifications, 3 unread" in bell
    assert re.search(r'<span class="badge bell__count" aria-hidden="true">3</span>', bell)


def test_bell_badge_is_hidden_when_nothing_is_unread(client, awa):
    NotificationFactory(user=awa, read_at=timezone.now())
    client.force_login(awa)

    bell = _bell_slot(client.get("/"))

    assert re.search(r'<span class="badge bell__count" aria-hidden="true" hidden></span>', bell)
    assert "Notifications, none unread" in bell


def test_guests_have_no_bell(client, db):
    assert 'id="notification-bell"' not in client.get("/").content.decode()


def test_bell_badge_caps_at_99(client, awa):
    Notification.objects.bulk_create(Notification(user=awa, kind="tests.news", title="x") for _ in range(120))
    client.force_login(awa)
    bell = _bell_slot(client.get("/"))
    assert ">99+</span>" in bell and "Notifications, 120 unread" in bell


def test_polling_answers_the_new_count_uncached(client, awa):
    NotificationFactory.create_batch(2, user=awa)
    client.force_login(awa)

    response = client.get(BELL_URL, {"shown": "1"}, headers={"HX-Request": "true"})

    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert "Notifications, 2 unread" in _text(response)
    assert f'hx-get="{BELL_URL}?shown=2"' in response.content.decode()


def test_polling_swaps_nothing_while_the_count_is_unchanged(client, awa):
    NotificationFactory.create_batch(2, user=awa)
    client.force_login(awa)

    response = client.get(BELL_URL, {"shown": "2"}, headers={"HX-Request": "true"})

    assert response.status_code == 204 and response.content == b""
    assert "no-store" in response["Cache-Control"]


def test_polling_stops_once_signed_out(client, db):
    response = client.get(BELL_URL, {"shown": "2"}, headers={"HX-Request": "true"})
    assert response.status_code == 286  # htmx: stop polling


def test_admin_header_and_sidebar_show_the_bell(client, seller_a):
    NotificationFactory.create_batch(4, user=seller_a)
    client.force_login(seller_a)

    response = client.get("/admin/")

    html = response.content.decode()
    bell = _bell_slot(response)
    assert f'hx-get="{BELL_URL}?shown=4&amp;variant=admin"' in bell and "Notifications, 4 unread" in bell
    # the sidebar's "Notifications" item links to the list, with the count as its badge
    sidebar_item = re.search(r'<a href="/notifications/".*?</a>', html, re.S).group(0)
    assert "Notifications" in sidebar_item and re.search(r">\s*4\s*</span>", sidebar_item)


def test_admin_variant_of_the_polled_bell(client, seller_a):
    NotificationFactory(user=seller_a)
    client.force_login(seller_a)
    response = client.get(BELL_URL, {"shown": "0", "variant": "admin"})
    assert "material-symbols-outlined" in response.content.decode() and "Notifications, 1 unread" in _text(response)


# --- the list


def test_list_shows_unread_first_then_newest_with_links(client, awa):
    old_unread = NotificationFactory(user=awa, title="Old unread")
    read = NotificationFactory(user=awa, title="Newer but read", read_at=timezone.now())
    new_unread = NotificationFactory(user=awa, title="New unread", url="")
    Notification.objects.filter(pk=old_unread.pk).update(created_at=timezone.now() - timedelta(days=2))
    NotificationFactory(title="Someone else's")
    client.force_login(awa)

    response = client.get(LIST_URL)

    text = _text(response)
    assert text.index("New unread") < text.index("Old unread") < text.index("Newer but read")
    assert "Someone else's" not in text
    html = response.content.decode()
    assert f'href="/notifications/{old_unread.pk}/open/"' in html
    assert f'href="/notifications/{new_unread.pk}/open/"' not in html  # nothing to open
    assert "notification--unread" in html and "Mark all as read" in text
    assert html.count('class="card notification notification--unread"') == 2 and f"notification-{read.pk}" in html


def test_list_is_paginated_by_20(client, awa):
    Notification.objects.bulk_create(Notification(user=awa, kind="tests.news", title=f"N{i}") for i in range(25))
    client.force_login(awa)

    first, second = client.get(LIST_URL), client.get(LIST_URL, {"page": 2})

    assert len(first.context["page"].object_list) == 20 and "Page 1 of 2" in _text(first)
    assert len(second.context["page"].object_list) == 5
    # htmx asks for the list alone when paging
    fragment = client.get(LIST_URL, {"page": 2}, headers={"HX-Request": "true"})
    assert "<html" not in fragment.content.decode() and "Page 2 of 2" in _text(fragment)


def test_empty_list_explains_itself(client, awa):
    client.force_login(awa)
    text = _text(client.get(LIST_URL))
    assert "No notifications yet." in text and "Mark all as read" not in text


def test_list_needs_signing_in(client, db):
    response = client.get(LIST_URL)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_list_queries_do_not_grow_with_notifications(client, awa, django_assert_num_queries):
    client.force_login(awa)

    def queries_for(count):
        Notification.objects.filter(user=awa).delete()
        Notification.objects.bulk_create(Notification(user=awa, kind="tests.news", title=f"N{i}", url="/shop/")
                                         for i in range(count))
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST_URL).status_code == 200
        return len(queries)

    at_5 = queries_for(5)
    Notification.objects.filter(user=awa).delete()
    Notification.objects.bulk_create(Notification(user=awa, kind="tests.news", title=f"N{i}", url="/shop/")
                                     for i in range(50))
    with django_assert_num_queries(at_5):
        client.get(LIST_URL)


# --- marking read


def test_mark_one_read_with_htmx_swaps_the_row_and_updates_the_bell(client, awa):
    notification, other = NotificationFactory.create_batch(2, user=awa)
    client.force_login(awa)

    response = client.post(f"/notifications/{notification.pk}/read/", headers={"HX-Request": "true"})

    assert response.status_code == 200
    notification.refresh_from_db()
    assert notification.read_at is not None and _unread(awa) == 1
    html = response.content.decode()
    assert f'id="notification-{notification.pk}" class="card notification"' in html and "Mark as read" not in html
    assert 'id="notification-bell"' in html and 'hx-swap-oob="innerHTML"' in html
    assert "Notifications, 1 unread" in html


def test_mark_one_read_without_javascript_goes_back_to_the_page(client, awa):
    notification = NotificationFactory(user=awa)
    client.force_login(awa)

    response = client.post(f"/notifications/{notification.pk}/read/", {"page": "2"})

    assert response.status_code == 302 and response["Location"] == "/notifications/?page=2"
    first_read = Notification.objects.get(pk=notification.pk).read_at
    client.post(f"/notifications/{notification.pk}/read/", {"page": "javascript:x"})  # again: nothing changes
    assert Notification.objects.get(pk=notification.pk).read_at == first_read


def test_mark_all_read_touches_only_my_unread_ones(client, awa):
    NotificationFactory.create_batch(3, user=awa)
    theirs = NotificationFactory()
    client.force_login(awa)

    response = client.post("/notifications/read-all/", follow=True)

    assert _unread(awa) == 0 and _unread(theirs.user) == 1
    assert "3 notifications marked as read." in _text(response)
    assert "You had no unread notification." in _text(client.post("/notifications/read-all/", follow=True))


def test_marking_needs_a_post(client, awa):
    notification = NotificationFactory(user=awa)
    client.force_login(awa)
    assert client.get(f"/notifications/{notification.pk}/read/").status_code == 405
    assert client.get("/notifications/read-all/").status_code == 405
    assert _unread(awa) == 1


@pytest.mark.parametrize("action", ["read", "open"])
def test_other_peoples_notifications_are_not_found(client, awa, action):
    theirs = NotificationFactory(title="Bob's secret order")
    client.force_login(awa)

    url = f"/notifications/{theirs.pk}/{action}/"
    response = client.post(url) if action == "read" else client.get(url)

    assert response.status_code == 404 and "Bob's secret order" not in response.content.decode()
    assert _unread(theirs.user) == 1


# --- opening


def test_opening_marks_read_and_goes_to_the_link(client, awa):
    notification = NotificationFactory(user=awa, url="/account/orders/ORD-1/?from=bell")
    client.force_login(awa)

    response = client.get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302 and response["Location"] == "/account/orders/ORD-1/?from=bell"
    assert _unread(awa) == 0


@pytest.mark.parametrize("url", ["https://evil.example/", "//evil.example/", "/\\evil.example/",
                                 "javascript:alert(1)", "/\x01/evil", "/\t/evil.example/", ""])
def test_opening_never_leaves_the_site(client, awa, url):
    # stored directly: a row written before the check, or by hand, must not open a redirect either
    notification = NotificationFactory(user=awa, url=url)
    client.force_login(awa)

    response = client.get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302 and response["Location"] == LIST_URL
    assert _unread(awa) == 0


def test_notification_link_accepts_only_local_paths(settings):
    settings.SITE_URL = "https://comptoir.example"
    assert notification_link("/a/b?c=1") == "/a/b?c=1"
    assert notification_link("https://comptoir.example") == "/"
    assert notification_link("https://comptoir.example.evil.com/") is None
    assert notification_link("ftp://comptoir.example/") is None
    assert notification_link("http://[::1/") is None


# --- pruning


def test_prune_deletes_old_read_notifications_only(awa, settings):
    settings.NOTIFICATIONS_RETENTION_DAYS = 90
    now = timezone.now()
    old_read = NotificationFactory(user=awa, read_at=now)
    old_unread = NotificationFactory(user=awa)
    recent_read = NotificationFactory(user=awa, read_at=now)
    Notification.objects.filter(pk__in=[old_read.pk, old_unread.pk]).update(created_at=now - timedelta(days=91))
    Notification.objects.filter(pk=recent_read.pk).update(created_at=now - timedelta(days=89))

    assert prune_read_notifications() == 1
    assert set(Notification.objects.values_list("pk", flat=True)) == {old_unread.pk, recent_read.pk}
    assert prune_read_notifications() == 0  # safe to run twice
    assert notification_prune(days=30) == 1  # the retention is a setting


def test_prune_is_scheduled_daily(db):
    schedule = Schedule.objects.get(name="notifications-prune-read")
    assert schedule.func == "apps.notifications.tasks.prune_read_notifications"
    assert schedule.schedule_type == Schedule.DAILY


# --- admin


def test_administrator_reads_notifications_in_the_admin_but_changes_nothing(client, administrator, awa):
    notification = NotificationFactory(user=awa, title="Order ORD-9 confirmed")
    client.force_login(administrator)

    changelist = client.get("/admin/notifications/notification/")
    change = client.get(f"/admin/notifications/notification/{notification.pk}/change/")

    assert changelist.status_code == 200 and "Order ORD-9 confirmed" in changelist.content.decode()
    assert change.status_code == 200 and 'name="title"' not in change.content.decode()
    assert client.get("/admin/notifications/notification/add/").status_code == 403
    assert client.post(f"/admin/notifications/notification/{notification.pk}/delete/", {"post": "yes"}).status_code == 403
    assert client.get(f"/admin/notifications/notification/{notification.pk}/history/").status_code == 200
    assert Notification.objects.filter(pk=notification.pk).exists()


def test_sellers_have_no_notification_admin(client, seller_a):
    NotificationFactory(user=seller_a)
    client.force_login(seller_a)
    assert client.get("/admin/notifications/notification/").status_code == 403
