"""Import-export resources: formula-safe exports and vendor-scoped imports."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from djmoney.models.fields import MoneyField
from djmoney.money import Money
from import_export import resources, widgets

from apps.core.scoping import VendorScope, vendor_id_of, vendor_path_of

# A row naming an existing record outside the importer's vendors (shared with apps.dataio's tuned loader).
# Worded so as not to confirm that the record exists elsewhere, let alone whose it is.
ANOTHER_VENDORS_ROW = gettext_lazy("This identifier cannot be used: choose another one.")

# Spreadsheet programs run a cell starting with one of these as a formula (CSV injection).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_formula(value):
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


class MoneyAmountWidget(widgets.DecimalWidget):
    """A MoneyField's amount; its currency travels in the model's own `<field>_currency` column."""

    def render(self, value, obj=None, **kwargs):
        return super().render(value.amount if isinstance(value, Money) else value, obj, **kwargs)


class SafeModelResource(resources.ModelResource):
    """Exports prefix every cell a spreadsheet would evaluate with a quote; imports are all-or-nothing."""

    def __init__(self, vendor_scope: VendorScope | None = None, **kwargs):
        super().__init__(**kwargs)
        self.vendor_scope = vendor_scope

    @classmethod
    def widget_from_django_field(cls, f, default=widgets.Widget):
        if isinstance(f, MoneyField):
            return MoneyAmountWidget
        return super().widget_from_django_field(f, default)

    def export_field(self, field, instance, **kwargs):
        return neutralise_formula(super().export_field(field, instance, **kwargs))

    def import_data(self, dataset, **kwargs):
        # All-or-nothing: one invalid row rolls back every row of the file.
        kwargs.setdefault("use_transactions", True)
        kwargs.setdefault("rollback_on_validation_errors", True)
        return super().import_data(dataset, **kwargs)


class VendorScopedResource(SafeModelResource):
    """Imports for a vendor member: rows are forced to their vendor; other vendors' rows fail."""

    def _member_scope(self) -> VendorScope | None:
        scope = self.vendor_scope
        return None if scope is None or scope.all_vendors else scope

    def get_queryset(self):
        queryset = super().get_queryset()
        return self.vendor_scope.filter(queryset) if self.vendor_scope else queryset

    def get_instance(self, instance_loader, row):
        instance = super().get_instance(instance_loader, row)
        scope = self._member_scope()
        if instance is None and scope is not None:
            # Not found inside the scope: if it exists at all, it is another vendor's.
            unscoped = self._meta.model._default_manager.all()
            lookup = {
                field.attribute: field.clean(row)
                for field in self.get_import_id_fields_as_fields()
                if field.column_name in row and row[field.column_name] not in (None, "")
            }
            if lookup and unscoped.filter(**lookup).exists():
                raise ValidationError(ANOTHER_VENDORS_ROW)
        return instance

    def get_import_id_fields_as_fields(self):
        return [self.fields[name] for name in self.get_import_id_fields() if name in self.fields]

    def import_instance(self, instance, row, **kwargs):
        super().import_instance(instance, row, **kwargs)
        scope = self._member_scope()
        path = vendor_path_of(type(instance))
        if scope is None or path in (None, "pk"):
            return
        if scope.single_vendor_id and "__" not in path:
            setattr(instance, f"{path}_id", scope.single_vendor_id)
        elif vendor_id_of(instance) not in scope.vendor_ids:
            raise ValidationError({path.split("__")[0]: _("You can only import rows for your own vendor.")})
