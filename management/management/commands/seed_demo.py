"""Demo people, vendors and services for a new machine. Idempotent: a second run changes nothing."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.roles import Role
from apps.accounts.services import user_mark_email_verified, user_set_roles
from apps.catalog.demo import seed_demo_services
from management.demo_products import seed_demo_orders, seed_demo_products
from apps.catalog.models import ServiceCategory
from apps.delivery.demo import seed_demo_deliveries
from apps.vendors.models import Vendor, VendorMembership

DEMO_PASSWORD = "comptoir-demo"  # demo machines only; the command refuses to run when DEBUG is off

PEOPLE = [
    # e-mail, full name, roles, superuser
    ("admin@comptoir.local", "Aïssatou Barry", [Role.ADMINISTRATOR], True),
    ("manager@comptoir.local", "Mamadou Diallo", [Role.MANAGER], False),
    ("analyst@comptoir.local", "Fatoumata Camara", [Role.ANALYST], False),
    ("support1@comptoir.local", "Ibrahima Sow", [Role.SUPPORT], False),
    ("support2@comptoir.local", "Mariama Bah", [Role.SUPPORT], False),
    ("courier@comptoir.local", "Ousmane Keïta", [Role.COURIER], False),
    ("customer1@comptoir.local", "Kadiatou Touré", [], False),
    ("customer2@comptoir.local", "Alpha Condé", [], False),
    ("customer3@comptoir.local", "Hawa Soumah", [], False),
]

VENDORS = [
    {
        "slug": "kaloum-auto", "name": "Kaloum Auto Services",
        "description": "Car maintenance, diagnostics and spare parts in the heart of Kaloum.",
        "contact_email": "contact@kaloum-auto.example", "contact_phone": "+224 620 00 00 01",
        "address": "Avenue de la République, Kaloum, Conakry",
        "members": [("owner.kaloum@comptoir.local", "Sekou Sylla", "owner"),
                    ("staff.kaloum@comptoir.local", "Nènè Bangoura", "staff")],
    },
    {
        "slug": "madina-market", "name": "Madina Market",
        "description": "Electronics, jewellery and household goods from the Madina market, delivered.",
        "contact_email": "hello@madina-market.example", "contact_phone": "+224 620 00 00 02",
        "address": "Marché de Madina, Matam, Conakry",
        "members": [("owner.madina@comptoir.local", "Djenabou Baldé", "owner"),
                    ("staff.madina@comptoir.local", "Lansana Kouyaté", "staff")],
    },
    {
        "slug": "ratoma-digital", "name": "Ratoma Digital Studio",
        "description": "Creative design and web development for small businesses.",
        "contact_email": "studio@ratoma-digital.example", "contact_phone": "+224 620 00 00 03",
        "address": "Route du Prince, Ratoma, Conakry",
        "members": [("owner.ratoma@comptoir.local", "Thierno Diallo", "owner"),
                    ("staff.ratoma@comptoir.local", "Oumou Cissé", "manager")],
    },
]


def _person(email: str, full_name: str, roles: list[str], superuser: bool = False) -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = User.objects.create_user(email=email, password=DEMO_PASSWORD, full_name=full_name,
                                        is_superuser=superuser, is_staff=superuser)
    user_mark_email_verified(user=user)
    return user_set_roles(user=user, roles=roles)


# Who receives new service requests, by category (the least busy of them gets each one).
PROVIDERS = {
    "support1@comptoir.local": ["automobile", "car-service", "logistics", "rentals", "hotel"],
    "support2@comptoir.local": ["loans", "paperwork", "electronics", "jewelry"],
    "staff.ratoma@comptoir.local": ["creative-design", "web-development"],
    "owner.ratoma@comptoir.local": ["web-development"],
}


def _route_demo_categories() -> None:
    categories = ServiceCategory.objects.in_bulk(field_name="slug")
    for email, slugs in PROVIDERS.items():
        provider = User.objects.get(email=email)
        for slug in slugs:
            category = categories[slug]
            # add() only when missing: history records every m2m add, even of an existing link
            if not category.eligible_providers.filter(pk=provider.pk).exists():
                category.eligible_providers.add(provider)


class Command(BaseCommand):
    help = "Create the demo administrator, staff, vendors, courier, customers and services (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Run even though DEBUG is off.")

    @transaction.atomic
    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError("seed_demo creates accounts with a known password; run it with DEBUG on or --force.")
        logins = []
        for email, full_name, roles, superuser in PEOPLE:
            _person(email, full_name, roles, superuser)
            logins.append((email, ", ".join(roles) or "Customer"))
        for spec in VENDORS:
            spec = dict(spec)
            members = spec.pop("members")
            vendor, _ = Vendor.objects.get_or_create(slug=spec["slug"], defaults=spec)
            for email, full_name, role in members:
                user = _person(email, full_name, [Role.SELLER])
                VendorMembership.objects.get_or_create(vendor=vendor, user=user, defaults={"role": role})
                logins.append((email, f"Seller ({role}, {vendor.name})"))
        self.stdout.write(f"Demo services created: {seed_demo_services()}.")
        _route_demo_categories()
        moderator = User.objects.get(email="manager@comptoir.local")
        self.stdout.write(f"Demo products created: {seed_demo_products(moderator=moderator)}.")
        customers = User.objects.filter(email__in=[email for email, _name, roles, _su in PEOPLE if not roles])
        self.stdout.write(f"Demo past orders created: {seed_demo_orders(buyers=list(customers.order_by('email')))}.")
        # after the past orders: those are only made while the demo stores have none
        self.stdout.write(f"Demo courier jobs published: {seed_demo_deliveries()}.")
        width = max(len(email) for email, _ in logins)
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD}):")
        for email, what in logins:
            self.stdout.write(f"  {email.ljust(width)}  {what}")
