import json
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import timezone

from apps.forecasts.models import ForecastPoint, ForecastRun
from apps.forecasts.selectors import accuracy_verdict, forecast_chart_for
from tests.factories import ForecastRunFactory

pytestmark = pytest.mark.django_db


def _done(vendor, *, finished_days_ago=0, **fields):
    run = ForecastRunFactory(vendor=vendor, status=ForecastRun.Status.DONE, history_points=60, backtest_points=7,
                             mape=12.0, baseline_mape=20.0, mase=0.6, baseline_mase=0.9, horizon=2,
                             finished_at=timezone.now() - timedelta(days=finished_days_ago), **fields)
    day = date(2026, 5, 1)
    ForecastPoint.objects.bulk_create([
        ForecastPoint(run=run, date=day, actual=Decimal("100")),
        ForecastPoint(run=run, date=day + timedelta(days=1), actual=Decimal("120")),
        ForecastPoint(run=run, date=day + timedelta(days=2), forecast=Decimal("130"), lower=Decimal("110"),
                      upper=Decimal("150")),
        ForecastPoint(run=run, date=day + timedelta(days=3), forecast=Decimal("140"), lower=Decimal("115"),
                      upper=Decimal("165")),
    ])
    return run


def test_the_seller_dashboard_chart_is_the_latest_finished_run_in_two_queries(
        vendor_a, vendor_b, django_assert_num_queries):
    _done(vendor_a, finished_days_ago=2)
    latest = _done(vendor_a)
    ForecastRunFactory(vendor=vendor_a, status=ForecastRun.Status.RUNNING)
    _done(vendor_b)
    with django_assert_num_queries(2):
        chart = forecast_chart_for(vendor_a)
    assert chart["run"] == latest and chart["better"] is True and chart["total"] == Decimal("270")
    data = json.loads(chart["data"])
    assert data["labels"] == ["01 May", "02 May", "03 May", "04 May"]
    sales, forecast, low, high = (dataset["data"] for dataset in data["datasets"])
    assert sales == [100, 120, None, None]
    assert forecast == [None, 120, 130, 140]  # joins the last actual
    assert (low, high) == ([None, None, 110, 115], [None, None, 150, 165])
    assert data["datasets"][3]["fill"] == "-1"  # the band is filled down to the low end


def test_no_finished_run_means_no_chart_and_the_partial_says_so(vendor_a):
    ForecastRunFactory(vendor=vendor_a, status=ForecastRun.Status.INSUFFICIENT_DATA)
    assert forecast_chart_for(vendor_a) is None
    html = render_to_string("admin/forecasts/partials/forecast_chart.html", {"forecast": None})
    assert "No forecast yet" in html


def test_the_partial_renders_the_chart_and_the_verdict_on_its_own(vendor_a):
    _done(vendor_a)
    html = render_to_string("admin/forecasts/partials/forecast_chart.html", {"forecast": forecast_chart_for(vendor_a)})
    assert 'class="chart"' in html and 'data-type="line"' in html and "data-options=" in html
    assert "Better than the naive baseline." in html and "12.0 %" in html and "20.0 %" in html
    assert "Next 2 days: about 270 GNF" in html


@pytest.mark.parametrize(("fields", "better", "words"), [
    ({"mape": 12.0, "baseline_mape": 20.0, "mase": 0.6, "baseline_mase": 0.9}, True,
     "off by 12 % on average, against 20 % for repeating the same weekday of the week before"),
    ({"mape": 30.0, "baseline_mape": 20.0, "mase": 1.3, "baseline_mase": 0.9}, False, "treat it with caution"),
    ({"mape": None, "baseline_mape": None, "mase": 0.5, "baseline_mase": 0.7}, True, "scaled error (MASE) was 0.50"),
    ({"mape": None, "baseline_mape": None, "mase": None, "baseline_mase": None}, None, "too few sales"),
    ({"mape": 10.0, "baseline_mape": 20.0, "history_points": 6, "backtest_points": 1}, True,
     "repeating the last period's sales"),
])
def test_the_verdict_in_plain_words(fields, better, words):
    run = ForecastRun(**{"frequency": "day", "history_points": 60, "backtest_points": 7, **fields})
    verdict_better, verdict = accuracy_verdict(run)
    assert verdict_better is better and words in verdict
