"""Demo products and a year of past orders for seed_demo. Idempotent: a second run changes nothing.

Products are created by slug when missing (left alone when present); past orders are invented only
while the demo vendors have no order at all, so real orders never get made-up history mixed in.
"""

import math
import random
from datetime import date, datetime, time, timedelta
from io import BytesIO

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import OuterRef, Subquery
from django.utils import timezone
from django.utils.text import slugify
from djmoney.money import Money
from PIL import Image, ImageDraw, ImageFont

from apps.catalog.models import Product, ProductImage, ServiceCategory
from apps.catalog.products import attach_image_files
from apps.orders.models import REFERENCE_ALPHABET, Checkout, Order, OrderItem, OrderStatusChange
from apps.vendors.models import Vendor

DEMO_VENDORS = ("kaloum-auto", "madina-market", "ratoma-digital")

# Product sub-categories under the reference tree (slug, name, parent slug or None).
CATEGORIES = [
    ("spare-parts", "Spare parts", "automobile"),
    ("car-accessories", "Car accessories", "automobile"),
    ("phones-accessories", "Phones and accessories", "electronics"),
    ("home-kitchen", "Home and kitchen", None),
    ("prints-posters", "Prints and posters", "creative-design"),
    ("software", "Software", "web-development"),
]


def _p(vendor, category, name, brand, colour, price, stock, description, slug=None, **attributes):
    return {"vendor": vendor, "category": category, "name": name, "slug": slug or slugify(name), "brand": brand,
            "colour": colour, "price": price, "stock": stock, "description": description, "attributes": attributes,
            # dear items are stocked one or two at a time: only the last one is worth a warning
            "low_stock_threshold": 1 if price >= 1_000_000 else 5}


K, M, R = DEMO_VENDORS
PRODUCTS = [
    # --- Kaloum Auto: spare parts and accessories
    _p(K, "spare-parts", "Front brake pads for Toyota Corolla", "Bosch", "", 285_000, 14,
       "A set of four ceramic front pads: quiet, little dust, made for city stop-and-go.",
       fits="Toyota Corolla 2008-2018", position="front", pieces="4"),
    _p(K, "spare-parts", "Oil filter for Toyota and Lexus", "Denso", "", 45_000, 60,
       "Genuine-quality filter for most Toyota and Lexus petrol engines. Change it with every oil change.",
       fits="Toyota Corolla, Yaris, RAV4; Lexus RX"),
    _p(K, "spare-parts", "Air filter for Toyota Hilux D-4D", "Mann-Filter", "", 95_000, 22,
       "Keeps the laterite dust out of your engine. Check it every 5 000 km on dusty roads.",
       fits="Toyota Hilux 2.5 / 3.0 D-4D 2005-2015"),
    _p(K, "spare-parts", "Synthetic engine oil 5W-30, 4 litres", "TotalEnergies", "", 420_000, 25,
       "Quartz 9000 fully synthetic oil for recent petrol and diesel engines, protects in the heat.",
       volume="4 L", viscosity="5W-30"),
    _p(K, "spare-parts", "Diesel engine oil 15W-40, 5 litres", "Shell", "", 380_000, 18,
       "Rimula R4 for trucks, minibuses and older diesel 4x4s that work hard every day.",
       volume="5 L", viscosity="15W-40"),
    _p(K, "spare-parts", "Iridium spark plugs, set of 4", "NGK", "", 260_000, 16,
       "Long-life iridium plugs: easier starts and lower fuel use, up to 60 000 km.", pieces="4"),
    _p(K, "spare-parts", "Car battery 12 V 70 Ah", "Varta", "", 1_450_000, 4,
       "Maintenance-free battery for saloons and small SUVs, with a 12-month warranty.",
       voltage="12 V", capacity="70 Ah", warranty="12 months"),
    _p(K, "spare-parts", "Timing belt kit for Hyundai Accent", "Gates", "", 690_000, 7,
       "Belt, tensioner and idler pulley: everything needed to change the timing belt in one go.",
       fits="Hyundai Accent 1.5 2006-2011"),
    _p(K, "spare-parts", "Rear shock absorbers for Toyota RAV4, pair", "KYB", "", 1_250_000, 2,
       "Gas shocks that bring back a steady ride on potholed roads. Sold as a pair.",
       fits="Toyota RAV4 2006-2012", position="rear", pieces="2"),
    _p(K, "spare-parts", "Wiper blades 22 and 18 inch", "Bosch", "black", 120_000, 30,
       "A pair of flat blades that clear heavy rainy-season downpours without streaks."),
    _p(K, "spare-parts", "Radiator coolant, 5 litres", "Prestone", "green", 210_000, 12,
       "Ready-to-use coolant: stops overheating in traffic and protects the radiator from rust.", volume="5 L"),
    _p(K, "spare-parts", "H4 headlight bulbs, pair", "Philips", "", 150_000, 0,
       "Brighter halogen bulbs for safer night driving outside the city.", fitting="H4", pieces="2"),
    _p(K, "spare-parts", "Reconditioned alternator for Toyota Corolla", "Denso", "", 1_900_000, 1,
       "A factory-reconditioned alternator, tested on our bench, with a 6-month warranty.",
       fits="Toyota Corolla 2002-2008", warranty="6 months"),
    _p(K, "spare-parts", "Clutch kit for Peugeot 406", "Valeo", "", 1_650_000, 0,
       "Disc, pressure plate and release bearing for the Peugeot 406 still common as taxis.",
       fits="Peugeot 406 2.0 HDi"),
    _p(K, "car-accessories", "Breathable mesh seat covers, full set", "Kaloum Auto", "black", 550_000, 9,
       "Covers for five seats in breathable mesh: cooler in the heat and easy to wash.", seats="5"),
    _p(K, "car-accessories", "Rubber floor mats, set of 4", "Michelin", "black", 240_000, 20,
       "Deep-edged mats that keep mud and sand off the carpet during the rainy season.", pieces="4"),
    _p(K, "car-accessories", "Windscreen sunshade", "Kaloum Auto", "silver", 85_000, 35,
       "Folding reflective shade: a cooler car and a dashboard that does not crack in the sun."),
    _p(K, "car-accessories", "Dashboard phone holder", "Baseus", "black", 95_000, 26,
       "Holds the phone steady for GPS on rough roads; one-hand mounting."),
    _p(K, "car-accessories", "Car jump starter and power bank", "NOCO", "yellow", 1_150_000, 5,
       "Starts a flat battery without another car, and charges phones during power cuts.", capacity="1000 A"),
    _p(K, "car-accessories", "12 V tyre inflator", "Michelin", "black", 390_000, 7,
       "Plugs into the lighter socket and stops at the pressure you set."),
    _p(K, "car-accessories", "Full HD dash camera", "70mai", "black", 780_000, 6,
       "Records the road in Full HD with night vision; useful evidence after an accident.", resolution="1080p"),
    _p(K, "car-accessories", "Roadside emergency kit", "Kaloum Auto", "red", 320_000, 11,
       "Warning triangle, high-visibility vest, 1 kg extinguisher and first-aid kit in one bag."),
    _p(K, "car-accessories", "Leather steering wheel cover", "Kaloum Auto", "brown", 110_000, 15,
       "A firm grip and a wheel that stays cool to the touch after parking in the sun.", size="38 cm"),

    # --- Madina Market: electronics, jewellery and household goods
    _p(M, "phones-accessories", "Tecno Spark 20, 128 GB", "Tecno", "black", 1_750_000, 8,
       "Big 6.6-inch screen, 5 000 mAh battery and two SIM slots. Sold with charger and case.",
       storage="128 GB", ram="8 GB", sim="dual SIM"),
    _p(M, "phones-accessories", "Samsung Galaxy A15, 128 GB", "Samsung", "blue", 2_300_000, 5,
       "AMOLED screen, 50 MP camera and four years of security updates.",
       storage="128 GB", ram="4 GB", sim="dual SIM"),
    _p(M, "phones-accessories", "itel A70, 64 GB", "itel", "green", 950_000, 14,
       "An affordable smartphone with a long battery life, ideal as a first phone.",
       storage="64 GB", ram="3 GB", sim="dual SIM"),
    _p(M, "phones-accessories", "Infinix Hot 40i, 128 GB", "Infinix", "gold", 1_550_000, 6,
       "Fast charging, 50 MP camera and a 90 Hz screen at a fair price.",
       storage="128 GB", ram="4 GB", sim="dual SIM"),
    _p(M, "phones-accessories", "Power bank 20 000 mAh", "Oraimo", "black", 260_000, 40,
       "Charges a phone four to five times: the answer to long power cuts.", capacity="20 000 mAh"),
    _p(M, "phones-accessories", "18 W fast charger with USB-C cable", "Oraimo", "white", 90_000, 55,
       "A fast wall charger with a 1 m cable; works with Tecno, Infinix, Samsung and others.", power="18 W"),
    _p(M, "phones-accessories", "Wireless earbuds", "Oraimo", "white", 320_000, 3,
       "FreePods with 30 hours of listening with the case and clear calls in the street."),
    _p(M, "electronics", "Portable Bluetooth speaker", "JBL", "blue", 480_000, 10,
       "Go 3: small, loud and splash-proof, for the courtyard or the beach."),
    _p(M, "electronics", "43-inch Full HD smart TV", "Hisense", "black", 4_200_000, 3,
       "Smart TV with YouTube and Netflix, two HDMI ports and a built-in satellite tuner.",
       screen="43 in", resolution="1080p"),
    _p(M, "electronics", "Solar lantern with phone charging", "Sun King", "yellow", 350_000, 24,
       "Lights a room for a whole evening and charges a phone from its USB port.", runtime="up to 30 h"),
    _p(M, "electronics", "60 W solar home kit", "Sun King", "black", 2_900_000, 4,
       "Panel, battery, four lights and a radio: light and power without the grid.", panel="60 W"),
    _p(M, "electronics", "Voltage stabiliser 1000 VA", "Sollatek", "grey", 650_000, 9,
       "Protects a TV, fridge or computer from the surges that follow power cuts.", power="1000 VA"),
    _p(M, "electronics", "Rechargeable standing fan, 16 inch", "Sayona", "white", 780_000, 9,
       "Keeps turning for up to 8 hours during a power cut; charges from the mains or a solar panel.",
       size="16 in", runtime="8 h"),
    _p(M, "home-kitchen", "Electric kettle 1.7 litres", "Binatone", "silver", 195_000, 18,
       "Stainless-steel kettle with automatic shut-off, for tea and bouillie in minutes.",
       slug="electric-kettle-1-7-litres", volume="1.7 L"),
    _p(M, "home-kitchen", "Blender 1.5 litres", "Binatone", "white", 390_000, 9,
       "Two speeds and a grinder cup for pepper, onions and baobab juice.", slug="blender-1-5-litres", volume="1.5 L"),
    _p(M, "home-kitchen", "Rice cooker 1.8 litres", "Sayona", "white", 340_000, 12,
       "Cooks rice for a family of six and keeps it warm until everyone is home.",
       slug="rice-cooker-1-8-litres", volume="1.8 L"),
    _p(M, "home-kitchen", "Dry iron", "Philips", "blue", 170_000, 16,
       "Light, non-stick soleplate; presses boubous and school uniforms quickly."),
    _p(M, "home-kitchen", "Two-burner gas cooker", "Nasco", "black", 620_000, 8,
       "Table-top cooker with enamel pan supports; fits a 6 kg or 12.5 kg bottle."),
    _p(M, "home-kitchen", "Cast aluminium cooking pots, set of 3", "Madina Market", "silver", 450_000, 10,
       "Traditional heavy pots made in Conakry, for rice, sauce and riz gras for a crowd.", pieces="3"),
    _p(M, "home-kitchen", "Insulated flask 2 litres", "Madina Market", "red", 120_000, 21,
       "Keeps tea or coffee hot all day at the shop or the market stall.", volume="2 L"),
    _p(M, "home-kitchen", "Treated mosquito net, double bed", "PermaNet", "white", 95_000, 30,
       "Long-lasting insecticide-treated net for a double bed; easy to hang.", size="190 x 180 cm"),
    _p(M, "home-kitchen", "Wax print tablecloth, 6 seats", "Uniwax", "multicolour", 250_000, 7,
       "A cotton wax print tablecloth that brightens the table for Tabaski and family meals."),
    _p(M, "jewelry", "18-carat gold stud earrings", "Madina Or", "gold", 1_800_000, 2,
       "Small round studs in 18-carat gold, weighed in front of you, with a certificate.",
       metal="18k gold", weight="1.5 g"),
    _p(M, "jewelry", "Silver bangles, set of 3", "Madina Or", "silver", 450_000, 8,
       "Three hammered silver bangles made by Madina silversmiths.", metal="925 silver", pieces="3"),
    _p(M, "jewelry", "Gold-plated chain, 50 cm", "Madina Or", "gold", 350_000, 12,
       "A fine gold-plated chain for a pendant, with a lobster clasp.", length="50 cm"),
    _p(M, "jewelry", "Men's 18-carat gold signet ring", "Madina Or", "gold", 3_200_000, 1,
       "A classic signet ring in 18-carat gold; engraving of initials included.", metal="18k gold"),
    _p(M, "jewelry", "Freshwater pearl necklace", "Madina Or", "white", 950_000, 7,
       "A single row of freshwater pearls with a silver clasp, for weddings and baptisms.", length="45 cm"),
    _p(M, "jewelry", "Waist beads, set of 5", "Madina Market", "multicolour", 60_000, 45,
       "Hand-strung glass waist beads in five colours, tied to fit."),
    _p(M, "jewelry", "Fulani silver hoop earrings", "Madina Or", "silver", 520_000, 8,
       "Large twisted hoops in the Fulani style, hand-made in silver.", metal="925 silver"),

    # --- Ratoma Digital Studio: prints, design goods and software
    _p(R, "prints-posters", "Conakry skyline poster, A2", "Ratoma Digital", "multicolour", 180_000, 20,
       "An illustrated view of the Kaloum peninsula at sunset, printed on 250 g matt paper.", size="A2"),
    _p(R, "prints-posters", "Fouta Djallon landscape print, framed A3", "Ratoma Digital", "green", 350_000, 6,
       "A photo of the Kambadaga falls printed on art paper, in a black wooden frame.", size="A3"),
    _p(R, "prints-posters", "Business cards, 500", "Ratoma Digital", "white", 250_000, 100,
       "Double-sided cards on 350 g matt board, printed from your file or our design.",
       paper="350 g matt", quantity="500"),
    _p(R, "prints-posters", "Roll-up banner 85 x 200 cm", "Ratoma Digital", "", 750_000, 8,
       "Printed banner with its aluminium stand and carry bag, for shops and events.", size="85 x 200 cm"),
    _p(R, "prints-posters", "Wall calendar 2027 by Guinean artists", "Ratoma Digital", "multicolour", 95_000, 0,
       "Twelve artworks by young Guinean illustrators, one for each month."),
    _p(R, "prints-posters", "A5 flyers, 1000 copies", "Ratoma Digital", "", 400_000, 50,
       "Full-colour flyers on 135 g gloss paper, ready in two days.", quantity="1000", size="A5"),
    _p(R, "creative-design", "Editable logo templates for shops", "Ratoma Digital", "", 150_000, 999,
       "Twenty logo templates for boutiques, salons and restaurants, editable in Canva or Illustrator.",
       format="AI, SVG, Canva"),
    _p(R, "creative-design", "A5 notebook with wax print cover", "Ratoma Digital", "multicolour", 65_000, 3,
       "A 96-page lined notebook bound in real wax print fabric."),
    _p(R, "creative-design", "Mug printed with your logo", "Ratoma Digital", "white", 75_000, 40,
       "A ceramic mug printed with your logo or photo; dishwasher safe.", volume="330 ml"),
    _p(R, "creative-design", "T-shirt printed with your design", "Ratoma Digital", "white", 120_000, 60,
       "A cotton T-shirt printed with your design, from one piece to a whole team.", sizes="S-XXL"),
    _p(R, "software", "Point-of-sale software, one shop", "Ratoma POS", "", 2_500_000, 999,
       "Sell, follow stock and print receipts from a PC or a tablet; works offline during cuts.",
       licence="perpetual, one shop"),
    _p(R, "software", "Accounting software, one year", "Ratoma Compta", "", 1_800_000, 999,
       "Bookkeeping and VAT returns for small businesses, with training in French.", licence="1 year"),
    _p(R, "software", "Antivirus, 3 devices for one year", "Kaspersky", "", 350_000, 999,
       "Protection for three PCs or phones against viruses spread by USB keys.", licence="1 year, 3 devices"),
    _p(R, "software", "Microsoft 365 Personal, one year", "Microsoft", "", 850_000, 999,
       "Word, Excel, PowerPoint and 1 TB of cloud storage for one person.", licence="1 year"),
    _p(R, "software", "Restaurant website template", "Ratoma Digital", "", 450_000, 999,
       "A fast one-page website for a restaurant: menu, opening hours, map and WhatsApp button.",
       format="HTML, CSS"),
]

# Waiting for a moderator, and refused (with the reason the seller sees).
PENDING = {"infinix-hot-40i-128-gb", "full-hd-dash-camera", "mens-18-carat-gold-signet-ring",
           "restaurant-website-template", "wax-print-tablecloth-6-seats", "leather-steering-wheel-cover",
           "fulani-silver-hoop-earrings", "t-shirt-printed-with-your-design"}
REJECTED = {
    "microsoft-365-personal-one-year": "Software licences need the publisher's authorisation: please send proof "
                                       "that you are an authorised Microsoft reseller.",
    "gold-plated-chain-50-cm": "The photo shows a solid gold chain, not the gold-plated one you sell: use a photo "
                               "of this chain and state the thickness of the plating.",
}
# On sale: slug -> (sale price, days since the sale started, days until it ends); a negative start is a future sale.
SALES = {
    "synthetic-engine-oil-5w-30-4-litres": (370_000, 5, 10),
    "breathable-mesh-seat-covers-full-set": (470_000, 2, 12),
    "tecno-spark-20-128-gb": (1_590_000, 3, 4),
    "power-bank-20-000-mah": (220_000, 7, 7),
    "rice-cooker-1-8-litres": (295_000, 1, 20),
    "silver-bangles-set-of-3": (390_000, 10, 5),
    "conakry-skyline-poster-a2": (150_000, 4, 26),
    "43-inch-full-hd-smart-tv": (3_790_000, -5, 14),
}
# Tile colours by vendor, for the generated product photos.
TILE_COLOURS = {K: (21, 101, 192), M: (194, 24, 91), R: (0, 121, 107)}


def _gnf(amount: int) -> Money:
    return Money(amount, "GNF")


def _tile(name: str, colour: tuple[int, int, int]) -> bytes:
    """A square JPEG with the product's initials: a light stand-in for a photo."""
    image = Image.new("RGB", (600, 600), colour)
    draw = ImageDraw.Draw(image)
    initials = "".join(word[0] for word in name.split() if word[0].isalnum())[:2].upper()
    draw.text((300, 270), initials, fill="white", anchor="mm", font=ImageFont.load_default(size=220))
    draw.text((300, 520), name[:40], fill=(255, 255, 255), anchor="mm", font=ImageFont.load_default(size=30))
    buffer = BytesIO()
    image.save(buffer, format="JPEG", quality=85)
    return buffer.getvalue()


def _categories() -> dict[str, ServiceCategory]:
    existing = ServiceCategory.objects.in_bulk(field_name="slug")
    for ordering, (slug, name, parent) in enumerate(CATEGORIES, start=1):
        if slug not in existing:
            existing[slug] = ServiceCategory.objects.create(slug=slug, name=name, parent=existing.get(parent),
                                                            ordering=200 + ordering)
    return existing


def _moderation(slug: str, moderator, now) -> dict:
    if slug in PENDING:
        return {"moderation_status": Product.Moderation.PENDING}
    status = Product.Moderation.REJECTED if slug in REJECTED else Product.Moderation.APPROVED
    return {"moderation_status": status, "rejection_reason": REJECTED.get(slug, ""), "moderated_at": now,
            "moderated_by": moderator}


def _sale(slug: str, now) -> dict:
    if slug not in SALES:
        return {}
    amount, started_days_ago, ends_in_days = SALES[slug]
    return {"sale_price": _gnf(amount), "sale_starts_at": now - timedelta(days=started_days_ago),
            "sale_ends_at": now + timedelta(days=ends_in_days)}


def _add_tile(product: Product) -> None:
    tile = ContentFile(_tile(product.name, TILE_COLOURS[product.vendor.slug]), name=f"{product.slug}.jpg")
    image = ProductImage(product=product, alt_text=product.name, sort_order=0)
    attach_image_files(image, tile)
    image.save()


@transaction.atomic
def seed_demo_products(*, moderator=None) -> int:
    """Create the missing demo products (by slug), each with a generated photo; returns how many were new."""
    vendors = Vendor.objects.in_bulk(DEMO_VENDORS, field_name="slug")
    missing = sorted(set(DEMO_VENDORS) - vendors.keys())
    if missing:
        raise LookupError(f"Demo products need these vendors first: {', '.join(missing)}")
    categories = _categories()
    existing = set(Product.objects.filter(slug__in=[spec["slug"] for spec in PRODUCTS]).values_list("slug", flat=True))
    now = timezone.now()
    created = 0
    for spec in PRODUCTS:
        if spec["slug"] in existing:
            continue
        product = Product.objects.create(
            **{**spec, "vendor": vendors[spec["vendor"]], "category": categories[spec["category"]],
               "price": _gnf(spec["price"])},
            **_moderation(spec["slug"], moderator, now), **_sale(spec["slug"], now))
        _add_tile(product)
        created += 1
    return created


# --- a year of past orders

# Eid al-Fitr and Tabaski (Eid al-Adha): people buy in the days before the feast.
FEASTS = [date(2025, 3, 30), date(2025, 6, 6), date(2026, 3, 20), date(2026, 5, 27), date(2027, 3, 10),
          date(2027, 5, 16), date(2028, 2, 27), date(2028, 5, 5)]
ORDERS_PER_YEAR = 900
VENDOR_SHARE = {M: 5, K: 3, R: 2}
ADDRESSES = ["Rue KA-020, near the Grand Marché, Kaloum", "Quartier Taouyah, behind the Total station, Ratoma",
             "Cité des Médecins, Dixinn", "Carrefour Bambeto, Ratoma", "Quartier Hamdallaye, Ratoma",
             "Madina, near the bus station, Matam", "Kipé, Rue KI-140, Ratoma", "Sangoyah, Matoto"]
CANCEL_REASONS = ["Ordered twice by mistake.", "Found it cheaper elsewhere.", "The delivery day did not suit me.",
                  "Changed my mind."]


def order_day_weight(day: date, index: int) -> float:
    weight = 0.6 + 0.8 * index / 364  # the shop grows over the year
    if day.weekday() >= 5:
        weight *= 1.4  # weekends
    if day.month == 12:
        weight *= 1.7  # end-of-year celebrations
    if any(0 <= (feast - day).days <= 10 for feast in FEASTS):
        weight *= 1.8
    return weight


def _order_days(today: date, rng: random.Random) -> list[date]:
    days = [today - timedelta(days=365 - i) for i in range(365)]  # yesterday is the last one
    weights = [order_day_weight(day, i) for i, day in enumerate(days)]
    scale = ORDERS_PER_YEAR / sum(weights)
    result = []
    for day, weight in zip(days, weights, strict=True):
        expected = weight * scale
        result += [day] * (math.floor(expected) + (rng.random() < expected % 1))
    return result


def _reference(prefix: str, at: datetime, rng: random.Random, used: set) -> str:
    while True:
        reference = f"{prefix}-{at:%Y}-" + "".join(rng.choice(REFERENCE_ALPHABET) for _ in range(6))
        if reference not in used:
            used.add(reference)
            return reference


def _lines(products: list[Product], rng: random.Random) -> list[tuple[Product, int]]:
    count = rng.choices([1, 2, 3], weights=[70, 22, 8])[0]
    # cheaper things sell more often
    chosen = set()
    while len(chosen) < min(count, len(products)):
        chosen.add(rng.choices(products, weights=[1 / math.sqrt(p.price.amount) for p in products])[0])
    return [(product, 2 if product.price.amount < 200_000 and rng.random() < 0.3 else 1)
            for product in sorted(chosen, key=lambda p: p.pk)]


def _past_order(day: date, buyer, vendor, products, rng, used, now):
    created = timezone.make_aware(datetime.combine(day, time(rng.randint(8, 20), rng.randint(0, 59))))
    lines = _lines(products, rng)
    subtotal = sum((product.price * quantity for product, quantity in lines), _gnf(0))
    home = rng.random() < 0.75
    fee = _gnf(rng.choice([15_000, 20_000, 25_000]) if home else 0)
    order = Order(
        reference=_reference("ORD", created, rng, used), vendor=vendor, buyer=buyer,
        delivery_mode=Order.DeliveryMode.HOME if home else Order.DeliveryMode.PICKUP,
        delivery_address=rng.choice(ADDRESSES) + ", Conakry" if home else "", recipient_name=buyer.full_name,
        recipient_phone="+224 622 00 00 00", subtotal=subtotal, delivery_fee=fee, total=subtotal + fee)
    timeline = [(created, "", Order.Status.PLACED, buyer, "")]
    if rng.random() < 0.07:
        order.status, order.cancelled_at = Order.Status.CANCELLED, created + timedelta(hours=rng.randint(1, 20))
        order.cancel_reason = rng.choice(CANCEL_REASONS)
        timeline.append((order.cancelled_at, Order.Status.PLACED, Order.Status.CANCELLED, buyer, order.cancel_reason))
        return order, lines, timeline
    order.confirmed_at = created + timedelta(minutes=rng.randint(20, 240))
    order.delivered_at = min(order.confirmed_at + timedelta(hours=rng.randint(3, 60)), now - timedelta(hours=1))
    order.status, order.payment_status = Order.Status.DELIVERED, Order.PaymentStatus.PAID  # cash collected
    timeline += [(order.confirmed_at, Order.Status.PLACED, Order.Status.CONFIRMED, None, ""),
                 (order.delivered_at, Order.Status.CONFIRMED, Order.Status.DELIVERED, None, "")]
    completed = order.delivered_at + timedelta(days=2)
    if completed < now and rng.random() < 0.97:
        order.status, order.completed_at = Order.Status.COMPLETED, completed
        timeline.append((completed, Order.Status.DELIVERED, Order.Status.COMPLETED, None, ""))
    return order, lines, timeline


@transaction.atomic
def seed_demo_orders(*, buyers) -> int:
    """A year of delivered, completed and some cancelled orders at the demo vendors; returns how many were made.

    Does nothing once the demo vendors have any order (demo history already there, or real orders).
    """
    vendors = list(Vendor.objects.filter(slug__in=DEMO_VENDORS).order_by("slug"))
    if not buyers or Order.objects.filter(vendor__in=vendors).exists():
        return 0
    by_vendor = {vendor: list(Product.objects.visible().filter(vendor=vendor).order_by("pk")) for vendor in vendors}
    by_vendor = {vendor: products for vendor, products in by_vendor.items() if products}
    if not by_vendor:
        return 0
    rng, used, now = random.Random("comptoir-demo-orders"), set(), timezone.now()
    vendor_list = list(by_vendor)
    shares = [VENDOR_SHARE[vendor.slug] for vendor in vendor_list]
    built = []
    for day in _order_days(timezone.localdate(), rng):
        vendor = rng.choices(vendor_list, weights=shares)[0]
        built.append(_past_order(day, rng.choice(buyers), vendor, by_vendor[vendor], rng, used, now))
    _save_orders(built, rng, used)
    _backdate(vendors)
    return len(built)


def _save_orders(built, rng, used) -> None:
    checkouts = [Checkout(reference=_reference("CHK", timeline[0][0], rng, used), buyer=order.buyer)
                 for order, _lines, timeline in built]
    Checkout.objects.bulk_create(checkouts, batch_size=500)
    for checkout, (order, _lines, _timeline) in zip(checkouts, built, strict=True):
        order.checkout = checkout
    Order.objects.bulk_create([order for order, _lines, _timeline in built], batch_size=500)
    OrderItem.objects.bulk_create([
        OrderItem(order=order, product=product, product_name=product.name, unit_price=product.price,
                  quantity=quantity, line_total=product.price * quantity)
        for order, lines, _timeline in built for product, quantity in lines], batch_size=1000)
    OrderStatusChange.objects.bulk_create([
        OrderStatusChange(order=order, created_at=at, from_status=from_status, to_status=to_status, actor=actor,
                          note=note)
        for order, _lines, timeline in built for at, from_status, to_status, actor, note in timeline],
        batch_size=1000)


def _backdate(vendors) -> None:
    """created_at is auto_now_add, so bulk_create stamped "now": copy the past dates from the timelines.

    Only called when the demo vendors had no orders before, so all their orders are the demo's.
    """
    steps = OrderStatusChange.objects.filter(order=OuterRef("pk"))
    Order.objects.filter(vendor__in=vendors).update(
        created_at=Subquery(steps.order_by("created_at").values("created_at")[:1]),
        updated_at=Subquery(steps.order_by("-created_at").values("created_at")[:1]))
    placed = Order.objects.filter(checkout=OuterRef("pk")).values("created_at")[:1]
    Checkout.objects.filter(orders__vendor__in=vendors).update(created_at=Subquery(placed),
                                                               updated_at=Subquery(placed))
