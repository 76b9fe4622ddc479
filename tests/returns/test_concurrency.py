"""Two approvals of the same return at once, on PostgreSQL with real threads: one refund, given back once."""

import pytest
from djmoney.money import Money

from apps.catalog.models import Product
from apps.loyalty.models import LoyaltyEntry
from apps.orders.services import order_complete
from apps.returns.models import Refund, ReturnRequest
from apps.returns.services import ReturnError, return_approve
from tests.factories import MembershipFactory, return_for
from tests.returns.builders import paid_online

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_two_sellers_approving_at_once_refund_once(run_concurrently, vendor_a, buyer, gateway_refunds):
    # given a completed order paid online (points earned) and its return, and two members of the store
    (order,), payment = paid_online(buyer, (vendor_a, {"quantity": 2}))
    order_complete(order_id=order.pk, actor=None)
    product_id = order.items.get().product_id
    return_request = return_for(vendor_a, order=order)
    sellers = [MembershipFactory(vendor=vendor_a).user for _ in range(2)]

    # when both approve at the same moment
    outcomes = run_concurrently(lambda i: return_approve(return_id=return_request.pk, actor=sellers[i]).status, 2)

    # then one approval went through and refunded; the other was told it is done already
    assert sorted(map(str, outcomes)).count("refunded") == 1, outcomes
    refused = [o for o in outcomes if isinstance(o, ReturnError)]
    assert len(refused) == 1 and "already" in str(refused[0])
    assert len(gateway_refunds) == 1 and gateway_refunds[0][0] == payment.pk
    assert Refund.objects.count() == 1 and Refund.objects.get().amount == Money(100000, "GNF")
    assert Product.objects.get(pk=product_id).stock == 10  # given back once, not twice
    assert LoyaltyEntry.objects.filter(kind="reverse").count() == 1
    assert ReturnRequest.objects.get().status == "refunded"
