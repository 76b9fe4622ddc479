"""The report catalogue in the back office: one list, one generic report page, one generic CSV download."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.contrib import admin
from django.http import Http404, StreamingHttpResponse
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from djmoney.contrib.exchange.models import ExchangeBackend

from apps.analytics.charts import chart_legend, report_chart
from apps.analytics.exchange import BACKEND_NAME
from apps.analytics.forms import ReportFilterForm
from apps.analytics.registry import REPORTS, Report
from apps.core.exceptions import DomainError
from apps.core.exporting import csv_stream
from apps.core.scoping import VendorScope

REPORTS_PERMISSION = "analytics.view_reports"
ROWS_PER_PAGE = 50


def _allowed(request) -> None:
    # Analysts, managers and administrators; sellers never (reports span every vendor).
    if not request.user.has_perm(REPORTS_PERMISSION):
        raise PermissionDenied


def _report_or_404(slug: str) -> Report:
    try:
        return REPORTS[slug]
    except KeyError:
        raise Http404 from None


def _context(request, **extra) -> dict:
    return {**admin.site.each_context(request), "base_currency": settings.BASE_CURRENCY, **extra}


def report_list(request):
    _allowed(request)
    return TemplateResponse(request, "admin/analytics/report_list.html", _context(
        request, title=_("Reports"), reports=sorted(REPORTS.values(), key=lambda report: str(report.title))))


def _run(request, report: Report):
    """The filter form and, when it is valid and the figures can be computed, the report's rows."""
    form = ReportFilterForm(request.GET, vendor_scope=VendorScope.for_request(request))
    if form.is_bound and not form.is_valid():  # unbound: the default filters
        return form, None, None
    try:
        return form, report.rows(form.filters()), None
    except DomainError as error:  # e.g. an amount in a currency without an exchange rate
        return form, None, str(error)


def _page(request, report: Report, form, rows, error, status=200):
    context = _context(request, title=report.title, report=report, form=form, error=error,
                       rates_updated=ExchangeBackend.objects.filter(name=BACKEND_NAME)
                       .values_list("last_update", flat=True).first())
    if rows is not None:
        page = Paginator(rows, ROWS_PER_PAGE).get_page(request.GET.get("page"))
        context.update({
            "page": page, "query": form.query_string(), "chart": report_chart(report, rows),
            "chart_legend": chart_legend(column.label for column in report.columns
                                         if report.chart and column.key in report.chart.values),
            "table": {"headers": [column.label for column in report.columns], "rows": report.table(page.object_list)},
        })
    return TemplateResponse(request, "admin/analytics/report_detail.html", context, status=status)


def report_detail(request, slug: str):
    _allowed(request)
    report = _report_or_404(slug)
    form, rows, error = _run(request, report)
    return _page(request, report, form, rows, error)


def report_csv(request, slug: str):
    """The whole report (every row, not one page) as CSV: numbers as numbers, formula-like text neutralised."""
    _allowed(request)
    report = _report_or_404(slug)
    form, rows, error = _run(request, report)
    if rows is None:  # bad filters or a missing rate: say so on the page rather than send a wrong file
        return _page(request, report, form, rows, error, status=400)
    response = StreamingHttpResponse(csv_stream(report.csv_headers(), report.csv_rows(rows)),
                                     content_type="text/csv; charset=utf-8")
    period = form.filters().period
    response["Content-Disposition"] = f'attachment; filename="{report.slug}_{period.first}_{period.last}.csv"'
    return response
