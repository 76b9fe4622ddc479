"""Product import speed, the tuned path against the library's defaults, as a ratio measured in one run.

Both sides import the same kind of file (new products of one seller, through ProductResource with
the seller's scope, in one all-or-nothing transaction); the default side is the resource as the
library runs it (a query per row for the record and each foreign key, a savepoint, a diff and a
save() per row), the tuned side is apps.dataio.resources.tuned(ProductResource). Everything runs on
a throwaway vendor, category and seller, removed at the end with their history rows.
"""

import secrets
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test.utils import override_settings

from apps.accounts.models import User
from apps.catalog.models import Product, ServiceCategory
from apps.catalog.resources import ProductResource
from apps.core.scoping import VendorScope
from apps.dataio.resources import tuned
from apps.dataio.samples import product_rows, to_csv
from apps.dataio.services import read_dataset
from apps.vendors.models import Vendor, VendorMembership

DEFAULT_SAMPLE = 10_000


class Command(BaseCommand):
    help = "Import N generated products with the library's defaults and with the tuned path; print rows/s."

    def add_arguments(self, parser):
        parser.add_argument("--rows", type=int, default=100_000, help="rows imported by the tuned path")
        parser.add_argument("--default-rows", type=int, default=None,
                            help=f"rows imported with the library defaults (default: --rows, at most {DEFAULT_SAMPLE}: "
                                 "at its speed 100,000 rows take most of an hour; rows/s is what is compared)")

    def handle(self, *args, rows, default_rows, **options):
        default_rows = min(rows, DEFAULT_SAMPLE) if default_rows is None else default_rows
        if rows < 1 or default_rows < 1:
            raise CommandError("--rows and --default-rows must be at least 1.")
        token = secrets.token_hex(4)
        vendor, category, seller = self._setup(token)
        try:
            self.stdout.write(f"database: {connection.vendor}; {rows} rows tuned, {default_rows} rows with defaults"
                              + (" (a sample: rows/s is what is compared)" if default_rows != rows else ""))
            default_speed = self._run(ProductResource, default_rows, "default", vendor, category, seller, token)
            tuned_speed = self._run(tuned(ProductResource), rows, "tuned", vendor, category, seller, token)
        finally:
            self._cleanup(vendor, category, seller)
        self.stdout.write(f"bench_import: tuned_vs_default={tuned_speed / default_speed:.2f}")

    def _setup(self, token):
        vendor = Vendor.objects.create(name=f"Bench import {token}", slug=f"bench-import-{token}")
        category = ServiceCategory.objects.create(name=f"Bench import {token}", slug=f"bench-import-{token}")
        seller = User.objects.create_user(email=f"bench-import-{token}@example.com")
        VendorMembership.objects.create(vendor=vendor, user=seller, role=VendorMembership.Role.OWNER)
        return vendor, category, seller

    def _run(self, resource_class, count, label, vendor, category, seller, token) -> float:
        data = to_csv(product_rows(count, vendor=vendor.slug, category=category.slug, prefix=f"{label}-{token}"))
        dataset = read_dataset(data, "csv")
        resource = resource_class(vendor_scope=VendorScope.for_user(seller))
        started = time.perf_counter()
        result = resource.import_data(dataset, dry_run=False, user=seller, file_name=f"bench-{label}.csv")
        elapsed = time.perf_counter() - started
        if result.has_errors() or result.has_validation_errors() or result.totals["new"] != count:
            raise CommandError(f"the {label} import did not create {count} products: {result.totals}")
        written = Product.objects.filter(vendor=vendor).count()
        history = Product.history.filter(vendor_id=vendor.pk).count()
        if written != count or history != count:
            raise CommandError(f"the {label} import wrote {written} products and {history} history rows")
        self.stdout.write(f"{label:>7}: {count} rows in {elapsed:.1f} s = {count / elapsed:,.0f} rows/s")
        self._remove_products(vendor)
        return count / elapsed

    @staticmethod
    def _remove_products(vendor):
        with override_settings(SIMPLE_HISTORY_ENABLED=False):  # no "deleted" history row for each throwaway product
            Product.objects.filter(vendor=vendor).delete()
        Product.history.filter(vendor_id=vendor.pk).delete()

    def _cleanup(self, vendor, category, seller):
        self._remove_products(vendor)
        memberships = list(VendorMembership.objects.filter(vendor=vendor))
        for obj in [*memberships, vendor, category, seller]:
            type(obj).objects.filter(pk=obj.pk).delete()
            if hasattr(type(obj), "history"):  # and the history rows of the throwaway records
                type(obj).history.filter(id=obj.pk).delete()
