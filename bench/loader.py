"""Fast bulk loading of generated rows: executemany in large transactions on SQLite, COPY on
PostgreSQL. Rows are dicts of column values; the loader fills every column the generator does not
know (fields other engineers add later) from the model field's default, so that generation keeps
working while the models grow."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from itertools import chain, islice

from django.core.management.color import no_style
from django.db import DatabaseError, connection, models
from django.utils import timezone
from tqdm import tqdm

BATCH = 5_000
NOW = timezone.now().replace(microsecond=0)


class MissingValue(Exception):
    pass


class Table:
    """The insertable columns of one model and how to turn a dict into a row tuple."""

    def __init__(self, model: type[models.Model], *, with_pk: bool = True):
        self.model = model
        self.name = model._meta.db_table
        pk = model._meta.pk
        self.fields = [
            f
            for f in model._meta.concrete_fields
            if with_pk or not (f is pk and isinstance(f, models.AutoField))
        ]
        self.columns = [f.column for f in self.fields]
        self.attnames = [f.attname for f in self.fields]
        self.pairs: list[tuple[str, object]] = []
        # (position, attname, converter) of the columns whose values need converting.
        self.conversions: list[tuple[int, str, object]] = []
        for position, field in enumerate(self.fields):
            convert = _converter(field)
            default = _default_for(field)
            if convert is not None and default is not None and default is not MissingValue:
                default = convert(default)
            self.pairs.append((field.attname, default))
            if convert is not None:
                self.conversions.append((position, field.attname, convert))

    def row(self, values: dict) -> tuple:
        out = [values.get(attname, default) for attname, default in self.pairs]
        for position, attname, convert in self.conversions:
            if attname in values and out[position] is not None:
                out[position] = convert(out[position])
        if MissingValue in out:
            attname = self.pairs[out.index(MissingValue)][0]
            raise MissingValue(
                f"{self.name}.{attname}: the generator gives no value and the field has no "
                "default. Teach bench/generators about it."
            )
        return tuple(out)


def _default_for(field: models.Field) -> object:
    if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
        return NOW if isinstance(field, models.DateTimeField) else NOW.date()
    if field.has_default():
        return field.get_default()
    if field.null:
        return None
    if isinstance(field, models.CharField | models.TextField):
        return ""
    return MissingValue


def _converter(field: models.Field):
    """How a Python value becomes a database parameter, or None when the driver takes it as
    is. Cheaper than get_db_prep_save per value, which matters at a million rows."""
    vendor = connection.vendor
    if isinstance(field, models.JSONField):
        return lambda value: field.get_db_prep_save(value, connection)
    if vendor == "postgresql":
        return None  # psycopg adapts dates, times, decimals and aware datetimes itself
    ops = connection.ops
    if isinstance(field, models.DateTimeField):
        return ops.adapt_datetimefield_value
    if isinstance(field, models.DateField | models.TimeField):
        return _isoformat  # what Django's SQLite adapters store, without their checks
    if isinstance(field, models.DecimalField):
        return str
    if isinstance(field, models.UUIDField):
        return lambda value: value.hex
    return None


def _isoformat(value) -> str:
    return value.isoformat()


def batched(iterable: Iterable, n: int) -> Iterator[list]:
    it = iter(iterable)
    while chunk := list(islice(it, n)):
        yield chunk


class BulkWriter:
    """Writes rows of one model at a time, as fast as the backend allows."""

    def __init__(self) -> None:
        self.vendor = connection.vendor
        self.touched: list[type[models.Model]] = []

    def prepare(self) -> None:
        with connection.cursor() as cursor:
            if self.vendor == "sqlite":
                # One big transaction into a file that is thrown away on failure: no WAL (it
                # would hold every page twice) and no syncing.
                cursor.execute("PRAGMA journal_mode=MEMORY")
                cursor.execute("PRAGMA synchronous=OFF")
                cursor.execute("PRAGMA cache_size=-400000")
                cursor.execute("PRAGMA temp_store=MEMORY")
            else:
                cursor.execute("SET synchronous_commit TO off")
                cursor.execute("SET maintenance_work_mem TO '256MB'")  # the index builds
                # Skip the foreign-key triggers: the rows reference ids the generators made
                # themselves (the SQLite build checks them at commit), and checking a million
                # rows one trigger call at a time is most of a PostgreSQL build. Needs a
                # superuser (the default BENCH_POSTGRES_URL); otherwise the checks run.
                with suppress(DatabaseError):
                    cursor.execute("SET session_replication_role TO replica")

    def next_id(self, model: type[models.Model]) -> int:
        last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
        return (last or 0) + 1

    def insert(
        self,
        model: type[models.Model],
        rows: Iterable[dict],
        *,
        total: int | None = None,
        desc: str | None = None,
        progress: bool = True,
    ) -> int:
        rows = iter(rows)
        first = next(rows, None)
        if first is None:
            return 0
        rows = chain([first], rows)
        table = Table(model, with_pk=model._meta.pk.attname in first)
        if model not in self.touched:
            self.touched.append(model)
        bar = tqdm(
            total=total,
            desc=desc or model._meta.verbose_name,
            unit="行",
            unit_scale=True,
            disable=not progress,
            leave=False,
            mininterval=0.5,
        )
        count = 0
        quoted = ", ".join(connection.ops.quote_name(c) for c in table.columns)
        if self.vendor == "postgresql":
            raw = connection.cursor().cursor  # the psycopg cursor under Django's wrapper
            with raw.copy(
                f"COPY {connection.ops.quote_name(table.name)} ({quoted}) FROM STDIN"
            ) as copy:
                for values in rows:
                    copy.write_row(table.row(values))
                    count += 1
                    if count % BATCH == 0:
                        bar.update(BATCH)
            bar.update(count % BATCH)
        else:
            placeholders = ", ".join(["?"] * len(table.columns))
            sql = f"INSERT INTO {connection.ops.quote_name(table.name)} ({quoted}) VALUES ({placeholders})"
            raw_connection = connection.connection
            for chunk in batched(rows, BATCH):
                raw_connection.executemany(sql, [table.row(values) for values in chunk])
                count += len(chunk)
                bar.update(len(chunk))
        bar.close()
        return count

    @contextmanager
    def triggers_suspended(self, *models_: type[models.Model]):
        """On SQLite, drops the triggers of the given tables while they are bulk-loaded, then
        recreates them and rebuilds the external-content FTS5 indexes over those tables, which
        is several times faster than maintaining the index row by row."""
        if self.vendor != "sqlite":
            yield
            return
        tables = [m._meta.db_table for m in models_]
        marks = ",".join("?" * len(tables))
        raw = connection.connection
        triggers = raw.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ({marks})",
            tables,
        ).fetchall()
        for name, _ in triggers:
            raw.execute(f'DROP TRIGGER "{name}"')
        try:
            yield
        finally:
            for _, sql in triggers:
                raw.execute(sql)
            fts = raw.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'table' AND sql LIKE "
                "'CREATE VIRTUAL TABLE%USING fts5%'"
            ).fetchall()
            for name, sql in fts:
                if any(f"content='{t}'" in sql or f'content="{t}"' in sql for t in tables):
                    raw.execute(f'INSERT INTO "{name}"("{name}") VALUES (\'rebuild\')')

    @contextmanager
    def indexes_deferred(self, *models_: type[models.Model]):
        """Drops the secondary indexes of the given tables while they are bulk-loaded and
        builds them again afterwards: one sort per index instead of a million random inserts.
        Primary keys and the indexes behind constraints stay."""
        tables = [m._meta.db_table for m in models_]
        with connection.cursor() as cursor:
            if self.vendor == "postgresql":
                # Index DDL is refused while deferred foreign-key checks are pending.
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            if self.vendor == "sqlite":
                marks = ",".join(["%s"] * len(tables))
                cursor.execute(
                    "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL "
                    f"AND sql NOT LIKE 'CREATE UNIQUE%%' AND tbl_name IN ({marks})",
                    tables,
                )
            else:
                cursor.execute(
                    "SELECT i.indexname, i.indexdef FROM pg_indexes i "
                    "WHERE i.schemaname = current_schema() AND i.tablename = ANY(%s) "
                    "AND i.indexdef NOT LIKE 'CREATE UNIQUE%%' AND NOT EXISTS ("
                    "  SELECT 1 FROM pg_constraint c WHERE c.conindid = "
                    "  (quote_ident(i.schemaname) || '.' || quote_ident(i.indexname))::regclass)",
                    [tables],
                )
            indexes = cursor.fetchall()
            for name, _ in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
            if self.vendor == "postgresql":
                cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        try:
            yield
        finally:
            with connection.cursor() as cursor:
                if self.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
                for _, sql in indexes:
                    cursor.execute(sql)
                if self.vendor == "postgresql":
                    cursor.execute("SET CONSTRAINTS ALL DEFERRED")

    def finish(self) -> None:
        """Fills what the database's own triggers keep but the load went around (PostgreSQL's
        replica role skips them, `triggers_suspended` drops SQLite's): the narrow search
        rows of the services (resources/search_rows.py; without this a built dataset had
        none, and the prefecture-wide search found nothing). Then resets PostgreSQL
        sequences past the ids the generator chose."""
        from sasaeai.resources import search_rows
        from sasaeai.resources.models import Service

        if Service in self.touched:
            search_rows.install(connection)
        if self.vendor != "postgresql" or not self.touched:
            return
        statements = connection.ops.sequence_reset_sql(no_style(), self.touched)
        with connection.cursor() as cursor:
            for sql in statements:
                cursor.execute(sql)


def aware(date: dt.date, hour: int = 9, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)))
