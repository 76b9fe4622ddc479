from django import forms
from django.conf import settings
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from djmoney.money import Money

from apps.catalog.models import ServiceCategory


class PriceField(forms.DecimalField):
    """A price in the base currency, written the way people write it here: "150 000" as well as "150000"."""

    # A text input, not type=number: the browser then sends and shows what was typed, so a wrong value
    # comes back with its message instead of silently becoming empty. inputmode still brings up digits.
    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": _("Enter a price as a number, for example 150000."),
        "min_value": _("A price cannot be negative."),
        "max_digits": _("This price is too large."),
        "max_whole_digits": _("This price is too large."),
        "max_decimal_places": _("Use at most two decimal places."),
    }

    def __init__(self, label, **kwargs):
        super().__init__(label=format_lazy("{} ({})", label, settings.BASE_CURRENCY), required=False, min_value=0,
                         max_digits=14, decimal_places=2, **kwargs)

    def to_python(self, value):
        if isinstance(value, str):
            value = "".join(value.split())  # thousands separators: spaces, no-break and narrow no-break spaces
        return super().to_python(value)


class ServiceFilterForm(forms.Form):
    """The catalogue's search and filters, read from the query string."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100,
                        widget=forms.SearchInput(attrs={"placeholder": _("Service name or description")}))
    category = forms.ModelChoiceField(label=_("Category"), queryset=ServiceCategory.objects.all(), required=False,
                                      to_field_name="slug", empty_label=_("All categories"),
                                      error_messages={"invalid_choice": _("Choose a category from the list.")})
    min_price = PriceField(_("Min price"))
    max_price = PriceField(_("Max price"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Always, not only when the page shows an error: htmx may fill the message in later, out of band
        # (catalog/partials/_field_errors.html). "<id>_error" is the id Django itself gives that message.
        for bound in self:
            bound.field.widget.attrs["aria-describedby"] = f"{bound.auto_id}_error"

    def clean(self):
        cleaned = super().clean()
        low, high = cleaned.get("min_price"), cleaned.get("max_price")
        if low is not None and high is not None and low > high:
            self.add_error("max_price", _("The maximum price must be at least the minimum price."))
        return cleaned

    def filters(self) -> dict:
        """Keyword arguments for service_list_for_customers from the fields that are valid.

        An invalid field is reported next to itself and left out, so the rest of the search still works.
        """
        self.is_valid()  # cleaned_data then holds the valid fields only
        data = self.cleaned_data

        def money(amount):
            return None if amount is None else Money(amount, settings.BASE_CURRENCY)

        return {
            "search": data.get("q", ""),
            "category": data.get("category"),
            "min_price": money(data.get("min_price")),
            "max_price": money(data.get("max_price")),
        }
