"""The product back office: sellers edit through the services, moderators approve and reject, bulk actions."""

import os
from io import BytesIO

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from djmoney.money import Money
from PIL import Image

from apps.accounts.roles import Role
from apps.catalog.models import Product, ProductImage
from apps.notifications.models import EmailLog
from tests.factories import ProductFactory, ProductImageFactory, ServiceCategoryFactory, UserFactory

Moderation = Product.Moderation
CHANGELIST = "/admin/catalog/product/"


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def support(db):
    return UserFactory(email="support@example.com", roles=[Role.SUPPORT])


def _image(name="photo.png", size=(1200, 900), fmt="PNG", padding=0) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, "orange").save(buffer, format=fmt)
    return SimpleUploadedFile(name, buffer.getvalue() + b"\0" * padding)


def _product_form(category, vendor=None, **overrides) -> dict:
    data = {
        "category": category.pk, "name": "Rice cooker 1.8 L", "slug": "rice-cooker", "description": "For six.",
        "brand": "Sayona", "colour": "white", "attributes": "{}", "price_0": "340000", "price_1": "GNF",
        "sale_price_0": "", "sale_price_1": "GNF", "sale_starts_at_0": "", "sale_starts_at_1": "",
        "sale_ends_at_0": "", "sale_ends_at_1": "", "stock": "12", "low_stock_threshold": "5", "is_active": "on",
        "images-TOTAL_FORMS": "0", "images-INITIAL_FORMS": "0", "images-MIN_NUM_FORMS": "0",
        "images-MAX_NUM_FORMS": "1000",
    }
    if vendor is not None:
        data["vendor"] = vendor.pk
    return {**data, **overrides}


def _change_form(product, **overrides) -> dict:
    data = _product_form(product.category, name=product.name, slug=product.slug, description=product.description,
                         brand=product.brand, colour=product.colour, price_0=str(product.price.amount),
                         stock=str(product.stock))
    images = list(product.images.all())
    data.update({"images-TOTAL_FORMS": str(len(images)), "images-INITIAL_FORMS": str(len(images))})
    for i, image in enumerate(images):
        data.update({f"images-{i}-id": image.pk, f"images-{i}-product": product.pk,
                     f"images-{i}-alt_text": image.alt_text, f"images-{i}-sort_order": image.sort_order})
    data.update(overrides)
    return data


def _with_new_image(data, upload, index=None) -> dict:
    index = int(data["images-TOTAL_FORMS"]) if index is None else index
    return {**data, "images-TOTAL_FORMS": str(index + 1), f"images-{index}-image": upload,
            f"images-{index}-alt_text": "Front", f"images-{index}-sort_order": "0"}


def _action(client, action, products, **extra):
    return client.post(CHANGELIST, {"action": action, "_selected_action": [p.pk for p in products], **extra},
                       follow=True)


# --- sellers: saving goes through the services


def test_a_seller_adds_a_product_for_their_vendor_and_it_waits_for_review(client, seller_a, vendor_a, vendor_b):
    client.force_login(seller_a)
    data = _with_new_image(_product_form(ServiceCategoryFactory(), vendor=vendor_a,
                                         moderation_status="approved"), _image())

    response = client.post("/admin/catalog/product/add/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    product = Product.objects.get(slug="rice-cooker")
    assert product.vendor == vendor_a and product.moderation_status == Moderation.PENDING
    image = product.images.get()
    assert image.thumbnail and max(Image.open(image.thumbnail.path).size) == 400
    # the vendor field offers only the seller's own vendor
    page = client.get("/admin/catalog/product/add/").content.decode()
    assert vendor_b.name not in page


def test_a_seller_cannot_approve_by_editing_the_form(client, seller_a, vendor_a):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)
    client.force_login(seller_a)

    response = client.post(f"/admin/catalog/product/{product.pk}/change/",
                           _change_form(product, moderation_status="approved", stock="4"))

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.stock == 4 and product.moderation_status == Moderation.PENDING


def test_a_price_edit_in_the_admin_sends_the_product_back_to_review(client, seller_a, vendor_a):
    product = ProductFactory(vendor=vendor_a)
    client.force_login(seller_a)

    response = client.post(f"/admin/catalog/product/{product.pk}/change/", _change_form(product, price_0="45000"))

    assert response.status_code == 302
    product.refresh_from_db()
    assert product.price == Money(45_000, "GNF") and product.moderation_status == Moderation.PENDING


def test_a_seller_sees_why_their_product_was_rejected(client, seller_a, vendor_a):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.REJECTED,
                             rejection_reason="Show the real item, not a catalogue picture.")
    client.force_login(seller_a)

    body = client.get(f"/admin/catalog/product/{product.pk}/change/").content.decode()

    assert "Show the real item, not a catalogue picture." in body
    assert 'name="moderation_status"' not in body  # read-only


@pytest.mark.parametrize(("upload", "message"), [
    (lambda: SimpleUploadedFile("notes.png", b"These are my notes, not a picture." * 10), "Upload a valid image"),
    (lambda: _image("huge.png", padding=6 * 1024 * 1024), "larger than 5 MB"),
    (lambda: _image("anim.gif", fmt="GIF"), "Only JPEG, PNG and WebP"),
], ids=["text-renamed-png", "6-mb", "gif"])
def test_a_bad_upload_is_refused_next_to_the_field_and_nothing_is_saved(client, seller_a, vendor_a, upload, message):
    product = ProductFactory(vendor=vendor_a)
    client.force_login(seller_a)

    response = client.post(f"/admin/catalog/product/{product.pk}/change/",
                           _with_new_image(_change_form(product, stock="2"), upload()))

    assert response.status_code == 200
    assert message in response.content.decode()
    product.refresh_from_db()
    assert product.stock == 10 and not product.images.exists()
    assert product.moderation_status == Moderation.APPROVED


def test_a_photo_deleted_in_the_admin_goes_with_its_files(client, seller_a, vendor_a,
                                                         django_capture_on_commit_callbacks):
    image = ProductImageFactory(product__vendor=vendor_a)
    product, path = image.product, image.image.path
    client.force_login(seller_a)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/admin/catalog/product/{product.pk}/change/",
                               _change_form(product, **{"images-0-DELETE": "on"}))

    assert response.status_code == 302
    assert not ProductImage.objects.exists()
    assert not os.path.exists(path)
    product.refresh_from_db()
    assert product.moderation_status == Moderation.PENDING


# --- moderation from the list and the product page


def test_a_seller_cannot_approve_their_own_product_even_with_a_crafted_post(client, seller_a, vendor_a):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)
    client.force_login(seller_a)

    listing = client.get(CHANGELIST).content.decode()
    _action(client, "approve_selected", [product])
    detail = client.post(f"/admin/catalog/product/{product.pk}/approve/", {"apply": "1"})

    assert "approve_selected" not in listing
    assert detail.status_code == 403
    assert Product.objects.get(pk=product.pk).moderation_status == Moderation.PENDING
    assert not EmailLog.objects.exists()


def test_a_moderator_approves_from_the_list(client, support, vendor_a, vendor_b):
    pending = [ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING),
               ProductFactory(vendor=vendor_b, moderation_status=Moderation.PENDING)]
    client.force_login(support)

    body = _action(client, "approve_selected", pending).content.decode()

    assert "2 products approved" in body
    assert set(Product.objects.values_list("moderation_status", flat=True)) == {Moderation.APPROVED}
    assert EmailLog.objects.filter(kind="catalog.moderation").count() == 2


def test_rejecting_asks_for_a_reason_first(client, support, vendor_a):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)
    client.force_login(support)

    asked = _action(client, "reject_selected", [product], index="0")
    empty = _action(client, "reject_selected", [product], apply="1", reason="  ")

    assert "Why is it rejected?" in asked.content.decode() and product.name in asked.content.decode()
    assert "This field is required" in empty.content.decode()
    assert Product.objects.get(pk=product.pk).moderation_status == Moderation.PENDING

    done = _action(client, "reject_selected", [product], apply="1", reason="Blurry photo.")

    assert "1 product rejected" in done.content.decode()
    product.refresh_from_db()
    assert (product.moderation_status, product.rejection_reason) == (Moderation.REJECTED, "Blurry photo.")
    assert "Blurry photo." in EmailLog.objects.get().body_text


def test_a_moderator_rejects_from_the_product_page(client, support, vendor_a):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)
    client.force_login(support)
    url = f"/admin/catalog/product/{product.pk}/reject/"

    assert "Why is it rejected?" in client.get(url).content.decode()
    response = client.post(url, {"apply": "1", "reason": "Wrong category."})

    assert response.status_code == 302 and response["Location"].endswith(f"/{product.pk}/change/")
    assert Product.objects.get(pk=product.pk).moderation_status == Moderation.REJECTED


def test_approving_an_approved_product_is_reported_not_raised(client, support, vendor_a):
    product = ProductFactory(vendor=vendor_a)
    client.force_login(support)

    response = client.post(f"/admin/catalog/product/{product.pk}/approve/", {"apply": "1"}, follow=True)

    assert "already approved" in response.content.decode()


def test_approving_from_the_product_page_asks_first_so_a_link_cannot_approve(client, support, vendor_a):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)
    client.force_login(support)
    url = f"/admin/catalog/product/{product.pk}/approve/"

    page = client.get(url)

    assert page.status_code == 200 and product.name in page.content.decode()
    assert Product.objects.get(pk=product.pk).moderation_status == Moderation.PENDING
    assert client.post(url, {"apply": "1"})["Location"].endswith(f"/{product.pk}/change/")
    assert Product.objects.get(pk=product.pk).moderation_status == Moderation.APPROVED


# --- bulk actions for sellers


def test_change_prices_by_percent_through_its_own_page(client, seller_a, vendor_a):
    a = ProductFactory(vendor=vendor_a, price=Money(100_000, "GNF"))
    b = ProductFactory(vendor=vendor_a, price=Money(33_333, "GNF"))
    client.force_login(seller_a)

    asked = _action(client, "change_price_selected", [a, b], index="0")
    junk = _action(client, "change_price_selected", [a, b], apply="1", percent="ten")
    done = _action(client, "change_price_selected", [a, b], apply="1", percent="5")

    assert "Change prices by (%)" in asked.content.decode()
    assert "Enter a number" in junk.content.decode()
    assert "2 prices changed" in done.content.decode()
    a.refresh_from_db()
    b.refresh_from_db()
    assert (a.price, b.price) == (Money(105_000, "GNF"), Money(35_000, "GNF"))  # 34 999.65 rounds up
    assert {a.moderation_status, b.moderation_status} == {Moderation.PENDING}


def test_a_price_that_would_reach_zero_is_answered_on_the_same_page(client, seller_a, vendor_a):
    product = ProductFactory(vendor=vendor_a, name="Sticker", price=Money(1, "GNF"))
    client.force_login(seller_a)

    response = _action(client, "change_price_selected", [product], apply="1", percent="-60")

    assert "above zero" in response.content.decode() and 'name="percent"' in response.content.decode()
    assert Product.objects.get(pk=product.pk).price == Money(1, "GNF")


def test_activate_and_deactivate_selected(client, seller_a, vendor_a):
    a, b = ProductFactory(vendor=vendor_a), ProductFactory(vendor=vendor_a, is_active=False)
    client.force_login(seller_a)

    assert "1 product deactivated" in _action(client, "deactivate_selected", [a, b]).content.decode()
    assert not Product.objects.filter(is_active=True).exists()
    assert "2 products activated" in _action(client, "activate_selected", [a, b]).content.decode()
    assert Product.objects.filter(is_active=True).count() == 2


def test_the_list_shows_thumbnail_sale_price_low_stock_and_moderation(client, seller_a, vendor_a):
    from datetime import timedelta

    from django.utils import timezone

    image = ProductImageFactory(product__vendor=vendor_a, product__stock=2, product__price=Money(100_000, "GNF"),
                                product__sale_price=Money(80_000, "GNF"),
                                product__sale_starts_at=timezone.now() - timedelta(days=1))
    client.force_login(seller_a)

    body = client.get(CHANGELIST).content.decode()

    assert image.thumbnail.url in body
    assert "<s" in body and "80,000" in body and "100,000" in body
    assert "bg-red-100" in body  # 2 in stock, threshold 5
    assert "Approved" in body


def test_filters_by_moderation_brand_and_price(client, support, vendor_a):
    ProductFactory(vendor=vendor_a, name="Cheap pending", brand="Oraimo", moderation_status=Moderation.PENDING,
                   price=Money(10_000, "GNF"))
    ProductFactory(vendor=vendor_a, name="Dear approved", brand="Samsung", price=Money(2_000_000, "GNF"))
    client.force_login(support)

    def names(query):
        return {p.name for p in client.get(CHANGELIST + query).context["cl"].result_list}

    assert names("?moderation_status__exact=pending") == {"Cheap pending"}
    assert names("?brand=Samsung") == {"Dear approved"}
    assert names("?price_from=1000000") == {"Dear approved"}


# --- performance


@pytest.fixture
def many_products(vendor_a):
    category = ServiceCategoryFactory()
    products = Product.objects.bulk_create([
        Product(vendor=vendor_a, category=category, name=f"Item {i}", slug=f"item-{i}", price=Money(1000 + i, "GNF"),
                stock=i % 8, moderation_status=Moderation.PENDING if i % 3 else Moderation.APPROVED)
        for i in range(110)])
    ProductImage.objects.bulk_create([ProductImage(product=p, image="x.png", thumbnail="thumb-x.png")
                                      for p in products])


def _queries(client, monkeypatch, per_page) -> int:
    monkeypatch.setattr(admin.site._registry[Product], "list_per_page", per_page)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(CHANGELIST)
    assert len(response.context["cl"].result_list) == per_page
    return len(queries)


@pytest.mark.parametrize("who", ["administrator", "seller_a"])
def test_changelist_queries_do_not_grow_with_page_size(client, monkeypatch, request, many_products, who):
    client.force_login(request.getfixturevalue(who))
    client.get(CHANGELIST)  # warms process-wide caches

    assert _queries(client, monkeypatch, 10) == _queries(client, monkeypatch, 100)
