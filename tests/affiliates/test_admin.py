"""Affiliates and commissions in the back office."""

import pytest
from django.urls import reverse
from djmoney.money import Money

from apps.affiliates.models import Commission
from tests.factories import AffiliateFactory, CommissionFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_administrator_sees_the_affiliate_and_commission_pages(client, administrator):
    affiliate = AffiliateFactory(code="AMINATA10")
    commission = CommissionFactory(affiliate=affiliate, reference="SR-000042")
    client.force_login(administrator)

    pages = [
        reverse("admin:affiliates_affiliate_changelist"),
        reverse("admin:affiliates_affiliate_change", args=[affiliate.pk]),
        reverse("admin:affiliates_affiliate_history", args=[affiliate.pk]),
        reverse("admin:affiliates_affiliate_add"),
        reverse("admin:affiliates_commission_changelist"),
        reverse("admin:affiliates_commission_change", args=[commission.pk]),
        reverse("admin:affiliates_commission_history", args=[commission.pk]),
    ]
    responses = [client.get(url) for url in pages]

    assert [r.status_code for r in responses] == [200] * len(pages)
    assert "AMINATA10" in responses[0].text and "SR-000042" in responses[4].text


def test_affiliate_list_totals_each_currency_apart_and_leaves_reversals_out(client, administrator):
    affiliate = AffiliateFactory(code="AMINATA10")
    CommissionFactory(affiliate=affiliate, amount=Money(20000, "GNF"))
    CommissionFactory(affiliate=affiliate, amount=Money(5000, "GNF"), status=Commission.Status.APPROVED)
    CommissionFactory(affiliate=affiliate, amount=Money(90000, "GNF"), status=Commission.Status.REVERSED)
    CommissionFactory(affiliate=affiliate, base_amount=Money("40.00", "EUR"), amount=Money("4.00", "EUR"))
    client.force_login(administrator)

    response = client.get(reverse("admin:affiliates_affiliate_changelist"))

    assert f"{Money(25000, 'GNF')} · {Money('4.00', 'EUR')}" in response.text


def test_commissions_are_not_added_or_deleted_by_hand(client, administrator):
    commission = CommissionFactory()
    client.force_login(administrator)

    assert client.get(reverse("admin:affiliates_commission_add")).status_code == 403
    assert client.get(reverse("admin:affiliates_commission_delete", args=[commission.pk])).status_code == 403
    assert client.get(reverse("admin:affiliates_commission_import")).status_code == 403


def test_approve_and_reverse_actions_go_through_the_services(client, administrator):
    to_approve = CommissionFactory(reference="SR-1")
    to_reverse = CommissionFactory(reference="SR-2", status=Commission.Status.APPROVED)
    client.force_login(administrator)
    changelist = reverse("admin:affiliates_commission_changelist")

    client.post(changelist, {"action": "approve_selected", "_selected_action": [to_approve.pk]})
    response = client.post(changelist, {"action": "reverse_selected", "_selected_action": [to_reverse.pk]},
                           follow=True)

    to_approve.refresh_from_db()
    to_reverse.refresh_from_db()
    assert to_approve.status == Commission.Status.APPROVED
    assert to_reverse.status == Commission.Status.REVERSED and "root@example.com" in to_reverse.note
    assert "1 commission(s) reversed." in response.text


def test_a_seller_cannot_open_affiliate_pages(client):
    seller = UserFactory(roles=["Seller"], is_staff=True)
    client.force_login(seller)

    assert client.get(reverse("admin:affiliates_affiliate_changelist")).status_code == 403
    assert client.get(reverse("admin:affiliates_commission_changelist")).status_code == 403
