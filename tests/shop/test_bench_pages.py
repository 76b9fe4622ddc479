import io
import re

from django.core.management import call_command


def test_bench_pages_ends_with_its_figures(db):
    out = io.StringIO()

    call_command("bench_pages", requests=10, products=30, concurrency=2, stdout=out)

    lines = out.getvalue().strip().splitlines()
    assert re.fullmatch(r"bench_pages: catalogue_vs_nodb=\d+\.\d\d fragment_vs_page=\d+\.\d\d", lines[-1])
    assert any("/shop/?q=nokia+105: htmx fragment" in line for line in lines)
