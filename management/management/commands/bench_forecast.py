"""Forecasts on P worker processes against one at a time, as ratios measured in one run (machines are noisy).

The series are synthetic and in memory (no database): each is fitted with the function the
forecast task uses (backtest, baseline, refit and forecast), first one after the other in this
process, then spread over P processes forked the way django-q2 forks its workers.
"""

import math
import multiprocessing
import os
import random
import resource
import statistics
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date

from django.core.management.base import BaseCommand, CommandError

from apps.forecasts.forecasting import fit_forecast, quiet_prophet_logging

HISTORY_DAYS = 365
HORIZON = 30
START = date(2025, 1, 6)


def synthetic_series(seed: int, days: int = HISTORY_DAYS) -> list[float]:
    """A vendor's daily sales: a level, a trend, a weekly rhythm, a monthly pay-day bump, noise and quiet days."""
    rng = random.Random(seed)
    level, trend = rng.uniform(50_000, 500_000), rng.uniform(-0.0005, 0.002)
    weekly = [rng.uniform(0.6, 1.5) for _ in range(7)]
    values = []
    for day in range(days):
        monthly = 1 + 0.1 * math.cos(2 * math.pi * day / 30.44)
        sales = level * (1 + trend * day) * weekly[day % 7] * monthly * rng.gauss(1, 0.1)
        values.append(0.0 if rng.random() < 0.02 else round(max(sales, 0.0), 2))
    return values


def _cpu_seconds() -> float:
    # this process and the CmdStan processes it ran (each fit waits for its own)
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def fit_one(seed: int) -> tuple[float, float, float | None, float | None]:
    """One vendor's forecast, exactly as the task fits it; returns (seconds, CPU seconds, MASE, baseline MASE)."""
    started, cpu = time.perf_counter(), _cpu_seconds()
    result = fit_forecast(synthetic_series(seed), START, "day", HORIZON)
    return time.perf_counter() - started, _cpu_seconds() - cpu, result.mase, result.baseline_mase


def _warm_worker() -> None:
    # import pandas and prophet (about a second) before the clock starts, as a long-lived worker has
    quiet_prophet_logging()
    import prophet  # noqa: F401


class Command(BaseCommand):
    help = "Prophet forecasts of N synthetic vendors on P processes, against the same fits one at a time."

    def add_arguments(self, parser):
        parser.add_argument("--series", type=int, default=60, help="synthetic vendors to forecast (quality.md: 1000)")
        parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)

    def handle(self, *args, series, processes, **options):
        if series < 1 or processes < 1:
            raise CommandError("--series and --processes must be at least 1.")
        seeds = list(range(series))
        _warm_worker()
        fit_one(-1)  # the first fit in a process also loads the Stan model

        started = time.perf_counter()
        sequential = [fit_one(seed) for seed in seeds]
        sequential_seconds = time.perf_counter() - started

        # fork, like django-q2's workers; the pool is started and warmed before timing
        context = multiprocessing.get_context("fork")
        with ProcessPoolExecutor(max_workers=processes, mp_context=context, initializer=_warm_worker) as pool:
            list(pool.map(fit_one, [-1 - worker for worker in range(processes)]))
            started = time.perf_counter()
            parallel = list(pool.map(fit_one, seeds, chunksize=max(1, series // (processes * 8))))
            parallel_seconds = time.perf_counter() - started

        speedup = sequential_seconds / parallel_seconds
        per_fit = statistics.median(seconds for seconds, _cpu, _mase, _baseline in sequential)
        compared = [(mase, baseline) for _s, _cpu, mase, baseline in sequential if None not in (mase, baseline)]
        better = sum(mase < baseline for mase, baseline in compared)
        # the processes fit the same series with the same function: their results should agree
        agree = sum(math.isclose(one[2] or 0, other[2] or 0, rel_tol=1e-6) for one, other in zip(sequential, parallel))
        # CPU obtained per second of wall time: on a machine busy with other work the scheduler, not the
        # number of processes, sets how many cores the benchmark gets, and the speed-up cannot exceed that
        cores = [sum(row[1] for row in rows) / seconds
                 for rows, seconds in ((sequential, sequential_seconds), (parallel, parallel_seconds))]
        self.stdout.write(f"{series} series of {HISTORY_DAYS} days, {HORIZON}-day horizon, "
                          f"median fit (backtest + forecast) {per_fit * 1000:.0f} ms")
        self.stdout.write(f"one at a time: {sequential_seconds:.1f} s ({series / sequential_seconds:.2f} series/s)")
        self.stdout.write(f"{processes} processes: {parallel_seconds:.1f} s ({series / parallel_seconds:.2f} series/s)")
        self.stdout.write(f"CPU obtained: {cores[0]:.2f} cores one at a time, {cores[1]:.2f} cores on {processes} "
                          f"processes (other load on the machine caps the speed-up at their ratio, "
                          f"{cores[1] / cores[0]:.2f})")
        self.stdout.write(f"Prophet beat the seasonal-naive baseline (MASE) on {better} of {len(compared)} series; "
                          f"the parallel fits agree with the sequential ones on {agree} of {series}")
        self.stdout.write(f"bench_forecast: speedup_per_process={speedup / processes:.2f} speedup={speedup:.2f} "
                          f"processes={processes} series={series} cores_obtained_ratio={cores[1] / cores[0]:.2f}")
