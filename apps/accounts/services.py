from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.db import transaction

from apps.accounts.models import User
from apps.accounts.roles import BACK_OFFICE_ROLES


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
