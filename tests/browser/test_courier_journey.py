"""Issue 5, first acceptance line: a seller publishes an order to the courier marketplace; courier A accepts;
courier B sees the job go; A picks it up, opens the buyer's QR URL, takes cash and confirms; the buyer confirms;
the order is delivered and paid, and the commission is in A's earnings."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import Browser, Page, expect

from apps.delivery.models import CourierEarning, Delivery, DeliveryCode
from apps.geo.models import Address, Neighbourhood, Prefecture, Region
from apps.orders.models import Order
from apps.orders.services import order_confirm, order_mark_ready
from tests.factories import PASSWORD, CourierFactory, MembershipFactory, UserFactory, VendorFactory, order_for

pytestmark = pytest.mark.browser


@pytest.fixture
def ready_order(db):
    """A packed cash-on-delivery order of a Kaloum store, going to a buyer in Kipé (Ratoma)."""
    # live_server tests empty the database between tests: the reference data is made again here
    region, _ = Region.objects.get_or_create(code="gn-conakry", defaults={"name": "Conakry"})
    conakry, _ = Prefecture.objects.get_or_create(code="gn-conakry-conakry",
                                                  defaults={"name": "Conakry", "region": region})
    almamya, _ = Neighbourhood.objects.get_or_create(code="gn-conakry-kaloum-almamya", defaults={
        "name": "Almamya", "commune": "Kaloum", "prefecture": conakry, "latitude": Decimal("9.512500"),
        "longitude": Decimal("-13.713000")})
    kipe, _ = Neighbourhood.objects.get_or_create(code="gn-conakry-ratoma-kipe", defaults={
        "name": "Kipé", "commune": "Ratoma", "prefecture": conakry, "latitude": Decimal("9.595000"),
        "longitude": Decimal("-13.653000")})
    store = VendorFactory(name="Kaloum Auto Services", pickup_neighbourhood=almamya)
    seller = MembershipFactory(vendor=store, user__email="owner@kaloum.example").user
    buyer = UserFactory(email="awa@example.com", full_name="Awa Camara")
    address = Address.objects.create(user=buyer, full_name="Awa Camara", phone="+224 620 55 44 33", region=region,
                                     prefecture=conakry, neighbourhood=kipe, street="Rue KI-140")
    order = order_for(store, buyer=buyer, delivery_mode="home", address=address)
    order_confirm(order_id=order.pk, actor=seller)  # issues the buyer's QR code
    order_mark_ready(order_id=order.pk, actor=seller)
    couriers = [CourierFactory(user__email=f"{name.lower()}@couriers.example", user__full_name=name,
                               neighbourhood=kipe).user for name in ("Alpha", "Bintou")]
    return order, seller, couriers


def log_in(page: Page, email: str) -> None:
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has([name=login]) button[type=submit]").first.click()


@pytest.fixture
def new_page(browser: Browser, live_server):
    """Opens a separate browser (cookies and all) for one more person, signed in and on `path`.

    The browsers are closed before the live server stops: their polling must not outlive it."""
    contexts = []

    def open_as(path: str, email: str) -> Page:
        contexts.append(browser.new_context(base_url=live_server.url))
        page = contexts[-1].new_page()
        page.set_default_timeout(10_000)
        page.goto(path)
        log_in(page, email)
        expect(page).to_have_url(re.compile(re.escape(path) + "$"))
        return page

    yield open_as
    for context in contexts:
        context.close()


def test_marketplace_delivery_from_publishing_to_the_couriers_earnings(page: Page, new_page, ready_order):
    order, seller, (courier_a, courier_b) = ready_order

    # the seller publishes the order to the marketplace, with a bonus
    page.goto(f"/admin/orders/order/{order.pk}/change/")
    log_in(page, seller.email)
    page.locator(f'a[href="/admin/orders/order/{order.pk}/choose_delivery/"]').click()
    expect(page.locator("body")).to_contain_text("The buyer pays the courier's commission")
    page.locator("input[name=mode][value=marketplace]").check()
    page.locator("input[name=bonus]").fill("1000")
    page.get_by_role("button", name="Save the delivery").click()
    expect(page.locator("body")).to_contain_text("Open to couriers")
    job = Delivery.objects.get(order=order)
    assert job.status == "open" and job.commission.amount > 1000

    # both couriers see it, with the trip and the commission but not the buyer
    page_a = new_page("/courier/jobs/", courier_a.email)
    page_b = new_page("/courier/jobs/", courier_b.email)
    for courier_page in (page_a, page_b):
        card = courier_page.locator(f"#job-{job.pk}")
        expect(card).to_contain_text("Kaloum → Ratoma")
        expect(card).not_to_contain_text("Awa Camara")

    # courier A accepts; courier B's list drops the job by itself (htmx polling, no reload)
    page_a.locator(f"#job-{job.pk}").get_by_role("button", name=re.compile("Accept this job")).click()
    expect(page_a).to_have_url(re.compile(r"/courier/deliveries/$"))
    expect(page_a.locator("main")).to_contain_text("The job is yours")
    expect(page_a.locator(f"#delivery-{job.pk}")).to_contain_text("Awa Camara")
    expect(page_b.locator(f"#job-{job.pk}")).to_have_count(0, timeout=15_000)
    expect(page_b.locator("#job-list")).to_contain_text("No open jobs right now.")

    # courier A collects the parcel: the order goes out for delivery
    page_a.get_by_role("button", name=re.compile("I have picked it up")).click()
    expect(page_a.locator("main")).to_contain_text("is on its way")
    assert Order.objects.get(pk=order.pk).status == "out_for_delivery"

    hand_over_for_cash(page_a, new_page, order)

    # the commission is in A's earnings
    earning = CourierEarning.objects.get(courier=courier_a)
    assert earning.amount == job.commission
    page_a.goto("/courier/earnings/")
    expect(page_a.locator("#earnings")).to_contain_text(order.reference)


def hand_over_for_cash(page_a: Page, new_page, order: Order) -> None:
    """At the door: the courier opens the buyer's QR URL, takes cash and confirms; the buyer confirms too."""
    token = DeliveryCode.objects.get(order=order).token
    page_a.goto(f"/deliver/{token}/")
    page_a.locator("summary", has_text="Cash: I have received").click()
    page_a.get_by_role("button", name=re.compile("in cash")).click()
    expect(page_a.locator("main")).to_contain_text("Cash confirmed")

    buyer_page = new_page(f"/account/orders/{order.reference}/", order.buyer.email)
    buyer_page.get_by_role("button", name=re.compile("I have received my parcel and paid")).click()
    expect(buyer_page.locator("main")).to_contain_text("Handed over on")
    order.refresh_from_db()
    assert (order.status, order.payment_status) == ("delivered", "paid")

    # and the buyer rates the courier from the same page
    buyer_page.locator("label[title='5 stars: excellent']").click()
    buyer_page.get_by_role("button", name="Send my rating").click()
    expect(buyer_page.locator("main")).to_contain_text("You gave Alpha 5 out of 5")
