"""Reads for forecasts: the sales history a run is fitted on, and the chart of a finished run."""

import json
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.conf import settings
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from apps.analytics.registry import ReportFilters
from apps.analytics.selectors.base import Period, totals_in_base
from apps.analytics.selectors.reports import sold_items, sold_orders, sold_requests
from apps.catalog.models import ServiceCategory
from apps.forecasts.forecasting import PERIOD_FREQ, SEASON
from apps.forecasts.models import ForecastPoint, ForecastRun

EPOCH = date(2000, 1, 1)  # "since the beginning" for the analytics period filter


@dataclass(frozen=True)
class SalesSeries:
    start: date | None  # the first period with a sale
    values: list[float]  # one total per complete period, in the base currency, zero when nothing sold


def _category_ids(category_id: int) -> list[int]:
    """The category and every category below it: products and services sit on the leaves of the tree."""
    pairs = list(ServiceCategory.objects.values_list("pk", "parent_id"))
    ids, frontier = {category_id}, {category_id}
    while frontier:
        frontier = {pk for pk, parent in pairs if parent in frontier} - ids
        ids |= frontier
    return sorted(ids)


def _daily_sales(run: ForecastRun, last_day: date) -> dict[date, Decimal]:
    """Sales per day in the base currency, as the analysts' reports count them (shop orders and service requests)."""
    filters = ReportFilters(period=Period(EPOCH, last_day),
                            vendor_ids=frozenset({run.vendor_id}) if run.scope == ForecastRun.Scope.VENDOR else None)
    requests = sold_requests(filters)
    if run.scope == ForecastRun.Scope.CATEGORY:
        categories = _category_ids(run.category_id)
        sources = [(sold_items(filters).filter(product__category_id__in=categories), "order__created_at", "line_total"),
                   (requests.filter(service__category_id__in=categories), "created_at", "amount")]
    else:
        sources = [(sold_orders(filters), "created_at", "total"), (requests, "created_at", "amount")]
    daily: dict[date, Decimal] = {}
    for queryset, placed_at, amount in sources:
        totals = totals_in_base(queryset.annotate(day=TruncDate(placed_at)), ["day"], sums={"sales": amount})
        for (day,), row in totals.items():
            daily[day] = daily.get(day, Decimal(0)) + row["sales"]
    return daily


def sales_series(run: ForecastRun, *, today: date | None = None) -> SalesSeries:
    """Sales per complete period (the current, unfinished one is left out) from the first sale on."""
    import pandas as pd

    freq = PERIOD_FREQ[run.frequency]
    last_complete = pd.Period(today or timezone.localdate(), freq) - 1
    daily = {day: amount for day, amount in _daily_sales(run, last_complete.end_time.date()).items() if amount}
    if not daily:
        return SalesSeries(start=None, values=[])
    per_day = pd.Series([float(amount) for amount in daily.values()], index=pd.PeriodIndex(list(daily), freq=freq))
    per_period = per_day.groupby(level=0).sum()
    every_period = pd.period_range(per_period.index.min(), last_complete, freq=freq)
    filled = per_period.reindex(every_period, fill_value=0.0)
    return SalesSeries(start=every_period[0].start_time.date(), values=[float(value) for value in filled])


# --- charts

LABEL_FORMAT = {"day": "%d %b", "week": "%d %b", "month": "%b %Y"}
SEASONAL_NAIVE_WORDS = {
    "day": gettext_lazy("repeating the same weekday of the week before"),
    "week": gettext_lazy("repeating the same week of the year before"),
    "month": gettext_lazy("repeating the same month of the year before"),
}
PERIOD_WORDS = {"day": gettext_lazy("days"), "week": gettext_lazy("weeks"), "month": gettext_lazy("months")}


def _chart_options() -> str:
    # unfold replaces its own options with these: a legend, since the chart has four series.
    return json.dumps({
        "responsive": True, "maintainAspectRatio": False, "interaction": {"mode": "index", "intersect": False},
        "plugins": {"legend": {"display": True, "position": "bottom",
                               "labels": {"usePointStyle": True, "boxWidth": 6, "boxHeight": 6}},
                    "tooltip": {"enabled": True}},
        "scales": {"x": {"ticks": {"maxTicksLimit": 10, "color": "#9ca3af"}, "grid": {"display": False}},
                   "y": {"beginAtZero": True, "ticks": {"color": "#9ca3af"}}},
        "elements": {"point": {"radius": 0}, "line": {"tension": 0.2}}, "animation": False,
    })


def _chart_data(run: ForecastRun, points: list[ForecastPoint]) -> str:
    history = [point for point in points if point.actual is not None]
    future = [point for point in points if point.forecast is not None]
    labels = [point.date.strftime(LABEL_FORMAT[run.frequency]) for point in history + future]
    gap = [None] * len(history)

    def values(rows, attribute):
        return [float(getattr(row, attribute)) for row in rows]

    # The forecast starts from the last actual so the two lines join.
    joint = gap[:-1] + [float(history[-1].actual)] if history else []
    return json.dumps({"labels": labels, "datasets": [
        {"label": _("Sales"), "data": values(history, "actual") + [None] * len(future),
         "borderColor": "var(--color-base-500)", "backgroundColor": "var(--color-base-500)", "borderWidth": 2},
        {"label": _("Forecast"), "data": joint + values(future, "forecast"),
         "borderColor": "var(--color-primary-600)", "backgroundColor": "var(--color-primary-600)",
         "borderWidth": 2, "borderDash": [6, 4]},
        {"label": _("Likely range, low"), "data": gap + values(future, "lower"),
         "borderColor": "rgba(5, 150, 105, 0.35)", "backgroundColor": "rgba(5, 150, 105, 0.35)", "borderWidth": 1,
         "fill": False},
        {"label": _("Likely range, high"), "data": gap + values(future, "upper"),
         "borderColor": "rgba(5, 150, 105, 0.35)", "backgroundColor": "rgba(5, 150, 105, 0.15)", "borderWidth": 1,
         "fill": "-1"},  # fills down to the low end: the band
    ]})


def accuracy_verdict(run: ForecastRun) -> tuple[bool | None, str]:
    """Whether the backtest beat the seasonal-naive baseline, said in plain words (None: cannot tell)."""
    if run.mase is not None and run.baseline_mase is not None:
        ours, theirs = run.mase, run.baseline_mase
    elif run.mape is not None and run.baseline_mape is not None:
        ours, theirs = run.mape, run.baseline_mape
    else:
        return None, _("The held-out periods had too few sales to measure the forecast's accuracy.")
    trained = run.history_points - run.backtest_points
    baseline = (SEASONAL_NAIVE_WORDS[run.frequency] if trained >= SEASON[run.frequency]
                else _("repeating the last period's sales"))
    words = {"n": run.backtest_points, "periods": PERIOD_WORDS[run.frequency], "baseline": baseline}
    if run.mape is not None and run.baseline_mape is not None:
        words.update(ours=f"{run.mape:.0f}", theirs=f"{run.baseline_mape:.0f}")
        detail = _("Over the last %(n)s %(periods)s of history it was off by %(ours)s %% on average, against "
                   "%(theirs)s %% for %(baseline)s.")
    else:
        words.update(ours=f"{run.mase:.2f}", theirs=f"{run.baseline_mase:.2f}")
        detail = _("Over the last %(n)s %(periods)s of history its scaled error (MASE) was %(ours)s, against "
                   "%(theirs)s for %(baseline)s.")
    if ours < theirs:
        return True, _("Better than the naive baseline.") + " " + detail % words
    return False, _("Not better than the naive baseline: treat it with caution.") + " " + detail % words


def forecast_chart_for_run(run: ForecastRun) -> dict | None:
    """Everything the chart partial shows for a finished run (one query for its points); None otherwise."""
    if run.status != ForecastRun.Status.DONE:
        return None
    points = list(run.points.order_by("date"))
    better, verdict = accuracy_verdict(run)
    return {"run": run, "data": _chart_data(run, points), "options": _chart_options(), "better": better,
            "verdict": verdict, "currency": settings.BASE_CURRENCY, "periods": PERIOD_WORDS[run.frequency],
            "total": sum(point.forecast for point in points if point.forecast is not None),
            "title": _("Sales forecast: %(target)s") % {"target": run.target_name}}


def latest_done_run(vendor) -> ForecastRun | None:
    """The vendor's (or, with None, the platform's) most recent finished forecast."""
    runs = ForecastRun.objects.filter(status=ForecastRun.Status.DONE).select_related("vendor")
    runs = runs.filter(scope=ForecastRun.Scope.VENDOR, vendor=vendor) if vendor is not None else runs.filter(
        scope=ForecastRun.Scope.PLATFORM)
    return runs.order_by("-finished_at", "-pk").first()


def forecast_chart_for(vendor) -> dict | None:
    """The seller dashboard's chart: the vendor's latest finished forecast (two queries), None when there is none."""
    run = latest_done_run(vendor)
    return forecast_chart_for_run(run) if run is not None else None
