import re

from django import forms
from django.utils.translation import gettext_lazy as _

from apps.geo.models import Address, Prefecture

PHONE_RE = re.compile(r"^\+?[0-9 ().-]{7,20}$")


class AddressForm(forms.ModelForm):
    """A delivery address. Without JavaScript the prefectures are grouped by region; with htmx, choosing a
    region narrows the list (pass `prefectures_url`, a view answering with `prefecture_select()`)."""

    class Meta:
        model = Address
        fields = ["full_name", "phone", "region", "prefecture", "street", "landmark"]
        widgets = {
            "full_name": forms.TextInput(attrs={"autocomplete": "name"}),
            "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
            "street": forms.TextInput(attrs={"autocomplete": "street-address"}),
        }

    def __init__(self, *args, prefectures_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["region"].empty_label = _("Choose a region")
        self.fields["prefecture"].queryset = Prefecture.objects.select_related("region")
        self.fields["prefecture"].choices = self._prefecture_choices(self._chosen_region())
        if prefectures_url:
            prefecture_id = f"#{self['prefecture'].auto_id}"
            self.fields["region"].widget.attrs.update({
                "hx-get": prefectures_url, "hx-trigger": "change", "hx-target": prefecture_id,
                "hx-swap": "outerHTML", "hx-include": "this"})

    def _chosen_region(self) -> int | None:
        value = self["region"].value()
        return int(value) if str(value or "").isdigit() else None

    @staticmethod
    def _prefecture_choices(region_id: int | None) -> list:
        # Only the choices shown change: any prefecture validates, and Address.clean() says when it is
        # not in the chosen region.
        prefectures = Prefecture.objects.select_related("region").order_by("region__name", "name")
        if region_id is not None and (narrowed := [p for p in prefectures if p.region_id == region_id]):
            return [("", _("Choose a prefecture"))] + [(p.pk, p.name) for p in narrowed]
        groups: dict[str, list] = {}
        for prefecture in prefectures:
            groups.setdefault(prefecture.region.name, []).append((prefecture.pk, prefecture.name))
        return [("", _("Choose a prefecture"))] + list(groups.items())

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

