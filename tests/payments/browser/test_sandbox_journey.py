"""A customer pays, or declines, on the sandbox page; the webhook travels over real HTTP via the task."""

import re

from playwright.sync_api import expect

from apps.payments.models import Payment
from apps.payments.services import payment_complete
from tests.factories import PaymentFactory


def test_paying_on_the_sandbox_page_lands_on_the_callers_page(page, live_server, handled):
    payment = PaymentFactory(description="Plumbing repair", return_url="/")

    page.goto(f"/payments/sandbox/{payment.token}/")
    page.get_by_role("button", name=re.compile("^Pay")).click()

    expect(page).to_have_url(live_server.url + "/")
    assert Payment.objects.get().status == Payment.Status.COMPLETED
    assert handled == [payment.pk]


def test_declining_shows_what_to_do_next(page):
    payment = PaymentFactory(retry_url="/?again=1")

    page.goto(f"/payments/sandbox/{payment.token}/")
    page.get_by_role("button", name="Decline").click()

    expect(page.get_by_role("heading", name="Your payment was declined")).to_be_visible()
    expect(page.get_by_role("link", name="Try again")).to_have_attribute("href", "/?again=1")
    assert Payment.objects.get().status == Payment.Status.FAILED


def test_the_return_page_moves_on_by_itself_once_the_payment_completes(page, live_server):
    payment = PaymentFactory(return_url="/?paid=1")
    page.goto(f"/payments/{payment.token}/return/")
    expect(page.get_by_role("heading", name="Confirming your payment…")).to_be_visible()

    # the provider's webhook arrives while the customer watches the page
    payment_complete(payment_id=payment.pk)

    expect(page).to_have_url(live_server.url + "/?paid=1", timeout=5_000)
