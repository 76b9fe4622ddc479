"""How long a service receipt takes to render, as ratios measured in one run (machines are noisy)."""

import statistics
import time

from django.core.management.base import BaseCommand
from django.utils import timezone
from djmoney.money import Money
from weasyprint import HTML

from apps.catalog.models import Service, ServiceTier
from apps.core.pdf import StaticOnlyURLFetcher, render_pdf
from apps.core.qr import qr_svg
from apps.payments.models import Payment
from apps.servicedesk.models import ServiceRequest
from apps.vendors.models import Vendor


def _sample_request() -> ServiceRequest:
    """An unsaved request with everything a receipt shows: the benchmark writes nothing."""
    vendor = Vendor(name="Kaloum Auto Services", address="Avenue de la République, Kaloum, Conakry")
    service = Service(vendor=vendor, name="Full car check", base_price=Money(200000, "GNF"))
    payment = Payment(gateway="sandbox", amount=Money(450000, "GNF"), completed_at=timezone.now())
    return ServiceRequest(reference="SR-2026-BENCH7", vendor=vendor, service=service, payment=payment,
                          tier=ServiceTier(service=service, name="Premium", price=Money(450000, "GNF")),
                          full_name="Mariam Sylla", email="mariam@example.com", phone="+224 620 11 22 33",
                          amount=Money(450000, "GNF"), created_at=timezone.now())


def _timed(render) -> float:
    started = time.perf_counter()
    render()
    return time.perf_counter() - started


class Command(BaseCommand):
    help = "Receipt PDF render time against a one-line document, warm and cold."

    def add_arguments(self, parser):
        parser.add_argument("--runs", type=int, default=15)

    def handle(self, *args, runs, **options):
        req = _sample_request()
        url = "https://comptoir.example/track/s/SR-2026-BENCH7:signature/"

        def receipt():
            return render_pdf("pdf/service_receipt.html", {"req": req, "tracking_url": url, "qr_svg": qr_svg(url)})

        def trivial():
            return HTML(string="<p>Receipt</p>", base_url="file:///", url_fetcher=StaticOnlyURLFetcher()).write_pdf()

        cold = _timed(receipt)  # first render in this process: fonts, templates, QR encoder all load
        warm = statistics.median(_timed(receipt) for _ in range(runs))
        _timed(trivial)
        one_line = statistics.median(_timed(trivial) for _ in range(runs))
        self.stdout.write(f"receipt cold {cold * 1000:.0f} ms, warm median {warm * 1000:.0f} ms; "
                          f"one-line document median {one_line * 1000:.0f} ms ({runs} runs each)")
        self.stdout.write(f"bench_receipt: warm_vs_trivial={warm / one_line:.2f} cold_vs_warm={cold / warm:.2f}")
