from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords


class ForecastRun(models.Model):
    """One sales forecast: its scope, its progress in the worker, its backtest error and the baseline's."""

    # Platform and category runs have no vendor: the vendor scope filters them out for sellers.
    vendor_path = "vendor"

    class Scope(models.TextChoices):
        PLATFORM = "platform", _("Whole platform")
        VENDOR = "vendor", _("One vendor")
        CATEGORY = "category", _("One category")

    class Frequency(models.TextChoices):
        DAY = "day", _("Daily")
        WEEK = "week", _("Weekly")
        MONTH = "month", _("Monthly")

    class Status(models.TextChoices):
        QUEUED = "queued", _("Queued")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")
        INSUFFICIENT_DATA = "insufficient_data", _("Not enough data")

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    scope = models.CharField(_("scope"), max_length=10, choices=Scope.choices, default=Scope.VENDOR)
    vendor = models.ForeignKey("vendors.Vendor", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="forecast_runs", verbose_name=_("vendor"))
    category = models.ForeignKey("catalog.ServiceCategory", on_delete=models.CASCADE, null=True, blank=True,
                                 related_name="forecast_runs", verbose_name=_("product category"))
    frequency = models.CharField(_("frequency"), max_length=8, choices=Frequency.choices, default=Frequency.DAY)
    horizon = models.PositiveSmallIntegerField(_("horizon (periods)"))
    status = models.CharField(_("status"), max_length=20, choices=Status.choices, default=Status.QUEUED,
                              db_index=True)
    progress = models.PositiveSmallIntegerField(_("progress (%)"), default=0)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)
    error = models.TextField(_("message"), blank=True)
    history_points = models.PositiveIntegerField(_("periods of history"), default=0)
    backtest_points = models.PositiveSmallIntegerField(_("periods held out for the backtest"), default=0)
    mape = models.FloatField(_("MAPE (%)"), null=True, blank=True)
    mase = models.FloatField(_("MASE"), null=True, blank=True)
    baseline_mape = models.FloatField(_("baseline MAPE (%)"), null=True, blank=True)
    baseline_mase = models.FloatField(_("baseline MASE"), null=True, blank=True)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                     related_name="+", verbose_name=_("requested by"))
    created_at = models.DateTimeField(_("created at"), auto_now_add=True, db_index=True)

    history = HistoricalRecords(excluded_fields=["progress"])

    class Meta:
        verbose_name = _("forecast run")
        verbose_name_plural = _("forecast runs")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["scope", "vendor", "status", "-finished_at"], name="forecasts_latest_done")]
        constraints = [
            models.CheckConstraint(name="forecasts_run_scope_target", condition=(
                models.Q(scope="platform", vendor__isnull=True, category__isnull=True)
                | models.Q(scope="vendor", vendor__isnull=False, category__isnull=True)
                | models.Q(scope="category", vendor__isnull=True, category__isnull=False))),
            models.CheckConstraint(name="forecasts_run_progress_percent", condition=models.Q(progress__lte=100)),
        ]

    def __str__(self):
        return _("%(target)s, %(frequency)s forecast #%(pk)s") % {
            "target": self.target_name, "frequency": self.get_frequency_display().lower(), "pk": self.pk}

    @property
    def target_name(self) -> str:
        if self.scope == self.Scope.VENDOR:
            return str(self.vendor)
        if self.scope == self.Scope.CATEGORY:
            return str(self.category)
        return str(_("Platform"))

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class ForecastPoint(models.Model):
    """A period of a run's chart: history rows carry the actual sales, future rows the forecast and its band."""

    vendor_path = "run__vendor"

    run = models.ForeignKey(ForecastRun, on_delete=models.CASCADE, related_name="points", verbose_name=_("run"))
    date = models.DateField(_("period start"))
    actual = models.DecimalField(_("actual sales"), max_digits=16, decimal_places=2, null=True, blank=True)
    forecast = models.DecimalField(_("forecast"), max_digits=16, decimal_places=2, null=True, blank=True)
    lower = models.DecimalField(_("lower bound"), max_digits=16, decimal_places=2, null=True, blank=True)
    upper = models.DecimalField(_("upper bound"), max_digits=16, decimal_places=2, null=True, blank=True)

    class Meta:
        verbose_name = _("forecast point")
        verbose_name_plural = _("forecast points")
        ordering = ["run", "date"]
        constraints = [models.UniqueConstraint(fields=["run", "date"], name="forecasts_point_run_date")]

    def __str__(self):
        return f"{self.run_id} {self.date}"
