"""/affiliates/: the signed-in affiliate's link, totals and referred purchases, and nobody else's."""

import pytest
from django.urls import reverse
from djmoney.money import Money

from apps.affiliates.models import Commission
from tests.factories import AffiliateFactory, CommissionFactory, UserFactory

pytestmark = pytest.mark.django_db

URL = "/affiliates/"


def test_sign_in_is_required(client):
    response = client.get(URL)

    assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))


def test_a_person_who_is_not_an_affiliate_gets_an_explanation(client):
    client.force_login(UserFactory())

    response = client.get(URL)

    assert response.status_code == 200
    assert "not an affiliate account yet" in response.text


def test_affiliate_sees_their_link_and_only_their_commissions(client):
    # given two affiliates with their own referred purchases
    mine = AffiliateFactory(code="AMINATA10", commission_rate="10.00")
    CommissionFactory(affiliate=mine, reference="SR-MINE-1", base_amount=Money(200000, "GNF"),
                      amount=Money(20000, "GNF"))
    CommissionFactory(affiliate=mine, reference="SR-MINE-2", base_amount=Money(100000, "GNF"),
                      amount=Money(10000, "GNF"), status=Commission.Status.APPROVED)
    CommissionFactory(affiliate=mine, reference="SR-MINE-3", base_amount=Money(500000, "GNF"),
                      amount=Money(50000, "GNF"), status=Commission.Status.REVERSED)
    CommissionFactory(affiliate=AffiliateFactory(code="OTHER777"), reference="SR-THEIRS")
    client.force_login(mine.user)

    # when the first one opens the page
    response = client.get(URL)

    # then they see their share link and their three purchases, not the other affiliate's
    assert response.status_code == 200
    assert 'value="http://testserver/?ref=AMINATA10"' in response.text
    for reference in ("SR-MINE-1", "SR-MINE-2", "SR-MINE-3"):
        assert reference in response.text
    assert "SR-THEIRS" not in response.text and "OTHER777" not in response.text
    # and totals leave the refunded purchase out
    [totals] = response.context["totals"]
    assert totals == {"purchases": 2, "base_total": Money(300000, "GNF"), "earned": Money(30000, "GNF"),
                      "approved": Money(10000, "GNF")}


def test_commissions_are_paginated_25_per_page_and_htmx_gets_the_table_only(client):
    affiliate = AffiliateFactory()
    CommissionFactory.create_batch(30, affiliate=affiliate)
    client.force_login(affiliate.user)

    first = client.get(URL)
    second = client.get(URL, {"page": 2})
    fragment = client.get(URL, {"page": 2}, headers={"HX-Request": "true"})

    assert len(first.context["page"].object_list) == 25
    assert len(second.context["page"].object_list) == 5
    assert "Page 1 of 2" in first.text and 'rel="next" href="?page=2"' in first.text
    assert fragment.text.lstrip().startswith('<div id="commissions">') and "<html" not in fragment.text
    assert fragment.text.count("<tr>") == second.text.count("<tr>") == 6  # header + 5 rows
    assert "HX-Request" in fragment["Vary"]


def test_an_empty_history_says_what_to_do(client):
    affiliate = AffiliateFactory()
    client.force_login(affiliate.user)

    response = client.get(URL)

    assert "No referred purchases yet." in response.text
    assert response.context["totals"] == []
