"""Throwaway data for the benchmarks at a million rows: inserted by PostgreSQL itself, removed afterwards."""

import secrets
from contextlib import contextmanager

from django.db import connection
from djmoney.models.fields import CurrencyField, MoneyField

from apps.accounts.models import User
from apps.orders.models import Checkout, Order
from apps.vendors.models import Vendor

STATUSES = [value for value, _ in Order.Status.choices]


def _column_sql(field, run: str) -> tuple[str, list]:
    """One column of the generated rows: an SQL expression over g (the series) and its parameters."""
    name = field.column
    if name == "reference":
        return "%s || g", [f"B{run}-"]
    if name in ("created_at", "updated_at"):
        # one order a minute back from now: ordering by date is realistic, not all ties
        return "now() - make_interval(mins => g)", []
    if name == "status":
        return "(%s::text[])[1 + g %% %s]", [STATUSES, len(STATUSES)]
    if isinstance(field, CurrencyField):
        return "%s", ["GNF"]
    if isinstance(field, MoneyField):
        return "(1000 + (g %% 500) * 1000)::numeric", []
    if field.null:
        return "NULL", []
    return "%s", [field.get_db_prep_value(field.get_default(), connection)]


class BenchOrders:
    """A vendor, a buyer and a checkout tagged with a run id, and as many orders as asked, in SQL."""

    def __init__(self):
        if connection.vendor != "postgresql":
            raise RuntimeError("This benchmark runs on PostgreSQL: set DATABASE_URL=postgres://...")
        self.run = secrets.token_hex(3)
        self.vendor = Vendor.objects.create(name=f"Bench {self.run}", slug=f"bench-{self.run}",
                                            contact_email=f"bench-{self.run}@bench.invalid")
        self.buyer = User.objects.create_user(f"bench-{self.run}@bench.invalid", full_name=f"Bench {self.run}")
        self.checkout = Checkout.objects.create(buyer=self.buyer)
        self.count = 0

    def grow_to(self, total: int) -> None:
        """Insert orders until the run holds `total` of them, then refresh the planner's statistics."""
        fixed = {"vendor_id": self.vendor.pk, "buyer_id": self.buyer.pk, "checkout_id": self.checkout.pk}
        columns, expressions, params = [], [], []
        for field in Order._meta.concrete_fields:
            if field.primary_key:
                continue
            columns.append(f'"{field.column}"')
            if field.column in fixed:
                expressions.append("%s")
                params.append(fixed[field.column])
                continue
            sql, field_params = _column_sql(field, self.run)
            expressions.append(sql)
            params += field_params
        with connection.cursor() as cursor:
            cursor.execute(f'INSERT INTO "{Order._meta.db_table}" ({", ".join(columns)}) '
                           f'SELECT {", ".join(expressions)} FROM generate_series(%s, %s) AS g',
                           [*params, self.count + 1, total])
            cursor.execute(f'ANALYZE "{Order._meta.db_table}"')
        self.count = total

    def orders(self):
        return Order.objects.filter(vendor=self.vendor)

    def delete(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f'DELETE FROM "{Order._meta.db_table}" WHERE vendor_id = %s', [self.vendor.pk])
        self.checkout.delete()
        self.buyer.delete()
        self.vendor.delete()


@contextmanager
def bench_orders():
    data = BenchOrders()
    try:
        yield data
    finally:
        data.delete()
