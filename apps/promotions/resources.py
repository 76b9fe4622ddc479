"""Promo code imports: the same checks as the admin form (code format, one value per kind), codes as natural keys."""

from django.core.exceptions import ValidationError
from import_export import fields, widgets

from apps.catalog.models import ServiceCategory
from apps.core.resources import VendorScopedResource
from apps.dataio.resources import ImportRules, LookupWidget
from apps.promotions.codes import kind_values, normalise_code
from apps.promotions.models import PromoCode
from apps.vendors.models import Vendor


class CodeWidget(widgets.CharWidget):
    def clean(self, value, row=None, **kwargs):
        return normalise_code(str(value) if value is not None else "")


class PromoCodeResource(ImportRules, VendorScopedResource):
    """A seller's codes are forced to their store; staff may leave the vendor empty for a platform code."""

    code = fields.Field(attribute="code", column_name="code", widget=CodeWidget())
    vendor = fields.Field(attribute="vendor", column_name="vendor", widget=LookupWidget(Vendor))
    category = fields.Field(attribute="category", column_name="category", widget=LookupWidget(ServiceCategory))
    uses_count = fields.Field(attribute="uses_count", column_name="uses_count", readonly=True)

    class Meta:
        model = PromoCode
        import_id_fields = ("code",)
        fields = ("code", "vendor", "kind", "percent_off", "amount_off", "amount_off_currency", "min_order",
                  "min_order_currency", "category", "valid_from", "valid_until", "max_uses", "max_uses_per_customer",
                  "is_active", "uses_count")
        skip_unchanged = True
        clean_model_instances = True

    def import_instance(self, instance, row, **kwargs):
        errors = {}
        try:
            super().import_instance(instance, row, **kwargs)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        values, missing = kind_values(instance.kind, instance.percent_off, instance.amount_off)
        for name, value in values.items():
            setattr(instance, name, value)
        for name, message in missing.items():
            errors.setdefault(name, [message])
        if errors:
            raise ValidationError(errors)
