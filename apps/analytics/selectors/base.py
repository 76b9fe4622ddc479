"""Building blocks of every report and dashboard figure: periods, money sums in the base currency, trends."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db.models import Aggregate, Q, QuerySet, Sum
from django.utils import timezone

from apps.analytics.exchange import BaseCurrencyConverter

CENT = Decimal("0.01")


@dataclass(frozen=True)
class Period:
    """Whole local days from `first` to `last`, both included."""

    first: date
    last: date

    @classmethod
    def last_days(cls, days: int, today: date | None = None) -> "Period":
        today = today or timezone.localdate()
        return cls(today - timedelta(days=days - 1), today)

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def start(self) -> datetime:
        return timezone.make_aware(datetime.combine(self.first, time.min))

    @property
    def end(self) -> datetime:
        """The first instant after the period (exclusive bound)."""
        return timezone.make_aware(datetime.combine(self.last + timedelta(days=1), time.min))

    def previous(self) -> "Period":
        """The period of the same length just before this one."""
        return Period(self.first - timedelta(days=self.days), self.first - timedelta(days=1))

    def q(self, field: str) -> Q:
        return Q(**{f"{field}__gte": self.start, f"{field}__lt": self.end})


def totals_in_base(queryset: QuerySet, by: Sequence[str], *, sums: dict[str, str | tuple[str, Q]],
                   counts: dict[str, Aggregate] | None = None,
                   converter: BaseCurrencyConverter | None = None) -> dict[tuple, dict]:
    """One grouped query: per `by` group, each money field summed in the base currency, plus counts.

    sums maps a result name to a MoneyField path, or to (path, Q) to sum only the rows matching Q.
    counts are additive aggregates (Count, Sum of a number). SQL groups by the group and the amounts'
    currencies; the per-currency sums are converted and added up here, so the cost is one query
    whatever the number of rows (and one rate lookup per foreign currency).
    """
    convert = converter or BaseCurrencyConverter()
    counts = counts or {}
    specs = {name: spec if isinstance(spec, tuple) else (spec, None) for name, spec in sums.items()}
    currency_of = {name: f"{path}_currency" for name, (path, _filter) in specs.items()}
    rows = (queryset.order_by()  # a default ordering would join the GROUP BY
            .values(*by, *sorted(set(currency_of.values())))
            .annotate(**{f"_sum_{name}": Sum(path, filter=condition) for name, (path, condition) in specs.items()},
                      **counts))
    totals: dict[tuple, dict] = {}
    for row in rows:
        key = tuple(row[field] for field in by)
        total = totals.setdefault(key, {**{name: Decimal(0) for name in sums}, **{name: 0 for name in counts}})
        for name in sums:
            total[name] += convert(row[f"_sum_{name}"], row[currency_of[name]])
        for name in counts:
            total[name] += row[name] or 0
    for total in totals.values():
        for name in sums:
            total[name] = total[name].quantize(CENT)
    return totals


@dataclass(frozen=True)
class Trend:
    """A figure for a period next to the same figure for the period before."""

    current: Decimal | int | None
    previous: Decimal | int | None

    @property
    def change_percent(self) -> Decimal | None:
        """Relative change in percent (one decimal); None when there is nothing to compare with."""
        if self.current is None or not self.previous:
            return None
        return (Decimal(self.current - self.previous) * 100 / Decimal(self.previous)).quantize(Decimal("0.1"))

    @property
    def direction(self) -> str:
        if self.current is None or self.previous is None or self.current == self.previous:
            return "flat"
        return "up" if self.current > self.previous else "down"


def ratio(part, whole, places: str = "0.1") -> Decimal | None:
    """part / whole as a percentage, or None when whole is zero."""
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal(places))


def hours(duration: timedelta | None) -> Decimal | None:
    return None if duration is None else (Decimal(duration.total_seconds()) / 3600).quantize(Decimal("0.1"))
