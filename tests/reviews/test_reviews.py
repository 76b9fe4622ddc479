from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone

from apps.catalog.models import Product
from apps.notifications.models import EmailLog
from apps.reviews.models import Review
from apps.reviews.services import ReviewError, review_create, review_reply
from tests.factories import MembershipFactory, ProductFactory, UserFactory, order_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def product(vendor_a):
    return ProductFactory(vendor=vendor_a, name="Tecno Spark 20")


def received(product, buyer=None, status="delivered"):
    """A buyer whose order of the product reached the given status."""
    order = order_for(product.vendor, buyer=buyer or UserFactory(full_name="Mariam Sylla"), status=status,
                      lines=[(product, 1)], delivered_at=timezone.now())
    return order.buyer


def test_a_buyer_who_received_the_product_reviews_it_once(product):
    buyer = received(product)
    review = review_create(buyer=buyer, product_id=product.pk, rating=4, text="  Solid phone  ")
    assert (review.rating, review.text, review.order_item.order.buyer) == (4, "Solid phone", buyer)
    with pytest.raises(ReviewError, match="You have already reviewed this product."):
        review_create(buyer=buyer, product_id=product.pk, rating=5, text="")
    assert Review.objects.count() == 1


def test_completed_orders_count_as_received(product):
    buyer = received(product, status="completed")
    assert review_create(buyer=buyer, product_id=product.pk, rating=5, text="").rating == 5


@pytest.mark.parametrize("status", ["placed", "confirmed", "ready", "out_for_delivery", "cancelled"])
def test_refused_before_the_order_is_delivered(product, status):
    buyer = received(product, status=status)
    with pytest.raises(ReviewError, match="once an order of it has been delivered to you"):
        review_create(buyer=buyer, product_id=product.pk, rating=5, text="")
    assert Review.objects.count() == 0


def test_refused_for_someone_who_never_bought_it(product):
    received(product)
    with pytest.raises(ReviewError, match="delivered to you"):
        review_create(buyer=UserFactory(), product_id=product.pk, rating=5, text="")


@pytest.mark.parametrize("rating", [0, 6, "x", None])
def test_rating_must_be_one_to_five(product, rating):
    buyer = received(product)
    with pytest.raises(ReviewError, match="Choose a rating from 1 to 5 stars."):
        review_create(buyer=buyer, product_id=product.pk, rating=rating, text="")


def test_unknown_product_is_a_clear_refusal():
    with pytest.raises(ReviewError, match="This product does not exist."):
        review_create(buyer=UserFactory(), product_id=999999, rating=5, text="")


def test_rating_average_and_count_follow_each_review(product):
    for rating in (5, 4, 4):
        review_create(buyer=received(product), product_id=product.pk, rating=rating, text="")
    product.refresh_from_db()
    assert (product.rating_average, product.rating_count) == (Decimal("4.33"), 3)
    assert product.history.count() == 1  # a rating is not an edit of the product


def test_low_rating_emails_the_vendor_and_its_owners(product, vendor_a, django_capture_on_commit_callbacks):
    owner = MembershipFactory(vendor=vendor_a, user__email="owner@example.com").user
    MembershipFactory(vendor=vendor_a, user__email="staff@example.com", role="staff")
    buyer = received(product)
    with django_capture_on_commit_callbacks(execute=True):
        review_create(buyer=buyer, product_id=product.pk, rating=2, text="Battery died in a week")
    recipients = sorted(message.to[0] for message in mail.outbox)
    assert recipients == sorted([vendor_a.contact_email, owner.email])
    assert "staff@example.com" not in recipients
    assert mail.outbox[0].subject == "A 2-star review of Tecno Spark 20"
    assert "Battery died in a week" in mail.outbox[0].body and "/admin/reviews/review/" in mail.outbox[0].body


def test_good_rating_sends_nothing(product, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        review_create(buyer=received(product), product_id=product.pk, rating=3, text="OK")
    assert mail.outbox == [] and EmailLog.objects.count() == 0


def test_the_products_seller_replies(product, seller_a):
    review = review_create(buyer=received(product), product_id=product.pk, rating=3, text="OK")
    review_reply(review_id=review.pk, seller=seller_a, text=" Thank you! ")
    review.refresh_from_db()
    assert (review.seller_reply, review.replied_by) == ("Thank you!", seller_a)
    assert review.replied_at is not None
    assert review.history.first().history_user == seller_a


def test_another_seller_or_the_buyer_cannot_reply(product, seller_b):
    buyer = received(product)
    review = review_create(buyer=buyer, product_id=product.pk, rating=3, text="OK")
    for intruder in (seller_b, buyer):
        with pytest.raises(ReviewError, match="Only the seller of this product can reply"):
            review_reply(review_id=review.pk, seller=intruder, text="Hello")
    assert Review.objects.get().seller_reply == ""


def test_an_empty_reply_is_refused(product, seller_a):
    review = review_create(buyer=received(product), product_id=product.pk, rating=3, text="OK")
    with pytest.raises(ReviewError, match="Write a reply."):
        review_reply(review_id=review.pk, seller=seller_a, text="   ")


def test_rating_is_stored_on_the_product_for_listing(product):
    review_create(buyer=received(product), product_id=product.pk, rating=1, text="")
    assert Product.objects.filter(rating_average=Decimal("1.00"), rating_count=1).exists()
