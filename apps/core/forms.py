"""Form fields shared by every app."""

from django import forms
from django.core.exceptions import ValidationError

from apps.core.validators import is_valid_id


class IdChoiceField(forms.ModelChoiceField):
    """A ModelChoiceField where a malformed id (not a number, or one the database cannot hold) is "not a valid
    choice" rather than a database error, and its widget shows no selection instead of looking it up."""

    def _is_id(self, value) -> bool:
        model = self.queryset.model
        field = model._meta.get_field(self.to_field_name) if self.to_field_name else model._meta.pk
        return is_valid_id(field, value)

    def to_python(self, value):
        if value not in self.empty_values and not isinstance(value, self.queryset.model) and not self._is_id(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)

    def bound_data(self, data, initial):
        return data if data in self.empty_values or self._is_id(data) else None
