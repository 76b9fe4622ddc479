"""Every write to products: creation, edits that re-enter moderation, moderation, bulk changes and images.

Buyers only see what a moderator approved (Product.objects.visible()), so any change to what they
read or pay (Product.MODERATED_FIELDS, or the photos) sends an approved or rejected product back to
pending until a moderator looks at it again.
"""

import os
from decimal import ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from djmoney.models.fields import MoneyField
from djmoney.money import Money

from apps.catalog.models import Product, ProductImage
from apps.core.exceptions import DomainError
from apps.core.images import reencoded_image
from apps.core.validators import validate_image
from apps.notifications.services import email_queue
from apps.vendors.models import VendorMembership

Moderation = Product.Moderation
MODERATE_PERMISSION = "catalog.moderate_product"
THUMBNAIL_MAX_PX = 400

ALLOWED = {
    Moderation.PENDING: {Moderation.APPROVED, Moderation.REJECTED},
    # an approved product can be taken down, and a rejected one reconsidered without an edit
    Moderation.APPROVED: {Moderation.PENDING, Moderation.REJECTED},
    Moderation.REJECTED: {Moderation.PENDING, Moderation.APPROVED},
}

# Set by moderation and by reviews, never by whoever edits the product; products never change vendor
# (their photos are filed under it).
PROTECTED_FIELDS = frozenset({"vendor", "moderation_status", "rejection_reason", "moderated_at", "moderated_by",
                              "rating_average", "rating_count"})
EDITABLE_FIELDS = frozenset(f.name for f in Product._meta.concrete_fields if f.editable) - PROTECTED_FIELDS - {"id"}

# A price at or above this no longer fits the column (max_digits=14, decimal_places=2).
PRICE_CEILING = Decimal(10) ** 12


class ProductError(DomainError):
    pass


# --- the moderation rule, shared with the import resource
def moderation_snapshot(product: Product) -> dict:
    """What buyers read or pay, to compare before and after a change."""
    return {name: getattr(product, name) for name in Product.MODERATED_FIELDS}


def send_back_to_review(product: Product) -> list[str]:
    """Make an approved or rejected product pending again (in memory); returns the fields to save."""
    if product.moderation_status == Moderation.PENDING:
        return []
    _check(product, Moderation.PENDING)
    product.moderation_status, product.rejection_reason = Moderation.PENDING, ""
    return ["moderation_status", "rejection_reason"]


def _check(product: Product, to_status: str) -> None:
    if to_status not in ALLOWED[product.moderation_status]:
        raise ProductError(_("“%(name)s” is already %(status)s.")
                           % {"name": product.name, "status": product.get_moderation_status_display().lower()})


def _lock(product_id: int) -> Product:
    return Product.objects.select_for_update().get(pk=product_id)


def _check_fields(fields: dict) -> None:
    protected = sorted(PROTECTED_FIELDS & fields.keys())
    if protected:
        raise ProductError(_("These fields are not changed by editing a product: %(fields)s.")
                           % {"fields": ", ".join(protected)})
    unknown = sorted(fields.keys() - EDITABLE_FIELDS)
    if unknown:
        raise ProductError(_("Products have no field named %(fields)s.") % {"fields": ", ".join(unknown)})


def _columns(names) -> list[str]:
    """Field names to save: a MoneyField also saves its currency column."""
    columns = []
    for name in names:
        columns.append(name)
        if isinstance(Product._meta.get_field(name), MoneyField):
            columns.append(f"{name}_currency")
    return columns


def _apply_changes(product: Product, changes: dict, actor) -> Product:
    before = moderation_snapshot(product)
    for name, value in changes.items():
        setattr(product, name, value)
    update_fields = [*_columns(changes), "updated_at"]
    if moderation_snapshot(product) != before:
        update_fields += send_back_to_review(product)
    product._history_user = actor  # simple-history: the acting user, also outside a request
    product.save(update_fields=update_fields)
    return product


# --- creating and editing
@transaction.atomic
def product_create(*, vendor, actor, **fields) -> Product:
    """A new product of this vendor; buyers see it once a moderator approved it."""
    _check_fields(fields)
    product = Product(vendor=vendor, moderation_status=Moderation.PENDING, **fields)
    product._history_user = actor
    product.save()
    return product


@transaction.atomic
def product_update(*, product_id: int, actor, changes: dict) -> Product:
    """Apply the changes; a change to what buyers read or pay sends the product back to review."""
    _check_fields(changes)
    return _apply_changes(_lock(product_id), changes, actor)


@transaction.atomic
def product_set_active(*, product_ids, active: bool, actor) -> int:
    """Put products on or off sale (buyers still only see approved ones); returns how many changed."""
    products = Product.objects.select_for_update().filter(pk__in=product_ids).exclude(is_active=active)
    changed = 0
    for product in products.order_by("pk"):  # one lock order for everyone: no deadlock between two bulk edits
        _apply_changes(product, {"is_active": active}, actor)
        changed += 1
    return changed


def _scaled(amount: Money, factor: Decimal) -> Money:
    minor_unit = Decimal(1).scaleb(-get_currency_precision(amount.currency.code))
    return Money((amount.amount * factor).quantize(minor_unit, rounding=ROUND_HALF_UP), amount.currency)


@transaction.atomic
def product_change_price_percent(*, product_ids, percent: Decimal, actor) -> list[Product]:
    """Raise or lower prices (and running sale prices) by a percentage, rounded to the currency's minor unit.

    All or nothing: if one product would end at zero or below, none changes. Like any price change,
    the products go back to review.
    """
    percent = Decimal(percent)
    if not percent:
        raise ProductError(_("A change of 0 % would change nothing."))
    factor = 1 + percent / 100
    products = list(Product.objects.select_for_update().filter(pk__in=product_ids).order_by("pk"))
    changes = {}
    for product in products:
        change = {"price": _scaled(product.price, factor)}
        if product.sale_price is not None:
            # a sale price left alone would end above a lowered price, and the sale would silently stop
            change["sale_price"] = _scaled(product.sale_price, factor)
        for new_price in change.values():
            if new_price.amount <= 0:
                raise ProductError(_("“%(name)s” would cost %(price)s: a price must stay above zero. "
                                     "No price was changed.") % {"name": product.name, "price": new_price})
            if new_price.amount >= PRICE_CEILING:
                raise ProductError(_("“%(name)s” would cost more than the largest price allowed. "
                                     "No price was changed.") % {"name": product.name})
        changes[product.pk] = change
    return [_apply_changes(product, changes[product.pk], actor) for product in products]


# --- moderation
def _moderate(product_id: int, moderator, to_status: str, *, reason: str) -> Product:
    if not moderator.has_perm(MODERATE_PERMISSION):
        raise ProductError(_("Only moderators may approve or reject products."))
    product = Product.objects.select_for_update().select_related("vendor").get(pk=product_id)
    if VendorMembership.objects.filter(vendor_id=product.vendor_id, user=moderator).exists():
        raise ProductError(_("You work for %(vendor)s: another moderator has to review its products.")
                           % {"vendor": product.vendor.name})
    _check(product, to_status)
    product.moderation_status, product.rejection_reason = to_status, reason
    product.moderated_at, product.moderated_by = timezone.now(), moderator
    product._history_user = moderator
    product.save(update_fields=["moderation_status", "rejection_reason", "moderated_at", "moderated_by",
                                "updated_at"])
    return product


@transaction.atomic
def product_approve(*, product_id: int, moderator) -> Product:
    """Let buyers see the product as it is now, and tell the seller."""
    product = _moderate(product_id, moderator, Moderation.APPROVED, reason="")
    _notify_seller(product, subject=_("“%(name)s” is approved and on sale") % {"name": product.name},
                   template="catalog/email/product_approved")
    return product


@transaction.atomic
def product_reject(*, product_id: int, moderator, reason: str) -> Product:
    """Keep the product off the shop, and tell the seller why so they can fix it."""
    reason = (reason or "").strip()
    if not reason:
        raise ProductError(_("Say why the product is rejected: the seller needs to know what to fix."))
    product = _moderate(product_id, moderator, Moderation.REJECTED, reason=reason)
    _notify_seller(product, subject=_("“%(name)s” needs changes before it can be sold") % {"name": product.name},
                   template="catalog/email/product_rejected")
    return product


def _seller_addresses(vendor) -> list[str]:
    owners = VendorMembership.objects.filter(vendor=vendor, role=VendorMembership.Role.OWNER, user__is_active=True)
    addresses = {}
    for address in [vendor.contact_email, *owners.order_by("user__email").values_list("user__email", flat=True)]:
        if address:
            addresses.setdefault(address.lower(), address)
    return list(addresses.values())


def _notify_seller(product: Product, *, subject: str, template: str) -> None:
    # No dedupe key: the transition map already refuses a second approval or rejection of the same content.
    context = {"product": product, "vendor": product.vendor,
               "admin_url": settings.SITE_URL.rstrip("/") + reverse("admin:catalog_product_change", args=[product.pk])}
    for address in _seller_addresses(product.vendor):
        email_queue(to=address, subject=subject, template=template, context=context, kind="catalog.moderation",
                    related_reference=f"product:{product.pk}")


# --- images
def attach_image_files(image: ProductImage, file) -> None:
    """The photo (re-encoded and renamed by its field) and its thumbnail, named after it."""
    image.image.save("upload", file, save=False)
    thumbnail = reencoded_image(file, max_px=THUMBNAIL_MAX_PX)
    image.thumbnail.save(f"thumb-{os.path.basename(image.image.name)}", thumbnail, save=False)


def _review_after_photo_change(product: Product, actor) -> None:
    fields = send_back_to_review(product)
    if fields:
        product._history_user = actor
        product.save(update_fields=[*fields, "updated_at"])


@transaction.atomic
def product_image_add(*, product: Product, file, alt_text: str, actor, sort_order: int | None = None) -> ProductImage:
    """Attach a checked photo with its thumbnail; a new photo sends the product back to review."""
    try:
        validate_image(file)
    except ValidationError as error:
        raise ProductError(" ".join(error.messages)) from None
    product = _lock(product.pk)
    if sort_order is None:
        last = product.images.aggregate(last=Max("sort_order"))["last"]
        sort_order = 0 if last is None else last + 1
    image = ProductImage(product=product, alt_text=alt_text, sort_order=sort_order)
    attach_image_files(image, file)
    image._history_user = actor
    image.save()
    _review_after_photo_change(product, actor)
    return image


@transaction.atomic
def product_image_update(*, image_id: int, actor, alt_text: str, sort_order: int) -> ProductImage:
    """Change a photo's description or position; the photo itself is unchanged, so no new review."""
    image = ProductImage.objects.select_for_update().get(pk=image_id)
    image.alt_text, image.sort_order = alt_text, sort_order
    image._history_user = actor
    image.save(update_fields=["alt_text", "sort_order", "updated_at"])
    return image


@transaction.atomic
def product_image_remove(*, image_id: int, actor) -> None:
    """Delete a photo and its files; the product goes back to review."""
    image = ProductImage.objects.select_for_update().get(pk=image_id)
    product = _lock(image.product_id)
    files = [field for field in (image.image, image.thumbnail) if field]
    image._history_user = actor
    image.delete()
    _review_after_photo_change(product, actor)
    # the files go only once the row is gone for good
    transaction.on_commit(lambda: _delete_files(files))


def _delete_files(files) -> None:
    for field in files:
        field.storage.delete(field.name)
