"""The shop catalogue under load against a view that uses no database, on the same gunicorn; htmx fragment bytes.

Ratios measured in one run (machines are noisy). Everything runs on loopback against a throwaway SQLite
database seeded here, so the benchmark never touches the developer's data.
"""

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpResponse

CATALOGUE_URL = "/shop/"
# The no-database reference: a view answering "ok" after the same middleware as the catalogue. It exists
# only in the benchmark's own server (bench_application), never in the deployed URLconf.
NODB_URL = "/bench/nodb/"
# For information: whitenoise answers this from memory before any view or most middleware runs.
STATIC_URL = "/static/css/site.css"
# a buyer looking for one phone model: what the search box sends while they type
FRAGMENT_URL = "/shop/?q=nokia+105"
ROUNDS = 5  # the URLs take turns, so a burst of load from elsewhere on the machine hits all of them

BRANDS = ["Samsung", "Tecno", "Itel", "Infinix", "Xiaomi", "Oraimo", "Philips", "Binatone", "Toyota", "Bosch"]
COLOURS = ["Black", "White", "Blue", "Red", "Gold", "Silver", "Green"]
ITEMS = [("electronics", "smartphone", 1_450_000), ("electronics", "power bank", 185_000),
         ("electronics", "earbuds", 240_000), ("electronics", "television", 3_900_000),
         ("jewelry", "bracelet", 320_000), ("automobile", "brake pads", 410_000),
         ("automobile", "car battery", 1_150_000), ("electronics", "blender", 560_000)]


def seed_catalogue(count: int) -> None:
    """Three active stores and `count` visible products with a picture, a rating, some on sale or scarce.

    Called in the throwaway database's own process (manage.py shell), never in the developer's database.
    """
    from datetime import timedelta

    from django.utils import timezone
    from djmoney.money import Money

    from apps.catalog.models import Product, ProductImage, ServiceCategory
    from apps.vendors.models import Vendor

    vendors = [Vendor.objects.create(name=name, slug=name.lower().replace(" ", "-"), description="Bench store")
               for name in ("Kaloum Electronics", "Madina Market", "Matoto Auto Parts")]
    categories = ServiceCategory.objects.in_bulk(field_name="slug")
    now = timezone.now()
    products = [Product(vendor=vendors[0], category=categories["electronics"], name="Nokia 105 feature phone",
                        slug="nokia-105", brand="Nokia", colour="Black", price=Money(195_000, "GNF"), stock=40,
                        moderation_status=Product.Moderation.APPROVED, description="Dual SIM, FM radio.")]
    for index in range(count - 1):
        category, item, price = ITEMS[index % len(ITEMS)]
        brand = BRANDS[index % len(BRANDS)]
        on_sale = index % 5 == 0
        products.append(Product(
            vendor=vendors[index % len(vendors)], category=categories[category],
            name=f"{brand} {item} {100 + index}", slug=f"bench-{index}", brand=brand,
            colour=COLOURS[index % len(COLOURS)], price=Money(price + index * 1000, "GNF"),
            sale_price=Money(price * 9 // 10, "GNF") if on_sale else None,
            sale_ends_at=now + timedelta(days=7) if on_sale else None,
            stock=(0, 3, 25, 60)[index % 4], description=f"A {item} from {brand}, delivered in Conakry.",
            attributes={"warranty": "12 months"}, moderation_status=Product.Moderation.APPROVED,
            rating_average=3 + (index % 21) / 10 if index % 3 else None, rating_count=index % 40 if index % 3 else 0,
        ))
    Product.objects.bulk_create(products)
    ProductImage.objects.bulk_create(
        ProductImage(product=product, image=f"products/bench/{product.pk}.png",
                     thumbnail=f"products/bench/{product.pk}-thumb.png", alt_text=product.name)
        for product in Product.objects.all())


def _nodb_view(request):
    return HttpResponse("ok", content_type="text/plain")


def bench_application():
    """gunicorn's application in the benchmark: the project's, plus the no-database reference view."""
    from django.core.wsgi import get_wsgi_application
    from django.urls import clear_url_caches, path

    application = get_wsgi_application()  # sets Django up: the URLconf can be imported from here on
    from project import urls

    urls.urlpatterns.append(path(NODB_URL.lstrip("/"), _nodb_view))
    clear_url_caches()
    return application


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _get(url: str, headers: dict | None = None) -> bytes:
    request = urllib.request.Request(url, headers=headers or {})
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 - loopback URL built here
        return response.read()


def _load(url: str, requests: int, concurrency: int, headers: dict | None = None) -> float:
    """requests GETs from `concurrency` threads; the seconds they took."""
    remaining = iter(range(requests))
    lock = threading.Lock()
    failures = []

    def worker():
        while True:
            with lock:
                if next(remaining, None) is None:
                    return
            try:
                _get(url, headers)
            except (urllib.error.URLError, OSError) as error:
                failures.append(error)

    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    if failures:
        raise CommandError(f"{len(failures)} of {requests} requests to {url} failed, first: {failures[0]}")
    return elapsed


def _requests_per_second(targets: dict[str, tuple[str, dict, int]], concurrency: int) -> dict[str, float]:
    """Requests/s for each target (name: (url, headers, requests)), the targets taking turns in ROUNDS rounds."""
    batches = {name: max(1, requests // ROUNDS) for name, (_url, _headers, requests) in targets.items()}
    seconds = dict.fromkeys(targets, 0.0)
    for _round in range(ROUNDS):
        for name, (url, headers, _requests) in targets.items():
            seconds[name] += _load(url, batches[name], concurrency, headers)
    return {name: batches[name] * ROUNDS / seconds[name] for name in targets}


class Command(BaseCommand):
    help = "Catalogue requests/s against a no-database view on the same gunicorn, and htmx fragment vs page bytes."

    def add_arguments(self, parser):
        parser.add_argument("--requests", type=int, default=2000, help="Requests per URL measured (default 2000).")
        parser.add_argument("--concurrency", type=int, default=8, help="Client threads (default 8).")
        parser.add_argument("--products", type=int, default=200, help="Products seeded (default 200).")
        parser.add_argument("--workers", type=int, default=2, help="gunicorn workers (default 2).")

    def handle(self, *args, requests, concurrency, products, workers, **options):
        workdir = Path(tempfile.mkdtemp(prefix="bench_pages_"))
        try:
            env = self._environment(workdir)
            self._prepare_database(env, products)
            with self._gunicorn(env, workers, workdir / "gunicorn.log") as base:
                self._report(base, requests, concurrency, products, workers)
        finally:
            shutil.rmtree(workdir, ignore_errors=True)

    def _environment(self, workdir: Path) -> dict:
        env = dict(os.environ)
        # Local settings as `make run` uses them, with DEBUG off (no query log) and persistent connections
        # as in production (CONN_MAX_AGE): a new SQLite connection re-reads the whole schema, which would
        # make every page pay for opening its database rather than for using it.
        env.update(DJANGO_SETTINGS_MODULE="project.settings.local", DEBUG="False", LOG_LEVEL="WARNING",
                   DATABASE_URL=f"sqlite:///{workdir / 'bench.sqlite3'}?conn_max_age=600", REDIS_URL="",
                   MEDIA_ROOT=str(workdir / "media"), SHOP_LIST_CACHE_SECONDS=str(settings.SHOP_LIST_CACHE_SECONDS))
        return env

    def _manage(self, env: dict, *arguments: str) -> None:
        result = subprocess.run([sys.executable, str(settings.BASE_DIR / "manage.py"), *arguments], env=env,
                                cwd=settings.BASE_DIR, capture_output=True, text=True)
        if result.returncode:
            raise CommandError(f"manage.py {arguments[0]} failed:\n{result.stderr[-2000:]}")

    def _prepare_database(self, env: dict, products: int) -> None:
        self.stdout.write(f"Seeding a throwaway SQLite database with {products} products...")
        self._manage(env, "migrate", "--noinput")
        self._manage(env, "shell", "-c",
                     f"from management.management.commands.bench_pages import seed_catalogue; "
                     f"seed_catalogue({products})")

    @contextmanager
    def _gunicorn(self, env: dict, workers: int, log: Path):
        """gunicorn from this virtualenv on a free loopback port, stopped on the way out whatever happens."""
        port = _free_port()
        command = [str(Path(sys.executable).with_name("gunicorn")), f"{__name__}:bench_application()",
                   "--workers", str(workers), "--bind", f"127.0.0.1:{port}", "--log-level", "warning"]
        # its output goes to a file: an unread pipe would fill up and stall the workers
        with log.open("w") as output:
            server = subprocess.Popen(command, env=env, cwd=settings.BASE_DIR, stdout=output, stderr=output)
        base = f"http://127.0.0.1:{port}"
        try:
            self._wait_until_up(server, base, log)
            yield base
        finally:
            server.terminate()
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()

    def _wait_until_up(self, server: subprocess.Popen, base: str, log: Path) -> None:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if server.poll() is not None:
                raise CommandError(f"gunicorn exited: {log.read_text()[-2000:]}")
            try:
                _get(base + NODB_URL)
                return
            except (urllib.error.URLError, OSError):
                time.sleep(0.2)
        raise CommandError("gunicorn did not answer within 60 s")

    def _report(self, base: str, requests: int, concurrency: int, products: int, workers: int) -> None:
        # A session cookie, as a signed-in buyer or a guest with a cart has, gets a page rendered afresh.
        with_session = {"Cookie": f"{settings.SESSION_COOKIE_NAME}=bench-visitor-without-a-stored-session"}
        targets = {"catalogue": (base + CATALOGUE_URL, {}, requests), "nodb": (base + NODB_URL, {}, requests),
                   "static": (base + STATIC_URL, {}, requests),
                   # for information only, and slow: a tenth of the requests
                   "fresh": (base + CATALOGUE_URL, with_session, requests // 10)}
        # warm-up: every worker loads its templates and URL patterns, and the page cache fills, before the clock
        for url, headers, _requests in [*targets.values(), (base + FRAGMENT_URL, {}, 0)]:
            _load(url, 5 * workers, workers, headers)
        rates = _requests_per_second(targets, concurrency)
        page = len(_get(base + FRAGMENT_URL))
        fragment = len(_get(base + FRAGMENT_URL, {"HX-Request": "true"}))
        self.stdout.write(
            f"gunicorn: {workers} sync workers, local settings with DEBUG off, SQLite (persistent connections) with "
            f"{products} products, guest pages cached {settings.SHOP_LIST_CACHE_SECONDS} s; {requests} requests "
            f"per URL from {concurrency} threads on loopback, the URLs taking turns in {ROUNDS} rounds")
        self.stdout.write(f"  catalogue {CATALOGUE_URL} as a guest (24 of {products} products): "
                          f"{rates['catalogue']:.0f} req/s")
        self.stdout.write(f"  no-database view {NODB_URL} (same middleware, no query, no template): "
                          f"{rates['nodb']:.0f} req/s")
        self.stdout.write(f"  for information: {CATALOGUE_URL} rendered afresh (a visitor with a session) "
                          f"{rates['fresh']:.0f} req/s; whitenoise static file {STATIC_URL} "
                          f"{rates['static']:.0f} req/s")
        self.stdout.write(f"  search {FRAGMENT_URL}: htmx fragment {fragment} bytes, full page {page} bytes")
        self.stdout.write(f"bench_pages: catalogue_vs_nodb={rates['catalogue'] / rates['nodb']:.2f} "
                          f"fragment_vs_page={fragment / page:.2f}")
