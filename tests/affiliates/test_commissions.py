"""Commissions: amounts rounded to the currency's minor unit, once per reference, reversible."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from djmoney.money import Money

from apps.affiliates.models import Affiliate, Commission
from apps.affiliates.services import CommissionError, commission_approve, commission_record, commission_reverse
from tests.factories import AffiliateFactory, CommissionFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(("rate", "base", "expected"), [
    # GNF and XOF have no minor unit: whole francs, half rounded up
    ("10.00", Money(150005, "GNF"), Money(15001, "GNF")),
    ("7.50", Money(100001, "GNF"), Money(7500, "GNF")),
    ("12.50", Money(4, "XOF"), Money(1, "XOF")),
    # EUR and USD keep cents
    ("12.50", Money("19.99", "EUR"), Money("2.50", "EUR")),
    ("3.33", Money("10.00", "USD"), Money("0.33", "USD")),
])
def test_amount_is_rate_percent_rounded_to_the_minor_unit(rate, base, expected):
    AffiliateFactory(code="AMINATA10", commission_rate=rate)

    commission = commission_record(affiliate_code="AMINATA10", reference="SR-1", base_amount=base)

    commission.refresh_from_db()
    assert commission.amount == expected
    assert commission.amount.currency == base.currency
    assert (commission.base_amount, commission.rate) == (base, Decimal(rate))
    assert commission.status == Commission.Status.PENDING


def test_recording_twice_for_the_same_reference_keeps_one_commission():
    AffiliateFactory(code="AMINATA10")

    first = commission_record(affiliate_code="AMINATA10", reference="SR-1", base_amount=Money(200000, "GNF"))
    again = commission_record(affiliate_code="AMINATA10", reference="SR-1", base_amount=Money(999999, "GNF"))

    assert again.pk == first.pk and again.amount == Money(20000, "GNF")
    assert Commission.objects.count() == 1


def test_the_rate_is_the_one_in_force_when_the_purchase_was_paid():
    affiliate = AffiliateFactory(code="AMINATA10", commission_rate="10.00")
    commission = commission_record(affiliate_code="AMINATA10", reference="SR-1", base_amount=Money(100000, "GNF"))

    affiliate.commission_rate = Decimal("20.00")
    affiliate.save(update_fields=["commission_rate"])

    commission.refresh_from_db()
    assert (commission.rate, commission.amount) == (Decimal("10.00"), Money(10000, "GNF"))


@pytest.mark.parametrize("code", [None, "", "NOSUCHCODE", "PAUSED99"])
def test_no_commission_without_an_active_affiliate(code):
    AffiliateFactory(code="PAUSED99", is_active=False)

    assert commission_record(affiliate_code=code, reference="SR-1", base_amount=Money(100000, "GNF")) is None
    assert not Commission.objects.exists()


def test_a_negative_amount_is_refused():
    AffiliateFactory(code="AMINATA10")

    with pytest.raises(CommissionError, match="cannot be negative"):
        commission_record(affiliate_code="AMINATA10", reference="SR-1", base_amount=Money(-5, "GNF"))
    assert not Commission.objects.exists()


def test_reversal_reverses_pending_and_approved_commissions_of_the_reference_once():
    pending = CommissionFactory(reference="SR-1")
    approved = CommissionFactory(reference="SR-1", status=Commission.Status.APPROVED)
    other = CommissionFactory(reference="SR-2")

    reversed_now = commission_reverse(reference="SR-1", note="Request refunded.")
    reversed_again = commission_reverse(reference="SR-1", note="Again")

    assert {c.pk for c in reversed_now} == {pending.pk, approved.pk}
    assert reversed_again == []
    for commission in (pending, approved):
        commission.refresh_from_db()
        assert commission.status == Commission.Status.REVERSED
        assert commission.note == "Request refunded." and commission.reversed_at is not None
    other.refresh_from_db()
    assert other.status == Commission.Status.PENDING
    assert pending.history.count() == 2  # created, reversed: the second call wrote nothing


def test_only_pending_commissions_are_approved():
    commission = CommissionFactory()

    assert commission_approve(commission_id=commission.pk).status == Commission.Status.APPROVED
    with pytest.raises(CommissionError, match="only pending commissions"):
        commission_approve(commission_id=commission.pk)


@pytest.mark.parametrize(("code", "rate"), [("abc123", "10"), ("AB1", "10"), ("A" * 21, "10"), ("AMI-NATA", "10"),
                                            ("AMINATA10", "50.01"), ("AMINATA10", "-1")])
def test_affiliate_codes_and_rates_are_validated(code, rate):
    affiliate = Affiliate(user=UserFactory(), code=code, commission_rate=Decimal(rate))

    with pytest.raises(ValidationError):
        affiliate.full_clean()
