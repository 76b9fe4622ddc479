from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from import_export import fields, widgets

from apps.accounts.models import User
from apps.core.resources import SafeModelResource
from apps.dataio.resources import ImportRules


class UserResource(SafeModelResource):
    roles = fields.Field(attribute="groups", column_name="roles", readonly=True,
                         widget=widgets.ManyToManyWidget(model="auth.Group", field="name", separator="|"))

    class Meta:
        model = User
        import_id_fields = ("email",)
        fields = ("email", "full_name", "phone", "is_active", "date_joined", "roles")
        export_order = fields
        skip_unchanged = True
        report_skipped = True


class EmailKeyWidget(widgets.CharWidget):
    """E-mail addresses are stored in lower case (UserManager): the key is compared the same way."""

    def clean(self, value, row=None, **kwargs):
        return str(value or "").strip().lower()


class CustomerResource(ImportRules, SafeModelResource):
    """Customers by e-mail address. New ones get no password: they choose one with "forgot password".

    Back-office accounts are never changed by a customer import (their rows are errors).
    """

    email = fields.Field(attribute="email", column_name="email", widget=EmailKeyWidget())

    class Meta:
        model = User
        name = _("Customers")
        import_id_fields = ("email",)
        fields = ("email", "full_name", "phone", "is_active")
        skip_unchanged = True
        clean_model_instances = True

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        if new:
            instance.set_unusable_password()
        elif instance.is_staff or instance.is_superuser:
            raise ValidationError({"email": _("This address belongs to a back-office account: a customer import "
                                              "does not change it.")})
