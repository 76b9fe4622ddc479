from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext_lazy as _
from unfold.widgets import DATETIME_CLASSES, UnfoldAdminSelectWidget

from apps.analytics.registry import ReportFilters
from apps.analytics.selectors.base import Period
from apps.core.scoping import VendorScope
from apps.core.validators import DATE_RANGE_VALIDATORS
from apps.vendors.models import Vendor

DEFAULT_DAYS = 30
MAX_DAYS = 3 * 366  # a wider range is a data export, not a report


def _date_widget():
    # the browser's own date picker: accessible, and nothing to load
    return forms.DateInput(attrs={"type": "date", "class": " ".join(DATETIME_CLASSES)}, format="%Y-%m-%d")


class ReportFilterForm(forms.Form):
    """Date range (the last 30 days unless told) and an optional vendor, read from the query string."""

    date_from = forms.DateField(label=_("From"), required=False, widget=_date_widget(),
                                validators=DATE_RANGE_VALIDATORS)
    date_to = forms.DateField(label=_("To"), required=False, widget=_date_widget(), validators=DATE_RANGE_VALIDATORS)
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.order_by("name"), required=False,
                                    empty_label=_("All vendors"), widget=UnfoldAdminSelectWidget)

    def __init__(self, data=None, *, vendor_scope: VendorScope):
        today = timezone.localdate()
        self.default_period = Period.last_days(DEFAULT_DAYS, today)
        # an empty query string is the default report; a partial one keeps the defaults for what it leaves out
        super().__init__(data or None, initial={"date_from": self.default_period.first,
                                                "date_to": self.default_period.last})
        self.fields["vendor"].queryset = vendor_scope.filter(self.fields["vendor"].queryset)

    def clean(self):
        cleaned = super().clean()
        first = cleaned.get("date_from") or self.default_period.first
        last = cleaned.get("date_to") or self.default_period.last
        if "date_from" in self.errors or "date_to" in self.errors:
            return cleaned
        if first > last:
            self.add_error("date_to", _("The end date must not be before the start date."))
        elif (last - first) >= timedelta(days=MAX_DAYS):
            self.add_error("date_from", _("Choose a range of at most %(days)s days.") % {"days": MAX_DAYS})
        cleaned["date_from"], cleaned["date_to"] = first, last
        return cleaned

    def full_clean(self):
        super().full_clean()
        for name in self.errors:
            if name in self.fields:  # screen readers announce the message with the field
                self.fields[name].widget.attrs.update({"aria-invalid": "true", "aria-describedby": f"id_{name}_errors"})

    def filters(self) -> ReportFilters:
        """The validated filters; the default ones when nothing was asked."""
        if not self.is_bound:
            return ReportFilters(period=self.default_period)
        vendor = self.cleaned_data.get("vendor")
        return ReportFilters(period=Period(self.cleaned_data["date_from"], self.cleaned_data["date_to"]),
                             vendor_ids=frozenset([vendor.pk]) if vendor else None)

    def query_string(self) -> str:
        """The filters as a query string, for the CSV link of the report on screen."""
        filters = self.filters()
        params = {"date_from": filters.period.first.isoformat(), "date_to": filters.period.last.isoformat()}
        if filters.vendor_ids:
            params["vendor"] = next(iter(filters.vendor_ids))
        return urlencode(params)
