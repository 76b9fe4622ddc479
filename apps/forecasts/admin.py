from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action, display

from apps.core.admin import BaseAdmin, VendorScopedAdminMixin
from apps.core.exceptions import DomainError
from apps.forecasts.forms import ForecastRequestForm
from apps.forecasts.models import ForecastRun
from apps.forecasts.selectors import forecast_chart_for_run
from apps.forecasts.services import forecast_run_request

STATUS_COLOURS = {
    ForecastRun.Status.QUEUED: "info", ForecastRun.Status.RUNNING: "warning", ForecastRun.Status.DONE: "success",
    ForecastRun.Status.FAILED: "danger", ForecastRun.Status.INSUFFICIENT_DATA: "default",
}
POLL_SECONDS = 2


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f} %"


def _ratio(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}"

REQUEST_PERMISSION = "forecasts.add_forecastrun"


@admin.register(ForecastRun)
class ForecastRunAdmin(VendorScopedAdminMixin, BaseAdmin):
    """Runs are results: read-only here, created by "Run a forecast" (or the nightly schedule) through the service."""

    list_display = ["target", "frequency", "horizon", "status_badge", "progress_column", "accuracy", "created_at",
                    "requested_by"]
    list_filter = ["status", "scope", "frequency", "vendor"]
    list_select_related = ["vendor", "category", "category__parent", "requested_by"]
    search_fields = ["vendor__name", "category__name"]
    fieldsets = [
        (None, {"fields": ["scope", "vendor", "category", "frequency", "horizon", "requested_by", "created_at"]}),
        (_("Progress"), {"fields": ["status", "progress", "started_at", "finished_at", "error"]}),
        (_("Accuracy in the backtest"), {"fields": ["history_points", "backtest_points", "mape_shown",
                                                     "baseline_mape_shown", "mase_shown", "baseline_mase_shown"]}),
    ]
    readonly_fields = ["created_at", "mape_shown", "baseline_mape_shown", "mase_shown", "baseline_mase_shown"]
    actions_list = ["request_forecast"]
    actions_detail = ["run_again"]
    change_form_outer_before_template = "admin/forecasts/forecastrun/_run_panel.html"

    # --- runs are never typed in or edited; requesting one is its own permission (the model's "add")
    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_import_permission(self, request):
        return False

    def has_request_forecast_permission(self, request, object_id=None):
        return request.user.has_perm(REQUEST_PERMISSION) and self._in_scope(request, object_id)

    # --- columns
    @display(description=_("Forecast of"), ordering="vendor__name")
    def target(self, obj):
        return obj.target_name

    @display(description=_("Status"), label=STATUS_COLOURS, ordering="status")
    def status_badge(self, obj):
        return obj.status, obj.get_status_display()

    @display(description=_("Progress"), ordering="progress")
    def progress_column(self, obj):
        return f"{obj.progress} %"

    @display(description=_("Error in the backtest (MAPE)"))
    def accuracy(self, obj):
        if obj.mape is None or obj.baseline_mape is None:
            return "—"
        return _("%(mape)s (baseline %(baseline)s)") % {"mape": _percent(obj.mape),
                                                         "baseline": _percent(obj.baseline_mape)}

    mape_shown = display(description=_("MAPE"))(lambda self, obj: _percent(obj.mape))
    baseline_mape_shown = display(description=_("Baseline MAPE"))(lambda self, obj: _percent(obj.baseline_mape))
    mase_shown = display(description=_("MASE"))(lambda self, obj: _ratio(obj.mase))
    baseline_mase_shown = display(description=_("Baseline MASE"))(lambda self, obj: _ratio(obj.baseline_mase))

    # --- the run's page: progress while it runs, then the chart and the verdict
    def change_view(self, request, object_id, form_url="", extra_context=None):
        run = self._get_scoped_object_or_404(request, object_id)
        extra_context = {**(extra_context or {}), **self._progress_context(run), "forecast": forecast_chart_for_run(run)}
        return super().change_view(request, object_id, form_url, extra_context)

    def _progress_context(self, run) -> dict:
        return {"run": run, "poll_seconds": POLL_SECONDS,
                "progress_url": reverse("admin:forecasts_forecastrun_progress", args=[run.pk]),
                "change_url": reverse("admin:forecasts_forecastrun_change", args=[run.pk])}

    def get_urls(self):
        progress = path("<path:object_id>/progress/", self.admin_site.admin_view(self.progress_view),
                        name="forecasts_forecastrun_progress")
        return [progress, *super().get_urls()]

    def progress_view(self, request, object_id):
        """The progress fragment polled by htmx; once the run has finished it reloads the page to show the result."""
        run = self._get_scoped_object_or_404(request, object_id)
        if not self.has_view_permission(request, run):
            raise PermissionDenied
        # the fragment never shows the chart: a finished run reloads the whole page instead
        response = TemplateResponse(request, "admin/forecasts/forecastrun/_progress.html", self._progress_context(run))
        if not run.is_active:
            response["HX-Refresh"] = "true"
        return response

    # --- requesting a run
    @action(description=_("Run a forecast"), permissions=["request_forecast"], icon="query_stats",
            url_path="request")
    def request_forecast(self, request):
        initial = self._initial_from(request, request.GET.get("from"))
        form = ForecastRequestForm(request.POST or None, initial=initial, vendor_scope=self.vendor_scope(request))
        if request.method == "POST" and form.is_valid():
            try:
                run = forecast_run_request(**form.cleaned_data, requested_by=request.user)
            except DomainError as error:
                self.message_user(request, str(error), messages.ERROR)
            else:
                self.message_user(request, _("%(run)s is queued: this page follows its progress.") % {"run": run},
                                  messages.SUCCESS)
                return redirect("admin:forecasts_forecastrun_change", run.pk)
        return TemplateResponse(request, "admin/action_form_page.html", {
            **self.admin_site.each_context(request), "title": _("Run a forecast"), "opts": self.opts, "form": form,
            "summary": _("The forecast runs in the background. It is tested on the last part of the sales history "
                         "and compared with simply repeating the past, so you can see whether to trust it."),
            "submit": _("Run the forecast"), "back_url": reverse("admin:forecasts_forecastrun_changelist")})

    def _initial_from(self, request, run_id) -> dict:
        run = self.get_object(request, run_id) if run_id and run_id.isdigit() else None
        if run is None:
            return {}
        return {"scope": run.scope, "vendor": run.vendor_id, "category": run.category_id,
                "frequency": run.frequency, "horizon": run.horizon}

    @action(description=_("Run again"), permissions=["request_forecast"], icon="replay", url_path="run-again")
    def run_again(self, request, object_id):
        run = self._get_scoped_object_or_404(request, object_id)
        # the request form, filled in with this run's choices: it is sent (POST) from there
        return redirect(f"{reverse('admin:forecasts_forecastrun_request_forecast')}?from={run.pk}")
