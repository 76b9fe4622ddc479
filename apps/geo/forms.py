import re

from django import forms
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from apps.geo.models import Address, Neighbourhood, Prefecture
from apps.geo.selectors import neighbourhood_choices, prefecture_choices

PHONE_RE = re.compile(r"^\+?[0-9 ().-]{7,20}$")


class AddressForm(forms.ModelForm):
    """A delivery address. Without JavaScript the prefectures (and neighbourhoods) are grouped by their parent;
    with htmx, choosing a region narrows the list: pass `prefectures_url`, a view answering with
    `prefecture_select()`, or `cascade=True` to use geo:options for region -> prefecture -> neighbourhood."""

    class Meta:
        model = Address
        fields = ["full_name", "phone", "region", "prefecture", "neighbourhood", "street", "landmark"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def __init__(self, *args, prefectures_url: str = "", cascade: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].empty_label = _("Choose a region")
        # Only the choices shown narrow: any prefecture or neighbourhood validates, and Address.clean() says
        # when it is not in the chosen region or prefecture.
        self.fields["prefecture"].queryset = Prefecture.objects.select_related("region")
        self.fields["prefecture"].choices = prefecture_choices(self._chosen("region"))
        self.fields["neighbourhood"].queryset = Neighbourhood.objects.all()
        self.fields["neighbourhood"].choices = neighbourhood_choices(self._chosen("prefecture"))
        self.fields["neighbourhood"].help_text = _("Optional: helps the courier and the delivery fee.")
        if cascade:
            self._wire("region", "prefecture")
            self._wire("prefecture", "neighbourhood")
            # a new list of prefectures empties the chosen one, so the neighbourhoods follow it
            self.fields["neighbourhood"].widget.attrs.update({
                "hx-get": reverse("geo:options", args=["neighbourhood"]),
                "hx-trigger": f"htmx:afterSwap from:#{self['prefecture'].auto_id}",
                "hx-include": f"#{self['prefecture'].auto_id}", "hx-swap": "innerHTML"})
        elif prefectures_url:
            prefecture_id = f"#{self['prefecture'].auto_id}"
            self.fields["region"].widget.attrs.update({
                "hx-get": prefectures_url, "hx-trigger": "change", "hx-target": prefecture_id,
                "hx-swap": "outerHTML", "hx-include": "this"})

    def _wire(self, parent: str, child: str) -> None:
        """Choosing `parent` replaces the <option>s of `child` with geo:options' answer."""
        self.fields[parent].widget.attrs.update({
            "hx-get": reverse("geo:options", args=[child]), "hx-trigger": "change",
            "hx-target": f"#{self[child].auto_id}", "hx-swap": "innerHTML", "hx-include": "this"})

    def _chosen(self, name: str) -> int | None:
        value = self[name].value()
        return int(value) if str(value or "").isdigit() else None

    def prefecture_select(self) -> str:
        """The prefecture <select> alone, for the htmx swap after a region is chosen."""
        return str(self["prefecture"])

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_RE.match(phone) or sum(ch.isdigit() for ch in phone) < 7:
            raise forms.ValidationError(_("Enter a phone number with at least 7 digits, e.g. +224 620 00 00 00."))
        return phone

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if len(name) < 2:
            raise forms.ValidationError(_("Enter the recipient's full name."))
        return name



class AddressBookForm(AddressForm):
    """An address of the buyer's own book: the delivery address plus a label and optional GPS coordinates."""

    class Meta(AddressForm.Meta):
        fields = ["label", *AddressForm.Meta.fields, "latitude", "longitude"]
        widgets = {
            **AddressForm.Meta.widgets,
            "latitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "placeholder": "9.512500"}),
            "longitude": forms.NumberInput(attrs={"step": "any", "inputmode": "decimal", "placeholder": "-13.713000"}),
        }
