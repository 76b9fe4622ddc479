"""Uploads: images re-encoded (no EXIF, no GPS, upright), named by us; public files served in production,
private ones only through permission-checked views, as downloads."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.catalog import products
from apps.dataio.services import import_job_create
from apps.returns.services import return_request_create
from tests.factories import ProductFactory, UserFactory
from tests.returns.builders import delivered_order

GPS_IFD = 0x8825


def jpeg_with_gps(size=(64, 48)) -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: stored sideways, shown rotated 90°
    exif.get_ifd(GPS_IFD).update({1: "N", 2: (9.0, 30.0, 0.0), 3: "W", 4: (13.0, 42.0, 0.0)})
    buffer = BytesIO()
    Image.new("RGB", size, "orange").save(buffer, format="JPEG", exif=exif)
    return buffer.getvalue()


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_the_fixture_really_carries_gps():
    with Image.open(BytesIO(jpeg_with_gps())) as image:
        assert image.getexif().get_ifd(GPS_IFD)


@pytest.mark.django_db
def test_a_product_photo_is_served_without_exif_upright_and_under_a_name_of_ours(client, vendor_a, seller_a):
    product = ProductFactory(vendor=vendor_a)
    upload = SimpleUploadedFile("IMG_0042 Mamadou's house.jpg", jpeg_with_gps())

    image = products.product_image_add(product=product, file=upload, alt_text="Front", actor=seller_a)

    for stored in (image.image, image.thumbnail):
        assert "IMG_0042" not in stored.name and "Mamadou" not in stored.name
        response = client.get(stored.url)  # production settings: DEBUG off, no proxy
        assert response.status_code == 200
        body = b"".join(response.streaming_content)
        assert b"Exif" not in body and b"PhoneMaker" not in body
        with Image.open(BytesIO(body)) as served:
            assert not served.getexif()
            assert served.size == (48, 64)  # the orientation was applied, not left as a hint


@pytest.mark.django_db
def test_the_extension_comes_from_the_bytes(vendor_a, seller_a):
    buffer = BytesIO()
    Image.new("RGB", (20, 20), "green").save(buffer, format="PNG")
    image = products.product_image_add(product=ProductFactory(vendor=vendor_a), actor=seller_a, alt_text="",
                                       file=SimpleUploadedFile("photo.jpg", buffer.getvalue()))
    assert image.image.name.endswith(".png")


def _return_with_photo(vendor, buyer):
    order = delivered_order(vendor, buyer)
    photo = SimpleUploadedFile("broken screen.jpg", jpeg_with_gps())
    return return_request_create(order_id=order.pk, buyer=buyer, reason="damaged", description="Cracked",
                                 photo=photo)


@pytest.mark.django_db
def test_a_return_photo_is_private(client, vendor_a, settings):
    buyer = UserFactory()
    return_request = _return_with_photo(vendor_a, buyer)
    name = return_request.photo.name
    view = f"/account/returns/{return_request.pk}/photo/"

    assert not (settings.MEDIA_ROOT / name).exists()  # nothing under the public folder, whatever the URL
    assert client.get(f"/media/{name}").status_code == 404
    assert client.get(view).status_code == 302  # anonymous: to the login page
    client.force_login(UserFactory())
    assert client.get(view).status_code == 404  # another customer
    client.force_login(buyer)
    response = client.get(view)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    with Image.open(BytesIO(b"".join(response.streaming_content))) as served:
        assert not served.getexif()


@pytest.mark.django_db
def test_an_import_file_keeps_no_name_of_the_uploaders(seller_a):
    job = import_job_create(resource_key="products", data=b"sku,name\n", file_name="catalogue.html", fmt="csv",
                            actor=seller_a)
    assert job.file.name.endswith("/import.csv") and job.original_name == "catalogue.html"
