"""The buyer's pages: asking for a return from the order page, the list and the detail with its timeline."""

from datetime import timedelta
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from apps.returns.models import Refund, ReturnRequest
from apps.returns.services import return_approve, return_reject
from tests.factories import UserFactory, return_for
from tests.returns.builders import delivered_order

pytestmark = pytest.mark.django_db


def _image(image_format="PNG", name="crack.png") -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", (40, 30), "red").save(buffer, format=image_format)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


def _create_url(order):
    return f"/account/orders/{order.reference}/return/"


# --- the order page leads to the form


def test_the_order_page_offers_a_return_inside_the_window(client, vendor_a, buyer):
    order = delivered_order(vendor_a, buyer)
    client.force_login(buyer)

    body = client.get(f"/account/orders/{order.reference}/").content.decode()

    assert "Request a return" in body and f'href="{_create_url(order)}"' in body


def test_the_order_page_says_when_the_window_ended(client, vendor_a, buyer):
    order = delivered_order(vendor_a, buyer, delivered_at=timezone.now() - timedelta(days=40))
    client.force_login(buyer)

    body = client.get(f"/account/orders/{order.reference}/").content.decode()

    assert "Request a return" not in body and "The 30 days to return order" in body


def test_the_order_page_shows_the_return_and_its_status(client, vendor_a, buyer):
    return_request = return_for(vendor_a, buyer=buyer)
    client.force_login(buyer)

    body = client.get(f"/account/orders/{return_request.order.reference}/").content.decode()

    assert "Requested" in body and f'href="/account/returns/{return_request.pk}/"' in body
    assert "Request a return" not in body


def test_an_order_on_its_way_has_no_return_panel(client, vendor_a, buyer):
    order = delivered_order(vendor_a, buyer, status="out_for_delivery", delivered_at=None)
    client.force_login(buyer)

    assert "Request a return" not in client.get(f"/account/orders/{order.reference}/").content.decode()


# --- the form


def test_a_return_after_the_window_is_refused_without_a_form(client, vendor_a, buyer):
    order = delivered_order(vendor_a, buyer, delivered_at=timezone.now() - timedelta(days=31))
    client.force_login(buyer)

    page = client.get(_create_url(order))
    posted = client.post(_create_url(order), {"reason": "damaged", "description": "Broken"})

    assert page.status_code == 200 and "ended on" in page.content.decode() and "<form" not in _main(page)
    assert posted.status_code == 403 and "ended on" in posted.content.decode()
    assert not ReturnRequest.objects.exists()


def test_the_buyer_asks_with_a_photo_and_follows_the_return(client, vendor_a, buyer):
    order = delivered_order(vendor_a, buyer)
    client.force_login(buyer)

    response = client.post(_create_url(order), {"reason": "damaged", "description": "Cracked on arrival",
                                                 "photo": _image()})

    return_request = ReturnRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/account/returns/{return_request.pk}/"
    assert return_request.photo.name.startswith("returns/") and return_request.photo.name.endswith(".png")
    assert "crack" not in return_request.photo.name  # renamed: the buyer's file name is not kept
    body = client.get(response["Location"]).content.decode()
    assert "Cracked on arrival" in body and "Arrived damaged or broken" in body and "Requested" in body
    photo = client.get(f"/account/returns/{return_request.pk}/photo/")
    assert photo.status_code == 200 and photo["Content-Type"] == "image/png"
    assert photo["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("upload", "message"), [
    (SimpleUploadedFile("crack.jpg", b"MZ\x90\x00 not a picture at all", content_type="image/jpeg"),
     "Upload a valid image"),
    (_image("GIF", "crack.gif"), "Only JPEG, PNG and WebP images are accepted."),
], ids=["not-an-image", "gif"])
def test_the_photo_must_be_a_real_jpeg_png_or_webp(client, vendor_a, buyer, upload, message):
    order = delivered_order(vendor_a, buyer)
    client.force_login(buyer)

    response = client.post(_create_url(order), {"reason": "damaged", "photo": upload})

    assert response.status_code == 400 and message in response.content.decode()
    assert not ReturnRequest.objects.exists()


def test_the_photo_size_is_capped(client, vendor_a, buyer, settings):
    settings.MAX_IMAGE_UPLOAD_BYTES = 10
    order = delivered_order(vendor_a, buyer)
    client.force_login(buyer)

    response = client.post(_create_url(order), {"reason": "damaged", "photo": _image()})

    assert response.status_code == 400 and "The image is larger than" in response.content.decode()
    assert not ReturnRequest.objects.exists()


def test_bad_input_is_answered_next_to_the_field(client, vendor_a, buyer):
    order = delivered_order(vendor_a, buyer)
    client.force_login(buyer)

    no_reason = client.post(_create_url(order), {"description": "?"})
    other_without_words = client.post(_create_url(order), {"reason": "other", "description": " "})

    assert no_reason.status_code == 400 and "Choose a reason." in no_reason.content.decode()
    assert other_without_words.status_code == 400
    assert "Describe the problem" in other_without_words.content.decode()
    assert not ReturnRequest.objects.exists()


def test_a_second_request_for_the_same_order_is_refused(client, vendor_a, buyer):
    return_request = return_for(vendor_a, buyer=buyer)
    client.force_login(buyer)

    response = client.post(_create_url(return_request.order), {"reason": "damaged"})

    assert response.status_code == 403 and "is already requested" in response.content.decode()
    assert ReturnRequest.objects.count() == 1


# --- only the buyer


def test_only_the_buyer_sees_their_returns(client, vendor_a, buyer):
    return_request = return_for(vendor_a, buyer=buyer, description="Mariama's secret",
                                photo=_image())
    stranger = UserFactory()
    client.force_login(stranger)

    assert client.get(f"/account/returns/{return_request.pk}/").status_code == 404
    assert client.get(f"/account/returns/{return_request.pk}/photo/").status_code == 404
    assert client.get(_create_url(return_request.order)).status_code == 404
    assert client.post(_create_url(return_request.order), {"reason": "damaged"}).status_code == 404
    listing = client.get("/account/returns/").content.decode()
    assert "Mariama" not in listing and "You have no return." in listing


def test_the_pages_need_a_signed_in_buyer(client, vendor_a, buyer):
    return_request = return_for(vendor_a, buyer=buyer)

    for url in ("/account/returns/", f"/account/returns/{return_request.pk}/", _create_url(return_request.order)):
        response = client.get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]


# --- list and detail


def test_the_list_is_paginated_newest_first(client, vendor_a, buyer):
    returns = [return_for(vendor_a, buyer=buyer) for _ in range(21)]
    client.force_login(buyer)

    first = client.get("/account/returns/").content.decode()
    second = client.get("/account/returns/?page=2", headers={"HX-Request": "true"})

    assert "Page 1 of 2" in first and returns[-1].order.reference in first
    assert returns[0].order.reference not in first
    assert returns[0].order.reference in second.content.decode() and "<html" not in second.content.decode()


def test_the_detail_shows_the_timeline_the_decision_and_the_refund(client, vendor_a, buyer):
    rejected = return_for(vendor_a, buyer=buyer)
    return_reject(return_id=rejected.pk, actor=UserFactory(), reason="The seal is broken")
    approved = return_for(vendor_a, buyer=buyer)
    return_approve(return_id=approved.pk, actor=UserFactory(), note="Sorry!")
    client.force_login(buyer)

    rejected_page = client.get(f"/account/returns/{rejected.pk}/").content.decode()
    approved_page = client.get(f"/account/returns/{approved.pk}/").content.decode()

    assert "Rejected" in rejected_page and "The seal is broken" in rejected_page
    assert Refund.objects.get().status == "pending"
    assert "Approved" in approved_page and "Sorry!" in approved_page
    assert "The seller will give you" in approved_page and "back in cash" in approved_page


def _main(response) -> str:
    body = response.content.decode()
    return body[body.index('<main'):body.index('</main>')]
