"""Promo codes at checkout: quote the discount, take one use inside the checkout, give it back on cancel."""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal

from babel.numbers import get_currency_precision
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from djmoney.money import Money

from apps.catalog.models import ServiceCategory
from apps.core.exceptions import DomainError
from apps.core.templatetags.money import price
from apps.promotions.models import PromoCode, PromoRedemption


@dataclass(frozen=True)
class PricedLine:
    """A cart line's total at checkout prices."""

    vendor_id: int
    category_id: int
    amount: Money


@dataclass(frozen=True)
class PromoQuote:
    """The discount a code gives on a cart; per_vendor has every vendor of the cart and sums exactly to discount."""

    code: str
    discount: Money
    per_vendor: dict[int, Money]


class PromoError(DomainError):
    pass


def _minor_unit(currency: str) -> Decimal:
    return Decimal(1).scaleb(-get_currency_precision(currency))


def _find(code: str) -> PromoCode:
    code = (code or "").strip()
    if not code:
        raise PromoError(_("Enter a promo code."))
    promo = PromoCode.objects.select_related("vendor", "category").filter(code__iexact=code).first()
    # a suspended seller's codes stop working with its shop
    if promo is None or not promo.is_active or (promo.vendor is not None and promo.vendor.status != "active"):
        raise PromoError(_("The promo code “%(code)s” does not exist or is no longer active.") % {"code": code})
    return promo


def _check_valid_now(promo: PromoCode) -> None:
    now = timezone.now()
    if now < promo.valid_from:
        raise PromoError(_("This promo code can be used from %(date)s.")
                         % {"date": date_format(timezone.localtime(promo.valid_from), "DATETIME_FORMAT")})
    if promo.valid_until is not None and now >= promo.valid_until:
        raise PromoError(_("This promo code expired on %(date)s.")
                         % {"date": date_format(timezone.localtime(promo.valid_until), "DATETIME_FORMAT")})


def _uses_by(promo: PromoCode, customer, *, excluding_reference: str = "") -> int:
    redemptions = PromoRedemption.objects.filter(promo=promo, customer=customer, released_at__isnull=True)
    return redemptions.exclude(reference=excluding_reference).count()


def _check_customer_limit(promo: PromoCode, customer, *, excluding_reference: str = "") -> None:
    limit = promo.max_uses_per_customer
    if limit is None or customer is None or not customer.is_authenticated:
        return
    if _uses_by(promo, customer, excluding_reference=excluding_reference) >= limit:
        if limit == 1:
            raise PromoError(_("You have already used this promo code."))
        raise PromoError(_("You have already used this promo code %(limit)s times, the most allowed.")
                         % {"limit": limit})


def _category_ids(category: ServiceCategory) -> set[int]:
    """The category and everything below it: a code for "Phones" also covers "Phones › Cases"."""
    ids, frontier = {category.pk}, [category.pk]
    while frontier:
        frontier = list(ServiceCategory.objects.filter(parent_id__in=frontier).exclude(pk__in=ids)
                        .values_list("pk", flat=True))
        ids.update(frontier)
    return ids


def _eligible(promo: PromoCode, lines: list[PricedLine]) -> list[PricedLine]:
    eligible = lines
    if promo.vendor_id is not None:
        eligible = [line for line in eligible if line.vendor_id == promo.vendor_id]
    if promo.category_id is not None:
        category_ids = _category_ids(promo.category)
        eligible = [line for line in eligible if line.category_id in category_ids]
    if not eligible:
        if promo.vendor_id is not None and promo.category_id is not None:
            raise PromoError(_("This promo code only applies to %(category)s products sold by %(vendor)s.")
                             % {"category": promo.category.name, "vendor": promo.vendor.name})
        if promo.vendor_id is not None:
            raise PromoError(_("This promo code only applies to products sold by %(vendor)s.")
                             % {"vendor": promo.vendor.name})
        raise PromoError(_("This promo code only applies to products in %(category)s.")
                         % {"category": promo.category.name})
    return eligible


def _cart_currency(lines: list[PricedLine]) -> str:
    if not lines:
        raise PromoError(_("Your cart is empty."))
    currencies = {str(line.amount.currency) for line in lines}
    if len(currencies) > 1:
        raise PromoError(_("A promo code cannot be used on a cart priced in several currencies."))
    return currencies.pop()


def _discount(promo: PromoCode, eligible_total: Money) -> Money:
    currency = str(eligible_total.currency)
    if promo.kind == PromoCode.Kind.PERCENT:
        amount = (eligible_total.amount * promo.percent_off / 100).quantize(_minor_unit(currency), ROUND_HALF_UP)
        return Money(amount, currency)
    if str(promo.amount_off.currency) != currency:
        raise PromoError(_("This promo code cannot be used with prices in %(currency)s.") % {"currency": currency})
    return min(promo.amount_off, eligible_total)


def split_by_vendor(*, discount: Money, totals: dict[int, Money]) -> dict[int, Money]:
    """Share a discount in proportion to each vendor's total, to the currency's minor unit, summing exactly.

    Each share is rounded down, then the units left over go one by one to the largest remainders
    (ties: the lower vendor id), so no share exceeds its vendor's total.
    """
    currency = str(discount.currency)
    unit = _minor_unit(currency)
    whole = sum((money.amount for money in totals.values()), Decimal(0))
    if whole == 0:
        return {vendor_id: Money(0, currency) for vendor_id in totals}
    exact = {vendor_id: discount.amount * money.amount / whole for vendor_id, money in totals.items()}
    shares = {vendor_id: value.quantize(unit, ROUND_DOWN) for vendor_id, value in exact.items()}
    left_over = int((discount.amount - sum(shares.values())) / unit)
    for vendor_id in sorted(exact, key=lambda v: (shares[v] - exact[v], v))[:left_over]:
        shares[vendor_id] += unit
    return {vendor_id: Money(amount, currency) for vendor_id, amount in shares.items()}


def promo_quote(*, code: str, customer, lines: list[PricedLine]) -> PromoQuote:
    """The discount this code gives on these lines, or a PromoError saying why it does not apply."""
    promo = _find(code)
    _check_valid_now(promo)
    if promo.max_uses is not None and promo.uses_count >= promo.max_uses:
        raise PromoError(_("This promo code has been used up."))
    _check_customer_limit(promo, customer)
    currency = _cart_currency(lines)
    eligible = _eligible(promo, lines)
    eligible_total = sum((line.amount for line in eligible), Money(0, currency))
    if promo.min_order is not None and str(promo.min_order.currency) != currency:
        raise PromoError(_("This promo code cannot be used with prices in %(currency)s.") % {"currency": currency})
    if promo.min_order is not None and eligible_total < promo.min_order:
        raise PromoError(_("This promo code needs an order of at least %(minimum)s on the products it covers: "
                           "add %(missing)s more.")
                         % {"minimum": price(promo.min_order), "missing": price(promo.min_order - eligible_total)})
    discount = _discount(promo, eligible_total)
    eligible_by_vendor: dict[int, Money] = defaultdict(lambda: Money(0, currency))
    for line in eligible:
        eligible_by_vendor[line.vendor_id] += line.amount
    per_vendor = {line.vendor_id: Money(0, currency) for line in lines}
    per_vendor.update(split_by_vendor(discount=discount, totals=dict(eligible_by_vendor)))
    return PromoQuote(code=promo.code, discount=discount, per_vendor=per_vendor)


@transaction.atomic
def promo_redeem(*, code: str, customer, reference: str) -> None:
    """Take one use of the code for this checkout (inside its transaction); a replay of the reference is a no-op."""
    promo = _find(code)
    if PromoRedemption.objects.filter(promo=promo, reference=reference, released_at__isnull=True).exists():
        return
    _check_valid_now(promo)
    taken = (PromoCode.objects.filter(pk=promo.pk)
             .filter(Q(max_uses__isnull=True) | Q(uses_count__lt=F("max_uses")))
             .update(uses_count=F("uses_count") + 1))
    if taken != 1:
        raise PromoError(_("This promo code has been used up."))
    # The UPDATE above holds the code's row lock until the checkout commits, so two checkouts of the
    # same customer cannot both pass this count. On refusal the savepoint gives the use back.
    _check_customer_limit(promo, customer, excluding_reference=reference)
    PromoRedemption.objects.update_or_create(promo=promo, reference=reference,
                                             defaults={"customer": customer, "released_at": None,
                                                       "created_at": timezone.now()})


@transaction.atomic
def promo_release(*, reference: str) -> None:
    """Give back the uses taken by this checkout (cancelled); releasing twice changes nothing."""
    redemptions = list(PromoRedemption.objects.select_for_update()
                       .filter(reference=reference, released_at__isnull=True))
    for redemption in redemptions:
        redemption.released_at = timezone.now()
        redemption.save(update_fields=["released_at"])
        PromoCode.objects.filter(pk=redemption.promo_id, uses_count__gt=0).update(uses_count=F("uses_count") - 1)
