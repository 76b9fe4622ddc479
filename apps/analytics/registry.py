"""The report catalogue: one entry per report; one view, one template and one CSV writer serve them all.

A report is a selector `rows(filters) -> list[dict]` registered with @report(...), which names its
columns (with a kind that says how a value is shown on screen and written to CSV) and its chart.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from django.conf import settings
from django.contrib.humanize.templatetags.humanize import intcomma
from django.utils import formats
from djmoney.money import Money

from apps.analytics.selectors.base import Period
from apps.core.resources import neutralise_formula
from apps.core.templatetags.money import price


class Kind(StrEnum):
    TEXT = "text"
    INT = "int"
    MONEY = "money"  # a Decimal in settings.BASE_CURRENCY
    PERCENT = "percent"
    HOURS = "hours"
    DATE = "date"
    MONTH = "month"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    kind: Kind = Kind.TEXT

    @property
    def numeric(self) -> bool:
        return self.kind not in (Kind.TEXT, Kind.DATE, Kind.MONTH)

    def display(self, value) -> str:
        """The value as people read it on screen."""
        if value is None or value == "":
            return "—"
        if self.kind == Kind.MONEY:
            return price(Money(value, settings.BASE_CURRENCY))
        if self.kind == Kind.INT:
            return intcomma(value)
        if self.kind == Kind.PERCENT:
            return f"{formats.number_format(value, 1)} %"
        if self.kind == Kind.HOURS:
            return f"{formats.number_format(value, 1)} h"
        if self.kind == Kind.DATE:
            return formats.date_format(value, "j M Y")
        if self.kind == Kind.MONTH:
            return formats.date_format(value, "M Y")
        return str(value)

    def csv(self, value):
        """The value for a spreadsheet: plain numbers (money with two decimals), ISO dates, safe text."""
        if value is None:
            return ""
        if self.kind == Kind.MONEY:
            return f"{value:.2f}"
        if isinstance(value, Decimal | int):
            return value
        if isinstance(value, date):
            return value.isoformat()
        return neutralise_formula(str(value))


@dataclass(frozen=True)
class Chart:
    kind: str  # unfold's chart components: "bar" or "line"
    label: str  # the column shown along the x axis
    values: tuple[str, ...]  # the columns drawn, one dataset each
    limit: int | None = None  # only the first rows (the report's own order), for long category lists


@dataclass(frozen=True)
class ReportFilters:
    period: Period
    vendor_ids: frozenset[int] | None = None  # None: every vendor

    def for_vendor(self, queryset, path: str):
        """Narrow a queryset to the chosen vendors through `path` (e.g. "order__vendor")."""
        return queryset if self.vendor_ids is None else queryset.filter(**{f"{path}_id__in": self.vendor_ids})


@dataclass(frozen=True)
class Report:
    slug: str
    title: str
    description: str
    columns: tuple[Column, ...]
    rows: Callable[[ReportFilters], list[dict]]
    chart: Chart | None = None

    def table(self, rows: list[dict]) -> list[list[str]]:
        return [[column.display(row.get(column.key)) for column in self.columns] for row in rows]

    def csv_headers(self) -> list[str]:
        return [str(column.label) for column in self.columns]

    def csv_rows(self, rows: list[dict]):
        for row in rows:
            yield [column.csv(row.get(column.key)) for column in self.columns]


REPORTS: dict[str, Report] = {}


def report(*, slug: str, title, description, columns, chart: Chart | None = None):
    """Register the decorated selector as a report of the catalogue."""

    def register(rows: Callable[[ReportFilters], list[dict]]):
        if slug in REPORTS:
            raise ValueError(f"Report {slug!r} is registered twice.")
        REPORTS[slug] = Report(slug=slug, title=title, description=description, columns=tuple(columns),
                               rows=rows, chart=chart)
        return rows

    return register
