"""The sign-in audit listens to Django's and allauth's authentication signals and records each step."""

from allauth.mfa.signals import authentication_failed, authenticator_used
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed

from apps.accounts.models import LoginEvent
from apps.accounts.services import login_event_record


def _logged_in(sender, request, user, **kwargs):
    login_event_record(kind=LoginEvent.Kind.SUCCESS, request=request, user=user)


def _login_failed(sender, credentials, request=None, **kwargs):
    # allauth authenticates by "email"; Django's own forms by "username" (the e-mail here too)
    typed = credentials.get("email") or credentials.get("username") or ""
    login_event_record(kind=LoginEvent.Kind.FAILURE, request=request, email=str(typed))


def _logged_out(sender, request, user, **kwargs):
    login_event_record(kind=LoginEvent.Kind.LOGOUT, request=request, user=user)


def _mfa_passed(sender, request, user, **kwargs):
    login_event_record(kind=LoginEvent.Kind.MFA_PASSED, request=request, user=user)


def _mfa_failed(sender, request, user, **kwargs):
    login_event_record(kind=LoginEvent.Kind.MFA_FAILED, request=request, user=user)


def connect_login_audit() -> None:
    user_logged_in.connect(_logged_in, dispatch_uid="accounts.audit.logged_in")
    user_login_failed.connect(_login_failed, dispatch_uid="accounts.audit.login_failed")
    user_logged_out.connect(_logged_out, dispatch_uid="accounts.audit.logged_out")
    authenticator_used.connect(_mfa_passed, dispatch_uid="accounts.audit.mfa_passed")
    authentication_failed.connect(_mfa_failed, dispatch_uid="accounts.audit.mfa_failed")
