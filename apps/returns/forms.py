from django import forms
from django.utils.translation import gettext_lazy as _

from apps.core.validators import validate_image
from apps.returns.models import ReturnRequest


class ReturnRequestForm(forms.Form):
    reason = forms.ChoiceField(label=_("Why are you returning it?"), choices=ReturnRequest.Reason.choices,
                               widget=forms.RadioSelect, error_messages={"required": _("Choose a reason.")})
    description = forms.CharField(label=_("What is wrong? (required for “Another reason”)"), required=False,
                                  max_length=2000, widget=forms.Textarea(attrs={"rows": 4}))
    photo = forms.ImageField(label=_("A photo of the problem (optional: JPEG, PNG or WebP)"), required=False,
                             validators=[validate_image],
                             widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}))

    def clean(self):
        data = super().clean()
        if data.get("reason") == ReturnRequest.Reason.OTHER and not data.get("description", "").strip():
            self.add_error("description", _("Describe the problem: the seller needs it to decide."))
        return data

