"""Product services: buyers only see what a moderator approved, and any change to it is reviewed again."""

from decimal import Decimal
from io import BytesIO

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from djmoney.money import Money
from PIL import Image

from apps.accounts.roles import Role
from apps.catalog import products
from apps.catalog.models import Product
from apps.notifications.models import EmailLog
from apps.vendors.services import vendor_set_status
from tests.factories import MembershipFactory, ProductFactory, ProductImageFactory, ServiceCategoryFactory, UserFactory

Moderation = Product.Moderation


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def moderator(db):
    return UserFactory(email="moderator@example.com", roles=[Role.SUPPORT])


def _png(size=(800, 600)) -> SimpleUploadedFile:
    buffer = BytesIO()
    Image.new("RGB", size, "teal").save(buffer, format="PNG")
    return SimpleUploadedFile("photo.png", buffer.getvalue(), content_type="image/png")


def _visible(product) -> bool:
    return Product.objects.visible().filter(pk=product.pk).exists()


def test_a_new_product_waits_for_review_and_buyers_do_not_see_it(vendor_a, seller_a):
    product = products.product_create(vendor=vendor_a, actor=seller_a, category=ServiceCategoryFactory(),
                                      name="Solar lantern", slug="solar-lantern", price=Money(350_000, "GNF"), stock=5)

    assert product.moderation_status == Moderation.PENDING
    assert not _visible(product)
    assert product.history.latest().history_user == seller_a


def test_approval_makes_the_product_visible_and_tells_the_seller(vendor_a, seller_a, moderator):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)

    products.product_approve(product_id=product.pk, moderator=moderator)

    product.refresh_from_db()
    assert product.moderation_status == Moderation.APPROVED and product.moderated_by == moderator
    assert _visible(product)
    mails = EmailLog.objects.filter(kind="catalog.moderation")
    # the vendor's contact address and its owner
    assert sorted(mails.values_list("to", flat=True)) == sorted([vendor_a.contact_email, seller_a.email])
    assert all("is approved" in mail.subject and product.name in mail.body_text for mail in mails)


def test_a_price_change_sends_an_approved_product_back_to_review(vendor_a, seller_a):
    product = ProductFactory(vendor=vendor_a)
    assert _visible(product)

    products.product_update(product_id=product.pk, actor=seller_a, changes={"price": Money(60_000, "GNF")})

    product.refresh_from_db()
    assert product.moderation_status == Moderation.PENDING and product.price == Money(60_000, "GNF")
    assert not _visible(product)


@pytest.mark.parametrize("changes", [{"name": "New name"}, {"description": "Now with a free case."},
                                     {"price": Money(50_000, "EUR")}])
def test_every_moderated_field_reenters_review(vendor_a, seller_a, changes):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.REJECTED, rejection_reason="Blurry")

    products.product_update(product_id=product.pk, actor=seller_a, changes=changes)

    product.refresh_from_db()
    assert (product.moderation_status, product.rejection_reason) == (Moderation.PENDING, "")


def test_stock_and_sale_changes_keep_the_approval(vendor_a, seller_a):
    product = ProductFactory(vendor=vendor_a)

    products.product_update(product_id=product.pk, actor=seller_a,
                            changes={"stock": 3, "sale_price": Money(40_000, "GNF"), "colour": "red"})

    product.refresh_from_db()
    assert product.moderation_status == Moderation.APPROVED and product.stock == 3 and _visible(product)


def test_editing_cannot_set_the_moderation_state(vendor_a, seller_a):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)

    with pytest.raises(products.ProductError, match="moderation_status"):
        products.product_update(product_id=product.pk, actor=seller_a,
                                changes={"moderation_status": Moderation.APPROVED})
    with pytest.raises(products.ProductError, match="moderation_status"):
        products.product_create(vendor=vendor_a, actor=seller_a, category=product.category, name="X", slug="x",
                                price=Money(1, "GNF"), moderation_status=Moderation.APPROVED)
    assert Product.objects.get(pk=product.pk).moderation_status == Moderation.PENDING


def test_rejection_needs_a_reason_and_tells_the_seller_what_to_fix(vendor_a, seller_a, moderator):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)

    with pytest.raises(products.ProductError, match="Say why"):
        products.product_reject(product_id=product.pk, moderator=moderator, reason="   ")
    assert Product.objects.get(pk=product.pk).moderation_status == Moderation.PENDING
    assert not EmailLog.objects.exists()

    products.product_reject(product_id=product.pk, moderator=moderator, reason="The photo shows another phone.")

    product.refresh_from_db()
    assert product.moderation_status == Moderation.REJECTED
    assert product.rejection_reason == "The photo shows another phone."
    mail = EmailLog.objects.get(to=seller_a.email)
    assert "needs changes" in mail.subject and "The photo shows another phone." in mail.body_text


def test_a_seller_without_the_permission_cannot_approve(vendor_a, seller_a):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)

    with pytest.raises(products.ProductError, match="Only moderators"):
        products.product_approve(product_id=product.pk, moderator=seller_a)
    assert not _visible(product)


def test_a_moderator_cannot_approve_a_product_of_their_own_vendor(vendor_a, moderator):
    MembershipFactory(vendor=vendor_a, user=moderator)
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)

    with pytest.raises(products.ProductError, match="another moderator"):
        products.product_approve(product_id=product.pk, moderator=moderator)
    assert not _visible(product)


def test_approving_twice_is_refused_and_sends_one_email(vendor_a, moderator):
    product = ProductFactory(vendor=vendor_a, moderation_status=Moderation.PENDING)  # a vendor with no owner yet
    products.product_approve(product_id=product.pk, moderator=moderator)

    with pytest.raises(products.ProductError, match="already approved"):
        products.product_approve(product_id=product.pk, moderator=moderator)
    assert EmailLog.objects.count() == 1


def test_products_of_a_suspended_vendor_or_switched_off_are_hidden(vendor_a, vendor_b, seller_a):
    switched_off, suspended = ProductFactory(vendor=vendor_a), ProductFactory(vendor=vendor_b)

    assert products.product_set_active(product_ids=[switched_off.pk], active=False, actor=seller_a) == 1
    vendor_set_status(vendor_id=vendor_b.pk, status="suspended")

    assert not _visible(switched_off) and not _visible(suspended)


def test_set_active_counts_only_real_changes_and_keeps_the_approval(vendor_a, seller_a):
    on, off = ProductFactory(vendor=vendor_a), ProductFactory(vendor=vendor_a, is_active=False)

    assert products.product_set_active(product_ids=[on.pk, off.pk], active=True, actor=seller_a) == 1

    off.refresh_from_db()
    assert off.is_active and off.moderation_status == Moderation.APPROVED and _visible(off)


def test_price_change_by_percent_rounds_to_the_currency_and_reenters_review(vendor_a, seller_a):
    gnf = ProductFactory(vendor=vendor_a, price=Money(99_999, "GNF"), sale_price=Money(80_001, "GNF"))
    eur = ProductFactory(vendor=vendor_a, price=Money("19.99", "EUR"))

    products.product_change_price_percent(product_ids=[gnf.pk, eur.pk], percent=Decimal("-10"), actor=seller_a)

    gnf.refresh_from_db()
    eur.refresh_from_db()
    assert gnf.price == Money(89_999, "GNF")  # 89 999.1: GNF has no minor unit
    assert gnf.sale_price == Money(72_001, "GNF")  # 72 000.9
    assert eur.price == Money("17.99", "EUR")  # 17.991 -> cents
    assert {gnf.moderation_status, eur.moderation_status} == {Moderation.PENDING}


def test_price_change_by_percent_is_all_or_nothing(vendor_a, seller_a):
    cheap = ProductFactory(vendor=vendor_a, name="Sticker", price=Money(1, "GNF"))
    dear = ProductFactory(vendor=vendor_a, price=Money(100_000, "GNF"))

    with pytest.raises(products.ProductError, match="Sticker.*above zero"):
        products.product_change_price_percent(product_ids=[cheap.pk, dear.pk], percent=Decimal("-60"),
                                              actor=seller_a)

    dear.refresh_from_db()
    assert dear.price == Money(100_000, "GNF") and dear.moderation_status == Moderation.APPROVED


def test_price_change_of_zero_percent_is_refused(vendor_a, seller_a):
    product = ProductFactory(vendor=vendor_a)

    with pytest.raises(products.ProductError, match="0 %"):
        products.product_change_price_percent(product_ids=[product.pk], percent=Decimal("0"), actor=seller_a)


def test_adding_or_removing_a_photo_reenters_review(vendor_a, seller_a):
    product = ProductFactory(vendor=vendor_a)

    image = products.product_image_add(product=product, file=_png(), alt_text="Front", actor=seller_a)

    product.refresh_from_db()
    assert product.moderation_status == Moderation.PENDING
    Product.objects.filter(pk=product.pk).update(moderation_status=Moderation.APPROVED)

    products.product_image_remove(image_id=image.pk, actor=seller_a)

    product.refresh_from_db()
    assert product.moderation_status == Moderation.PENDING and not product.images.exists()


def test_a_new_description_of_a_photo_keeps_the_approval(vendor_a, seller_a):
    image = ProductImageFactory(product__vendor=vendor_a)

    products.product_image_update(image_id=image.pk, actor=seller_a, alt_text="Side view", sort_order=3)

    image.refresh_from_db()
    assert (image.alt_text, image.sort_order) == ("Side view", 3)
    assert image.product.moderation_status == Moderation.APPROVED
