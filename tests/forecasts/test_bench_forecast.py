import io
import re

import pytest
from django.core.management import CommandError, call_command

from management.management.commands.bench_forecast import synthetic_series


def test_bench_forecast_ends_with_its_figures():
    out = io.StringIO()

    call_command("bench_forecast", series=2, processes=2, stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(r"bench_forecast: speedup_per_process=\d+\.\d\d speedup=\d+\.\d\d processes=2 series=2 "
                        r"cores_obtained_ratio=\d+\.\d\d", lines[-1])
    assert any("the parallel fits agree with the sequential ones on 2 of 2" in line for line in lines)


def test_bench_series_are_reproducible_daily_sales():
    assert synthetic_series(7) == synthetic_series(7) != synthetic_series(8)
    assert len(synthetic_series(7)) == 365 and min(synthetic_series(7)) >= 0


def test_bench_forecast_refuses_nonsense():
    with pytest.raises(CommandError):
        call_command("bench_forecast", series=0)
