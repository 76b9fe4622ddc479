"""Forecast maths on plain lists, without the database: the worker task and bench_forecast fit the same way.

A fit backtests itself first: the last part of the history is held out, Prophet is fitted on the
rest and scored (MAPE, MASE) next to the seasonal-naive baseline; then Prophet is refitted on all
of the history to forecast the horizon with its uncertainty band.
"""

import logging
import math
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date

SEASON = {"day": 7, "week": 52, "month": 12}
# Fewer periods than this is "not enough data", not a failure: a month of days, half a year of weeks.
MIN_POINTS = {"day": 30, "week": 26, "month": 18}
MAX_HORIZON = {"day": 365, "week": 104, "month": 36}
# pandas Period frequencies: weeks run Monday to Sunday and are dated by their Monday.
PERIOD_FREQ = {"day": "D", "week": "W", "month": "M"}
BACKTEST_SHARE = 0.2  # at most this share of the history is held out, and at most the horizon
INTERVAL_WIDTH = 0.8  # the band holds the outcome 8 times out of 10
UNCERTAINTY_SAMPLES = 300  # enough for a stable 80 % band; the default 1,000 triples predict time


class NotEnoughHistory(Exception):
    def __init__(self, points: int, needed: int):
        super().__init__(f"{points} periods of history, at least {needed} needed")
        self.points, self.needed = points, needed


@dataclass(frozen=True)
class ForecastResult:
    backtest_points: int
    mape: float | None
    mase: float | None
    baseline_mape: float | None
    baseline_mase: float | None
    dates: list[date]  # the future periods
    forecast: list[float]
    lower: list[float]
    upper: list[float]


def period_dates(start: date, count: int, frequency: str) -> list[date]:
    """The first day of `count` consecutive periods from the one containing `start`."""
    import pandas as pd

    periods = pd.period_range(start=pd.Period(start, PERIOD_FREQ[frequency]), periods=count)
    return [stamp.date() for stamp in periods.to_timestamp()]


def backtest_size(points: int, horizon: int) -> int:
    return max(1, min(horizon, int(points * BACKTEST_SHARE)))


def seasonal_naive(history: Sequence[float], steps: int, season: int) -> list[float]:
    """Repeat the last full season; with less than a season of history, repeat the last value (naive)."""
    if len(history) < season:
        return [history[-1]] * steps
    last_season = list(history[-season:])
    return [last_season[step % season] for step in range(steps)]


def mape(actual: Sequence[float], predicted: Sequence[float]) -> float | None:
    """Mean absolute percentage error (%), over the periods that had sales (a zero has no percentage)."""
    pairs = [(a, p) for a, p in zip(actual, predicted, strict=True) if a]
    if not pairs:
        return None
    return 100 * sum(abs(a - p) / abs(a) for a, p in pairs) / len(pairs)


def mase(actual: Sequence[float], predicted: Sequence[float], history: Sequence[float], season: int) -> float | None:
    """Mean absolute scaled error: the error over the in-sample error of the (seasonal) naive forecast.

    Below 1 the forecast beats repeating the past inside the history; None when that scale is zero.
    """
    lag = season if len(history) > season else 1
    if len(history) <= lag:
        return None
    scale = sum(abs(history[t] - history[t - lag]) for t in range(lag, len(history))) / (len(history) - lag)
    if scale == 0:
        return None
    return sum(abs(a - p) for a, p in zip(actual, predicted, strict=True)) / len(actual) / scale


def quiet_prophet_logging() -> None:
    # cmdstanpy logs two INFO lines per fit and prophet one per disabled seasonality; warnings still show.
    cmdstanpy = logging.getLogger("cmdstanpy")
    cmdstanpy.setLevel(logging.WARNING)
    if not cmdstanpy.handlers:  # with a handler of its own, cmdstanpy never resets the level to DEBUG
        cmdstanpy.addHandler(logging.NullHandler())
    logging.getLogger("prophet").setLevel(logging.WARNING)
    # prophet.plot logs an ERROR at import when plotly is missing; we never plot.
    logging.getLogger("prophet.plot").setLevel(logging.CRITICAL)


def _prophet(dates: list[date], values: Sequence[float], future: list[date]) -> tuple[list, list, list]:
    """Fit Prophet on (dates, values) and predict `future`: (forecast, lower, upper), never below zero."""
    quiet_prophet_logging()
    import pandas as pd
    from prophet import Prophet

    model = Prophet(interval_width=INTERVAL_WIDTH, uncertainty_samples=UNCERTAINTY_SAMPLES, daily_seasonality=False)
    with warnings.catch_warnings():
        # prophet 1.5 still calls pandas APIs that pandas 3 deprecates; nothing for us to act on
        warnings.filterwarnings("ignore", category=DeprecationWarning, module=r"prophet\.")
        model.fit(pd.DataFrame({"ds": pd.to_datetime(dates), "y": list(values)}))
        predicted = model.predict(pd.DataFrame({"ds": pd.to_datetime(future)}))

    def clipped(column):  # sales are never negative
        return [max(0.0, float(value)) for value in predicted[column]]

    return clipped("yhat"), clipped("yhat_lower"), clipped("yhat_upper")


def fit_forecast(values: Sequence[float], start: date, frequency: str, horizon: int,
                 on_progress: Callable[[int], None] | None = None) -> ForecastResult:
    """Backtest, then forecast `horizon` periods after the history `values` (one per period from `start`)."""
    needed = MIN_POINTS[frequency]
    if len(values) < needed:
        raise NotEnoughHistory(len(values), needed)
    progress = on_progress or (lambda percent: None)
    season = SEASON[frequency]
    dates = period_dates(start, len(values) + horizon, frequency)
    history_dates, future_dates = dates[:len(values)], dates[len(values):]

    held_out = backtest_size(len(values), horizon)
    train, test = list(values[:-held_out]), list(values[-held_out:])
    predicted, _lower, _upper = _prophet(history_dates[:-held_out], train, history_dates[-held_out:])
    baseline = seasonal_naive(train, held_out, season)
    progress(40)

    forecast, lower, upper = _prophet(history_dates, values, future_dates)
    progress(70)
    return ForecastResult(
        backtest_points=held_out,
        mape=_finite(mape(test, predicted)), mase=_finite(mase(test, predicted, train, season)),
        baseline_mape=_finite(mape(test, baseline)), baseline_mase=_finite(mase(test, baseline, train, season)),
        dates=future_dates, forecast=forecast, lower=lower, upper=upper,
    )


def _finite(value: float | None) -> float | None:
    return value if value is not None and math.isfinite(value) else None
