from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from unfold.widgets import UnfoldAdminDecimalFieldWidget, UnfoldAdminRadioSelectWidget, UnfoldAdminSelectWidget

from apps.delivery.models import CourierProfile, Delivery
from apps.geo.selectors import neighbourhood_choices


class DeliveryModeForm(forms.Form):
    """The seller's choice in the admin: who carries the order, and an optional bonus for a courier."""

    mode = forms.ChoiceField(label=_("How does the order travel?"), choices=Delivery.Mode.choices,
                             widget=UnfoldAdminRadioSelectWidget)
    courier = forms.ModelChoiceField(label=_("Courier (for a chosen courier)"), queryset=None, required=False,
                                     widget=UnfoldAdminSelectWidget)
    bonus = forms.DecimalField(label=_("Bonus for the courier (%(currency)s, optional)")
                               % {"currency": settings.BASE_CURRENCY},
                               required=False, min_value=0, max_digits=12, decimal_places=2,
                               widget=UnfoldAdminDecimalFieldWidget,
                               error_messages={"min_value": _("A bonus cannot be negative.")})

    def __init__(self, *args, couriers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["courier"].queryset = couriers
        self.fields["courier"].label_from_instance = _courier_label

    def clean(self):
        data = super().clean()
        if data.get("mode") == Delivery.Mode.COURIER and not data.get("courier"):
            self.add_error("courier", _("Choose the courier who delivers this order."))
        if data.get("mode") == Delivery.Mode.PERSONAL:
            data["bonus"] = None  # nobody is paid for the seller's own trip
        return data


def _courier_label(user) -> str:
    profile = getattr(user, "courier_profile", None)
    name = user.full_name or user.email
    if profile is None:
        return name
    return f"{name} · {profile.get_vehicle_display()} · {profile.get_availability_display()}"


class CourierProfileForm(forms.ModelForm):
    class Meta:
        model = CourierProfile
        fields = ["availability", "vehicle", "phone", "neighbourhood", "latitude", "longitude"]
        widgets = {"availability": forms.RadioSelect,
                   "phone": forms.TextInput(attrs={"type": "tel", "autocomplete": "tel", "inputmode": "tel"}),
                   "latitude": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"}),
                   "longitude": forms.NumberInput(attrs={"inputmode": "decimal", "step": "any"})}
        help_texts = {"neighbourhood": _("Where you usually wait for jobs: the nearest jobs are listed first."),
                      "latitude": _("Optional: your usual position, e.g. 9.595000."),
                      "longitude": _("Optional, e.g. -13.653000.")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phone"].required = True
        self.fields["phone"].error_messages["required"] = _("Give a phone number: sellers and buyers call you on it.")
        self.fields["neighbourhood"].choices = neighbourhood_choices(None)

    def clean(self):
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None) and not self.errors.keys() & {
                "latitude", "longitude"}:
            field = "longitude" if data.get("longitude") is None else "latitude"
            self.add_error(field, _("Give both the latitude and the longitude, or neither."))
        return data


class CourierRatingForm(forms.Form):
    STARS = [(5, _("5 stars: excellent")), (4, _("4 stars: good")), (3, _("3 stars: fair")),
             (2, _("2 stars: poor")), (1, _("1 star: very poor"))]

    stars = forms.TypedChoiceField(label=_("Your rating of the courier"), choices=STARS, coerce=int,
                                   widget=forms.RadioSelect,
                                   error_messages={"required": _("Choose between 1 and 5 stars."),
                                                   "invalid_choice": _("Choose between 1 and 5 stars.")})
    comment = forms.CharField(label=_("Comment (optional)"), required=False, max_length=1000,
                              widget=forms.Textarea(attrs={"rows": 3}))
