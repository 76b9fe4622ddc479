"""Concurrent checkouts on one hot product against checkouts spread over many, on PostgreSQL.

Every buyer has a cart with one unit. Hot and spread both sell every cart, in rounds that alternate
(so that a machine getting busier slows both alike); then a scarce product with stock for a tenth of
its buyers shows that the last units are never sold twice (oversold must be 0 over all the products).
Figures are ratios measured in one run: these machines are noisy.
"""

import secrets
import threading
import time
from dataclasses import dataclass, field
from unittest import mock

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, connections
from django.db.models import Sum
from djmoney.money import Money

from apps.accounts.models import User
from apps.catalog.models import Product, ServiceCategory
from apps.notifications.models import EmailLog
from apps.orders.checkout import CheckoutError, checkout_place
from apps.orders.models import Cart, CartItem, Checkout, Order, OrderItem
from apps.vendors.models import Vendor


ROUNDS = 4


@dataclass
class Race:
    seconds: float = 0.0
    placed: int = 0
    refused: int = 0
    errors: list[str] = field(default_factory=list)

    @property
    def per_second(self) -> float:
        return (self.placed + self.refused) / self.seconds if self.seconds else 0.0

    def add(self, other: "Race") -> None:
        self.seconds += other.seconds
        self.placed += other.placed
        self.refused += other.refused
        self.errors += other.errors


class BenchData:
    """Throwaway vendor, products, buyers and carts, tagged with the run id; delete() removes them all."""

    def __init__(self, run: str, checkouts: int):
        self.run = run
        self.category = ServiceCategory.objects.bulk_create(
            [ServiceCategory(name=f"Bench {run}", slug=f"bench-{run}")])[0]
        self.vendor = Vendor.objects.bulk_create([Vendor(name=f"Bench {run}", slug=f"bench-{run}",
                                                         contact_email=f"bench-{run}@bench.invalid")])[0]
        self.scarce_buyers = max(checkouts // 2, 2)
        self.scarce_stock = max(self.scarce_buyers // 10, 1)
        products = Product.objects.bulk_create(
            [self._product("hot", checkouts), self._product("scarce", self.scarce_stock)]
            + [self._product(f"spread-{i}", 1) for i in range(checkouts)])
        self.initial_stock = {product.pk: product.stock for product in products}
        hot, scarce, spread = products[0], products[1], products[2:]
        self.hot_carts = self._carts("hot", [hot] * checkouts)
        self.spread_carts = self._carts("spread", spread)
        self.scarce_carts = self._carts("scarce", [scarce] * self.scarce_buyers)

    def _product(self, name: str, stock: int) -> Product:
        return Product(vendor=self.vendor, category=self.category, name=f"Bench {self.run} {name}",
                       slug=f"bench-{self.run}-{name}", price=Money(10000, "GNF"), stock=stock,
                       moderation_status=Product.Moderation.APPROVED)

    def _carts(self, kind: str, products: list[Product]) -> list[Cart]:
        buyers = User.objects.bulk_create([User(email=f"bench-{self.run}-{kind}-{i}@bench.invalid")
                                           for i in range(len(products))])
        carts = Cart.objects.bulk_create([Cart(user=buyer) for buyer in buyers])
        CartItem.objects.bulk_create([CartItem(cart=cart, product=product, quantity=1)
                                      for cart, product in zip(carts, products, strict=True)])
        return carts

    def oversold(self) -> tuple[int, int]:
        """Units sold beyond the stock, and units whose stock count does not match what was sold."""
        sold = dict(OrderItem.objects.filter(product__vendor=self.vendor).values("product")
                    .annotate(units=Sum("quantity")).values_list("product", "units"))
        left = dict(Product.objects.filter(vendor=self.vendor).values_list("pk", "stock"))
        over = sum(max(sold.get(pk, 0) - stock, 0) for pk, stock in self.initial_stock.items())
        mismatch = sum(abs(stock - sold.get(pk, 0) - left[pk]) for pk, stock in self.initial_stock.items())
        return over, mismatch

    def delete(self) -> None:
        buyers = User.objects.filter(email__startswith=f"bench-{self.run}-")
        checkouts = Checkout.objects.filter(buyer__in=buyers)
        orders = Order.objects.filter(vendor=self.vendor)
        references = [*checkouts.values_list("reference", flat=True), *orders.values_list("reference", flat=True)]
        EmailLog.objects.filter(related_reference__in=references).delete()
        vendor_id, category_id = self.vendor.pk, self.category.pk
        orders.delete()
        checkouts.delete()
        buyers.delete()
        Product.objects.filter(vendor_id=vendor_id).delete()
        self.vendor.delete()
        self.category.delete()
        # simple-history records deletions too: remove every trace of the run
        Order.history.filter(vendor_id=vendor_id).delete()
        Product.history.filter(vendor_id=vendor_id).delete()
        User.history.filter(email__startswith=f"bench-{self.run}-").delete()
        Vendor.history.filter(id=vendor_id).delete()
        ServiceCategory.history.filter(id=category_id).delete()


def race(carts: list[Cart], threads: int) -> Race:
    """Place every cart, `threads` checkouts at a time; counts placed, refused and unexpected errors."""
    pending, guard = list(carts), threading.Lock()
    start = threading.Barrier(threads + 1)
    result = Race()

    def worker():
        try:
            start.wait()
            while True:
                with guard:
                    if not pending:
                        return
                    cart = pending.pop()
                try:
                    checkout_place(buyer=cart.user, cart=cart, delivery_mode="pickup", address=None,
                                   payment_method="cash_on_delivery", commission_payer="customer")
                    outcome = "placed"
                except CheckoutError:
                    outcome = "refused"
                except Exception as error:  # a deadlock or any other failure is what the benchmark looks for
                    outcome = f"{error.__class__.__name__}: {error}"
                with guard:
                    if outcome == "placed":
                        result.placed += 1
                    elif outcome == "refused":
                        result.refused += 1
                    else:
                        result.errors.append(outcome)
        finally:
            connections.close_all()

    workers = [threading.Thread(target=worker, name=f"bench-{i}") for i in range(threads)]
    for thread in workers:
        thread.start()
    start.wait()
    began = time.perf_counter()
    for thread in workers:
        thread.join()
    result.seconds = time.perf_counter() - began
    return result


class Command(BaseCommand):
    help = "Checkouts/s on one hot product vs spread over many products (PostgreSQL), and units oversold."

    def add_arguments(self, parser):
        parser.add_argument("--checkouts", type=int, default=200, help="checkouts per scenario (default 200)")
        parser.add_argument("--threads", type=int, default=8, help="checkouts at a time (default 8)")

    def handle(self, *args, checkouts, threads, **options):
        if connection.vendor != "postgresql":
            raise CommandError(
                "bench_checkout measures row locks under real concurrency, which SQLite does not have: run it on "
                "PostgreSQL, e.g. DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir "
                "python manage.py bench_checkout")
        if checkouts < 5 or threads < 1:
            raise CommandError("Use at least 5 checkouts and 1 thread.")
        data = BenchData(secrets.token_hex(4), checkouts)
        hot, spread = Race(), Race()
        try:
            # The e-mails are rendered and logged as in production (same work in the transaction), but not
            # handed to the task queue: nobody is to receive mail for throwaway buyers.
            with mock.patch("apps.notifications.services._enqueue"):
                for round_ in range(ROUNDS):
                    spread.add(race(data.spread_carts[round_::ROUNDS], threads))
                    hot.add(race(data.hot_carts[round_::ROUNDS], threads))
                scarce = race(data.scarce_carts, threads)
            oversold, mismatch = data.oversold()
        finally:
            data.delete()
        for name, result in (("hot", hot), ("spread", spread), ("scarce", scarce)):
            self.stdout.write(f"{name:>6}: {result.per_second:7.1f} checkouts/s ({result.placed} placed, "
                              f"{result.refused} refused out of stock, {len(result.errors)} errors) "
                              f"in {result.seconds:.2f} s, {threads} threads")
            for error in sorted(set(result.errors))[:5]:
                self.stderr.write(f"  {error}")
        self.stdout.write(f"scarce stock {data.scarce_stock} for {data.scarce_buyers} buyers; "
                          f"stock counts that do not match the units sold: {mismatch}")
        ratio = hot.per_second / spread.per_second if spread.per_second else 0.0
        self.stdout.write(f"bench_checkout: oversold={oversold} hot_vs_spread={ratio:.2f}")
