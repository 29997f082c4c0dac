"""The narrow search table (models.SearchRow, migration 0012): per service, only what a public
search filters, ranks and sorts on, kept by database triggers on both backends.

A service row is wide (≈5 KB at the prefecture size: descriptions, notes, the staff and public
search documents) and the public document sits at its end, so a search that ranks thousands of
matches (the prefecture-wide reader's) read every one of them through SQLite's overflow pages
or PostgreSQL's TOAST. The narrow row (≈1–2 KB) holds the public flags, the filter columns,
the reading sort key, the name and the public document, texts last; it is read in place.

The triggers fire on every write of `resources_service`, whatever makes it (forms, the admin,
the importer's bulk writes, `refresh_documents`' and `refresh_facts`' raw UPDATEs, queryset
updates, deletes): INSERT and UPDATE upsert the row, DELETE removes it. `out_of_step()` lists
the services whose row differs (the tests use it after every kind of write). On SQLite a table
rebuild by a later migration drops the triggers: `sqlite_ensure` (post_migrate) re-creates
them and refills the table.
"""

from collections.abc import Iterable
from dataclasses import dataclass

TABLE = "resources_search_row"
SOURCE = "resources_service"

# column of the narrow table → the value from a service row (`{r}` is the row: NEW or a table)
COLUMNS: dict[str, str] = {
    "service_id": "{r}.id",
    "municipality_id": "{r}.municipality_id",
    "organization_id": "{r}.organization_id",
    "area_id": "{r}.area_id",
    "town_id": "{r}.town_id",
    "status": "{r}.status",
    "is_public": "{r}.is_public",
    "publication_consent": "{r}.publication_consent",
    "is_free": "{r}.is_free",
    "welcomes_volunteers": "{r}.welcomes_volunteers",
    "confirmed_at": "{r}.confirmed_at",
    "created_at": "{r}.created_at",
    "sort_key": "COALESCE(NULLIF({r}.name_kana, ''), {r}.name_reading)",
    "name": "{r}.name",
    "public_search_name": "{r}.public_search_name",
    "public_search_text": "{r}.public_search_text",
}
# The service columns the narrow row is made from (an UPDATE touching none of them is skipped).
SOURCE_COLUMNS = (
    "id",
    "municipality_id",
    "organization_id",
    "area_id",
    "town_id",
    "status",
    "is_public",
    "publication_consent",
    "is_free",
    "welcomes_volunteers",
    "confirmed_at",
    "created_at",
    "name_kana",
    "name_reading",
    "name",
    "public_search_name",
    "public_search_text",
)


# PostgreSQL only: the service's index columns (migration 0005, generated from search_chars
# and search_facts), copied with their GIN indexes, so that the index lookup, the check, the
# rank and the sort read the narrow table alone. The model does not declare them.
#
# Each migration that changes what the triggers copy keeps its own frozen definition
# (`Postgres`), so that a fresh database migrated step by step installs, at each step, what
# the service table has at that step (migration 0012's triggers cannot read a column that
# 0015 adds). `POSTGRES` is the current one; install() and bench/loader.py use it. The
# definitions share COLUMNS: a change to those gets a new definition with its own copy.
@dataclass(frozen=True)
class Postgres:
    columns: dict[str, str]
    source_columns: tuple[str, ...]
    index: tuple[str, ...]


POSTGRES_0012 = Postgres(
    columns={
        **COLUMNS,
        "search_pairs": "{r}.search_pairs",
        "search_fact_tokens": "{r}.search_fact_tokens",
    },
    source_columns=(*SOURCE_COLUMNS, "search_chars", "search_facts"),
    index=(
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_pairs tsvector, "
        "ADD COLUMN IF NOT EXISTS search_fact_tokens text[]",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_pairs_gin ON {TABLE} USING gin (search_pairs)",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_facts_gin ON {TABLE} USING gin (search_fact_tokens)",
    ),
)
# Migration 0015: one vector of the names' pairs alone (the service's search_name_chars,
# migration 0014) and its fact tokens, each marked with FACT_MARK, with its GIN index, so that
# the prefecture-wide reader's name matches (search.apply_text_search's names_only) are one
# GIN scan per alternative (its pairs and the required facts together), instead of a scan of
# the whole text's pairs (every row whose text holds the word, each then read and checked)
# and a bitmap of the facts. A fact token is two characters or more and a pair at most two,
# so the marked facts never meet a pair.
FACT_MARK = "~"
POSTGRES_0015 = Postgres(
    columns={
        **POSTGRES_0012.columns,
        "search_name_tokens": (
            "array_to_tsvector(array_remove("
            "string_to_array({r}.search_name_chars, ' ') || ARRAY("
            f"SELECT '{FACT_MARK}' || fact FROM unnest(string_to_array({{r}}.search_facts, ' ')) "
            "AS fact WHERE fact <> ''), ''))"
        ),
    },
    source_columns=(*POSTGRES_0012.source_columns, "search_name_chars"),
    index=(
        *POSTGRES_0012.index,
        f"ALTER TABLE {TABLE} ADD COLUMN IF NOT EXISTS search_name_tokens tsvector",
        f"CREATE INDEX IF NOT EXISTS {TABLE}_name_tokens_gin ON {TABLE} "
        "USING gin (search_name_tokens)",
    ),
)
POSTGRES = POSTGRES_0015
# The current definition's columns (the ones search.py reads).
POSTGRES_COLUMNS = POSTGRES.columns


def _values(row: str, columns: dict[str, str] = COLUMNS) -> list[str]:
    return [expression.format(r=row) for expression in columns.values()]


def _upsert(row: str, columns: dict[str, str] = COLUMNS) -> str:
    names = ", ".join(columns)
    updates = ", ".join(f"{c} = excluded.{c}" for c in columns if c != "service_id")
    return (
        f"INSERT INTO {TABLE} ({names}) VALUES ({', '.join(_values(row, columns))}) "
        f"ON CONFLICT (service_id) DO UPDATE SET {updates};"
    )


def fill_sql(columns: dict[str, str] = COLUMNS) -> str:
    """Copies every service into the (empty) narrow table."""
    return (
        f"INSERT INTO {TABLE} ({', '.join(columns)}) "
        f"SELECT {', '.join(_values('s', columns))} FROM {SOURCE} AS s"
    )


SQLITE_TRIGGERS = {
    f"{TABLE}_ai": (
        f"CREATE TRIGGER {TABLE}_ai AFTER INSERT ON {SOURCE} BEGIN {_upsert('new')} END"
    ),
    f"{TABLE}_au": (
        f"CREATE TRIGGER {TABLE}_au AFTER UPDATE OF {', '.join(SOURCE_COLUMNS)} ON {SOURCE} "
        f"BEGIN DELETE FROM {TABLE} WHERE service_id = old.id AND old.id <> new.id; "
        f"{_upsert('new')} END"
    ),
    f"{TABLE}_ad": (
        f"CREATE TRIGGER {TABLE}_ad AFTER DELETE ON {SOURCE} BEGIN "
        f"DELETE FROM {TABLE} WHERE service_id = old.id; END"
    ),
}


def postgres_function(definition: Postgres) -> str:
    """The trigger function that keeps the narrow rows (with the definition's columns)."""
    changed = " OR ".join(f"OLD.{c} IS DISTINCT FROM NEW.{c}" for c in definition.source_columns)
    return f"""
CREATE OR REPLACE FUNCTION {TABLE}_sync() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM {TABLE} WHERE service_id = OLD.id;
        RETURN NULL;
    END IF;
    IF TG_OP = 'UPDATE' THEN
        IF NOT ({changed}) THEN
            RETURN NULL;
        END IF;
        IF OLD.id <> NEW.id THEN
            DELETE FROM {TABLE} WHERE service_id = OLD.id;
        END IF;
    END IF;
    {_upsert("NEW", definition.columns)}
    RETURN NULL;
END
$$;
"""


POSTGRES_TRIGGER = (
    f"CREATE TRIGGER {TABLE}_sync AFTER INSERT OR UPDATE OR DELETE ON {SOURCE} "
    f"FOR EACH ROW EXECUTE FUNCTION {TABLE}_sync()"
)
# The texts are read in place (MAIN: kept in the row; each LIKE on a text in TOAST would
# fetch it again), the pair vector (≈1.5 KB, read only through its GIN index) goes out of the
# row (EXTERNAL): rows of ≈1.6 KB, 101 MB for 100,080 services instead of 345 MB with every
# column in the row (and the page statement twice as fast).
POSTGRES_STORAGE = (
    f"ALTER TABLE {TABLE} ALTER COLUMN public_search_text SET STORAGE MAIN, "
    "ALTER COLUMN public_search_name SET STORAGE MAIN, "
    "ALTER COLUMN search_pairs SET STORAGE EXTERNAL"
)


def install(connection, *, postgres: Postgres = POSTGRES) -> None:
    """Creates the triggers and fills the table (migration 0012; on PostgreSQL again with each
    later definition, migration 0015)."""
    with connection.cursor() as cursor:
        columns = COLUMNS
        if connection.vendor == "postgresql":
            columns = postgres.columns
            for statement in postgres.index:
                cursor.execute(statement)
            cursor.execute(POSTGRES_STORAGE)
            cursor.execute(postgres_function(postgres))
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_sync ON {SOURCE}")
            cursor.execute(POSTGRES_TRIGGER)
        elif connection.vendor == "sqlite":
            for name, sql in SQLITE_TRIGGERS.items():
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
                cursor.execute(sql)
        cursor.execute(f"DELETE FROM {TABLE}")
        cursor.execute(fill_sql(columns))
        if connection.vendor == "postgresql":
            # The planner's figures for the new rows (without them it scans the whole table).
            cursor.execute(f"ANALYZE {TABLE}")


def uninstall(connection) -> None:
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"DROP TRIGGER IF EXISTS {TABLE}_sync ON {SOURCE}")
            cursor.execute(f"DROP FUNCTION IF EXISTS {TABLE}_sync()")
        elif connection.vendor == "sqlite":
            for name in SQLITE_TRIGGERS:
                cursor.execute(f"DROP TRIGGER IF EXISTS {name}")


def sqlite_ensure(connection) -> bool:
    """Re-creates the triggers a table rebuild dropped, and then refills the table (writes
    made without them are not in it). Returns True when something had to be re-created."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        names = {row[0] for row in cursor.fetchall()}
    if TABLE not in names or SOURCE not in names:
        return False  # migration 0012 not applied yet
    if all(name in names for name in SQLITE_TRIGGERS):
        return False
    install(connection)
    return True


def out_of_step(service_ids: Iterable[int] | None = None) -> list[int]:
    """The services whose narrow row is missing or differs from the service (on PostgreSQL
    its index columns too), and narrow rows left without a service (for tests and checks,
    not for requests)."""
    from django.db.models import Value
    from django.db.models.functions import Coalesce, NullIf

    from .models import SearchRow, Service

    fields = [c for c in COLUMNS if c not in ("service_id", "sort_key")]
    services = Service.objects.annotate(
        row_sort_key=Coalesce(NullIf("name_kana", Value("")), "name_reading")
    )
    rows = SearchRow.objects.all()
    ids = None if service_ids is None else list(service_ids)
    if ids is not None:
        services, rows = services.filter(pk__in=ids), rows.filter(pk__in=ids)
    expected = {
        values[0]: values[1:] for values in services.values_list("pk", *fields, "row_sort_key")
    }
    stored = {values[0]: values[1:] for values in rows.values_list("pk", *fields, "sort_key")}
    differ = {pk for pk in expected.keys() | stored.keys() if expected.get(pk) != stored.get(pk)}
    return sorted(differ | set(_postgres_out_of_step(ids)))


def _postgres_out_of_step(service_ids: list[int] | None) -> list[int]:
    """On PostgreSQL, the services whose narrow row's index columns (POSTGRES's beyond COLUMNS:
    the pair vectors and the fact array) differ from what the service gives."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return []
    extra = [c for c in POSTGRES.columns if c not in COLUMNS]
    differs = " OR ".join(
        f"r.{c} IS DISTINCT FROM {POSTGRES.columns[c].format(r='s')}" for c in extra
    )
    sql = (
        f"SELECT s.id FROM {SOURCE} AS s JOIN {TABLE} AS r ON r.service_id = s.id WHERE ({differs})"
    )
    params: list = []
    if service_ids is not None:
        sql += " AND s.id = ANY(%s)"
        params.append(service_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [row[0] for row in cursor.fetchall()]
