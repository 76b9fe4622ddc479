"""Verified reviews: a buyer rates what they received, once; the seller may answer publicly."""

from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Avg, Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from apps.catalog.models import Product
from apps.core.exceptions import DomainError
from apps.notifications.services import email_queue
from apps.reviews.models import Review
from apps.reviews.selectors import review_order_item_for, review_refusal
from apps.vendors.models import Vendor, VendorMembership

LOW_RATING = 2  # this many stars or fewer: the seller hears about it at once
TEXT_MAX_LENGTH = 2000


class ReviewError(DomainError):
    pass


def _check_rating(rating) -> int:
    try:
        rating = int(rating)
    except (TypeError, ValueError):
        rating = 0
    if not 1 <= rating <= 5:
        raise ReviewError(_("Choose a rating from 1 to 5 stars."))
    return rating


def _refresh_rating(product: Product) -> None:
    stats = Review.objects.filter(product=product).aggregate(average=Avg("rating"), count=Count("id"))
    average = None if stats["average"] is None else Decimal(str(stats["average"])).quantize(Decimal("0.01"))
    # .update(): a new rating is not an edit of the product (no history row, no re-moderation)
    Product.objects.filter(pk=product.pk).update(rating_average=average, rating_count=stats["count"])


@transaction.atomic
def review_create(*, buyer, product_id: int, rating: int, text: str) -> Review:
    """Record a verified buyer's review and refresh the product's rating; 1-2 stars alert the seller."""
    rating = _check_rating(rating)
    text = (text or "").strip()
    if len(text) > TEXT_MAX_LENGTH:
        raise ReviewError(_("Keep your review under %(max)s characters.") % {"max": TEXT_MAX_LENGTH})
    # The product row lock serialises reviews of one product, so each average counts all the others.
    product = Product.objects.select_for_update().select_related("vendor").filter(pk=product_id).first()
    if product is None:
        raise ReviewError(_("This product does not exist."))
    refusal = review_refusal(buyer=buyer, product_id=product.pk)
    if refusal:
        raise ReviewError(refusal)
    try:
        with transaction.atomic():
            review = Review.objects.create(product=product, buyer=buyer, rating=rating, text=text,
                                           order_item=review_order_item_for(buyer=buyer, product_id=product.pk))
    except IntegrityError:
        raise ReviewError(_("You have already reviewed this product.")) from None
    _refresh_rating(product)
    if rating <= LOW_RATING:
        _alert_seller(review)
    return review


def _seller_addresses(vendor: Vendor) -> list[str]:
    owners = (VendorMembership.objects.filter(vendor=vendor, role=VendorMembership.Role.OWNER, user__is_active=True)
              .values_list("user__email", flat=True))
    addresses = [vendor.contact_email, *owners]
    return sorted({address.strip().lower() for address in addresses if address})


def _alert_seller(review: Review) -> None:
    product = review.product
    context = {"review": review, "product": product, "vendor": product.vendor,
               "reply_url": settings.SITE_URL + reverse("admin:reviews_review_change", args=[review.pk])}
    for address in _seller_addresses(product.vendor):
        email_queue(to=address, subject=_("A %(rating)s-star review of %(product)s")
                    % {"rating": review.rating, "product": product.name},
                    template="reviews/email/low_rating", context=context, kind="reviews.low_rating",
                    dedupe_key=f"review:{review.pk}:low:{address}", related_reference=f"review-{review.pk}")


@transaction.atomic
def review_reply(*, review_id: int, seller, text: str) -> Review:
    """The product's seller answers a review publicly (or rewrites the answer)."""
    review = Review.objects.select_for_update().select_related("product").get(pk=review_id)
    is_seller = VendorMembership.objects.filter(user=seller, vendor_id=review.product.vendor_id,
                                                vendor__status=Vendor.Status.ACTIVE).exists()
    if not is_seller:
        raise ReviewError(_("Only the seller of this product can reply to its reviews."))
    text = (text or "").strip()
    if not text:
        raise ReviewError(_("Write a reply."))
    if len(text) > TEXT_MAX_LENGTH:
        raise ReviewError(_("Keep your reply under %(max)s characters.") % {"max": TEXT_MAX_LENGTH})
    review.seller_reply, review.replied_at, review.replied_by = text, timezone.now(), seller
    review._history_user = seller  # simple-history: the acting user, also without an HTTP request
    review.save(update_fields=["seller_reply", "replied_at", "replied_by", "updated_at"])
    return review
