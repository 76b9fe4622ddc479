import re

from django import forms
from django.utils.translation import gettext_lazy as _

PHONE_RE = re.compile(r"^\+?[0-9 ().-]{7,20}$")


class PurchaseForm(forms.Form):
    full_name = forms.CharField(label=_("Full name"), max_length=150,
                                widget=forms.TextInput(attrs={"autocomplete": "name"}))
    email = forms.EmailField(label=_("E-mail"), widget=forms.EmailInput(attrs={"autocomplete": "email"}))
    phone = forms.CharField(label=_("Phone"), max_length=32,
                            widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}))
    requirements = forms.CharField(label=_("What do you need?"), required=False, max_length=4000,
                                   widget=forms.Textarea(attrs={"rows": 4}))
    tier = forms.ModelChoiceField(label=_("Tier"), queryset=None, required=False, widget=forms.RadioSelect,
                                  empty_label=None)
    gateway = forms.ChoiceField(label=_("Payment method"), widget=forms.RadioSelect)

    def __init__(self, *args, service, gateways, validate_url: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tier"].queryset = service.tiers.order_by("sort_order", "price")
        self.fields["tier"].label_from_instance = lambda tier: f"{tier.name} — {tier.price}"
        if service.tiers.exists():
            self.fields["tier"].required = True
        else:
            del self.fields["tier"]
        self.fields["gateway"].choices = gateways
        if len(gateways) == 1:
            self.fields["gateway"].initial = gateways[0][0]
        if validate_url:
            self._check_as_you_type(validate_url)

    def _check_as_you_type(self, url: str) -> None:
        """Each input asks the server to check it (htmx); the answer swaps its error and the Pay button."""
        for name, field in self.fields.items():
            trigger = "change" if isinstance(field.widget, forms.RadioSelect) else "input changed delay:400ms, blur"
            field.widget.attrs.update({
                "hx-post": url, "hx-trigger": trigger, "hx-swap": "none", "hx-include": "closest form",
                # a newer check cancels an older one still in flight: the last answer always wins
                "hx-sync": "closest form:replace",
                "hx-vals": f'{{"_validate": "{name}"}}', "aria-describedby": f"error-{name}",
            })
    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        if not PHONE_RE.match(phone) or sum(ch.isdigit() for ch in phone) < 7:
            raise forms.ValidationError(_("Enter a phone number with at least 7 digits, e.g. +224 620 00 00 00."))
        return phone

    def clean_full_name(self):
        name = self.cleaned_data["full_name"].strip()
        if len(name) < 2:
            raise forms.ValidationError(_("Enter your full name."))
        return name


class TrackForm(forms.Form):
    reference = forms.CharField(label=_("Reference"), max_length=20,
                                widget=forms.TextInput(attrs={"placeholder": "SR-2026-XXXXXX", "autocapitalize": "characters"}))
    email = forms.EmailField(label=_("E-mail used for the purchase"),
                             widget=forms.EmailInput(attrs={"autocomplete": "email"}))
