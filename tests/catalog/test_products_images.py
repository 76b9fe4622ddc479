"""Product photos: only real JPEG/PNG/WebP under the size cap, each with a thumbnail of at most 400 px."""

from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from apps.catalog import products
from apps.catalog.models import ProductImage
from tests.factories import ProductFactory


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _upload(name, size=(1600, 1200), fmt="PNG", padding=0, exif=None) -> SimpleUploadedFile:
    buffer = BytesIO()
    image = Image.new("RGB", size, "purple")
    image.save(buffer, format=fmt, **({"exif": exif} if exif else {}))
    return SimpleUploadedFile(name, buffer.getvalue() + b"\0" * padding)


@pytest.mark.parametrize(("fmt", "name"), [("JPEG", "p.jpg"), ("PNG", "p.png"), ("WEBP", "p.webp")])
def test_the_thumbnail_fits_400_px_and_keeps_the_format(vendor_a, seller_a, fmt, name):
    product = ProductFactory(vendor=vendor_a)

    image = products.product_image_add(product=product, file=_upload(name, fmt=fmt), alt_text="Front", actor=seller_a)

    with Image.open(image.thumbnail.path) as thumbnail:
        assert thumbnail.format == fmt and thumbnail.size == (400, 300)
    with Image.open(image.image.path) as original:
        assert original.size == (1600, 1200)
    assert image.sort_order == 0
    assert products.product_image_add(product=product, file=_upload(name, fmt=fmt), alt_text="", actor=seller_a
                                      ).sort_order == 1


def test_a_sideways_phone_photo_gets_an_upright_thumbnail(vendor_a, seller_a):
    exif = Image.Exif()
    exif[0x0112] = 6  # orientation: rotate 90° clockwise to display
    upload = _upload("phone.jpg", size=(800, 600), fmt="JPEG", exif=exif)

    image = products.product_image_add(product=ProductFactory(vendor=vendor_a), file=upload, alt_text="",
                                       actor=seller_a)

    with Image.open(image.thumbnail.path) as thumbnail:
        assert thumbnail.size == (300, 400)


def test_a_small_photo_is_not_enlarged(vendor_a, seller_a):
    image = products.product_image_add(product=ProductFactory(vendor=vendor_a), file=_upload("s.png", size=(120, 80)),
                                       alt_text="", actor=seller_a)

    with Image.open(image.thumbnail.path) as thumbnail:
        assert thumbnail.size == (120, 80)


@pytest.mark.parametrize(("upload", "message"), [
    (lambda: SimpleUploadedFile("notes.png", b"not a picture at all" * 50), "not a readable image"),
    (lambda: _upload("big.png", padding=6 * 1024 * 1024), "larger than 5 MB"),
    (lambda: _upload("old.bmp", size=(200, 100), fmt="BMP"), "Only JPEG, PNG and WebP"),
], ids=["text-renamed-png", "6-mb", "bmp"])
def test_a_file_that_is_not_an_accepted_image_is_refused(vendor_a, seller_a, upload, message):
    product = ProductFactory(vendor=vendor_a)

    with pytest.raises(products.ProductError, match=message):
        products.product_image_add(product=product, file=upload(), alt_text="", actor=seller_a)

    assert not ProductImage.objects.exists()
    product.refresh_from_db()
    assert product.moderation_status == "approved"
