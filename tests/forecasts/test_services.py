"""Forecast runs from request to result, with the task queue running synchronously (as in every test)."""

from datetime import date, datetime, time, timedelta

import pytest
from django.utils import timezone
from djmoney.money import Money

from apps.forecasts import forecasting
from apps.forecasts.models import ForecastPoint, ForecastRun
from apps.forecasts.selectors import sales_series
from apps.forecasts.services import ForecastError, forecast_run_request, forecast_schedule_nightly
from apps.forecasts.tasks import forecast_nightly, forecast_run, next_nightly_run
from tests.factories import (
    ForecastRunFactory,
    MembershipFactory,
    ServiceCategoryFactory,
    UserFactory,
    VendorFactory,
    service_request_for,
)
from tests.forecasts.conftest import weekly_pattern

pytestmark = pytest.mark.django_db


def _request(run_on_commit, **fields):
    with run_on_commit(execute=True):
        run = forecast_run_request(**{"scope": "vendor", "frequency": "day", "horizon": 14, **fields})
    run.refresh_from_db()
    return run


def test_a_vendor_with_too_little_history_gets_not_enough_data(vendor_a, sell, django_capture_on_commit_callbacks):
    # given ten days of sales
    sell(vendor_a, [50_000] * 10)
    # when a forecast runs
    run = _request(django_capture_on_commit_callbacks, vendor=vendor_a)
    # then it is a clear result, not a failure
    assert run.status == ForecastRun.Status.INSUFFICIENT_DATA
    assert run.error == "Not enough data: 10 days of sales, at least 30 days needed."
    assert run.history_points == 10 and run.progress == 100 and run.finished_at is not None
    assert not run.points.exists()


def test_a_vendor_without_any_sale_gets_not_enough_data(vendor_a, django_capture_on_commit_callbacks):
    run = _request(django_capture_on_commit_callbacks, vendor=vendor_a, frequency="week", horizon=4)
    assert run.status == ForecastRun.Status.INSUFFICIENT_DATA
    assert run.error == "Not enough data: 0 weeks of sales, at least 26 weeks needed."


def test_a_run_on_demand_stores_its_forecast_and_its_error_beside_the_baseline(
        vendor_a, sell, django_capture_on_commit_callbacks):
    # given 120 days of sales with a weekly rhythm
    sell(vendor_a, weekly_pattern(120))
    # when a two-week forecast is requested
    run = _request(django_capture_on_commit_callbacks, vendor=vendor_a, requested_by=None)
    # then the worker finished it with its backtest error and the baseline's
    assert run.status == ForecastRun.Status.DONE, run.error
    assert (run.progress, run.history_points, run.backtest_points) == (100, 120, 14)
    assert run.mape is not None and run.baseline_mape is not None
    assert run.mase is not None and run.baseline_mase is not None
    assert run.mase < run.baseline_mase  # the trend is caught; repeating last week is not
    # and its points: the last 90 days of history, then 14 forecast days with their band
    history = run.points.filter(actual__isnull=False).order_by("date")
    future = list(run.points.filter(forecast__isnull=False).order_by("date"))
    yesterday = timezone.localdate() - timedelta(days=1)
    assert history.count() == 90 and history.last().date == yesterday
    assert [point.date for point in future] == [yesterday + timedelta(days=n) for n in range(1, 15)]
    assert all(0 <= point.lower <= point.forecast <= point.upper for point in future)


def test_a_finished_forecast_appears_as_a_chart_on_the_seller_dashboard(
        client, seller_a, vendor_a, vendor_b, sell, django_capture_on_commit_callbacks):
    # given a forecast of the seller's store run on demand, and one of another store
    sell(vendor_a, weekly_pattern(120))
    _request(django_capture_on_commit_callbacks, vendor=vendor_a)
    ForecastRunFactory(vendor=vendor_b, status=ForecastRun.Status.DONE, finished_at=timezone.now())
    # when the seller opens the admin dashboard
    client.force_login(seller_a)
    response = client.get("/admin/")
    # then their store's forecast is drawn there, and only theirs
    [forecast] = response.context["seller"]["forecasts"]
    assert forecast["run"].vendor == vendor_a
    assert 'data-type="line"' in response.text and "Sales forecast" in response.text
    assert vendor_b.name not in response.text


def test_the_task_is_idempotent_a_finished_run_is_not_redone(vendor_a, sell, monkeypatch):
    # given a run done once
    sell(vendor_a, weekly_pattern(40))
    run = ForecastRunFactory(vendor=vendor_a, horizon=7)
    assert forecast_run(run.pk) == ForecastRun.Status.DONE
    points = list(run.points.values_list("pk", flat=True))
    fits = []
    monkeypatch.setattr("apps.forecasts.services.fit_forecast", lambda *args, **kwargs: fits.append(args))
    # when the task is delivered again
    assert forecast_run(run.pk) == ForecastRun.Status.DONE
    # then nothing is fitted or rewritten
    assert fits == []
    assert list(run.points.values_list("pk", flat=True)) == points
    assert run.history.filter(status=ForecastRun.Status.DONE).count() == 1


def test_a_run_lost_with_its_worker_is_taken_again(vendor_a, sell):
    sell(vendor_a, weekly_pattern(40))
    long_ago = timezone.now() - timedelta(hours=1)
    lost = ForecastRunFactory(vendor=vendor_a, horizon=7, status=ForecastRun.Status.RUNNING, started_at=long_ago)
    busy = ForecastRunFactory(vendor=vendor_a, horizon=8, status=ForecastRun.Status.RUNNING,
                              started_at=timezone.now())
    assert forecast_run(lost.pk) == ForecastRun.Status.DONE
    assert forecast_run(busy.pk) == ForecastRun.Status.RUNNING  # another worker is on it
    assert not busy.points.exists()


def test_a_failing_fit_fails_the_run_with_its_message(vendor_a, sell, monkeypatch):
    sell(vendor_a, weekly_pattern(40))
    run = ForecastRunFactory(vendor=vendor_a, horizon=7)

    def broken(*args, **kwargs):
        raise RuntimeError("Stan optimisation diverged")

    monkeypatch.setattr(forecasting, "_prophet", broken)
    assert forecast_run(run.pk) == ForecastRun.Status.FAILED
    run.refresh_from_db()
    assert run.error == "The forecast failed: RuntimeError: Stan optimisation diverged"
    assert not run.points.exists()


def test_sales_in_a_currency_without_exchange_rates_fail_with_a_clear_message(vendor_a, sell):
    sell(vendor_a, weekly_pattern(40))
    sell(vendor_a, [20.0], currency="EUR")
    run = ForecastRunFactory(vendor=vendor_a, horizon=7)
    assert forecast_run(run.pk) == ForecastRun.Status.FAILED
    run.refresh_from_db()
    assert "no exchange rate for EUR" in run.error


def _placed_on(obj, day, **fields):
    type(obj).objects.filter(pk=obj.pk).update(created_at=timezone.make_aware(datetime.combine(day, time(9))),
                                               **fields)


def test_the_series_counts_sales_as_the_reports_do_and_only_complete_periods(vendor_a, vendor_b, sell):
    today = date(2026, 3, 18)  # a Wednesday
    sell(vendor_a, [100, 0, 300], last_day=date(2026, 3, 10))  # 8, (9 sold nothing), 10 March
    sell(vendor_a, [999], last_day=date(2026, 3, 9), status="cancelled")
    sell(vendor_a, [555], last_day=today)  # today is not over: left out
    sell(vendor_b, [777], last_day=date(2026, 3, 9))  # another vendor
    # paid service requests are sales too, unless cancelled or refunded
    _placed_on(service_request_for(vendor_a), date(2026, 3, 12), amount=Money(40, "GNF"))
    _placed_on(service_request_for(vendor_a, status="refunded"), date(2026, 3, 12), amount=Money(90, "GNF"))
    run = ForecastRunFactory.build(vendor=vendor_a)
    daily = sales_series(run, today=today)
    assert daily.start == date(2026, 3, 8)
    assert daily.values == [100, 0, 300, 0, 40, 0, 0, 0, 0, 0]  # up to yesterday, 17 March
    run.frequency = "week"
    weekly = sales_series(run, today=today)  # weeks of 2 March (100) and 9 March (300); this week is not over
    assert (weekly.start, weekly.values) == (date(2026, 3, 2), [100, 340])


def test_a_category_series_adds_its_subcategories_products(vendor_a, vendor_b, sell):
    parent = ServiceCategoryFactory()
    child, other = ServiceCategoryFactory(parent=parent), ServiceCategoryFactory()
    yesterday = timezone.localdate() - timedelta(days=1)
    sell(vendor_a, [10, 20], category=parent)
    sell(vendor_b, [5, 5], category=child)
    sell(vendor_b, [1000, 1000], category=other)
    run = ForecastRunFactory.build(scope="category", vendor=None, category=parent)
    assert sales_series(run, today=yesterday + timedelta(days=1)).values == [15, 25]


def test_a_seller_can_only_request_forecasts_of_their_own_store(seller_a, vendor_a, vendor_b):
    with pytest.raises(ForecastError, match="your own store"):
        forecast_run_request(scope="vendor", vendor=vendor_b, frequency="day", horizon=7, requested_by=seller_a)
    with pytest.raises(ForecastError, match="your own store"):
        forecast_run_request(scope="platform", frequency="day", horizon=7, requested_by=seller_a)
    own = forecast_run_request(scope="vendor", vendor=vendor_a, frequency="day", horizon=7, requested_by=seller_a)
    assert own.status == ForecastRun.Status.QUEUED and own.requested_by == seller_a


@pytest.mark.parametrize(("fields", "message"), [
    ({"scope": "vendor", "frequency": "day", "horizon": 400}, "between 1 and 365"),
    ({"scope": "vendor", "frequency": "month", "horizon": 0}, "between 1 and 36"),
    ({"scope": "platform", "frequency": "day", "horizon": 7}, "leave vendor and category empty"),
    ({"scope": "category", "frequency": "day", "horizon": 7}, "Choose the category"),
    ({"scope": "vendor", "frequency": "hour", "horizon": 7}, "daily, weekly or monthly"),
])
def test_a_malformed_request_is_refused_and_writes_nothing(vendor_a, fields, message):
    with pytest.raises(ForecastError, match=message):
        forecast_run_request(vendor=vendor_a, **fields)
    assert not ForecastRun.objects.exists()


def test_the_same_forecast_requested_twice_while_queued_is_one_run(vendor_a, manager):
    first = forecast_run_request(scope="vendor", vendor=vendor_a, frequency="day", horizon=7, requested_by=manager)
    again = forecast_run_request(scope="vendor", vendor=vendor_a, frequency="day", horizon=7, requested_by=manager)
    assert again.pk == first.pk and ForecastRun.objects.count() == 1


def test_the_nightly_schedule_forecasts_every_active_vendor_and_the_platform(
        vendor_a, sell, django_capture_on_commit_callbacks):
    # given an active vendor with sales, one with none, a suspended one, and a run past the retention
    sell(vendor_a, weekly_pattern(45))
    quiet = VendorFactory()
    VendorFactory(status="suspended")
    old = ForecastRunFactory(vendor=vendor_a, status=ForecastRun.Status.DONE)
    ForecastRun.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=100))
    # when the nightly task runs
    with django_capture_on_commit_callbacks(execute=True):
        assert forecast_nightly() == 3
    # then each got its own run, done or "not enough data", and the old run is gone
    runs = {(run.scope, run.vendor_id): run for run in ForecastRun.objects.all()}
    assert set(runs) == {("vendor", vendor_a.pk), ("vendor", quiet.pk), ("platform", None)}
    assert runs[("vendor", vendor_a.pk)].status == ForecastRun.Status.DONE
    assert runs[("platform", None)].status == ForecastRun.Status.DONE
    assert runs[("vendor", quiet.pk)].status == ForecastRun.Status.INSUFFICIENT_DATA
    assert not ForecastPoint.objects.filter(run_id=old.pk).exists()


def test_the_nightly_schedule_is_installed_for_two_in_the_morning():
    from django_q.models import Schedule

    schedule = Schedule.objects.get(name="forecasts-nightly")
    assert schedule.func == "apps.forecasts.tasks.forecast_nightly" and schedule.schedule_type == Schedule.DAILY
    assert timezone.localtime(next_nightly_run()).hour == 2
    assert timezone.now() < next_nightly_run() <= timezone.now() + timedelta(days=1)


def test_nightly_does_not_queue_a_second_run_while_one_is_waiting(vendor_a):
    forecast_schedule_nightly()
    forecast_schedule_nightly()  # e.g. the worker was down all day
    assert ForecastRun.objects.filter(vendor=vendor_a).count() == 1


def test_staff_of_a_vendor_may_request_too(vendor_a):
    staff = MembershipFactory(vendor=vendor_a, role="staff").user
    run = forecast_run_request(scope="vendor", vendor=vendor_a, frequency="week", horizon=4, requested_by=staff)
    assert run.requested_by == staff
    assert UserFactory(roles=["Analyst"]).has_perm("forecasts.add_forecastrun")
