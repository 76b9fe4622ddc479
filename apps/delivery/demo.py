"""Demo data for the courier marketplace: the demo courier's profile and two open jobs. Idempotent."""

from django.db import transaction

from apps.accounts.models import User
from apps.catalog.models import Product
from apps.delivery.models import CourierProfile, Delivery
from apps.delivery.services import delivery_choose_mode
from apps.geo.models import Address, Neighbourhood
from apps.orders.checkout import checkout_place
from apps.orders.models import Cart, CartItem, Order
from apps.orders.services import order_confirm, order_mark_ready
from apps.vendors.models import Vendor, VendorMembership

COURIER = "courier@comptoir.local"
# where each demo store hands parcels over (set only when the store has no pickup location yet)
PICKUPS = {"kaloum-auto": "gn-conakry-kaloum-almamya", "madina-market": "gn-conakry-matam-madina",
           "ratoma-digital": "gn-conakry-ratoma-kipe"}
# (buyer, store, buyer's neighbourhood, street): each becomes a ready order published to the couriers
JOBS = [("customer1@comptoir.local", "kaloum-auto", "gn-conakry-ratoma-kipe", "Rue KI-140, behind the pharmacy"),
        ("customer2@comptoir.local", "madina-market", "gn-conakry-dixinn-landreah", "Corniche Nord, blue gate")]
DEMO_LABEL = "Home"


def _place_stores(places: dict) -> None:
    for slug, code in PICKUPS.items():
        Vendor.objects.filter(slug=slug, pickup_neighbourhood__isnull=True, pickup_latitude__isnull=True).update(
            pickup_neighbourhood=places[code])


def _courier_profile(places: dict) -> None:
    courier = User.objects.get(email=COURIER)
    CourierProfile.objects.get_or_create(user=courier, defaults={
        "phone": "+224 621 00 00 07", "vehicle": CourierProfile.Vehicle.MOTORBIKE,
        "availability": CourierProfile.Availability.AVAILABLE, "neighbourhood": places[PICKUPS["kaloum-auto"]]})


def _address(buyer: User, place: Neighbourhood, street: str) -> Address:
    address = Address.objects.filter(user=buyer, label=DEMO_LABEL).first()
    if address is None:
        prefecture = place.prefecture
        address = Address.objects.create(
            user=buyer, label=DEMO_LABEL, full_name=buyer.full_name, phone="+224 622 00 00 11",
            region=prefecture.region, prefecture=prefecture, neighbourhood=place, street=street,
            landmark="Ask for the family at the corner shop", is_default=True)
    return address


def _owner(vendor: Vendor) -> User:
    return VendorMembership.objects.filter(vendor=vendor, role="owner").select_related("user").first().user


def _ready_order(buyer: User, vendor: Vendor, address: Address) -> Order:
    """A real checkout (stock taken, e-mails queued), confirmed and packed by the store's owner."""
    product = Product.objects.visible().filter(vendor=vendor, stock__gte=1).order_by("price", "pk").first()
    cart, _created = Cart.objects.get_or_create(user=buyer)
    CartItem.objects.get_or_create(cart=cart, product=product, defaults={"quantity": 1})
    item_ids = list(cart.items.filter(product=product).values_list("pk", flat=True))
    checkout = checkout_place(buyer=buyer, cart=cart, delivery_mode=Order.DeliveryMode.HOME, address=address,
                              payment_method=Order.CASH_ON_DELIVERY, commission_payer=Order.CommissionPayer.CUSTOMER,
                              item_ids=item_ids)
    order = checkout.orders.get()
    order_confirm(order_id=order.pk, actor=_owner(vendor))
    order_mark_ready(order_id=order.pk, actor=_owner(vendor))
    return order


@transaction.atomic
def seed_demo_deliveries() -> int:
    """Give the demo courier a profile and publish two ready orders to the marketplace; returns the jobs made.

    Does nothing more once any demo store has a delivery (a second run, or deliveries made by hand).
    """
    places = Neighbourhood.objects.in_bulk({code for _b, _s, code, _st in JOBS} | set(PICKUPS.values()),
                                           field_name="code")
    _place_stores(places)
    _courier_profile(places)
    stores = Vendor.objects.in_bulk([store for _b, store, _c, _st in JOBS], field_name="slug")
    if Delivery.objects.filter(order__vendor__slug__in=list(PICKUPS)).exists():
        return 0
    made = 0
    for email, slug, code, street in JOBS:
        buyer, vendor = User.objects.get(email=email), stores[slug]
        order = _ready_order(buyer, vendor, _address(buyer, places[code], street))
        delivery_choose_mode(order_id=order.pk, mode=Delivery.Mode.MARKETPLACE, actor=_owner(vendor))
        made += 1
    return made
