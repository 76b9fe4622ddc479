from django.db import transaction
from django.utils.translation import gettext as _

from apps.core.exceptions import DomainError
from apps.vendors.models import Vendor


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
