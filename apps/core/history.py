"""History everywhere: readable diffs between versions, reverting to a version, per-person activity, pruning.

Every business model records its versions with django-simple-history (``history = HistoricalRecords()``).
The acting user comes from simple-history's middleware during a request, and from ``obj._history_user``
in services that run outside one (tasks). These functions are admin-agnostic; apps/core/admin_history.py
puts them in the back office.
"""

import json
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from itertools import groupby

from django.apps import apps
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import CharField, Exists, OuterRef, Q, Subquery, Value
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext as _
from djmoney.models.fields import CurrencyField, MoneyField
from djmoney.money import Money
from simple_history.models import DeletedObject
from simple_history.utils import (
    get_history_manager_for_model,
    get_history_model_for_model,
    get_m2m_reverse_field_name,
)

from apps.core.exceptions import DomainError
from apps.core.templatetags.money import price

REVERT_PERMISSION = "core.revert_history"
ACTIVITY_PERMISSION = "core.view_activity"
EMPTY = "—"
VALUE_MAX_CHARS = 120  # long texts are shortened in diffs; the version page shows them whole


class HistoryError(DomainError):
    pass


# --- which models keep history
def _skip_saves_history_ignores(sender, instance, update_fields=None, **kwargs):
    """A save of untracked fields only (the login's last_login on User) would write a version identical to
    the last one: simple-history is told to skip it (and forgets it after the save, below)."""
    if update_fields is None or not is_tracked(sender):
        return
    tracked = {name for f in get_history_model_for_model(sender).tracked_fields for name in (f.name, f.attname)}
    if tracked.isdisjoint(update_fields) and not hasattr(instance, "skip_history_when_saving"):
        instance.skip_history_when_saving = instance._history_skip_is_ours = True


def _forget_skip(sender, instance, **kwargs):
    if instance.__dict__.pop("_history_skip_is_ours", False):
        del instance.skip_history_when_saving


def connect_history_signals() -> None:
    # connected after simple-history's own post_save receivers (at app ready), so the skip is seen first
    models.signals.pre_save.connect(_skip_saves_history_ignores, dispatch_uid="core.history.skip_untracked")
    models.signals.post_save.connect(_forget_skip, dispatch_uid="core.history.forget_skip")


def is_tracked(model) -> bool:
    return hasattr(model._meta, "simple_history_manager_attribute")


def tracked_models() -> list[type[models.Model]]:
    """Models that record their versions (simple-history), in app registry order."""
    return [model for model in apps.get_models() if is_tracked(model)]


def historical_models() -> list[type[models.Model]]:
    """The history table of each tracked model (not the m2m side tables)."""
    return [get_history_model_for_model(model) for model in tracked_models()]


# --- values as people read them
def readable_value(model_field, value) -> str:
    """A stored value as the admin shows it: choice labels, related objects by name, money formatted."""
    if isinstance(value, DeletedObject) and value.pk is not None:
        return _("%(model)s #%(pk)s (deleted)") % {"model": capfirst(value.model._meta.verbose_name), "pk": value.pk}
    if value is None or value == "" or isinstance(value, DeletedObject):
        return EMPTY
    if isinstance(value, Money):
        return price(value)
    if getattr(model_field, "choices", None):
        return str(dict(model_field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, datetime):
        return date_format(timezone.localtime(value) if timezone.is_aware(value) else value, "DATETIME_FORMAT")
    if isinstance(value, date):
        return date_format(value, "DATE_FORMAT")
    if isinstance(value, dict | list) and not isinstance(model_field, models.ManyToManyField):
        return Truncator(json.dumps(value, ensure_ascii=False)).chars(VALUE_MAX_CHARS)
    if isinstance(value, list):  # many-to-many: the related objects
        return ", ".join(str(item) for item in value) or EMPTY
    if isinstance(value, models.fields.files.FieldFile):
        return value.name or EMPTY
    return Truncator(str(value)).chars(VALUE_MAX_CHARS)


@dataclass(frozen=True)
class FieldChange:
    name: str
    label: str
    old: str
    new: str


def _money_field_of(model, name: str) -> str:
    """A MoneyField is stored as two columns (amount, currency): both read as the one money field."""
    model_field = model._meta.get_field(name)
    if isinstance(model_field, CurrencyField) and model_field.price_field is not None:
        return model_field.price_field.name
    return name


def _field_order(model) -> dict[str, int]:
    return {f.name: index for index, f in enumerate(model._meta.get_fields())}


def changed_field_names(new_record, old_record) -> list[str]:
    """Names of the fields that differ between two versions of one object (no extra query)."""
    model = new_record.instance_type
    delta = new_record.diff_against(old_record)
    names = dict.fromkeys(_money_field_of(model, name) for name in delta.changed_fields)
    order = _field_order(model)
    return sorted(names, key=lambda name: order.get(name, 0))


def field_label(model, name: str) -> str:
    return str(capfirst(model._meta.get_field(name).verbose_name))


def field_changes(new_record, old_record) -> list[FieldChange]:
    """What changed from old_record to new_record, field by field, readable, in the form's order."""
    model = new_record.instance_type
    delta = new_record.diff_against(old_record, foreign_keys_are_objs=True)
    by_name = {change.field: change for change in delta.changes}
    changes = []
    for name in changed_field_names(new_record, old_record):
        model_field = model._meta.get_field(name)
        if isinstance(model_field, MoneyField):
            old, new = getattr(old_record, name), getattr(new_record, name)
        elif isinstance(model_field, models.ManyToManyField):
            through_name = get_m2m_reverse_field_name(model_field)
            old, new = ([row[through_name] for row in by_name[name].old],
                        [row[through_name] for row in by_name[name].new])
        else:
            old, new = by_name[name].old, by_name[name].new
        changes.append(FieldChange(name, field_label(model, name), readable_value(model_field, old),
                                   readable_value(model_field, new)))
    return changes


# --- reverting to a version
@dataclass
class RevertPlan:
    """What reverting an object to a version restores, and what it leaves as it is (with the reason)."""

    version: models.Model
    values: dict = field(default_factory=dict)  # field name -> value to restore
    restored: list[FieldChange] = field(default_factory=list)  # readable: current value -> restored value
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (field label, why it stays as it is)


def _validation_errors(obj) -> dict[str, list[str]]:
    try:
        obj.full_clean()
    except ValidationError as error:
        return error.message_dict
    return {}


def revert_plan(*, obj, version, fields, choices=None) -> RevertPlan:
    """Plan reverting obj to version over `fields` (what this person may edit); nothing is written.

    Only concrete, editable, history-tracked fields are restored. A value that would break a rule of the
    model (a unique slug now taken by another object, a validator, a constraint) or that points at an object
    that no longer exists, or outside `choices` (name -> queryset of what the person may pick), is skipped
    with the reason. Fields are tried one at a time, so one clash never blocks the others.
    """
    model = type(obj)
    plan = RevertPlan(version=version)
    tracked = {f.name for f in version.tracked_fields}
    target = version.instance
    choices = choices or {}
    candidate = model._base_manager.get(pk=obj.pk)  # a scratch copy: obj itself stays as it is
    baseline = _validation_errors(candidate)
    order = _field_order(model)
    for name in sorted(set(fields) & tracked, key=lambda n: order.get(n, 0)):
        model_field = model._meta.get_field(name)
        if not model_field.concrete or not model_field.editable or model_field.primary_key or model_field.many_to_many:
            continue
        label = field_label(model, name)
        old_raw, new_raw = getattr(obj, model_field.attname), getattr(target, model_field.attname)
        if isinstance(model_field, MoneyField):
            old_raw, new_raw = getattr(obj, name), getattr(target, name)
        if old_raw == new_raw:
            continue
        value = new_raw
        if model_field.is_relation:
            value = model_field.related_model._base_manager.filter(pk=new_raw).first() if new_raw is not None else None
            if new_raw is not None and value is None:
                plan.skipped.append((label, _("the %(model)s it pointed to no longer exists") % {
                    "model": model_field.related_model._meta.verbose_name}))
                continue
            if value is not None and name in choices and not choices[name].filter(pk=value.pk).exists():
                plan.skipped.append((label, _("%(value)s is not one you may choose") % {"value": value}))
                continue
        elif isinstance(model_field, models.FileField) and new_raw and not model_field.storage.exists(str(new_raw)):
            plan.skipped.append((label, _("the file %(name)s is no longer stored") % {"name": new_raw}))
            continue
        current_value = getattr(candidate, name)
        setattr(candidate, name, value)
        errors = _validation_errors(candidate)
        problems = errors.get(name, []) + [m for m in errors.get(NON_FIELD_ERRORS, [])
                                           if m not in baseline.get(NON_FIELD_ERRORS, [])]
        if problems:
            setattr(candidate, name, current_value)
            plan.skipped.append((label, " ".join(problems)))
            continue
        plan.values[name] = value
        plan.restored.append(FieldChange(name, label, readable_value(model_field, getattr(obj, name)),
                                         readable_value(model_field, value)))
    return plan


def revert_reason(version, actor) -> str:
    when = date_format(timezone.localtime(version.history_date), "DATETIME_FORMAT")
    reason = _("Reverted to version of %(date)s by %(user)s") % {"date": when, "user": actor}
    max_length = version._meta.get_field("history_change_reason").max_length
    return Truncator(reason).chars(max_length) if max_length else reason


@transaction.atomic
def history_revert(*, obj, version, actor, fields, save, choices=None) -> RevertPlan:
    """Restore obj to a version over the given fields, through `save(obj, values)`; all or nothing.

    The new version is recorded in history by `actor` with the reason "Reverted to version of <date> by
    <user>". Raises HistoryError when nothing can be restored or the database refuses the values.
    """
    model = type(obj)
    history = get_history_manager_for_model(model)
    locked = model._base_manager.select_for_update().get(pk=obj.pk)
    if getattr(version, model._meta.pk.attname) != locked.pk:
        raise HistoryError(_("This version belongs to another object."))
    plan = revert_plan(obj=locked, version=version, fields=fields, choices=choices)
    if not plan.values:
        reasons = "; ".join(f"{label}: {why}" for label, why in plan.skipped)
        raise HistoryError(_("Nothing to restore: this object already matches that version where you may edit it.")
                           + (f" {reasons}." if reasons else ""))
    last_version = history.filter(**{model._meta.pk.attname: locked.pk}).order_by("-history_id").first()
    reason = revert_reason(version, actor)
    for name, value in plan.values.items():
        setattr(locked, name, value)
    locked._history_user = actor
    locked._change_reason = reason
    try:
        with transaction.atomic():
            save(locked, plan.values)
    except IntegrityError as error:
        raise HistoryError(_("The version could not be restored (%(error)s). Nothing was changed.")
                           % {"error": error}) from error
    # save() may go through a service that re-reads the object (the reason set above is then not seen):
    # every version written by this revert carries it.
    written = history.filter(**{model._meta.pk.attname: locked.pk})
    if last_version is not None:
        written = written.filter(history_id__gt=last_version.history_id)
    written.update(history_change_reason=reason, history_user=actor)
    return plan


# --- what one person changed
ACTIVITY_PAGE_SIZE = 50
ACTIVITY_MAX_DAYS = 366
ACTIVITY_DEFAULT_DAYS = 7


@dataclass
class ActivityRow:
    model: type[models.Model]
    record: models.Model
    object_label: str
    changed_fields: list[str]

    @property
    def kind(self) -> str:
        return self.record.history_type

    @property
    def model_label(self) -> str:
        return str(capfirst(self.model._meta.verbose_name))


def _describe(record) -> str:
    """The object as it was in this version; related objects come from the same query (select_related)."""
    instance = record.instance
    for model_field in instance._meta.concrete_fields:
        if model_field.is_relation and model_field.is_cached(record):
            model_field.set_cached_value(instance, model_field.get_cached_value(record))
    try:
        return str(instance)
    except ObjectDoesNotExist:
        return f"{capfirst(instance._meta.verbose_name)} #{instance.pk}"


def activity_for_user(*, user, since: datetime, until: datetime, of_models: list, offset: int = 0,
                      limit: int = ACTIVITY_PAGE_SIZE) -> list[ActivityRow]:
    """What `user` changed in [since, until) across the given tracked models, newest first.

    The page is picked by one UNION ALL query over every history table (filtered by user and date, the
    history_user and history_date columns are indexed, LIMIT/OFFSET applied once); then one query per history
    table present on the page loads those versions together with the version before each (for the changed
    fields). So a page costs 1 + (number of models on it) queries, whatever the number of rows.
    """
    history_models = {get_history_model_for_model(model)._meta.label_lower: get_history_model_for_model(model)
                      for model in of_models}
    parts = [
        history_model.objects.order_by()
        .filter(history_user=user, history_date__gte=since, history_date__lt=until)
        .annotate(table=Value(label, output_field=CharField()))
        .values_list("table", "history_id", "history_date")
        for label, history_model in history_models.items()
    ]
    if not parts:
        return []
    page = list(parts[0].union(*parts[1:], all=True).order_by("-history_date", "-history_id")[offset:offset + limit])
    ids_by_table = {label: [history_id for _, history_id, _ in rows]
                    for label, rows in groupby(sorted(page), key=lambda row: row[0])}
    records = {}
    for label, ids in ids_by_table.items():
        for record, changed in _versions_with_changes(history_models[label], ids):
            records[(label, record.history_id)] = (record, changed)
    rows = []
    for label, history_id, _when in page:
        record, changed = records[(label, history_id)]
        model = record.instance_type
        rows.append(ActivityRow(model, record, _describe(record), [field_label(model, name) for name in changed]))
    return rows


def _versions_with_changes(history_model, ids):
    """The versions `ids` and, for each, the names of the fields changed since the version before (one query)."""
    pk_name = history_model.instance_type._meta.pk.attname
    previous = (history_model.objects.filter(**{pk_name: OuterRef(pk_name)})
                .filter(Q(history_date__lt=OuterRef("history_date"))
                        | Q(history_date=OuterRef("history_date"), history_id__lt=OuterRef("history_id")))
                .order_by("-history_date", "-history_id").values("history_id")[:1])
    previous_ids = history_model.objects.filter(history_id__in=ids).annotate(previous=Subquery(previous)).values(
        "previous")
    related = [f.name for f in history_model.tracked_fields if isinstance(f, models.ForeignKey)]
    loaded = history_model.objects.filter(Q(history_id__in=ids) | Q(history_id__in=previous_ids)).select_related(
        *related)
    by_object = {}
    for record in sorted(loaded, key=lambda r: (getattr(r, pk_name), r.history_date, r.history_id)):
        by_object.setdefault(getattr(record, pk_name), []).append(record)
    wanted = set(ids)
    for versions in by_object.values():
        for before, record in zip([None, *versions], versions):
            if record.history_id in wanted:
                changed = changed_field_names(record, before) if before is not None and record.history_type == "~" \
                    else []
                yield record, changed


def activity_window(since: date, until: date) -> tuple[datetime, datetime]:
    """[start of since, start of the day after until) in the site's time zone."""
    start = timezone.make_aware(datetime.combine(since, datetime.min.time()))
    end = timezone.make_aware(datetime.combine(until + timedelta(days=1), datetime.min.time()))
    return start, end


# --- pruning
PRUNE_BATCH_SIZE = 1000


def history_prune(*, older_than_days: int | None = None, batch_size: int = PRUNE_BATCH_SIZE) -> int:
    """Delete versions older than the retention (settings.HISTORY_RETENTION_DAYS), batch by batch, in every
    history table; the latest version of each object is always kept. Returns how many were deleted."""
    days = settings.HISTORY_RETENTION_DAYS if older_than_days is None else older_than_days
    cutoff = timezone.now() - timedelta(days=days)
    return sum(_prune_table(history_model, cutoff, batch_size) for history_model in historical_models())


def _prune_table(history_model, cutoff, batch_size) -> int:
    pk_name = history_model.instance_type._meta.pk.attname
    newer = history_model.objects.filter(**{pk_name: OuterRef(pk_name)}).filter(
        Q(history_date__gt=OuterRef("history_date"))
        | Q(history_date=OuterRef("history_date"), history_id__gt=OuterRef("history_id")))
    expired = history_model.objects.order_by().filter(history_date__lt=cutoff).filter(Exists(newer))
    # m2m side tables point at their version with DO_NOTHING: they go with it, explicitly
    side_tables = [rel for rel in history_model._meta.related_objects if rel.on_delete is models.DO_NOTHING]
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(expired.values_list("history_id", flat=True)[:batch_size])
            if not ids:
                return deleted
            for rel in side_tables:
                rel.related_model._base_manager.filter(**{f"{rel.field.name}__in": ids}).delete()
            deleted += history_model.objects.filter(history_id__in=ids).delete()[0]
