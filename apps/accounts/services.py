from datetime import timedelta
from ipaddress import ip_address

from allauth.account.models import EmailAddress
from django.conf import settings
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from apps.accounts.models import LoginEvent, User
from apps.accounts.roles import BACK_OFFICE_ROLES
from apps.core.ratelimit import client_ip


@transaction.atomic
def user_set_roles(*, user: User, roles: list[str]) -> User:
    """Give a person exactly these roles; back-office roles grant admin access (is_staff)."""
    user.groups.set(Group.objects.filter(name__in=roles))
    is_staff = user.is_superuser or bool(set(roles) & BACK_OFFICE_ROLES)
    if user.is_staff != is_staff:
        user.is_staff = is_staff
        user.save(update_fields=["is_staff"])
    return user


def user_mark_email_verified(*, user: User) -> None:
    """Record the login address as verified (accounts created by staff or by seed data)."""
    EmailAddress.objects.update_or_create(
        user=user, email=user.email, defaults={"verified": True, "primary": True}
    )


def login_event_record(*, kind: str, request=None, user: User | None = None, email: str = "") -> LoginEvent:
    """Add one entry to the sign-in audit, with the client's address (behind our proxies) and browser."""
    ip, agent = None, ""
    if request is not None:
        try:
            ip = str(ip_address(client_ip(request)))
        except ValueError:  # no usable address (e.g. a request built by a test or a script)
            pass
        agent = request.headers.get("User-Agent", "")[: LoginEvent._meta.get_field("user_agent").max_length]
    return LoginEvent.objects.create(kind=kind, user=user if user is not None and user.pk else None,
                                     email=email[:254], ip=ip, user_agent=agent)


def login_events_prune(*, days: int | None = None) -> int:
    """Delete sign-in audit entries older than LOGIN_AUDIT_RETENTION_DAYS. Returns the count."""
    days = settings.LOGIN_AUDIT_RETENTION_DAYS if days is None else days
    deleted, _per_model = LoginEvent.objects.filter(created_at__lt=timezone.now() - timedelta(days=days)).delete()
    return deleted
