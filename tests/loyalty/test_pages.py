import pytest
from djmoney.money import Money

from apps.loyalty.services import loyalty_earn, loyalty_redeem
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer(db):
    return UserFactory(full_name="Mariam Sylla")


def test_account_page_needs_sign_in(client):
    response = client.get("/loyalty/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_account_page_shows_balance_value_rules_and_history(client, buyer):
    loyalty_earn(user=buyer, amount_paid=Money(25000, "GNF"), reference="ORD-2026-AAAAAA")
    loyalty_redeem(user=buyer, points=500, reference="CHK-2026-BBBBBB")
    client.force_login(buyer)
    body = client.get("/loyalty/").content.decode()
    assert "<strong>2,000</strong> points" in body
    assert "Worth 2,000\xa0GNF off your next orders." in body
    assert "1 point for every 10\xa0GNF you pay" in body
    assert "ORD-2026-AAAAAA" in body and "+2,500" in body and "CHK-2026-BBBBBB" in body and "-500" in body
    assert "2,000 points expire on" in body


def test_history_is_paginated_and_htmx_gets_only_the_table(client, buyer):
    for n in range(25):
        loyalty_earn(user=buyer, amount_paid=Money(1000, "GNF"), reference=f"ORD-{n:03d}")
    client.force_login(buyer)
    first = client.get("/loyalty/").content.decode()
    assert "Page 1 of 2" in first and "ORD-024" in first and "ORD-000" not in first
    fragment = client.get("/loyalty/?page=2", HTTP_HX_REQUEST="true").content.decode()
    assert fragment.lstrip().startswith('<div id="loyalty-history">') and "ORD-000" in fragment
    assert "How it works" not in fragment


def test_junk_page_number_shows_a_page_not_an_error(client, buyer):
    client.force_login(buyer)
    assert client.get("/loyalty/?page=abc").status_code == 200
    assert client.get("/loyalty/?page=999999999999999999999").status_code == 200


def test_a_customer_sees_only_their_own_points(client, buyer):
    loyalty_earn(user=UserFactory(), amount_paid=Money(5000, "GNF"), reference="ORD-SOMEONE-ELSE")
    client.force_login(buyer)
    body = client.get("/loyalty/").content.decode()
    assert "ORD-SOMEONE-ELSE" not in body and "No points yet" in body


def test_ledger_admin_is_read_only_for_platform_staff(client, administrator, buyer):
    loyalty_earn(user=buyer, amount_paid=Money(5000, "GNF"), reference="ORD-2026-AAAAAA")
    client.force_login(administrator)
    assert "ORD-2026-AAAAAA" in client.get("/admin/loyalty/loyaltyentry/").content.decode()
    assert client.get("/admin/loyalty/loyaltyentry/add/").status_code == 403
    account_pk = buyer.loyalty_account.pk
    page = client.get(f"/admin/loyalty/loyaltyaccount/{account_pk}/change/").content.decode()
    assert 'name="balance"' not in page and "500" in page
    assert client.post(f"/admin/loyalty/loyaltyaccount/{account_pk}/change/", {"balance": "99999"}).status_code == 403
    assert client.get("/admin/loyalty/loyaltyentry/import/").status_code == 403


def test_sellers_do_not_see_the_ledger(client, seller_a):
    client.force_login(seller_a)
    assert client.get("/admin/loyalty/loyaltyentry/").status_code == 403
