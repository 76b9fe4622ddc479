"""A guest shops across two sellers, signs in, uses a promo code, pays cash on delivery; each seller sees only theirs."""

import re

import pytest
from djmoney.money import Money
from playwright.sync_api import Page, expect

from apps.geo.models import Prefecture, Region
from apps.orders.models import Order
from tests.factories import (
    PASSWORD,
    MembershipFactory,
    ProductFactory,
    PromoCodeFactory,
    ServiceCategoryFactory,
    UserFactory,
    VendorFactory,
)

pytestmark = pytest.mark.browser


@pytest.fixture
def market(db):
    # live_server tests empty the database between tests: the reference data is made again here
    region, _ = Region.objects.get_or_create(code="gn-conakry", defaults={"name": "Conakry"})
    Prefecture.objects.get_or_create(code="gn-conakry-conakry", defaults={"name": "Conakry", "region": region})
    category = ServiceCategoryFactory(name="Electronics", slug="electronics")
    kaloum, madina = VendorFactory(name="Kaloum Auto Services"), VendorFactory(name="Madina Market")
    ProductFactory(vendor=kaloum, category=category, name="Blue kettle", slug="blue-kettle", brand="Sahel",
                   price=Money(120000, "GNF"), stock=4)
    ProductFactory(vendor=madina, category=category, name="Solar lamp", slug="solar-lamp", brand="Lumo",
                   price=Money(80000, "GNF"), stock=9)
    ProductFactory(vendor=madina, category=category, name="Red radio", slug="red-radio", brand="Sahel",
                   price=Money(60000, "GNF"), stock=2, moderation_status="pending")
    PromoCodeFactory(code="WELCOME10", kind="percent", percent_off="10.00")
    buyer = UserFactory(email="awa@example.com", full_name="Awa Camara")
    sellers = {vendor.name: MembershipFactory(vendor=vendor, user__email=f"owner@{vendor.slug}.example").user
               for vendor in (kaloum, madina)}
    return buyer, sellers


def add_to_cart(page: Page, product_name: str) -> None:
    card = page.locator("article, li").filter(has_text=product_name).filter(has=page.locator("form")).first
    card.locator("form[action*='/cart/add/'] button[type=submit]").click()


def log_in(page: Page, email: str) -> None:
    page.locator("input[name=login]").fill(email)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form:has([name=login]) button[type=submit]").first.click()


def test_guest_shops_two_sellers_signs_in_uses_a_promo_and_pays_cash_on_delivery(page: Page, market, live_server):
    buyer, sellers = market
    # the guest browses and filters the catalogue; the pending product is nowhere
    page.goto("/shop/")
    expect(page.locator("main")).to_contain_text("Blue kettle")
    expect(page.locator("main")).not_to_contain_text("Red radio")
    page.locator("input[name=q]").fill("lamp")
    page.locator("input[name=q]").press("Enter")
    expect(page.locator("main")).not_to_contain_text("Blue kettle")
    add_to_cart(page, "Solar lamp")
    page.goto("/shop/")
    add_to_cart(page, "Blue kettle")
    page.goto("/cart/")
    expect(page.locator("main")).to_contain_text("Solar lamp")
    expect(page.locator("main")).to_contain_text("Blue kettle")

    # checking out asks to sign in, and the cart survives it
    page.goto("/checkout/")
    log_in(page, buyer.email)
    expect(page).to_have_url(re.compile(r"/checkout/$"))
    expect(page.locator("main")).to_contain_text("Solar lamp")

    # delivery address, cash on delivery, promo code
    page.locator("input[name=delivery_mode][value=home]").check()
    page.locator("[name$=full_name]").last.fill("Awa Camara")
    page.locator("[name$=phone]").last.fill("+224 620 55 44 33")
    page.locator("select[name$=region]").select_option(label="Conakry")
    page.wait_for_load_state("networkidle")  # the prefecture list follows the region (htmx)
    page.locator("select[name$=prefecture]").select_option(label="Conakry")
    page.locator("[name$=street]").fill("Rue KA-020, Kaloum")
    page.locator("input[name=payment_method][value=cash_on_delivery]").check()
    page.locator("input[name=promo_code]").fill("WELCOME10")
    page.locator("button[name=action][value=apply]").first.click()
    expect(page.locator("#checkout-discounts")).to_contain_text("WELCOME10")
    page.locator("button[name=action][value=place]").click()

    # two orders, one per seller, each with its timeline
    expect(page).to_have_url(re.compile(r"/checkout/.+/done/$"))
    orders = list(Order.objects.order_by("vendor__name"))
    assert [o.vendor.name for o in orders] == ["Kaloum Auto Services", "Madina Market"]
    assert all(o.discount.amount > 0 for o in orders)
    for order in orders:
        page.goto(f"/account/orders/{order.reference}/")
        expect(page.locator("main")).to_contain_text(order.reference)
        expect(page.locator("main")).to_contain_text("Placed")

    # each seller sees only its own order in the admin
    for vendor_name, seller in sellers.items():
        page.context.clear_cookies()
        page.goto("/admin/orders/order/")
        log_in(page, seller.email)
        expect(page).to_have_url(re.compile(r"/admin/orders/order/$"))
        mine = next(o for o in orders if o.vendor.name == vendor_name)
        other = next(o for o in orders if o.vendor.name != vendor_name)
        expect(page.locator("#result_list")).to_contain_text(mine.reference)
        expect(page.locator("#result_list")).not_to_contain_text(other.reference)
