"""The admin's streamed CSV export of orders against PostgreSQL's COPY TO STDOUT on the same rows.

Both read the same columns of the same orders (the order admin's export resource), and both stream into a
sink that keeps nothing. On PostgreSQL the admin export itself runs as a COPY whose cells are formatted by
SQL (local dates, formula neutralisation), so the ratio is what that formatting costs over a bare COPY. Speed is measured at the large size; memory (Python's peak allocations while
exporting, by tracemalloc, in a separate pass because tracing slows everything down) at both sizes.
"""

import time
import tracemalloc

from django.contrib import admin
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import RequestFactory

from apps.accounts.models import User
from apps.core.exporting import export_csv, values_paths
from apps.orders.models import Order
from management.benchdata import bench_orders


class Command(BaseCommand):
    help = "Streamed CSV export of 1,000,000 orders vs COPY TO STDOUT, and peak memory at 1M vs 100k (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--small", type=int, default=100_000)
        parser.add_argument("--large", type=int, default=1_000_000)

    def handle(self, *args, small, large, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_export runs on PostgreSQL: set DATABASE_URL=postgres://...")
        staff = User.objects.create_superuser(f"bench-admin-{time.time_ns()}@bench.invalid")
        request = RequestFactory().get("/admin/orders/order/export/")
        request.user = staff
        order_admin = admin.site._registry[Order]
        resource = order_admin.get_export_resource_classes(request)[0](
            **order_admin.get_export_resource_kwargs(request))
        try:
            with bench_orders() as data:
                data.grow_to(small)
                memory_small = self._peak_memory(resource, data.orders())
                data.grow_to(large)
                memory_large = self._peak_memory(resource, data.orders())
                rows, export_seconds, export_bytes = self._export(resource, data.orders())
                copy_seconds, copy_bytes = self._copy(resource, data.orders())
        finally:
            staff.delete()
        export_rate, copy_rate = rows / export_seconds, rows / copy_seconds
        self.stdout.write(f"streamed export: {rows:,} rows in {export_seconds:.2f} s ({export_rate:,.0f} rows/s, "
                          f"{export_bytes / 1e6:.0f} MB)")
        self.stdout.write(f"COPY TO STDOUT:  {rows:,} rows in {copy_seconds:.2f} s ({copy_rate:,.0f} rows/s, "
                          f"{copy_bytes / 1e6:.0f} MB)")
        self.stdout.write(f"peak memory while exporting: {memory_small / 1e6:.1f} MB at {small:,} rows, "
                          f"{memory_large / 1e6:.1f} MB at {large:,} rows")
        self.stdout.write(f"bench_export: vs_copy={export_rate / copy_rate:.2f} "
                          f"mem_1m_vs_100k={memory_large / memory_small:.2f} "
                          f"export_rows_per_s={export_rate:.0f} copy_rows_per_s={copy_rate:.0f}")

    @staticmethod
    def _stream(resource, queryset):
        return export_csv(resource, queryset)

    def _export(self, resource, queryset) -> tuple[int, float, int]:
        started, size = time.perf_counter(), 0
        for chunk in self._stream(resource, queryset):
            size += len(chunk)
        seconds = time.perf_counter() - started
        return queryset.count(), seconds, size

    def _peak_memory(self, resource, queryset) -> int:
        tracemalloc.start()
        try:
            for _ in self._stream(resource, queryset):
                pass
            return tracemalloc.get_traced_memory()[1]
        finally:
            tracemalloc.stop()

    def _copy(self, resource, queryset) -> tuple[float, int]:
        """COPY of the very query the export runs (same columns, same rows, same order)."""
        paths = values_paths(resource)
        if paths is None:
            raise CommandError("The order export has computed columns: COPY cannot produce the same rows.")
        sql, params = queryset.values_list(*paths).query.sql_with_params()
        with connection.cursor() as cursor:
            sql = cursor.mogrify(sql, params) if params else sql
            started, size = time.perf_counter(), 0
            with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)") as copy:
                for block in copy:
                    size += len(block)
            return time.perf_counter() - started, size
