from apps.core.scoping import ACCESS_ALL_VENDORS
from apps.vendors.models import VendorMembership


def members_manageable_by(*, user, vendor_id: int, perm: str = "change") -> bool:
    """Who may add, change or remove a vendor's members: its owners, and platform staff holding the permission."""
    if not user.is_authenticated or not user.is_active:
        return False
    if user.has_perm(ACCESS_ALL_VENDORS):
        return user.has_perm(f"vendors.{perm}_vendormembership")
    return VendorMembership.objects.filter(vendor_id=vendor_id, vendor__status="active", user=user,
                                           role=VendorMembership.Role.OWNER).exists()
