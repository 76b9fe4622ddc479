import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from djmoney.models.fields import MoneyField
from simple_history.models import HistoricalRecords

from apps.core.models import TimeStampedModel

# Read aloud and typed from paper: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"


def _reference(prefix: str) -> str:
    return f"{prefix}-{timezone.now():%Y}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))


def new_order_reference() -> str:
    return _reference("ORD")


def new_checkout_reference() -> str:
    return _reference("CHK")


def money_field(verbose_name, **kwargs):
    return MoneyField(verbose_name, max_digits=14, decimal_places=2, default_currency=settings.BASE_CURRENCY, **kwargs)


class Cart(TimeStampedModel):
    """A guest's cart lives with the session; at sign-in it is merged into the account's cart."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, null=True, blank=True,
                                related_name="cart")
    session_key = models.CharField(max_length=64, null=True, blank=True, unique=True)

    class Meta:
        constraints = [models.CheckConstraint(
            condition=models.Q(user__isnull=False) | models.Q(session_key__isnull=False), name="orders_cart_has_owner")]

    def __str__(self):
        return f"cart of {self.user or self.session_key}"


class CartItem(models.Model):
    cart = models.ForeignKey(Cart, on_delete=models.CASCADE, related_name="items")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    quantity = models.PositiveIntegerField(default=1)
    added_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["added_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["cart", "product"], name="orders_cartitem_unique_product"),
            models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orders_cartitem_quantity_positive"),
        ]


class Favorite(models.Model):
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="favorites")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="favorited_by")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        constraints = [models.UniqueConstraint(fields=["user", "product"], name="orders_favorite_unique")]


class Checkout(TimeStampedModel):
    """One buyer's checkout: it splits into one order per seller."""

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_checkout_reference,
                                 editable=False)
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="checkouts",
                              verbose_name=_("buyer"))
    promo_code = models.CharField(_("promo code"), max_length=40, blank=True)
    points_redeemed = models.PositiveIntegerField(_("points redeemed"), default=0)
    payment = models.OneToOneField("payments.Payment", on_delete=models.PROTECT, null=True, blank=True,
                                   related_name="checkout", verbose_name=_("online payment"))

    class Meta:
        verbose_name = _("checkout")
        verbose_name_plural = _("checkouts")
        ordering = ["-created_at"]

    def __str__(self):
        return self.reference


class Order(TimeStampedModel):
    """What one seller has to deliver to one buyer, priced at checkout time."""

    vendor_path = "vendor"

    class Status(models.TextChoices):
        PLACED = "placed", _("Placed")
        CONFIRMED = "confirmed", _("Confirmed")
        READY = "ready", _("Ready")
        OUT_FOR_DELIVERY = "out_for_delivery", _("Out for delivery")
        DELIVERED = "delivered", _("Delivered")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    class DeliveryMode(models.TextChoices):
        HOME = "home", _("Home delivery")
        PICKUP = "pickup", _("Pickup at the store")

    class CommissionPayer(models.TextChoices):
        CUSTOMER = "customer", _("Customer")
        SELLER = "seller", _("Seller")

    class PaymentStatus(models.TextChoices):
        ON_DELIVERY = "on_delivery", _("Cash on delivery")
        PENDING = "pending", _("Awaiting online payment")
        PAID = "paid", _("Paid")
        REFUNDED = "refunded", _("Refunded")

    CASH_ON_DELIVERY = "cash_on_delivery"

    reference = models.CharField(_("reference"), max_length=20, unique=True, default=new_order_reference,
                                 editable=False)
    checkout = models.ForeignKey(Checkout, on_delete=models.PROTECT, related_name="orders", verbose_name=_("checkout"))
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.PROTECT, related_name="orders",
                               verbose_name=_("vendor"))
    buyer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="orders",
                              verbose_name=_("buyer"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.PLACED,
                              db_index=True)
    delivery_mode = models.CharField(_("delivery mode"), max_length=10, choices=DeliveryMode.choices,
                                     default=DeliveryMode.HOME)
    payment_method = models.CharField(_("payment method"), max_length=32, default=CASH_ON_DELIVERY,
                                      help_text=_("cash_on_delivery or an online gateway code"))
    payment_status = models.CharField(_("payment"), max_length=12, choices=PaymentStatus.choices,
                                      default=PaymentStatus.ON_DELIVERY)
    commission_payer = models.CharField(_("delivery commission paid by"), max_length=10,
                                        choices=CommissionPayer.choices, default=CommissionPayer.CUSTOMER)
    address = models.ForeignKey("geo.Address", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="orders", verbose_name=_("delivery address"))
    # the address as it was when ordered: editing the address book later must not move a parcel
    delivery_address = models.TextField(_("delivered to"), blank=True)
    recipient_name = models.CharField(_("recipient"), max_length=150, blank=True)
    recipient_phone = models.CharField(_("recipient phone"), max_length=32, blank=True)
    subtotal = money_field(_("subtotal"))
    discount = money_field(_("promo discount"), default=0)
    points_redeemed = models.PositiveIntegerField(_("points redeemed"), default=0)
    points_discount = money_field(_("points discount"), default=0)
    delivery_fee = money_field(_("delivery commission charged"), default=0)
    total = money_field(_("total"))
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    delivered_at = models.DateTimeField(_("delivered at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)
    cancel_reason = models.TextField(_("cancellation reason"), blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("order")
        verbose_name_plural = _("orders")
        ordering = ["-created_at"]
        indexes = [
            models.Index(fields=["vendor", "status", "-created_at"], name="orders_vendor_status_created"),
            models.Index(fields=["buyer", "-created_at"], name="orders_buyer_created"),
        ]

    def __str__(self):
        return self.reference


class OrderItem(models.Model):
    vendor_path = "order__vendor"

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="items", verbose_name=_("order"))
    product = models.ForeignKey("catalog.Product", on_delete=models.PROTECT, related_name="order_items",
                                verbose_name=_("product"))
    product_name = models.CharField(_("product"), max_length=150)
    unit_price = money_field(_("unit price"))
    quantity = models.PositiveIntegerField(_("quantity"))
    line_total = money_field(_("line total"))

    class Meta:
        verbose_name = _("order line")
        verbose_name_plural = _("order lines")
        ordering = ["order", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(quantity__gte=1), name="orders_item_quantity_positive")]

    def __str__(self):
        return f"{self.quantity} × {self.product_name}"


class OrderStatusChange(models.Model):
    """One step of an order's timeline."""

    order = models.ForeignKey(Order, on_delete=models.CASCADE, related_name="timeline")
    from_status = models.CharField(max_length=20, choices=Order.Status.choices, blank=True)
    to_status = models.CharField(max_length=20, choices=Order.Status.choices)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+")
    note = models.TextField(blank=True)
    created_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self):
        return f"{self.order} → {self.get_to_status_display()}"
