from django import forms
from django.utils.translation import gettext_lazy as _

from apps.reviews.services import TEXT_MAX_LENGTH

RATING_CHOICES = [(5, _("5 stars: excellent")), (4, _("4 stars: good")), (3, _("3 stars: average")),
                  (2, _("2 stars: poor")), (1, _("1 star: very poor"))]


class ReviewForm(forms.Form):
    rating = forms.TypedChoiceField(label=_("Your rating"), choices=RATING_CHOICES, coerce=int,
                                    widget=forms.RadioSelect(attrs={"class": "star-rating__input"}),
                                    error_messages={"required": _("Choose a rating from 1 to 5 stars."),
                                                    "invalid_choice": _("Choose a rating from 1 to 5 stars.")})
    text = forms.CharField(label=_("Your review"), required=False, max_length=TEXT_MAX_LENGTH,
                           help_text=_("What did you like or not? Other buyers will read it."),
                           widget=forms.Textarea(attrs={"rows": 5}))
