"""allauth's sign-up form, made safe against two sign-ups for one address at the same instant.

It lives apart from forms.py because allauth builds its form on top of ACCOUNT_SIGNUP_FORM_CLASS
(apps.accounts.forms.SignupForm): importing allauth's form there would be circular.
"""

from allauth.account.forms import SignupForm
from allauth.account.internal import flows
from django.db import IntegrityError, transaction


class RaceSafeSignupForm(SignupForm):
    """allauth checks uniqueness before saving; when two sign-ups pass that check together the
    database refuses the second. That person gets the usual "check your inbox" page (and the
    existing account's owner an e-mail), exactly like any known address, never an error page."""

    def try_save(self, request):
        try:
            with transaction.atomic():
                return super().try_save(request)
        except IntegrityError:
            return None, flows.signup.prevent_enumeration(request, email=self.cleaned_data.get("email"))
