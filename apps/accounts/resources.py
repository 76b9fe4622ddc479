from import_export import fields, widgets

from apps.accounts.models import User
from apps.core.resources import SafeModelResource


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
