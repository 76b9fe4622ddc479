"""A guest buys a service in a real browser: tier, form, sandbox payment, confirmation, receipt, tracking."""

import io
import re

import pypdfium2
import pytest
import zxingcpp
from djmoney.money import Money
from playwright.sync_api import Page, expect

from apps.servicedesk.models import ServiceRequest
from tests.factories import ServiceCategoryFactory, ServiceFactory, ServiceTierFactory, VendorFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def offer(db, settings, live_server):
    settings.PAYMENT_GATEWAYS = ["sandbox", "bank_transfer"]
    settings.SITE_URL = live_server.url
    vendor = VendorFactory(name="Kaloum Auto Services", slug="kaloum-auto")
    service = ServiceFactory(vendor=vendor, category=ServiceCategoryFactory(name="Car service", slug="car-service"),
                             name="Full car check", slug="full-car-check", base_price=Money(200000, "GNF"))
    ServiceTierFactory(service=service, name="Basic", price=Money(200000, "GNF"), sort_order=1)
    premium = ServiceTierFactory(service=service, name="Premium", price=Money(450000, "GNF"), sort_order=2)
    return service, premium


def fill_purchase_form(page: Page, email: str) -> None:
    page.locator("input[name=full_name]").fill("Mariam Sylla")
    page.locator("input[name=email]").fill(email)
    page.locator("input[name=phone]").fill("+224 620 11 22 33")
    page.locator("textarea[name=requirements]").fill("Brakes make noise")
    page.locator("input[name=gateway][value=sandbox]").check()


def test_guest_buys_a_tier_pays_in_the_sandbox_gets_a_receipt_and_tracks_the_request(page: Page, offer, live_server):
    service, premium = offer
    # given a guest on the service page, choosing the Premium tier
    page.goto(f"/services/{service.slug}/")
    page.locator(f"a[href*='/buy/?tier={premium.pk}']").click()
    expect(page.locator(f"input[name=tier][value='{premium.pk}']")).to_be_checked()

    # when they type an invalid e-mail the Pay button stays disabled and the field says why
    fill_purchase_form(page, "mariam@")
    page.locator("input[name=email]").blur()
    expect(page.locator("#error-email")).to_contain_text("valid email")
    expect(page.locator("#pay-button")).to_be_disabled()

    # and once everything is valid they can pay
    page.locator("input[name=email]").fill("mariam@example.com")
    page.locator("input[name=email]").blur()
    expect(page.locator("#error-email")).to_be_empty()
    expect(page.locator("#pay-button")).to_be_enabled()
    page.locator("#pay-button").click()

    # then the sandbox's hosted page takes the payment
    expect(page).to_have_url(re.compile(r"/payments/sandbox/"))
    assert not ServiceRequest.objects.exists()
    page.get_by_role("button", name=re.compile("^Pay")).click()

    # and the confirmation shows the reference
    expect(page).to_have_url(re.compile(r"/purchase/.+/done/$"), timeout=20_000)
    req = ServiceRequest.objects.get()
    expect(page.get_by_test_id("reference")).to_have_text(req.reference)
    expect(page.locator("main")).to_contain_text("Premium")

    # the receipt PDF holds the reference and amount, and its QR code opens the tracking page
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile("receipt", re.I)).click()
    pdf_page = pypdfium2.PdfDocument(io.BytesIO(open(download.value.path(), "rb").read()))[0]
    text = pdf_page.get_textpage().get_text_range()
    assert req.reference in text and "450" in text
    (qr,) = zxingcpp.read_barcodes(pdf_page.render(scale=3).to_pil())
    assert qr.text.startswith(live_server.url + "/track/")
    page.goto(qr.text)
    expect(page.locator("main")).to_contain_text(req.reference)

    # and /track/ finds it with the reference and the purchase e-mail
    page.goto("/track/")
    page.locator("input[name=reference]").fill(req.reference)
    page.locator("input[name=email]").fill("mariam@example.com")
    page.locator("form[action='/track/'] button[type=submit]").click()
    expect(page.locator("main")).to_contain_text("Pending contact")


def test_declined_sandbox_payment_shows_what_to_do_and_a_retry_succeeds(page: Page, offer):
    service, _premium = offer
    page.goto(f"/services/{service.slug}/buy/")
    page.locator("input[name=tier]").first.check()
    fill_purchase_form(page, "oumar@example.com")
    page.locator("input[name=gateway][value=sandbox]").check()
    expect(page.locator("#pay-button")).to_be_enabled()
    page.locator("#pay-button").click()
    page.get_by_role("button", name=re.compile("Decline")).click()

    # then a clear message and a way to try again, and no request
    expect(page.locator("main")).to_contain_text(re.compile("declined", re.I), timeout=20_000)
    assert not ServiceRequest.objects.exists()
    page.get_by_role("link", name=re.compile("try again", re.I)).click()

    # the form comes back filled in; paying again works
    expect(page.locator("input[name=full_name]")).to_have_value("Mariam Sylla")
    page.locator("input[name=gateway][value=sandbox]").check()
    expect(page.locator("#pay-button")).to_be_enabled()
    page.locator("#pay-button").click()
    page.get_by_role("button", name=re.compile("^Pay")).click()
    expect(page).to_have_url(re.compile(r"/purchase/.+/done/$"), timeout=20_000)
    assert ServiceRequest.objects.count() == 1
