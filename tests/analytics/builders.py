"""Known sales data for the analytics tests: orders, requests, commissions, earnings and returns, dated on purpose."""

from datetime import timedelta
from decimal import Decimal

from django.utils import timezone
from djmoney.money import Money

from apps.analytics.services import exchange_rate_set
from tests.factories import CommissionFactory, ProductFactory, ServiceCategoryFactory, UserFactory, order_for, \
    return_for, service_request_for


def days_ago(days: int, hour: int = 12):
    """Noon (local time) `days` days ago: safely inside that local day."""
    return timezone.localtime().replace(hour=hour, minute=0, second=0, microsecond=0) - timedelta(days=days)


def set_rates(**per_dollar) -> None:
    """Exchange rates quoted per 1 USD, e.g. set_rates(GNF=8000, EUR="0.8") -> 1 EUR = 10,000 GNF."""
    for currency, value in per_dollar.items():
        exchange_rate_set(currency=currency, value=Decimal(str(value)), actor=None)


def dated(obj, when, field="created_at"):
    """Move a row's timestamp (auto_now_add cannot be set at creation)."""
    type(obj).objects.filter(pk=obj.pk).update(**{field: when})
    setattr(obj, field, when)
    return obj


def sale(vendor, product, quantity=1, *, days=2, **fields):
    """An order of `quantity` x product placed `days` ago."""
    return dated(order_for(vendor, lines=[(product, quantity)], **fields), days_ago(days))


def paid_request(vendor, *, days=2, amount=150000, **fields):
    """A paid service request of this vendor, placed `days` ago."""
    request = service_request_for(vendor, **fields)
    type(request).objects.filter(pk=request.pk).update(amount=Money(amount, "GNF"))
    return dated(request, days_ago(days))


def courier_earning(courier, order, amount, kind="commission", *, days=2):
    from apps.delivery.models import CourierEarning, Delivery

    delivery, _created = Delivery.objects.get_or_create(order=order, defaults={
        "mode": "courier", "status": "delivered", "deliverer": courier})
    return CourierEarning.objects.create(courier=courier, delivery=delivery, kind=kind,
                                         amount=Money(amount, "GNF"), created_at=days_ago(days))


def known_sales(vendor_a, vendor_b):
    """The data every report is checked against (1 EUR = 10,000 GNF):

    Alpha Store: 2 x Alpha beans (delivered, paid, returned) = 100,000 GNF; 1 x Alpha beans paid in EUR 10
    (placed); a completed service request of 150,000 GNF assigned after 2 h and completed after 10 h.
    Bravo Boutique: a cancelled order (20,000 GNF), an order 40 days ago (outside the default period), and a
    refunded service request. An affiliate earned 15,000 GNF on Alpha's request; a courier netted 4,000 GNF.
    """
    set_rates(GNF=8000, EUR="0.8")
    food = ServiceCategoryFactory(name="Food", slug="food")
    beans = ProductFactory(vendor=vendor_a, name="Alpha beans", category=food, price=Money(50000, "GNF"), stock=50)
    rice = ProductFactory(vendor=vendor_b, name="Bravo rice", price=Money(20000, "GNF"), stock=50,
                          category=ServiceCategoryFactory(name="Grains", slug="grains", parent=food))
    delivered = sale(vendor_a, beans, 2, status="delivered", payment_status="paid", delivered_at=days_ago(1))
    sale(vendor_a, beans, 1, days=3, total=Money(10, "EUR"), payment_method="sandbox", payment_status="paid")
    sale(vendor_b, rice, 1, status="cancelled")
    sale(vendor_b, rice, 3, days=40)
    return_for(vendor_a, order=delivered)

    request = paid_request(vendor_a, status="completed")
    type(request).objects.filter(pk=request.pk).update(assigned_at=request.created_at + timedelta(hours=2),
                                                       completed_at=request.created_at + timedelta(hours=10))
    paid_request(vendor_b, status="refunded", amount=90000)
    commission = dated(CommissionFactory(affiliate__code="AMINATA", reference=request.reference,
                                         base_amount=Money(150000, "GNF"), amount=Money(15000, "GNF")), days_ago(2))
    dated(CommissionFactory(affiliate=commission.affiliate, status="reversed", amount=Money(7000, "GNF")), days_ago(2))

    courier = UserFactory(full_name="Ibrahima Courier", email="ibrahima@example.com", roles=["Courier"])
    courier_earning(courier, delivered, 5000)
    courier_earning(courier, delivered, -1000, kind="reversal")
    return {"beans": beans, "rice": rice, "delivered": delivered, "request": request, "courier": courier,
            "commission": commission}
