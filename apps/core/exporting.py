"""Streamed exports: rows go out as they are read, so a million-row export needs no more memory than 1,000.

The admin's export (django-import-export) builds the whole file in memory. For CSV we stream instead. Where
every exported column is a plain database path (no dehydrate method, no many-to-many):
- on PostgreSQL the query runs as COPY ... TO STDOUT (CSV), the cells formatted by SQL expressions, and the
  server's blocks go straight to the response: Python touches no cell;
- elsewhere the rows are read with values_list from a chunked cursor and written by the C csv writer.
Other resources go object by object through the library (ten times slower, same output). Every path renders
cells as the library does (dates in the local time zone, booleans as 1/0) and neutralises formula-leading
cells. XLSX cannot be streamed over HTTP (the file is a zip whose directory comes last), so it is written
row by row to a temporary file instead.
"""

import csv
import tempfile
from collections.abc import Iterable, Iterator

import openpyxl
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.db import connections, models
from django.db.models import Case, CharField, F, Func, Value, When
from django.db.models.functions import Cast, Concat
from django.utils import timezone
from import_export import widgets

from apps.core.resources import FORMULA_PREFIXES

CHUNK_ROWS = 2000
DATETIME_FORMAT = "%Y-%m-%d %H:%M:%S"
DATE_FORMAT = "%Y-%m-%d"
# the same formats, as PostgreSQL's to_char spells them
PG_DATETIME_FORMAT = "YYYY-MM-DD HH24:MI:SS"
PG_DATE_FORMAT = "YYYY-MM-DD"
FORMULA_REGEX = "^[=+@\t\r-]"


class _Line:
    """A file-like sink for csv.writer that hands back what was written."""

    def __init__(self):
        self.parts: list[str] = []

    def write(self, text: str) -> None:
        self.parts.append(text)

    def take(self) -> bytes:
        data, self.parts = "".join(self.parts), []
        return data.encode()


def csv_stream(headers: list[str], rows: Iterable[Iterable], chunk_rows: int = CHUNK_ROWS) -> Iterator[bytes]:
    """Encode rows as CSV, yielding one chunk of about `chunk_rows` rows at a time."""
    sink = _Line()
    writer = csv.writer(sink)
    writer.writerow(headers)
    pending = 0
    for row in rows:
        writer.writerow(row)
        pending += 1
        if pending >= chunk_rows:
            yield sink.take()
            pending = 0
    yield sink.take()


def xlsx_file(headers: list[str], rows: Iterable[Iterable]):
    """An XLSX workbook written row by row into a temporary file (openpyxl's write-only mode keeps no rows)."""
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    spool = tempfile.TemporaryFile()
    workbook.save(spool)
    spool.seek(0)
    return spool


def _model_field(model, path: str):
    """The model field at the end of a `a__b__c` path, or None when it is not a database column."""
    field = None
    for name in path.split("__"):
        try:
            field = model._meta.get_field(name)
        except FieldDoesNotExist:
            return None
        if field.is_relation:
            if field.many_to_many or field.one_to_many:
                return None
            model = field.related_model
    return field


def _lookup(resource, field) -> tuple[str, models.Field] | None:
    """The values_list path of an export field, or None when only the per-object path can render it."""
    if field.attribute is None or getattr(resource, field.get_dehydrate_method(resource.get_field_name(field)),
                                          None) is not None or callable(field.dehydrate_method):
        return None
    path, widget = field.attribute, field.widget
    if isinstance(widget, widgets.ManyToManyWidget) or getattr(widget, "use_natural_foreign_keys", False):
        return None
    if isinstance(widget, widgets.ForeignKeyWidget) and not widget.key_is_id:
        path = f"{path.removesuffix('_id')}__{widget.field}"
    model_field = _model_field(resource._meta.model, path)
    if model_field is None:
        return None
    if model_field.is_relation:  # "vendor" or "vendor_id": the key itself
        path = path if path.endswith("_id") else f"{path}_id" if "__" not in path else f"{path}__pk"
    return path, model_field


def _cell_renderer(model_field):
    """A converter for one column, or None when csv.writer's own str() is already right."""
    if isinstance(model_field, models.DateTimeField):
        use_tz = settings.USE_TZ

        def render_datetime(value):
            if value is None:
                return ""
            return (timezone.localtime(value) if use_tz else value).strftime(DATETIME_FORMAT)
        return render_datetime
    if isinstance(model_field, models.DateField):
        return lambda value: value.strftime(DATE_FORMAT) if value is not None else ""
    if isinstance(model_field, models.BooleanField):
        return lambda value: "" if value is None else ("1" if value else "0")
    if isinstance(model_field, (models.CharField, models.TextField)):
        return lambda value: "'" + value if value and value.startswith(FORMULA_PREFIXES) else value
    return None


def _text(expression):
    return Cast(expression, output_field=CharField())


def _pg_cell(path: str, model_field):
    """An SQL expression rendering one column exactly as _cell_renderer does in Python."""
    column = F(path)
    if isinstance(model_field, models.DateTimeField):
        if settings.USE_TZ:
            column = Func(Value(settings.TIME_ZONE), column, function="timezone")
        return Func(column, Value(PG_DATETIME_FORMAT), function="to_char", output_field=CharField())
    if isinstance(model_field, models.DateField):
        return Func(column, Value(PG_DATE_FORMAT), function="to_char", output_field=CharField())
    if isinstance(model_field, models.BooleanField):
        return Case(When(**{path: True}, then=Value("1")), When(**{path: False}, then=Value("0")),
                    default=Value(""), output_field=CharField())
    if isinstance(model_field, (models.CharField, models.TextField)):
        return Case(When(**{f"{path}__regex": FORMULA_REGEX}, then=Concat(Value("'"), column)),
                    default=column, output_field=CharField())
    return _text(column)


def _copy_stream(queryset, lookups, headers: list[str]) -> Iterator[bytes]:
    """CSV of the queryset produced by PostgreSQL's COPY; the header row is ours, so it matches the library."""
    cells = {f"c{index}": _pg_cell(path, model_field) for index, (path, model_field) in enumerate(lookups)}
    sql, params = queryset.values(**cells).query.sql_with_params()
    sink = _Line()
    csv.writer(sink).writerow(headers)
    yield sink.take()
    with connections[queryset.db].cursor() as cursor:
        with cursor.cursor.copy(f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)", params) as copy:
            for block in copy:
                yield bytes(block)


def export_csv(resource, queryset, selected_fields=None) -> Iterator[bytes]:
    """The export as CSV chunks, by the fastest path that renders the same cells."""
    fields = resource.get_export_fields(selected_fields)
    lookups = [_lookup(resource, field) for field in fields]
    if all(lookups) and connections[queryset.db].vendor == "postgresql":
        return _copy_stream(queryset, lookups, [str(field.column_name) for field in fields])
    return csv_stream(*export_rows(resource, queryset, selected_fields))


def values_paths(resource, selected_fields=None) -> list[str] | None:
    """The values_list paths of the export's columns when the fast path applies, else None."""
    lookups = [_lookup(resource, field) for field in resource.get_export_fields(selected_fields)]
    return [path for path, _ in lookups] if all(lookups) else None


def export_rows(resource, queryset, selected_fields=None) -> tuple[list[str], Iterator[list]]:
    """Headers and an iterator of rows for a resource over a queryset, read in chunks."""
    fields = resource.get_export_fields(selected_fields)
    headers = [str(field.column_name) for field in fields]
    lookups = [_lookup(resource, field) for field in fields]
    if all(lookups):
        renderers = [(index, render) for index, (_, model_field) in enumerate(lookups)
                     if (render := _cell_renderer(model_field)) is not None]
        values = queryset.values_list(*(path for path, _ in lookups)).iterator(chunk_size=CHUNK_ROWS)

        def fast_rows():
            for row in values:
                if renderers:
                    row = list(row)
                    for index, render in renderers:
                        row[index] = render(row[index])
                yield row
        return headers, fast_rows()

    def slow_rows():
        for obj in queryset.iterator(chunk_size=CHUNK_ROWS):
            # the library's own rendering; SafeModelResource.export_field neutralises formulas
            yield [resource.export_field(field, obj) for field in fields]
    return headers, slow_rows()
