"""The forecast maths, on tiny series worked out by hand."""

from datetime import date

import pytest

from apps.forecasts.forecasting import (
    NotEnoughHistory,
    backtest_size,
    fit_forecast,
    mape,
    mase,
    period_dates,
    seasonal_naive,
)


def test_seasonal_naive_repeats_the_last_season():
    history = [1, 2, 3, 4, 5, 6, 7, 10, 20, 30, 40, 50, 60, 70]
    assert seasonal_naive(history, 9, season=7) == [10, 20, 30, 40, 50, 60, 70, 10, 20]


def test_seasonal_naive_falls_back_to_the_last_value_when_history_is_shorter_than_a_season():
    assert seasonal_naive([5, 8, 6], 4, season=7) == [6, 6, 6, 6]


def test_mape_is_the_mean_percentage_error_over_periods_with_sales():
    # |100-90|/100 = 10 %, |200-250|/200 = 25 %; the zero period has no percentage and is left out
    assert mape([100, 200, 0], [90, 250, 30]) == pytest.approx(17.5)
    assert mape([0, 0], [1, 2]) is None


def test_mase_scales_the_error_by_the_in_sample_seasonal_naive_error():
    train = [10, 20, 12, 22]  # season 2: |12-10| = 2, |22-20| = 2 -> scale 2
    assert mase([14, 24], [15, 21], train, season=2) == pytest.approx((1 + 3) / 2 / 2)


def test_mase_uses_the_naive_lag_when_history_is_shorter_than_a_season():
    train = [10, 14, 11]  # lag 1: |14-10| = 4, |11-14| = 3 -> scale 3.5
    assert mase([12], [5], train, season=7) == pytest.approx(7 / 3.5)
    assert mase([12], [5], [4, 4, 4], season=7) is None  # a flat history gives no scale


def test_backtest_holds_out_the_horizon_but_at_most_a_fifth_of_history():
    assert backtest_size(365, horizon=30) == 30
    assert backtest_size(40, horizon=30) == 8
    assert backtest_size(3, horizon=30) == 1


def test_period_dates_start_weeks_on_monday_and_months_on_the_first():
    assert period_dates(date(2026, 3, 5), 2, "week") == [date(2026, 3, 2), date(2026, 3, 9)]
    assert period_dates(date(2026, 11, 20), 3, "month") == [date(2026, 11, 1), date(2026, 12, 1), date(2027, 1, 1)]


def test_too_short_a_history_is_not_enough_history():
    with pytest.raises(NotEnoughHistory) as short:
        fit_forecast([1.0] * 29, date(2026, 1, 1), "day", 7)
    assert (short.value.points, short.value.needed) == (29, 30)


def test_a_weekly_rhythm_is_forecast_better_than_by_the_naive_baseline():
    # given 8 weeks of sales that rise steadily with the same weekly rhythm
    values = [100 + 2 * day + (40 if day % 7 in (5, 6) else 0) for day in range(56)]
    progress = []
    # when
    result = fit_forecast(values, date(2026, 1, 5), "day", 7, on_progress=progress.append)
    # then the trend is caught, which repeating last week cannot do
    assert result.backtest_points == 7
    assert result.mase < result.baseline_mase
    assert result.mape < result.baseline_mape
    assert progress == [40, 70]
    assert result.dates[0] == date(2026, 3, 2) and len(result.forecast) == 7
    assert all(low <= mid <= high for low, mid, high in zip(result.lower, result.forecast, result.upper))
    assert result.forecast[5] > result.forecast[2]  # the weekend stays busier
