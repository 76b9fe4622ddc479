from django import forms
from django.utils.translation import gettext_lazy as _

from apps.moderation.models import Report


class ReportForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong?"), choices=Report.Reason.choices, widget=forms.RadioSelect)
    description = forms.CharField(label=_("Details"), required=False, max_length=2000,
                                  help_text=_("What happened, when, and anything that helps a moderator check."),
                                  widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        if data.get("reason") == Report.Reason.OTHER and not data.get("description", "").strip():
            self.add_error("description", _("Describe the problem when the reason is “Something else”."))
        return data


class ModeratorNoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
