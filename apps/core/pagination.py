"""Admin pagination that does not COUNT a big table on every page."""

from django.conf import settings
from django.core.paginator import Paginator
from django.db import connections
from django.utils.functional import cached_property


def _planner_estimate(queryset) -> int:
    """PostgreSQL's own row estimate for the query (EXPLAIN, no execution)."""
    sql, params = queryset.query.sql_with_params()
    with connections[queryset.db].cursor() as cursor:
        cursor.execute(f"EXPLAIN (FORMAT JSON) {sql}", params)
        plan = cursor.fetchone()[0]
    plan = plan[0] if isinstance(plan, list) else plan
    return int(plan["Plan"]["Plan Rows"])


class EstimatedCountPaginator(Paginator):
    """Counts exactly up to ADMIN_EXACT_COUNT_LIMIT rows; beyond, PostgreSQL's estimate is shown instead.

    The exact count is a capped subquery (SELECT COUNT(*) FROM (... LIMIT n+1)), so it stops early on a
    million-row table; only when the cap is hit does the planner's estimate stand in (the last page
    may then be a little off, which is what every large admin accepts). Other databases count exactly.
    """

    @cached_property
    def count(self) -> int:
        queryset = self.object_list
        if not hasattr(queryset, "query") or connections[queryset.db].vendor != "postgresql":
            return super().count
        limit = settings.ADMIN_EXACT_COUNT_LIMIT
        capped = queryset.order_by()[: limit + 1].count()
        if capped <= limit:
            return capped
        return max(_planner_estimate(queryset.order_by()), capped)
