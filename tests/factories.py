import factory
from djmoney.money import Money
from django.contrib.auth.models import Group
from django.utils import timezone

from apps.accounts.models import User
from apps.vendors.models import Vendor, VendorMembership

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    full_name = factory.Faker("name")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted is not False:
            from apps.accounts.services import user_mark_email_verified

            user_mark_email_verified(user=self)

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            from apps.accounts.services import user_set_roles

            user_set_roles(user=self, roles=list(extracted))
        if create:
            self.save()


class VendorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Vendor

    name = factory.Sequence(lambda n: f"Vendor {n}")
    slug = factory.Sequence(lambda n: f"vendor-{n}")
    description = factory.Faker("sentence")
    contact_email = factory.Sequence(lambda n: f"shop{n}@example.com")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VendorMembership

    vendor = factory.SubFactory(VendorFactory)
    user = factory.SubFactory(UserFactory, roles=["Seller"])
    role = VendorMembership.Role.OWNER


def group(name: str) -> Group:
    return Group.objects.get(name=name)


class ServiceCategoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.ServiceCategory"
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Category {n}")
    slug = factory.Sequence(lambda n: f"category-{n}")


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Service"

    vendor = factory.SubFactory(VendorFactory)
    category = factory.SubFactory(ServiceCategoryFactory)
    name = factory.Sequence(lambda n: f"Service {n}")
    slug = factory.Sequence(lambda n: f"service-{n}")
    short_description = "A useful service"
    base_price = Money(150000, "GNF")


class ServiceTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.ServiceTier"

    service = factory.SubFactory(ServiceFactory)
    name = factory.Sequence(lambda n: f"Tier {n}")
    price = Money(250000, "GNF")


class AffiliateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "affiliates.Affiliate"

    user = factory.SubFactory(UserFactory)
    code = factory.Sequence(lambda n: f"PARTNER{n:03d}")
    commission_rate = "10.00"
    is_active = True


class CommissionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "affiliates.Commission"

    affiliate = factory.SubFactory(AffiliateFactory)
    reference = factory.Sequence(lambda n: f"SR-{n:06d}")
    base_amount = Money(200000, "GNF")
    rate = "10.00"
    amount = Money(20000, "GNF")


class EmailLogFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.EmailLog"

    to = factory.Sequence(lambda n: f"customer{n}@example.com")
    subject = "Your request is confirmed"
    body_text = "Hello"
    kind = "tests.example"


class PaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "payments.Payment"

    gateway = "sandbox"
    purpose = "test_purchase"
    reference = factory.Sequence(lambda n: f"REF-{n:06d}")
    amount = Money(150000, "GNF")
    customer_email = "buyer@example.com"
    description = factory.Sequence(lambda n: f"Payment {n}")
    return_url = "/paid/"
    retry_url = "/try-again/"

    class Params:
        completed = factory.Trait(status="completed", completed_at=factory.LazyFunction(timezone.now))
        refunded = factory.Trait(completed=True, status="refunded", refunded_at=factory.LazyFunction(timezone.now))


def service_request_for(vendor, **fields):
    """A paid service request of this vendor, built the way the payment handler builds one."""
    from apps.payments.models import Payment
    from apps.servicedesk.models import Purchase, ServiceRequest

    service = ServiceFactory(vendor=vendor, name=f"{vendor.name} consulting")
    purchase = Purchase.objects.create(service=service, full_name=f"{vendor.name} client", email="client@example.com",
                                       phone="+224 620 00 00 00", amount=service.base_price)
    payment = PaymentFactory(vendor=vendor, purpose="service_purchase", reference=str(purchase.token),
                             amount=service.base_price, status=Payment.Status.COMPLETED, completed_at=timezone.now())
    return ServiceRequest.objects.create(
        purchase=purchase, payment=payment, vendor=vendor, service=service, full_name=purchase.full_name,
        email=purchase.email, phone=purchase.phone, amount=purchase.amount,
        **{"status": ServiceRequest.Status.PENDING_CONTACT, **fields})


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.Product"

    vendor = factory.SubFactory(VendorFactory)
    category = factory.SubFactory(ServiceCategoryFactory)
    name = factory.Sequence(lambda n: f"Product {n}")
    slug = factory.Sequence(lambda n: f"product-{n}")
    price = Money(50000, "GNF")
    stock = 10
    moderation_status = "approved"


def order_for(vendor, buyer=None, status="placed", lines=None, **fields):
    """An order of this vendor as checkout leaves it (stock already taken), priced from its lines.

    lines: [(product, quantity)], one product of the vendor by default; other Order fields as keywords
    (checkout=... puts several orders in one checkout).
    """
    from apps.orders.models import Checkout, Order, OrderItem, OrderStatusChange

    buyer = buyer or UserFactory()
    lines = lines or [(ProductFactory(vendor=vendor, name=f"{vendor.name} product"), 1)]
    checkout = fields.pop("checkout", None) or Checkout.objects.create(buyer=buyer)
    priced = [(product, quantity, product.current_price()) for product, quantity in lines]
    subtotal = sum((price * quantity for _product, quantity, price in priced), Money(0, "GNF"))
    fields.setdefault("total", subtotal - fields.get("discount", Money(0, "GNF"))
                      - fields.get("points_discount", Money(0, "GNF")) + fields.get("delivery_fee", Money(0, "GNF")))
    order = Order.objects.create(
        checkout=checkout, vendor=vendor, buyer=buyer, status=status, subtotal=subtotal,
        recipient_name=buyer.full_name, recipient_phone="+224 620 00 00 00",
        delivery_address="Rue KA-020, near the Kaloum market\nKaloum, Conakry", **fields)
    OrderItem.objects.bulk_create([
        OrderItem(order=order, product=product, product_name=product.name, unit_price=price, quantity=quantity,
                  line_total=price * quantity)
        for product, quantity, price in priced])
    OrderStatusChange.objects.create(order=order, to_status="placed", actor=buyer)
    return order


class PromoCodeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "promotions.PromoCode"

    code = factory.Sequence(lambda n: f"PROMO{n:03d}")
    kind = "percent"
    percent_off = "10.00"

    class Params:
        fixed = factory.Trait(kind="fixed", percent_off=None, amount_off=Money(5000, "GNF"))


def review_for(vendor, buyer=None, rating=4, text="Good value", **fields):
    """A verified review of one of this vendor's products, by a buyer whose order of it was delivered."""
    from apps.reviews.models import Review

    order = order_for(vendor, buyer=buyer, status="delivered", delivered_at=timezone.now())
    item = order.items.get()
    return Review.objects.create(product=item.product, buyer=order.buyer, order_item=item, rating=rating, text=text,
                                 **fields)


class ProductImageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "catalog.ProductImage"

    product = factory.SubFactory(ProductFactory)
    image = factory.django.ImageField(width=800, height=600, color="teal", format="PNG")
    thumbnail = factory.django.ImageField(width=400, height=300, color="teal", format="PNG")
    alt_text = factory.Sequence(lambda n: f"Photo {n}")


# --- Cart and checkout


def cart_with(user, *lines):
    """The user's cart holding [(product, quantity)] lines, in that order."""
    from apps.orders.models import Cart, CartItem

    cart = Cart.objects.get_or_create(user=user)[0]
    for product, quantity in lines:
        CartItem.objects.create(cart=cart, product=product, quantity=quantity)
    return cart


def address_for(user, **fields):
    """A delivery address of the user's address book, in Kaloum (Conakry)."""
    from apps.geo.models import Address, Prefecture

    prefecture = Prefecture.objects.select_related("region").get(code="gn-conakry-conakry")
    return Address.objects.create(**{
        "user": user, "full_name": user.full_name or "Mariam Sylla", "phone": "+224 620 11 22 33",
        "region": prefecture.region, "prefecture": prefecture, "street": "Rue KA-020",
        "landmark": "Near the Kaloum market", **fields})


def checkout_for(buyer, cart=None, **choices):
    """Place the buyer's cart: pickup and cash on delivery unless told otherwise."""
    from apps.orders.checkout import checkout_place

    return checkout_place(buyer=buyer, cart=cart or buyer.cart, **{
        "delivery_mode": "pickup", "address": None, "payment_method": "cash_on_delivery",
        "commission_payer": "customer", **choices})


class NotificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "notifications.Notification"

    user = factory.SubFactory(UserFactory)
    kind = "tests.news"
    title = factory.Sequence(lambda n: f"News {n}")
    body = "Something happened."
    url = "/shop/"


class ForecastRunFactory(factory.django.DjangoModelFactory):
    """A queued daily forecast of one vendor's sales."""

    class Meta:
        model = "forecasts.ForecastRun"

    scope = "vendor"
    vendor = factory.SubFactory(VendorFactory)
    frequency = "day"
    horizon = 14


# --- Returns


def return_for(vendor, buyer=None, status="requested", order=None, **fields):
    """A return of a delivered, paid order of this vendor (its timeline holds the request)."""
    from apps.returns.models import ReturnRequest, ReturnStatusChange

    order = order or order_for(vendor, buyer=buyer, status="delivered", delivered_at=timezone.now(),
                               payment_status="paid")
    if status != "requested":
        fields.setdefault("decided_at", timezone.now())
    if status == "rejected":
        fields.setdefault("decision_note", "Used, not returnable")
    return_request = ReturnRequest.objects.create(**{"order": order, "buyer": order.buyer, "reason": "damaged",
                                                     "status": status, **fields})
    ReturnStatusChange.objects.create(return_request=return_request, to_status="requested", actor=order.buyer)
    return return_request


def refund_for(vendor, buyer=None, **fields):
    """A pending cash refund of an approved return of this vendor."""
    from apps.returns.models import Refund

    return_request = return_for(vendor, buyer=buyer, status="approved")
    return Refund.objects.create(**{"return_request": return_request, "order": return_request.order,
                                    "amount": return_request.order.total, "method": "cash", **fields})


# --- Delivery: couriers and the jobs they carry


class CourierFactory(factory.django.DjangoModelFactory):
    """A courier's profile; `.user` is in the Courier role. Available by default, with no base."""

    class Meta:
        model = "delivery.CourierProfile"

    user = factory.SubFactory(UserFactory, roles=["Courier"])
    phone = factory.Sequence(lambda n: f"+224 621 {n:06d}")
    availability = "available"


class DeliveryFactory(factory.django.DjangoModelFactory):
    """An open marketplace job for a ready home-delivery order of `vendor` (a new vendor unless given)."""

    class Meta:
        model = "delivery.Delivery"

    class Params:
        vendor = factory.SubFactory(VendorFactory)
        order_status = "ready"

    order = factory.LazyAttribute(lambda o: order_for(o.vendor, status=o.order_status, delivery_mode="home"))
    mode = "marketplace"
    status = "open"
    pickup_area = "Kaloum"
    dropoff_area = "Ratoma"
    distance_km = "11.02"
    rate_per_km = Money(2, "GNF")
    commission = Money("22.04", "GNF")
    published_at = factory.LazyFunction(timezone.now)


def home_order_for(vendor, buyer=None, status="ready", neighbourhood="gn-conakry-ratoma-kipe", **fields):
    """A home-delivery order of `vendor` to an address in `neighbourhood` (a code; None for no neighbourhood)."""
    from apps.geo.models import Neighbourhood

    buyer = buyer or UserFactory()
    place = Neighbourhood.objects.get(code=neighbourhood) if neighbourhood else None
    address = address_for(buyer, neighbourhood=place, street="Rue RA-140",
                          **{key: fields.pop(key) for key in ("latitude", "longitude") if key in fields})
    return order_for(vendor, buyer=buyer, status=status, address=address, **{"delivery_mode": "home", **fields})


# --- Imports (apps.dataio)


class ImportJobFactory(factory.django.DjangoModelFactory):
    """A large import of `vendor`'s products, checked and waiting for its uploader to confirm it."""

    class Meta:
        model = "dataio.ImportJob"

    vendor = factory.SubFactory(VendorFactory)
    created_by = factory.SubFactory(UserFactory)
    resource_key = "products"
    original_name = factory.LazyAttribute(lambda o: f"{o.vendor.name if o.vendor else 'platform'} products.csv")
    file = factory.django.FileField(filename="products.csv", data=b"slug,name\n")
    file_format = "csv"
    status = "preview_ready"
    progress = 100
