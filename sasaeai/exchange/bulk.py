"""Inserting many rows whose ids nobody needs back (history versions, link rows, schedules) with
one prepared statement: the ORM's bulk_create converts every value through several layers,
which for a 10,000-row import costs more than everything else together.

Values of plain types (text, numbers, booleans, foreign-key ids, None) go to the driver as
they are; dates, times, decimals and JSON go through the field's own conversion, so both
SQLite and PostgreSQL store exactly what the ORM would."""

from __future__ import annotations

from collections.abc import Iterable

from django.db import connection, models
from django.utils import timezone

_PLAIN = (
    models.CharField,
    models.TextField,
    models.IntegerField,
    models.BooleanField,
    models.ForeignKey,
    models.FloatField,
)


class RowTable:
    """The insertable columns of a model (its auto primary key left out)."""

    def __init__(self, model: type[models.Model]):
        self.model = model
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if not (f.primary_key and isinstance(f, models.AutoField | models.BigAutoField))
        ]
        self.converters = []
        for f in self.fields:
            plain = isinstance(f, _PLAIN) and not isinstance(
                f, models.JSONField | models.DecimalField
            )
            self.converters.append(None if plain else f)
        self._converted: dict = {}

    def values(self, source: dict) -> tuple:
        out = []
        cache = self._converted
        for f, converter in zip(self.fields, self.converters, strict=True):
            if f.attname in source:
                value = source[f.attname]
            elif f.has_default():
                value = f.get_default()
            elif f.null:
                value = None
            else:
                value = ""
            if converter is not None and value is not None:
                if isinstance(value, dict | list):
                    value = converter.get_db_prep_save(value, connection)
                else:
                    # One import writes the same timestamp on every row: convert it once.
                    key = (f.attname, value)
                    if key not in cache:
                        cache[key] = converter.get_db_prep_save(value, connection)
                    value = cache[key]
            out.append(value)
        return tuple(out)

    def insert(self, rows: Iterable[dict]) -> int:
        params = [self.values(row) for row in rows]
        if not params:
            return 0
        quote = connection.ops.quote_name
        columns = ", ".join(quote(f.column) for f in self.fields)
        marks = ", ".join(["%s"] * len(self.fields))
        sql = f"INSERT INTO {quote(self.model._meta.db_table)} ({columns}) VALUES ({marks})"
        with connection.cursor() as cursor:
            for start in range(0, len(params), 2000):
                cursor.executemany(sql, params[start : start + 2000])
        return len(params)


def history_insert(
    objects: list[models.Model],
    *,
    user,
    reason: str,
    history_type: str = "+",
    when=None,
) -> object:
    """One simple_history version per object, as `HistoryManager.bulk_history_create` writes
    it. Returns the history_date used (to find the versions again)."""
    if not objects:
        return when
    model = type(objects[0])
    history_model = model.history.model
    when = when or timezone.now()
    tracked = [f.attname for f in history_model.tracked_fields]
    table = RowTable(history_model)
    rows = []
    for obj in objects:
        row = {attname: getattr(obj, attname) for attname in tracked}
        row.update(
            history_date=when,
            history_change_reason=reason,
            history_type=history_type,
            history_user_id=user.pk if user is not None else None,
        )
        rows.append(row)
    table.insert(rows)
    return when
