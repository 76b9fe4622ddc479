"""The same rules on S3-compatible storage, against a real S3 server (moto's, started here on a free port):
public photos by their unsigned URL, private files only by a short-lived signed URL handed out by our views."""

import urllib.error
import urllib.request
from io import BytesIO
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from moto.server import ThreadedMotoServer
from PIL import Image

from apps.catalog import products
from project.settings.base import s3_file_storages
from tests.core.test_uploads import _return_with_photo, jpeg_with_gps
from tests.factories import ProductFactory, UserFactory

BUCKET = "comptoir-media"
KEYS = {"access_key": "test-access", "secret_key": "test-secret", "region": "us-east-1"}


@pytest.fixture(scope="module")
def s3_endpoint():
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    boto3.client("s3", endpoint_url=endpoint, aws_access_key_id=KEYS["access_key"],
                 aws_secret_access_key=KEYS["secret_key"], region_name=KEYS["region"]).create_bucket(Bucket=BUCKET)
    yield endpoint
    server.stop()


@pytest.fixture
def s3_storages(settings, s3_endpoint):
    public, private = s3_file_storages(bucket=BUCKET, endpoint_url=s3_endpoint, addressing_style="path",
                                       signed_url_seconds=120, **KEYS)
    settings.STORAGES = {**settings.STORAGES, "default": private, "private": private, "public": public}
    return s3_endpoint


def _fetch(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status, response.read(), response.headers
    except urllib.error.HTTPError as error:
        return error.code, b"", error.headers


@pytest.mark.django_db
def test_a_product_photo_is_public_on_s3_and_carries_no_exif(s3_storages, vendor_a, seller_a):
    image = products.product_image_add(product=ProductFactory(vendor=vendor_a), alt_text="", actor=seller_a,
                                       file=SimpleUploadedFile("IMG_1.jpg", jpeg_with_gps()))

    assert image.image.url.startswith(f"{s3_storages}/{BUCKET}/public/products/")
    assert "Signature" not in image.image.url
    status, body, headers = _fetch(image.image.url)
    assert status == 200 and headers["Content-Type"] == "image/jpeg"
    with Image.open(BytesIO(body)) as served:
        assert not served.getexif()


@pytest.mark.django_db
def test_a_return_photo_on_s3_is_reached_only_through_a_signed_url_for_its_buyer(s3_storages, client, vendor_a):
    buyer = UserFactory()
    return_request = _return_with_photo(vendor_a, buyer)
    key = f"private/{return_request.photo.name}"
    view = f"/account/returns/{return_request.pk}/photo/"

    # the object itself is not publicly readable
    assert _fetch(f"{s3_storages}/{BUCKET}/{key}")[0] == 403
    assert client.get(view).status_code == 302 and "/accounts/login/" in client.get(view)["Location"]
    client.force_login(UserFactory())
    assert client.get(view).status_code == 404

    client.force_login(buyer)
    response = client.get(view)
    assert response.status_code == 302
    signed = response["Location"]
    query = parse_qs(urlsplit(signed).query)
    assert urlsplit(signed).path == f"/{BUCKET}/{key}"
    # short-lived and signed (moto enforces ACLs, not signatures or expiry: those are S3's own job)
    assert query["X-Amz-Expires"] == ["120"] and "X-Amz-Signature" in query
    assert query["response-content-disposition"][0].startswith("attachment;")
    status, body, _headers = _fetch(signed)
    assert status == 200
    with Image.open(BytesIO(body)) as served:
        assert not served.getexif()
