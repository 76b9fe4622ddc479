from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.exceptions import DomainError
from apps.vendors.models import Vendor, VendorMembership
from apps.vendors.selectors import members_manageable_by

Role = VendorMembership.Role


class VendorError(DomainError):
    pass


ALLOWED_STATUS = {
    Vendor.Status.ACTIVE: {Vendor.Status.SUSPENDED},
    Vendor.Status.SUSPENDED: {Vendor.Status.ACTIVE},
}


@transaction.atomic
def vendor_set_status(*, vendor_id: int, status: str) -> Vendor:
    """Suspend or reactivate a vendor; a suspended vendor's members lose back-office access to it."""
    vendor = Vendor.objects.select_for_update().get(pk=vendor_id)
    if status not in ALLOWED_STATUS[vendor.status]:
        raise VendorError(_("%(vendor)s is already %(status)s.") % {"vendor": vendor, "status": vendor.get_status_display().lower()})
    vendor.status = status
    vendor.save(update_fields=["status", "updated_at"])
    return vendor


def _check_manager(*, actor, vendor_id: int, perm: str, role: str | None = None) -> None:
    if role is not None and role not in Role.values:
        raise VendorError(_("Pick a role from the list."))
    if not members_manageable_by(user=actor, vendor_id=vendor_id, perm=perm):
        raise VendorError(_("Only the store's owners manage its members."))


def _check_other_owner_remains(membership: VendorMembership) -> None:
    """Called with the vendor's owner rows locked, so two owners cannot both step down at once."""
    others = (VendorMembership.objects.select_for_update()
              .filter(vendor_id=membership.vendor_id, role=Role.OWNER).exclude(pk=membership.pk))
    if membership.role == Role.OWNER and not others.exists():
        raise VendorError(_("%(user)s is the last owner of %(vendor)s: make someone else owner first.")
                          % {"user": membership.user, "vendor": membership.vendor})


@transaction.atomic
def membership_add(*, vendor_id: int, user, role: str, actor) -> VendorMembership:
    """Add a person to a store with a role; only its owners (or platform staff) do."""
    _check_manager(actor=actor, vendor_id=vendor_id, perm="add", role=role)
    if VendorMembership.objects.filter(vendor_id=vendor_id, user=user).exists():
        raise VendorError(_("%(user)s is already a member of this store.") % {"user": user})
    return VendorMembership.objects.create(vendor_id=vendor_id, user=user, role=role)


@transaction.atomic
def membership_change_role(*, membership_id: int, role: str, actor) -> VendorMembership:
    """Give a member another role; nobody changes their own, and a store always keeps an owner."""
    membership = VendorMembership.objects.select_for_update().select_related("user", "vendor").get(pk=membership_id)
    _check_manager(actor=actor, vendor_id=membership.vendor_id, perm="change", role=role)
    if membership.user_id == actor.pk:
        raise VendorError(_("You cannot change your own role; ask another owner."))
    if role != Role.OWNER:
        _check_other_owner_remains(membership)
    membership.role = role
    membership.save(update_fields=["role", "updated_at"])
    return membership


@transaction.atomic
def membership_remove(*, membership_id: int, actor) -> None:
    """Remove a member from a store; its last owner stays."""
    membership = VendorMembership.objects.select_for_update().select_related("user", "vendor").get(pk=membership_id)
    _check_manager(actor=actor, vendor_id=membership.vendor_id, perm="delete")
    _check_other_owner_remains(membership)
    membership.delete()
