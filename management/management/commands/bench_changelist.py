"""The order changelist at 10,000 and at 1,000,000 orders on PostgreSQL, and its queries at 10 and 100 rows.

The same admin page is requested by a signed-in administrator through Django's test client (no network,
no server in between); p50 over several requests after a warm-up. Figures are ratios measured in one run.
"""

import statistics
import time

from django.contrib import admin
from django.core.management.base import BaseCommand, CommandError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from apps.accounts.models import User
from apps.orders.models import Order
from management.benchdata import bench_orders

URL = "/admin/orders/order/"


class Command(BaseCommand):
    help = "Order changelist p50 at 1,000,000 vs 10,000 orders, and queries per page at 10 vs 100 rows (PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--small", type=int, default=10_000)
        parser.add_argument("--large", type=int, default=1_000_000)
        parser.add_argument("--requests", type=int, default=25)

    def handle(self, *args, small, large, requests, **options):
        if connection.vendor != "postgresql":
            raise CommandError("bench_changelist runs on PostgreSQL: set DATABASE_URL=postgres://...")
        client = Client(SERVER_NAME="localhost")
        staff = User.objects.create_superuser(f"bench-admin-{time.time_ns()}@bench.invalid")
        client.force_login(staff)
        try:
            with bench_orders() as data:
                data.grow_to(small)
                p50_small = self._p50(client, requests)
                queries_10, queries_100 = self._queries(client, 10), self._queries(client, 100)
                self.stdout.write(f"{Order.objects.count():,} orders: p50 {p50_small * 1000:.1f} ms; "
                                  f"queries at 10 rows {queries_10}, at 100 rows {queries_100}")
                started = time.perf_counter()
                data.grow_to(large)
                self.stdout.write(f"grew to {Order.objects.count():,} orders in {time.perf_counter() - started:.0f} s")
                p50_large = self._p50(client, requests)
                self.stdout.write(f"{Order.objects.count():,} orders: p50 {p50_large * 1000:.1f} ms")
        finally:
            staff.delete()
        self.stdout.write(f"bench_changelist: p50_1m_vs_10k={p50_large / p50_small:.2f} "
                          f"queries_100_vs_10={queries_100 / queries_10:.2f} "
                          f"p50_10k_ms={p50_small * 1000:.1f} p50_1m_ms={p50_large * 1000:.1f} "
                          f"queries_10={queries_10} queries_100={queries_100}")

    def _get(self, client, url=URL):
        response = client.get(url)
        if response.status_code != 200:
            raise CommandError(f"{url} answered {response.status_code}")
        return response

    def _p50(self, client, requests: int) -> float:
        for _ in range(3):
            self._get(client)
        timings = []
        for _ in range(requests):
            started = time.perf_counter()
            self._get(client)
            timings.append(time.perf_counter() - started)
        return statistics.median(timings)

    def _queries(self, client, per_page: int) -> int:
        order_admin = admin.site._registry[Order]
        saved = order_admin.list_per_page
        order_admin.list_per_page = per_page
        try:
            with CaptureQueriesContext(connection) as queries:
                self._get(client)
        finally:
            order_admin.list_per_page = saved
        return len(queries.captured_queries)
