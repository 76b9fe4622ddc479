"""What every Comptoir import does, and the tuned way of doing it on big files.

``ImportRules`` is mixed into each importable resource (products, services, tiers, categories,
customers, promo codes). It adds, on every path:
- a natural key (``Meta.import_id_fields``): re-importing a file updates or skips, never duplicates,
  and a key repeated inside one file is a row error;
- errors that name a column: an unknown foreign key, a number that is not one, another vendor's record;
- the importing user and the file name on the history rows;
- a progress callback for background jobs.

``tuned(resource_class)`` is the same resource with bulk writes (and their history rows written in
bulk, since bulk_create sends no signals), every existing record and foreign key looked up once
instead of once per row, and no per-row diff. ``tests/dataio/test_tuned.py`` imports the same files
both ways and compares rows, values and history.
"""

from dataclasses import dataclass

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import router
from django.db.models import CheckConstraint, Model, Q, UniqueConstraint
from django.utils import timezone
from django.utils.translation import gettext as _
from import_export.instance_loaders import BaseInstanceLoader
from import_export.widgets import ForeignKeyWidget

from apps.core.resources import ANOTHER_VENDORS_ROW
from apps.core.scoping import vendor_path_of

TUNED_BATCH_SIZE = 1000
# Existing records are looked up this many keys per query (well under SQLite's parameter limit).
LOOKUP_CHUNK = 500


def spreadsheet_row(number: int | None) -> int | None:
    """The library counts data rows from 1; a spreadsheet shows the header as row 1, so data starts at row 2."""
    return None if number is None else number + 1


def import_reason(file_name: str | None) -> str:
    return _("Imported from %(file)s") % {"file": file_name} if file_name else _("Imported")


class LookupWidget(ForeignKeyWidget):
    """A foreign key named by a readable key (a slug); an unknown key is a row error naming the column.

    The tuned path gives it a cache (``cache = {}``): each key is then looked up once per import.
    """

    def __init__(self, model, field="slug", **kwargs):
        super().__init__(model, field, **kwargs)
        self.cache = None
        self.found_pks = set()  # of the records read from the database (not those remembered, unsaved)

    def start_cache(self) -> None:
        self.cache, self.found_pks = {}, set()

    def clean(self, value, row=None, **kwargs):
        if value is None or str(value).strip() == "":
            return None
        key = str(value).strip()
        if self.cache is not None and key in self.cache:
            return self.cache[key]
        obj = self.get_queryset(value, row, **kwargs).filter(**{self.field: key}).first()
        if obj is None:
            raise ValueError(_("There is no %(model)s with the %(field)s “%(value)s”.") % {
                "model": self.model._meta.verbose_name, "field": self.field, "value": key})
        if self.cache is not None:
            self.cache[key] = obj
            self.found_pks.add(obj.pk)
        return obj

    def remember(self, key, obj) -> None:
        """Let later rows of the same file name a record created by an earlier row."""
        if self.cache is not None and key:
            self.cache[str(key).strip()] = obj


class ImportRules:
    """Mixed in before SafeModelResource/VendorScopedResource by every importable resource."""

    on_progress = None  # called after each row with the number of rows done so far (background jobs)

    # --- natural keys
    def key_fields(self):
        return [self.fields[name] for name in self.get_import_id_fields()]

    def natural_key(self, row) -> tuple | None:
        # case-insensitive: codes and e-mails are, and two slugs differing only in case are a typo
        parts = tuple(str(row.get(field.column_name) or "").strip().casefold() for field in self.key_fields())
        return parts if any(parts) else None

    def lookup_widgets(self):
        return [field.widget for field in self.fields.values() if isinstance(field.widget, LookupWidget)]

    def before_import(self, dataset, **kwargs):
        super().before_import(dataset, **kwargs)
        self._first_row_of_key = {}
        self._forced_vendor_attribute = self._vendor_attribute_forced_by_scope()
        for widget in self.lookup_widgets():
            if widget.cache is not None:
                widget.start_cache()

    def before_import_row(self, row, **kwargs):
        super().before_import_row(row, **kwargs)
        key = self.natural_key(row)
        number = kwargs.get("row_number")
        if key is None or number is None:
            return
        first = self._first_row_of_key.setdefault(key, number)
        if first != number:
            columns = " + ".join(field.column_name for field in self.key_fields())
            raise ValidationError({self.key_fields()[0].attribute: _(
                "Row %(row)s of this file has the same %(columns)s: each row must be a different record.")
                % {"row": spreadsheet_row(first), "columns": columns}})

    def get_instance(self, instance_loader, row):
        for field in self.key_fields():
            if field.column_name not in row:
                return None  # the library reports the missing column once for the file
            try:
                field.clean(row)
            except ValueError as error:
                raise ValidationError({field.attribute: str(error)}) from None
        try:
            return self.find_instance(instance_loader, row)
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                raise
            raise ValidationError({self.key_fields()[0].attribute: error.messages}) from None

    def find_instance(self, instance_loader, row):
        return super().get_instance(instance_loader, row)

    # --- fields
    def _vendor_attribute_forced_by_scope(self) -> str | None:
        member_scope = getattr(self, "_member_scope", lambda: None)()
        path = vendor_path_of(self._meta.model)
        if member_scope is None or not member_scope.single_vendor_id or path in (None, "pk") or "__" in path:
            return None
        return path

    def import_field(self, field, instance, row, is_m2m=False, **kwargs):
        if field.attribute and field.attribute == getattr(self, "_forced_vendor_attribute", None):
            # a seller's rows are forced to their vendor: the column is not even read
            setattr(instance, f"{field.attribute}_id", self._member_scope().single_vendor_id)
            return
        try:
            super().import_field(field, instance, row, is_m2m, **kwargs)
        except ArithmeticError:  # decimal.InvalidOperation from the number widgets
            raise ValueError(_("“%(value)s” is not a number.") % {"value": row.get(field.column_name)}) from None

    # --- history: who imported, from which file (also read by bulk_history_create on the tuned path)
    def before_save_instance(self, instance, row, **kwargs):
        super().before_save_instance(instance, row, **kwargs)
        if kwargs.get("user") is not None:
            instance._history_user = kwargs["user"]
        instance._change_reason = import_reason(kwargs.get("file_name"))

    def after_import_row(self, row, row_result, **kwargs):
        super().after_import_row(row, row_result, **kwargs)
        number = kwargs.get("row_number")
        if self.on_progress is not None and number:
            self.on_progress(number)


# --- errors, as people read them


@dataclass(frozen=True)
class RowError:
    row: int | None  # as numbered in the spreadsheet (header = 1); None for the file as a whole
    column: str
    reason: str

    def as_list(self) -> list:
        return [self.row, self.column, self.reason]


def import_errors(result, resource) -> list[RowError]:
    """Every error of an import result as (row, column, reason), file-level errors first."""
    columns = {field.attribute: field.column_name for field in resource.fields.values() if field.attribute}
    errors = [RowError(None, "", str(error.error)) for error in result.base_errors]
    for invalid in result.invalid_rows:
        for key, messages in invalid.error_dict.items():
            column = "" if key == NON_FIELD_ERRORS else columns.get(key, key)
            errors += [RowError(spreadsheet_row(invalid.number), column, str(message)) for message in messages]
    for error_row in result.error_rows:
        errors += [RowError(spreadsheet_row(error_row.number), "", str(error.error)) for error in error_row.errors]
    return sorted(errors, key=lambda error: (error.row or 0, error.column))


# --- the tuned path


def _chunks(values: list, size: int):
    for start in range(0, len(values), size):
        yield values[start:start + size]


def _plain(value):
    return value.pk if isinstance(value, Model) else value


class CachedKeyLoader(BaseInstanceLoader):
    """Finds every existing record the file names in a few queries, keeping apart other vendors' records."""

    def __init__(self, resource, dataset=None):
        super().__init__(resource, dataset)
        self.fields = resource.key_fields()
        self.mine, self.foreign = {}, set()
        if dataset is None or not all(field.column_name in dataset.headers for field in self.fields):
            return
        keys = set()
        for row in dataset.dict:
            try:
                keys.add(self.key(row))
            except (ValueError, ValidationError, ObjectDoesNotExist, ArithmeticError):
                pass  # that row reports its own error
        model = resource._meta.model
        attnames = [model._meta.get_field(field.attribute).attname for field in self.fields]
        for chunk in _chunks(sorted({key[0] for key in keys}, key=str), LOOKUP_CHUNK):
            existing = model._default_manager.filter(**{f"{attnames[0]}__in": chunk}).values_list("pk", *attnames)
            key_of = {pk: tuple(values) for pk, *values in existing if tuple(values) in keys}
            if not key_of:
                continue
            for instance in resource.get_queryset().filter(pk__in=list(key_of)):
                self.mine[key_of[instance.pk]] = instance
            self.foreign.update(key for pk, key in key_of.items() if key not in self.mine)

    def key(self, row) -> tuple:
        return tuple(_plain(field.clean(row)) for field in self.fields)

    def get_instance(self, row):
        key = self.key(row)
        if key in self.foreign:
            raise ValidationError(ANOTHER_VENDORS_ROW)
        return self.mine.get(key)


def _snapshot(instance) -> tuple:
    return tuple(getattr(instance, field.attname) for field in instance._meta.concrete_fields)


class TunedImport:
    """Bulk writes with bulk history, cached lookups, no per-row diff; ``validate_only`` writes nothing.

    ``skip_unchanged`` keeps working without the diff: the row is compared with a snapshot of the
    record's columns taken when it was loaded.
    """

    def __init__(self, *args, validate_only=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.validate_only = validate_only
        for widget in self.lookup_widgets():
            widget.start_cache()

    def find_instance(self, instance_loader, row):
        # The loader already knows other vendors' records: no per-row query as in VendorScopedResource.
        return instance_loader.get_instance(row)

    def after_init_instance(self, instance, new, row, **kwargs):
        super().after_init_instance(instance, new, row, **kwargs)
        self._loaded = _snapshot(instance)

    def skip_row(self, instance, original, row, import_validation_errors=None):
        if not self._meta.skip_unchanged or import_validation_errors:
            return False
        return _snapshot(instance) == self._loaded

    def save_instance(self, instance, is_create, row, **kwargs):
        if not self.validate_only:
            super().save_instance(instance, is_create, row, **kwargs)

    def save_m2m(self, instance, row, **kwargs):
        if not self.validate_only:
            super().save_m2m(instance, row, **kwargs)

    def after_import(self, dataset, result, **kwargs):
        if not self.validate_only:
            super().after_import(dataset, result, **kwargs)

    # --- model validation: full_clean() as Django runs it, minus the queries whose answer is already known
    def validate_instance(self, instance, import_validation_errors=None, validate_unique=True):
        errors = dict(import_validation_errors or {})
        if self._meta.clean_model_instances:
            errors = self._full_clean(instance, exclude=set(errors), errors=errors)
        if errors:
            raise ValidationError(errors)

    def _full_clean(self, instance, *, exclude: set, errors: dict) -> dict:
        """Model.full_clean() step by step (clean_fields, clean, validate_unique, validate_constraints), where

        - a foreign key the lookups just found is not looked up again (one query per row and key);
        - the unique check on the natural key is left out: the loader knows every record with that key;
        - a check constraint is evaluated once per distinct value of the fields it reads.
        """
        found = self._foreign_keys_found(instance, exclude)
        for name, check in (("fields", lambda: instance.clean_fields(exclude=exclude | set(found))),
                            ("found keys", lambda: self._clean_found_keys(instance, found)),
                            ("clean", instance.clean)):
            try:
                check()
            except ValidationError as error:
                errors = error.update_error_dict(errors)
        exclude = exclude | {name for name in errors if name != NON_FIELD_ERRORS}
        try:
            instance.validate_unique(exclude=exclude | {field.attribute for field in self.key_fields()})
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        exclude = exclude | {name for name in errors if name != NON_FIELD_ERRORS}
        try:
            self._validate_constraints(instance, exclude)
        except ValidationError as error:
            errors = error.update_error_dict(errors)
        return errors

    def _foreign_keys_found(self, instance, exclude) -> dict:
        """{field name: pks the lookups returned} for the foreign keys Django would otherwise query again."""
        found = {}
        for resource_field in self.fields.values():
            widget = resource_field.widget
            if isinstance(widget, LookupWidget) and widget.found_pks and resource_field.attribute not in exclude:
                found[resource_field.attribute] = widget.found_pks
        forced = getattr(self, "_forced_vendor_attribute", None)
        if forced and forced not in exclude:
            found[forced] = {self._member_scope().single_vendor_id}
        model_fields = {field.name: field for field in instance._meta.concrete_fields}
        return {name: pks for name, pks in found.items()
                if name in model_fields and model_fields[name].is_relation and not model_fields[name].get_limit_choices_to()
                and model_fields[name].target_field.primary_key}

    @staticmethod
    def _clean_found_keys(instance, found) -> None:
        errors = {}
        for name, pks in found.items():
            field = instance._meta.get_field(name)
            value = getattr(instance, field.attname)
            if value in pks or (field.blank and value in field.empty_values):
                continue
            try:  # not one the lookups found (or empty): exactly what clean_fields does
                setattr(instance, field.attname, field.clean(value, instance))
            except ValidationError as error:
                errors[name] = error.error_list
        if errors:
            raise ValidationError(errors)

    def _validate_constraints(self, instance, exclude) -> None:
        """Model.validate_constraints(), with check constraints memoised and the natural key's uniqueness skipped."""
        key = {field.attribute for field in self.key_fields()}
        memo = self.__dict__.setdefault("_constraint_memo", {})
        using = router.db_for_write(type(instance), instance=instance)
        errors = {}
        for model_class, constraints in instance.get_constraints():
            for constraint in constraints:
                if isinstance(constraint, UniqueConstraint) and set(constraint.fields or ()) == key \
                        and constraint.condition is None:
                    continue
                memo_key = self._check_memo_key(constraint, instance, exclude)
                try:
                    if memo_key is None or memo_key not in memo:
                        outcome = None
                        try:
                            constraint.validate(model_class, instance, exclude=exclude, using=using)
                        except ValidationError as error:
                            outcome = error
                        if memo_key is not None:
                            memo[memo_key] = outcome
                    else:
                        outcome = memo[memo_key]
                    if outcome is not None:
                        raise outcome
                except ValidationError as error:
                    if getattr(error, "code", None) == "unique" and len(getattr(constraint, "fields", ())) == 1:
                        errors.setdefault(constraint.fields[0], []).append(error)
                    else:
                        errors = error.update_error_dict(errors)
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def _check_memo_key(constraint, instance, exclude):
        if not isinstance(constraint, CheckConstraint):
            return None
        values = []
        for name in sorted(Q(constraint.condition).referenced_base_fields):
            field = instance._meta.get_field(name)
            values.append((name, "excluded" if name in exclude else getattr(instance, field.attname)))
        memo_key = (constraint.name, tuple(values))
        try:
            hash(memo_key)
        except TypeError:
            return None
        return memo_key

    def get_bulk_update_fields(self):
        # what save() writes: every column
        return [field.name for field in self._meta.model._meta.concrete_fields if not field.primary_key]

    def bulk_create(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        instances = list(self.create_instances)
        errors_before = len(result.base_errors) if result is not None else 0
        super().bulk_create(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        self.create_instances.clear()
        if instances and instances[0].pk is not None and self._no_new_error(result, errors_before):
            self._meta.model.history.bulk_history_create(instances, batch_size=batch_size)

    def bulk_update(self, using_transactions, dry_run, raise_errors, batch_size=None, result=None):
        instances = list(self.update_instances)
        now = timezone.now()
        auto_now = [field for field in self._meta.model._meta.concrete_fields if getattr(field, "auto_now", False)]
        for instance in instances:  # save() would set them; bulk_update does not
            for field in auto_now:
                setattr(instance, field.attname, now)
        errors_before = len(result.base_errors) if result is not None else 0
        super().bulk_update(using_transactions, dry_run, raise_errors, batch_size=batch_size, result=result)
        self.update_instances.clear()
        if instances and self._no_new_error(result, errors_before):
            self._meta.model.history.bulk_history_create(instances, batch_size=batch_size, update=True)

    @staticmethod
    def _no_new_error(result, errors_before) -> bool:
        return result is None or len(result.base_errors) == errors_before


_tuned_classes: dict[type, type] = {}


def bulk_safe(model) -> bool:
    """Bulk writes skip save() and signals: only for models whose history has no many-to-many part."""
    return not getattr(model.history.model, "_history_m2m_fields", None)


def tuned(resource_class: type) -> type:
    """The same resource, with bulk writes (where safe), cached lookups and no per-row diff."""
    if resource_class not in _tuned_classes:
        meta = type("Meta", (), {
            "use_bulk": bulk_safe(resource_class._meta.model), "batch_size": TUNED_BATCH_SIZE, "skip_diff": True,
            "instance_loader_class": CachedKeyLoader})
        _tuned_classes[resource_class] = type(f"Tuned{resource_class.__name__}", (TunedImport, resource_class),
                                              {"Meta": meta, "__module__": __name__})
    return _tuned_classes[resource_class]
