"""The seller's back office: returns to decide, refunds to pay, only their own store's."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from djmoney.money import Money
from PIL import Image

from apps.catalog.models import Product
from apps.notifications.models import Notification
from apps.payments.exceptions import GatewayError
from apps.payments.gateways.sandbox import SandboxGateway
from apps.returns.models import Refund, ReturnRequest
from tests.factories import UserFactory, refund_for, return_for
from tests.returns.builders import paid_online

pytestmark = pytest.mark.django_db
RETURNS = "/admin/returns/returnrequest/"
REFUNDS = "/admin/returns/refund/"


def _actions(client, url, names) -> set[str]:
    body = client.get(f"{url}change/").content.decode()
    return {name for name in names if f'href="{url}{name}/"' in body}


def test_seller_lists_only_their_stores_returns_and_filters_by_status(client, seller_a, vendor_a, vendor_b):
    mine = return_for(vendor_a, buyer=UserFactory(full_name="Kadiatou Bah"))
    decided = return_for(vendor_a, status="rejected")
    theirs = return_for(vendor_b)
    client.force_login(seller_a)

    def listed(query=""):
        response = client.get(RETURNS + query)
        assert response.status_code == 200
        return {obj.pk for obj in response.context["cl"].result_list}

    assert listed() == {mine.pk, decided.pk}
    assert listed("?status__exact=requested") == {mine.pk}
    assert listed("?q=Kadiatou") == {mine.pk}
    assert theirs.order.reference not in client.get(RETURNS).content.decode()


def test_only_the_open_steps_are_offered(client, seller_a, vendor_a):
    names = ("approve", "reject", "mark_refund_paid", "retry_refund")
    requested = return_for(vendor_a)
    cash_refund = refund_for(vendor_a)
    client.force_login(seller_a)

    assert _actions(client, f"{RETURNS}{requested.pk}/", names) == {"approve", "reject"}
    assert _actions(client, f"{RETURNS}{cash_refund.return_request_id}/", names) == {"mark_refund_paid"}
    assert _actions(client, f"{REFUNDS}{cash_refund.pk}/", names) == {"mark_refund_paid"}


def test_seller_approves_a_paid_online_return_from_the_admin(client, seller_a, vendor_a, buyer):
    (order,), payment = paid_online(buyer, (vendor_a, {}))
    return_request = return_for(vendor_a, order=order)
    client.force_login(seller_a)

    page = client.get(f"{RETURNS}{return_request.pk}/approve/")
    assert "100,000\xa0GNF goes back at once through the payment gateway" in page.content.decode()
    response = client.post(f"{RETURNS}{return_request.pk}/approve/", {"note": "Sorry about that"}, follow=True)

    assert "Approve the return." in response.content.decode()
    return_request.refresh_from_db()
    assert (return_request.status, return_request.decided_by, return_request.decision_note) == (
        "refunded", seller_a, "Sorry about that")
    assert Refund.objects.get().status == "paid"
    assert Product.objects.get(pk=order.items.get().product_id).stock == 10
    notice = Notification.objects.get(user=buyer, kind="returns.decided")
    assert "approved and refunded" in notice.title


def test_a_refused_gateway_refund_is_reported_and_retried(client, seller_a, vendor_a, buyer, monkeypatch):
    (order,), _payment = paid_online(buyer, (vendor_a, {}))
    return_request = return_for(vendor_a, order=order)
    client.force_login(seller_a)

    def refuse(self, payment, amount=None, *, key=""):
        raise GatewayError("Insufficient funds on the platform account.")

    monkeypatch.setattr(SandboxGateway, "refund", refuse)
    response = client.post(f"{RETURNS}{return_request.pk}/approve/", {"note": ""}, follow=True)

    body = response.content.decode()
    assert "The return is approved, but the payment gateway refused the refund" in body
    assert "Insufficient funds on the platform account." in body
    assert _actions(client, f"{RETURNS}{return_request.pk}/", ("approve", "retry_refund")) == {"retry_refund"}

    monkeypatch.undo()
    client.post(f"{RETURNS}{return_request.pk}/retry_refund/", {"note": ""})

    assert Refund.objects.get().status == "paid"
    assert ReturnRequest.objects.get().status == "refunded"


def test_rejection_needs_a_reason(client, seller_a, vendor_a):
    return_request = return_for(vendor_a)
    client.force_login(seller_a)

    empty = client.post(f"{RETURNS}{return_request.pk}/reject/", {"note": "  "})

    assert empty.status_code == 200 and "Say why the return is rejected" in empty.content.decode()
    assert ReturnRequest.objects.get().status == "requested"

    client.post(f"{RETURNS}{return_request.pk}/reject/", {"note": "Used for a month"})

    return_request.refresh_from_db()
    assert (return_request.status, return_request.decision_note) == ("rejected", "Used for a month")
    assert [c.to_status for c in return_request.timeline.all()] == ["requested", "rejected"]


def test_seller_marks_a_cash_refund_paid(client, seller_a, vendor_a):
    refund = refund_for(vendor_a)
    client.force_login(seller_a)

    client.post(f"{REFUNDS}{refund.pk}/mark_refund_paid/", {"note": "Cash handed back at the shop"})

    refund.refresh_from_db()
    assert (refund.status, refund.marked_paid_by) == ("paid", seller_a)
    assert refund.order.payment_status == "refunded"
    assert refund.return_request.status == "refunded"


def test_another_stores_seller_can_neither_decide_nor_see_the_photo(client, seller_b, vendor_a):
    photo = BytesIO()
    Image.new("RGB", (10, 10), "blue").save(photo, format="PNG")
    return_request = return_for(vendor_a, photo=SimpleUploadedFile("p.png", photo.getvalue()))
    refund = refund_for(vendor_a)
    client.force_login(seller_b)

    for url in (f"{RETURNS}{return_request.pk}/approve/", f"{RETURNS}{return_request.pk}/reject/",
                f"{RETURNS}{return_request.pk}/photo/", f"{REFUNDS}{refund.pk}/mark_refund_paid/"):
        assert client.get(url).status_code in (403, 404), url
        assert client.post(url, {"note": "mine now"}).status_code in (403, 404), url
    assert ReturnRequest.objects.get(pk=return_request.pk).status == "requested"
    assert Refund.objects.get(pk=refund.pk).status == "pending"


def test_the_seller_sees_the_buyers_photo(client, seller_a, vendor_a):
    photo = BytesIO()
    Image.new("RGB", (10, 10), "blue").save(photo, format="PNG")
    return_request = return_for(vendor_a, photo=SimpleUploadedFile("p.png", photo.getvalue()))
    client.force_login(seller_a)

    page = client.get(f"{RETURNS}{return_request.pk}/change/").content.decode()
    image = client.get(f"{RETURNS}{return_request.pk}/photo/")

    assert f'src="{RETURNS}{return_request.pk}/photo/"' in page
    assert image.status_code == 200 and image["Content-Type"] == "image/png"


def test_returns_and_refunds_are_in_the_sellers_sidebar_and_cannot_be_added_or_deleted(client, seller_a, vendor_a):
    refund = refund_for(vendor_a, amount=Money(1000, "GNF"))
    client.force_login(seller_a)

    body = client.get("/admin/").content.decode()
    assert f'href="{RETURNS}"' in body and f'href="{REFUNDS}"' in body
    assert client.get(f"{RETURNS}add/").status_code == 403
    assert client.get(f"{REFUNDS}{refund.pk}/delete/").status_code == 403
