from django import forms
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminIntegerFieldWidget, UnfoldAdminSelectWidget

from apps.catalog.models import ServiceCategory
from apps.core.scoping import VendorScope
from apps.forecasts.forecasting import MAX_HORIZON
from apps.forecasts.models import ForecastRun
from apps.vendors.models import Vendor


class ForecastRequestForm(forms.Form):
    """What to forecast. A vendor member may only pick one of their own stores."""

    scope = forms.ChoiceField(label=_("Forecast the sales of"), choices=ForecastRun.Scope.choices,
                              initial=ForecastRun.Scope.VENDOR, widget=UnfoldAdminSelectWidget)
    vendor = forms.ModelChoiceField(label=_("Vendor"), queryset=Vendor.objects.active().order_by("name"),
                                    required=False, widget=UnfoldAdminSelectWidget,
                                    help_text=_("For a vendor forecast only."))
    category = forms.ModelChoiceField(label=_("Product category"), required=False, widget=UnfoldAdminSelectWidget,
                                      queryset=ServiceCategory.objects.select_related("parent").order_by("name"),
                                      help_text=_("For a category forecast only: its products and those of the "
                                                  "categories below it."))
    frequency = forms.ChoiceField(label=_("One figure per"), choices=ForecastRun.Frequency.choices,
                                  initial=ForecastRun.Frequency.DAY, widget=UnfoldAdminSelectWidget)
    horizon = forms.IntegerField(label=_("How many periods ahead"), min_value=1, max_value=max(MAX_HORIZON.values()),
                                 initial=30, widget=UnfoldAdminIntegerFieldWidget,
                                 help_text=_("At most 365 days, 104 weeks or 36 months."))

    def __init__(self, *args, vendor_scope: VendorScope, **kwargs):
        super().__init__(*args, **kwargs)
        if not vendor_scope.all_vendors:
            # a store's people forecast their own store, nothing wider
            self.fields["scope"].choices = [(ForecastRun.Scope.VENDOR, ForecastRun.Scope.VENDOR.label)]
            self.fields["vendor"].queryset = vendor_scope.filter(self.fields["vendor"].queryset)
            self.fields["vendor"].required = True
            self.fields["vendor"].initial = vendor_scope.single_vendor_id
            del self.fields["category"]

    def clean(self):
        data = super().clean()
        scope, frequency, horizon = data.get("scope"), data.get("frequency"), data.get("horizon")
        if frequency and horizon and horizon > MAX_HORIZON[frequency]:
            self.add_error("horizon", _("At most %(max)s periods ahead for this frequency.")
                           % {"max": MAX_HORIZON[frequency]})
        if scope == ForecastRun.Scope.VENDOR and not data.get("vendor"):
            self.add_error("vendor", _("Choose the vendor to forecast."))
        if scope == ForecastRun.Scope.CATEGORY and not data.get("category"):
            self.add_error("category", _("Choose the category to forecast."))
        # only the chosen scope's target is kept: a vendor left selected does not turn a platform run into another
        if scope != ForecastRun.Scope.VENDOR:
            data["vendor"] = None
        if scope != ForecastRun.Scope.CATEGORY:
            data["category"] = None
        return data
