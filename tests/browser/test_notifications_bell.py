"""The bell in Chromium: it polls its count, marking read updates it without a reload, opening follows the link."""

import pytest
from playwright.sync_api import Page, expect

from apps.notifications.models import Notification
from tests.factories import PASSWORD, NotificationFactory, UserFactory

pytestmark = pytest.mark.browser


def test_bell_counts_polls_and_marks_read(page: Page, live_server, db):
    awa = UserFactory(email="awa@example.com")
    NotificationFactory(user=awa, title="Order ORD-1 confirmed", url="/shop/")
    NotificationFactory(user=awa, title="Order ORD-2 confirmed", url="/shop/")
    page.clock.install()  # the 30 s polling runs on a clock the test moves

    page.goto("/accounts/login/?next=/notifications/")
    page.locator("input[name=login]").fill(awa.email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has([name=login]) button[type=submit]").first.click()

    bell = page.locator("#notification-bell a")
    expect(bell).to_have_accessible_name("Notifications, 2 unread")
    expect(bell.locator(".bell__count")).to_have_text("2")

    # marking one read swaps its row and the bell, without reloading the page
    row = page.locator("li.notification").filter(has_text="Order ORD-2 confirmed")
    row.get_by_role("button", name="Mark as read: Order ORD-2 confirmed").click()
    expect(row.get_by_role("button")).to_have_count(0)
    expect(row).to_contain_text("Read")
    expect(bell).to_have_accessible_name("Notifications, 1 unread")

    # news arriving meanwhile shows up at the next poll
    NotificationFactory(user=awa, title="Low stock: Rice", url="/shop/")
    page.clock.run_for(31_000)
    expect(bell).to_have_accessible_name("Notifications, 2 unread")
    page.clock.run_for(31_000)  # nothing new: the poll answers 204 and the bell stays as it is
    expect(bell).to_have_accessible_name("Notifications, 2 unread")

    # opening a notification marks it read and goes to its page
    page.get_by_role("link", name="Order ORD-1 confirmed").click()
    expect(page).to_have_url(f"{live_server.url}/shop/")
    assert Notification.objects.get(title="Order ORD-1 confirmed").read_at is not None
    expect(page.locator("#notification-bell a")).to_have_accessible_name("Notifications, 1 unread")
