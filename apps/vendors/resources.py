from apps.core.resources import VendorScopedResource
from apps.vendors.models import Vendor


class VendorResource(VendorScopedResource):
    class Meta:
        model = Vendor
        fields = ("id", "name", "slug", "description", "contact_email", "contact_phone", "address",
                  "default_currency", "status", "created_at")
        export_order = fields
        skip_unchanged = True
        report_skipped = True
