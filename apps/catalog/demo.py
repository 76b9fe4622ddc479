"""Demo services for seed_demo: every reference category, spread over the three demo vendors."""

from django.db import transaction
from djmoney.money import Money

from apps.catalog.models import Service, ServiceCategory, ServiceTier
from apps.vendors.models import Vendor


def _gnf(amount: int) -> Money:
    return Money(amount, "GNF")


# base_price is the cheapest tier's price where there are tiers: the catalogue shows it as "from ...".
SERVICES = [
    {
        "vendor": "kaloum-auto", "category": "automobile", "slug": "pre-purchase-vehicle-inspection",
        "name": "Pre-purchase vehicle inspection", "base_price": _gnf(250_000), "duration_minutes": 90,
        "short_description": "A mechanic checks a used car before you pay for it, with a written report.",
        "description": "Buying a used car at the Madina or Matoto car markets? One of our mechanics meets you "
                       "at the seller's, checks the engine, gearbox, chassis and papers, and road-tests the car.\n\n"
                       "You receive a written report with photos and an estimate of the repairs needed, so you "
                       "can negotiate the price or walk away.",
        "features": ["120-point check", "Road test", "Chassis number checked against the papers",
                     "Report with photos the same day"],
    },
    {
        "vendor": "kaloum-auto", "category": "automobile", "slug": "vehicle-import-customs-clearance",
        "name": "Vehicle import and customs clearance", "base_price": _gnf(3_500_000), "duration_minutes": None,
        "short_description": "We clear your imported car at the Port of Conakry and register it for you.",
        "description": "From the bill of lading to the grey card: we handle the customs declaration, duties "
                       "calculation, port release and the first registration of your imported vehicle.\n\n"
                       "Duties and taxes are paid by you at cost; this price covers our work and the transport "
                       "from the port to our garage in Kaloum.",
        "features": ["Customs declaration", "Port release", "First registration", "Transport to Kaloum"],
    },
    {
        "vendor": "kaloum-auto", "category": "loans", "slug": "vehicle-purchase-financing",
        "name": "Vehicle purchase financing", "base_price": _gnf(350_000), "duration_minutes": 60,
        "short_description": "Spread the cost of a car over 12 to 36 months with our partner microfinance bank.",
        "description": "We prepare your financing application with our partner bank: income documents, vehicle "
                       "valuation and insurance quote. The price is the application fee; the bank sets the rate "
                       "after reviewing your file.",
        "features": ["12 to 36 months", "Answer within 5 working days", "Vehicle valuation included"],
    },
    {
        "vendor": "madina-market", "category": "loans", "slug": "merchant-stock-micro-loan",
        "name": "Merchant stock micro-loan", "base_price": _gnf(150_000), "duration_minutes": 45,
        "short_description": "A short-term loan to restock your market stall, repaid by mobile money.",
        "description": "For traders at Madina market: borrow from 2 000 000 to 20 000 000 GNF to buy stock "
                       "before the busy season and repay weekly by Orange Money or MTN MoMo.\n\n"
                       "The price is the file fee, refunded if the loan is not granted.",
        "features": ["Weekly repayments by mobile money", "No collateral up to 5 000 000 GNF",
                     "File fee refunded if refused"],
    },
    {
        "vendor": "madina-market", "category": "electronics", "slug": "smartphone-screen-replacement",
        "name": "Smartphone screen replacement", "base_price": _gnf(300_000), "duration_minutes": 60,
        "short_description": "A cracked screen replaced while you wait, on most Android phones and iPhones.",
        "description": "Bring your phone to our stand at Madina market. We give you a firm price before "
                       "starting, and your data stays on the phone.",
        "features": ["Done while you wait", "Data kept", "Firm price before work starts"],
        "tiers": [
            ("Basic", 300_000, ["Compatible screen", "1-month warranty"]),
            ("Standard", 550_000, ["Original-quality screen", "3-month warranty", "Screen protector fitted"]),
            ("Premium", 850_000, ["Original screen", "6-month warranty", "Tempered glass and case",
                                  "New battery check"]),
        ],
    },
    {
        "vendor": "madina-market", "category": "electronics", "slug": "laptop-cleaning-diagnosis",
        "name": "Laptop cleaning and diagnosis", "base_price": _gnf(200_000), "duration_minutes": 120,
        "short_description": "Dust out, new thermal paste and a full hardware check for a laptop that overheats.",
        "description": "Dust and heat shorten a laptop's life. We open it, clean the fan and vents, replace the "
                       "thermal paste and test the battery, disk and memory.",
        "features": ["Fan and vents cleaned", "New thermal paste", "Battery, disk and memory tested"],
    },
    {
        "vendor": "madina-market", "category": "electronics", "slug": "solar-kit-installation",
        "name": "Home solar kit installation", "base_price": _gnf(2_500_000), "duration_minutes": 240,
        "short_description": "Panels, battery and inverter installed so lights and phones keep going in cuts.",
        "description": "We install a solar kit sized for your home: lights, fans, phone charging and a TV. "
                       "Our electricians wire it safely and show you how to look after the battery.",
        "features": ["Site visit and sizing", "Installation and wiring", "1-year warranty on the work"],
        "tiers": [
            ("Basic", 2_500_000, ["200 W of panels", "100 Ah battery", "Lights and phone charging"]),
            ("Standard", 4_200_000, ["400 W of panels", "200 Ah battery", "Lights, fans and a TV"]),
        ],
    },
    {
        "vendor": "kaloum-auto", "category": "hotel", "slug": "hotel-stay-airport-pickup",
        "name": "Hotel night in Kaloum with airport pick-up", "base_price": _gnf(650_000), "duration_minutes": None,
        "short_description": "A night in a partner hotel near the ministries, with a driver waiting at the airport.",
        "description": "Arriving at Conakry-Gbessia late? Our driver meets you at arrivals and takes you to a "
                       "partner hotel in Kaloum. Breakfast is included; the price is per night.",
        "features": ["Airport pick-up", "Breakfast included", "Air conditioning and Wi-Fi"],
        "tiers": [
            ("Standard", 650_000, ["Standard double room", "Breakfast"]),
            ("Superior", 950_000, ["Sea-view room", "Breakfast", "Late check-out"]),
            ("Suite", 1_500_000, ["Suite with lounge", "Breakfast", "Late check-out", "Return airport drop-off"]),
        ],
    },
    {
        "vendor": "madina-market", "category": "logistics", "slug": "same-day-delivery-conakry",
        "name": "Same-day delivery in Conakry", "base_price": _gnf(150_000), "duration_minutes": None,
        "short_description": "Parcels picked up and delivered across the five communes of Conakry the same day.",
        "description": "Book before noon and we deliver the same day, from Kaloum to Ratoma. The courier calls "
                       "the recipient before arriving and you can follow the delivery in your account.",
        "features": ["Pick-up at your door", "Recipient called before arrival", "Proof of delivery"],
        "tiers": [
            ("Basic", 150_000, ["Up to 5 kg", "Motorbike courier"]),
            ("Standard", 250_000, ["Up to 20 kg", "Anywhere in Conakry"]),
            ("Premium", 600_000, ["Up to 300 kg", "Van with two handlers", "Time slot of your choice"]),
        ],
    },
    {
        "vendor": "madina-market", "category": "logistics", "slug": "freight-to-kankan",
        "name": "Freight to Kankan and Upper Guinea", "base_price": _gnf(900_000), "duration_minutes": None,
        "short_description": "Goods carried from Conakry to Kankan, Siguiri or Kouroussa in two to three days.",
        "description": "Send stock or household goods up-country by our weekly trucks. Goods are listed, "
                       "loaded in front of you and handed over against signature.",
        "features": ["Weekly departures", "Up to 500 kg", "Handover against signature"],
    },
    {
        "vendor": "kaloum-auto", "category": "rentals", "slug": "car-rental-with-driver",
        "name": "Car rental with driver", "base_price": _gnf(700_000), "duration_minutes": 600,
        "short_description": "A clean car and an experienced driver for a day of meetings or a trip up-country.",
        "description": "Our drivers know Conakry's traffic and the national roads. Fuel inside Conakry is "
                       "included; trips up-country are quoted with fuel on request.",
        "features": ["Driver included", "Fuel inside Conakry", "Ten hours a day"],
        "tiers": [
            ("Sedan", 700_000, ["4 passengers", "Air conditioning"]),
            ("SUV", 1_100_000, ["6 passengers", "Four-wheel drive for up-country roads"]),
            ("Minibus", 1_600_000, ["14 passengers", "Luggage space"]),
        ],
    },
    {
        "vendor": "madina-market", "category": "rentals", "slug": "event-sound-system-rental",
        "name": "Sound system rental for events", "base_price": _gnf(800_000), "duration_minutes": None,
        "short_description": "Speakers, mixer and microphones for a wedding, baptism or meeting, set up for you.",
        "description": "We deliver, set up and test the equipment, and collect it the next morning. A "
                       "technician can stay during the event for an extra fee.",
        "features": ["Two 1 000 W speakers", "Mixer and two wireless microphones", "Delivery and set-up"],
    },
    {
        "vendor": "kaloum-auto", "category": "car-service", "slug": "full-car-service",
        "name": "Full car service", "base_price": _gnf(350_000), "duration_minutes": 180,
        "short_description": "Oil, filters and a safety check by qualified mechanics, with genuine parts.",
        "description": "Keep your car reliable in the dust and heat. We change the oil and filters, check the "
                       "brakes, tyres and lights, and tell you what needs attention before it breaks.",
        "features": ["Genuine or approved parts", "Old parts returned to you", "Service book stamped"],
        "tiers": [
            ("Basic", 350_000, ["Engine oil and oil filter", "Fluid levels", "Tyre pressure"]),
            ("Standard", 650_000, ["Everything in Basic", "Air and fuel filters", "Brake check"]),
            ("Premium", 1_200_000, ["Everything in Standard", "Computer diagnostic", "Air-conditioning recharge",
                                    "Interior cleaning"]),
        ],
    },
    {
        "vendor": "kaloum-auto", "category": "car-service", "slug": "computer-diagnostic",
        "name": "Computer diagnostic", "base_price": _gnf(200_000), "duration_minutes": 45,
        "short_description": "Warning light on? We read the fault codes and explain what they mean.",
        "description": "We plug our diagnostic tool into your car, read and explain the fault codes, and give "
                       "you a repair estimate. The price is deducted from the repair if you let us do it.",
        "features": ["All makes since 2000", "Printed fault report", "Deducted from the repair"],
    },
    {
        "vendor": "ratoma-digital", "category": "paperwork", "slug": "business-registration-assistance",
        "name": "Business registration assistance", "base_price": _gnf(1_500_000), "duration_minutes": None,
        "short_description": "We register your company or sole proprietorship at the one-stop shop for you.",
        "description": "We prepare the statutes, collect the documents and follow your file at the investment "
                       "promotion agency's one-stop shop until you hold your trade register number and tax ID.\n\n"
                       "Official fees are paid by you at cost.",
        "features": ["Statutes drafted", "Trade register and tax ID", "File followed until done"],
    },
    {
        "vendor": "ratoma-digital", "category": "paperwork", "slug": "passport-application-help",
        "name": "Passport application help", "base_price": _gnf(250_000), "duration_minutes": 60,
        "short_description": "Online form filled in, documents checked and appointment booked for your passport.",
        "description": "Avoid a wasted trip: we fill in the online application with you, check your birth "
                       "certificate and ID, and book the biometric appointment.",
        "features": ["Online form filled in", "Documents checked", "Appointment booked"],
    },
    {
        "vendor": "madina-market", "category": "jewelry", "slug": "custom-gold-jewelry",
        "name": "Custom gold jewelry", "base_price": _gnf(2_000_000), "duration_minutes": None,
        "short_description": "Rings, necklaces and wedding sets made to your design by Madina goldsmiths.",
        "description": "Bring a drawing or a photo; our goldsmiths make the piece in 18-carat gold in one to two "
                       "weeks. The gold weight is confirmed and the final price agreed before work starts.",
        "features": ["18-carat gold", "Design sketch before work starts", "Certificate of weight"],
        "tiers": [
            ("Ring", 2_000_000, ["Ring up to 5 g", "Engraving"]),
            ("Necklace", 3_500_000, ["Necklace up to 10 g", "Matching clasp"]),
            ("Wedding set", 5_000_000, ["Two rings and a necklace", "Engraving", "Gift box"]),
        ],
    },
    {
        "vendor": "madina-market", "category": "jewelry", "slug": "jewelry-cleaning-repair",
        "name": "Jewelry cleaning and repair", "base_price": _gnf(150_000), "duration_minutes": 60,
        "short_description": "Chains mended, stones reset and gold or silver polished to look new.",
        "description": "Our goldsmiths repair broken chains and clasps, reset loose stones, resize rings and "
                       "polish your pieces. Small repairs are done the same day.",
        "features": ["Same-day small repairs", "Ring resizing", "Ultrasonic cleaning"],
    },
    {
        "vendor": "ratoma-digital", "category": "creative-design", "slug": "logo-brand-identity",
        "name": "Logo and brand identity", "base_price": _gnf(1_000_000), "duration_minutes": None,
        "short_description": "A logo and colours that make your business recognisable on a sign or a phone.",
        "description": "We start with a short interview about your business and customers, then propose logo "
                       "ideas and refine the one you choose. You receive the files for print, signs and social "
                       "media.",
        "features": ["Interview about your business", "Files for print and screens", "Full ownership"],
        "tiers": [
            ("Basic", 1_000_000, ["2 logo proposals", "2 rounds of changes"]),
            ("Standard", 2_000_000, ["4 logo proposals", "Colours and fonts", "Business card design"]),
            ("Premium", 3_500_000, ["6 logo proposals", "Brand guide", "Business cards, letterhead and shop sign"]),
        ],
    },
    {
        "vendor": "ratoma-digital", "category": "creative-design", "slug": "flyer-social-media-pack",
        "name": "Flyer and social media pack", "base_price": _gnf(450_000), "duration_minutes": None,
        "short_description": "A flyer and five matching posts to announce an opening, a sale or an event.",
        "description": "Tell us what you are announcing; we design an A5 flyer ready to print and five posts "
                       "sized for Facebook, Instagram and WhatsApp status.",
        "features": ["A5 flyer ready to print", "Five social media posts", "Delivered in three days"],
    },
    {
        "vendor": "ratoma-digital", "category": "web-development", "slug": "business-website",
        "name": "Business website", "base_price": _gnf(2_500_000), "duration_minutes": None,
        "short_description": "A fast website that works on any phone, so customers find you and contact you.",
        "description": "We build a website that loads quickly on mobile data, with your services, opening hours, "
                       "map and a WhatsApp button. Hosting and the domain name are included for the first year.",
        "features": ["Works on any phone", "Domain and hosting for a year", "WhatsApp contact button"],
        "tiers": [
            ("Basic", 2_500_000, ["One-page site", "Contact form", "Google Maps location"]),
            ("Standard", 4_000_000, ["Up to 5 pages", "News section", "French and English"]),
            ("Premium", 5_000_000, ["Online shop", "Orange Money and MTN MoMo payments", "Training for your staff"]),
        ],
    },
    {
        "vendor": "ratoma-digital", "category": "web-development", "slug": "website-maintenance-monthly",
        "name": "Website maintenance (monthly)", "base_price": _gnf(400_000), "duration_minutes": None,
        "short_description": "Updates, backups and small changes to your website, every month.",
        "description": "We keep your website secure and up to date, back it up every week and make up to two "
                       "hours of changes a month: new prices, photos or pages.",
        "features": ["Security updates", "Weekly backups", "Two hours of changes a month"],
    },
]


@transaction.atomic
def seed_demo_services() -> int:
    """Create the demo services and tiers that do not exist yet (by slug); returns how many services were new.

    Existing rows are left as they are, so a second run, or a run after someone edited a demo service, changes nothing.
    """
    vendor_slugs = {spec["vendor"] for spec in SERVICES}
    vendors = Vendor.objects.in_bulk(vendor_slugs, field_name="slug")
    categories = ServiceCategory.objects.in_bulk(field_name="slug")
    missing = sorted(vendor_slugs - vendors.keys()) + sorted({s["category"] for s in SERVICES} - categories.keys())
    if missing:
        raise LookupError(f"Demo services need these vendors and categories first: {', '.join(missing)}")
    created_count = 0
    for spec in SERVICES:
        spec = dict(spec)
        tiers = spec.pop("tiers", [])
        spec["vendor"], spec["category"] = vendors[spec["vendor"]], categories[spec["category"]]
        service, created = Service.objects.get_or_create(slug=spec.pop("slug"), defaults=spec)
        created_count += created
        for sort_order, (name, amount, features) in enumerate(tiers):
            ServiceTier.objects.get_or_create(
                service=service, name=name,
                defaults={"price": _gnf(amount), "features": features, "sort_order": sort_order},
            )
    return created_count
