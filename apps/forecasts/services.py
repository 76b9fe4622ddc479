"""Forecast runs: requested (by a person or the nightly schedule), then executed by a worker process."""

import logging
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from apps.core.queue import enqueue_on_commit
from apps.core.exceptions import DomainError
from apps.core.scoping import VendorScope
from apps.forecasts.forecasting import MAX_HORIZON, ForecastResult, NotEnoughHistory, fit_forecast, period_dates
from apps.forecasts.models import ForecastPoint, ForecastRun
from apps.forecasts.selectors import SalesSeries, sales_series
from apps.vendors.models import Vendor

logger = logging.getLogger(__name__)

RUN_TASK = "apps.forecasts.tasks.forecast_run"
NIGHTLY_FREQUENCY, NIGHTLY_HORIZON = ForecastRun.Frequency.DAY, 30
RETENTION_DAYS = 90  # older runs (and their points) are pruned by the nightly schedule
# How much history the chart keeps next to the forecast (the fit itself uses all of it).
HISTORY_SHOWN = {"day": 90, "week": 52, "month": 36}
UNITS = {
    "day": lambda n: ngettext("%(count)s day", "%(count)s days", n),
    "week": lambda n: ngettext("%(count)s week", "%(count)s weeks", n),
    "month": lambda n: ngettext("%(count)s month", "%(count)s months", n),
}


class ForecastError(DomainError):
    pass


def _check_request(*, scope, vendor, category, frequency, horizon, requested_by) -> None:
    if frequency not in MAX_HORIZON:
        raise ForecastError(_("Choose a daily, weekly or monthly forecast."))
    if not 1 <= horizon <= MAX_HORIZON[frequency]:
        raise ForecastError(_("The horizon must be between 1 and %(max)s periods for this frequency.")
                            % {"max": MAX_HORIZON[frequency]})
    needs = {ForecastRun.Scope.PLATFORM: (False, False), ForecastRun.Scope.VENDOR: (True, False),
             ForecastRun.Scope.CATEGORY: (False, True)}
    if scope not in needs:
        raise ForecastError(_("Choose what to forecast: the platform, a vendor or a category."))
    if needs[scope] != (vendor is not None, category is not None):
        raise ForecastError({
            ForecastRun.Scope.PLATFORM: _("A platform forecast covers every vendor: leave vendor and category empty."),
            ForecastRun.Scope.VENDOR: _("Choose the vendor to forecast, and no category."),
            ForecastRun.Scope.CATEGORY: _("Choose the category to forecast, and no vendor."),
        }[scope])
    if requested_by is not None:
        access = VendorScope.for_user(requested_by)
        if not access.all_vendors and (scope != ForecastRun.Scope.VENDOR or vendor.pk not in access.vendor_ids):
            raise ForecastError(_("You can only forecast the sales of your own store."))


def forecast_run_request(*, scope: str, frequency: str, horizon: int, vendor: Vendor | None = None,
                         category=None, requested_by=None) -> ForecastRun:
    """Queue a forecast and hand it to a worker; the same forecast already waiting or running is returned instead."""
    _check_request(scope=scope, vendor=vendor, category=category, frequency=frequency, horizon=horizon,
                   requested_by=requested_by)
    target = {"scope": scope, "vendor": vendor, "category": category, "frequency": frequency, "horizon": horizon}
    with transaction.atomic():
        pending = ForecastRun.objects.select_for_update().filter(status__in=ForecastRun.ACTIVE_STATUSES, **target)
        run = pending.first()
        if run is not None:
            return run
        run = ForecastRun.objects.create(requested_by=requested_by, **target)
        enqueue_on_commit(RUN_TASK, run.pk, group="forecasts")
    return run


def _claim(run_id: int) -> ForecastRun | None:
    """Mark the run as started, unless it is finished or another worker is on it (race-free conditional update).

    A run still "running" after the task time limit was lost with its worker, so it may be taken again.
    """
    now = timezone.now()
    lost = now - timedelta(seconds=settings.Q_CLUSTER.get("timeout", 300))
    claimable = Q(status=ForecastRun.Status.QUEUED) | Q(status=ForecastRun.Status.RUNNING, started_at__lt=lost)
    taken = ForecastRun.objects.filter(claimable, pk=run_id).update(
        status=ForecastRun.Status.RUNNING, started_at=now, progress=0, error="")
    return ForecastRun.objects.get(pk=run_id) if taken else None


def _set_progress(run: ForecastRun, percent: int) -> None:
    # Not saved through the model: progress is not history, and only this worker's claim may move it.
    ForecastRun.objects.filter(pk=run.pk, started_at=run.started_at).update(progress=percent)


def _amount(value: float) -> Decimal:
    return Decimal(str(round(value, 2)))


@transaction.atomic
def _finish(run: ForecastRun, *, status: str, series: SalesSeries, error: str = "",
            result: ForecastResult | None = None) -> ForecastRun:
    current = ForecastRun.objects.select_for_update().get(pk=run.pk)
    if current.started_at != run.started_at:
        return current  # a later claim took the run over; its outcome wins
    run.status, run.error, run.progress, run.finished_at = status, error, 100, timezone.now()
    run.history_points = len(series.values)
    fields = ["status", "error", "progress", "finished_at", "history_points"]
    run.points.all().delete()
    if result is not None:
        run.backtest_points = result.backtest_points
        run.mape, run.mase = result.mape, result.mase
        run.baseline_mape, run.baseline_mase = result.baseline_mape, result.baseline_mase
        fields += ["backtest_points", "mape", "mase", "baseline_mape", "baseline_mase"]
        _store_points(run, series, result)
    run.save(update_fields=fields)
    return run


def _store_points(run: ForecastRun, series: SalesSeries, result: ForecastResult) -> None:
    shown = min(len(series.values), HISTORY_SHOWN[run.frequency])
    history_dates = period_dates(series.start, len(series.values), run.frequency)[-shown:]
    points = [ForecastPoint(run=run, date=day, actual=_amount(value))
              for day, value in zip(history_dates, series.values[-shown:], strict=True)]
    points += [ForecastPoint(run=run, date=day, forecast=_amount(forecast), lower=_amount(lower), upper=_amount(upper))
               for day, forecast, lower, upper in zip(result.dates, result.forecast, result.lower, result.upper,
                                                      strict=True)]
    ForecastPoint.objects.bulk_create(points)


def forecast_run_execute(*, run_id: int) -> ForecastRun | None:
    """Fit the run in this worker: done, insufficient_data or failed with its message. A finished run is left alone."""
    run = _claim(run_id)
    if run is None:
        return ForecastRun.objects.filter(pk=run_id).first()
    series = SalesSeries(start=None, values=[])
    try:
        series = sales_series(run)
        _set_progress(run, 10)
        result = fit_forecast(series.values, series.start, run.frequency, run.horizon,
                              on_progress=lambda percent: _set_progress(run, percent))
    except NotEnoughHistory as short:
        unit = UNITS[run.frequency]
        message = _("Not enough data: %(have)s of sales, at least %(need)s needed.") % {
            "have": unit(short.points) % {"count": short.points}, "need": unit(short.needed) % {"count": short.needed}}
        return _finish(run, status=ForecastRun.Status.INSUFFICIENT_DATA, series=series, error=message)
    except DomainError as refusal:
        return _finish(run, status=ForecastRun.Status.FAILED, series=series, error=str(refusal))
    except Exception as error:  # a failed fit is reported on the run, never retried in a loop
        logger.exception("forecast run %s failed", run.pk)
        return _finish(run, status=ForecastRun.Status.FAILED, series=series,
                       error=_("The forecast failed: %(error)s") % {"error": f"{type(error).__name__}: {error}"[:500]})
    return _finish(run, status=ForecastRun.Status.DONE, series=series, result=result)


def forecast_schedule_nightly() -> int:
    """Queue tonight's forecasts: every active vendor and the platform, each in its own task; prune old runs."""
    ForecastRun.objects.filter(created_at__lt=timezone.now() - timedelta(days=RETENTION_DAYS)).exclude(
        status__in=ForecastRun.ACTIVE_STATUSES).delete()
    queued = 0
    for vendor in Vendor.objects.active().order_by("pk"):
        forecast_run_request(scope=ForecastRun.Scope.VENDOR, vendor=vendor, frequency=NIGHTLY_FREQUENCY,
                             horizon=NIGHTLY_HORIZON)
        queued += 1
    forecast_run_request(scope=ForecastRun.Scope.PLATFORM, frequency=NIGHTLY_FREQUENCY, horizon=NIGHTLY_HORIZON)
    return queued + 1
