"""A version token per municipality, written by triggers whenever its resource data changes
(see models.ResourceVersion). Readers that keep a copy of a municipality's facts in memory
(matching) compare the token before using it, so a change made by any process, through any
write path (forms, API, imports, queryset updates, raw SQL), is seen by the next request.

- the municipality's row: services, locations and towns (their own municipality), schedules
  and category / target group links (their service's municipality);
- row 0, shared by every reader: categories, target groups, shared synonyms (a municipality's
  own synonyms write its row), and a TRUNCATE of any of these tables (PostgreSQL).

Each changed row writes a new token: a random 64-bit number on SQLite, the next value of a
sequence on PostgreSQL (never reused, not rolled back). After a rollback the row holds its
token from before again.

On PostgreSQL a transaction writes a municipality's row once: the first change writes a new
token, the others see that the row version is the transaction's own (its xmin) and leave it
(updating one row thousands of times in one transaction, as an import would, makes each update
walk the row's earlier versions: the 10,000-row import took 114 s instead of 18 s).

On PostgreSQL the triggers are deferred to the commit (constraint triggers, INITIALLY
DEFERRED): the version row is locked only while the writing transaction commits, so writers
of the same municipality do not wait for each other's whole transaction (an import, say), and
a writer never waits for the version row while holding rows of the resource tables (no
deadlock between the two). The data and its new token become visible together, at the
commit. A transaction's own writes are therefore not in the token before it commits: readers
keep no copy inside a transaction (cases/facts.py). On SQLite the triggers run at once
(SQLite serialises every writer anyway).
"""

from django.db import migrations, models

TABLE = "resources_resourceversion"
# table → how a changed row names its municipality
OWN = ("resources_service", "resources_location", "org_town")
VIA_SERVICE = (
    "resources_schedule",
    "resources_service_categories",
    "resources_service_target_groups",
)
SHARED = ("resources_category", "resources_targetgroup")
SYNONYM = "resources_synonym"
ALL = OWN + VIA_SERVICE + SHARED + (SYNONYM,)


def _sqlite_touch(municipality: str) -> str:
    return (
        f"INSERT INTO {TABLE} (municipality_id, token) VALUES ({municipality}, random()) "
        "ON CONFLICT (municipality_id) DO UPDATE SET token = excluded.token;"
    )


def _sqlite_touch_service(row: str) -> str:
    return (
        f"INSERT INTO {TABLE} (municipality_id, token) "
        f"SELECT municipality_id, random() FROM resources_service WHERE id = {row}.service_id "
        "ON CONFLICT (municipality_id) DO UPDATE SET token = excluded.token;"
    )


def _sqlite_body(table: str, rows: list[str]) -> str:
    statements = []
    for row in rows:
        if table in OWN:
            statements.append(_sqlite_touch(f"{row}.municipality_id"))
        elif table in VIA_SERVICE:
            statements.append(_sqlite_touch_service(row))
        elif table == SYNONYM:
            statements.append(_sqlite_touch(f"COALESCE({row}.municipality_id, 0)"))
        else:
            statements.append(_sqlite_touch("0"))
    return " ".join(dict.fromkeys(statements))


SQLITE = [
    f"CREATE TRIGGER {table}_version_{event.lower()} AFTER {event} ON {table} BEGIN "
    f"{_sqlite_body(table, rows)} END"
    for table in ALL
    for event, rows in (("INSERT", ["NEW"]), ("UPDATE", ["NEW", "OLD"]), ("DELETE", ["OLD"]))
]
SQLITE_DROP = [
    f"DROP TRIGGER IF EXISTS {table}_version_{event}"
    for table in ALL
    for event in ("insert", "update", "delete")
]

POSTGRES = [
    f"CREATE SEQUENCE {TABLE}_token_seq",
    f"""
    CREATE FUNCTION resources_version_touch(m bigint) RETURNS void LANGUAGE sql AS $$
        INSERT INTO {TABLE} (municipality_id, token) VALUES (m, nextval('{TABLE}_token_seq'))
        ON CONFLICT (municipality_id) DO UPDATE SET token = EXCLUDED.token
        WHERE {TABLE}.xmin::text <> (txid_current() % 4294967296)::text
    $$
    """,
    """
    CREATE FUNCTION resources_version_own() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN PERFORM resources_version_touch(NEW.municipality_id); END IF;
        IF TG_OP <> 'INSERT' THEN PERFORM resources_version_touch(OLD.municipality_id); END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION resources_version_via_service() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            PERFORM resources_version_touch(s.municipality_id)
            FROM resources_service s WHERE s.id = NEW.service_id;
        END IF;
        IF TG_OP <> 'INSERT' THEN
            PERFORM resources_version_touch(s.municipality_id)
            FROM resources_service s WHERE s.id = OLD.service_id;
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION resources_version_synonym() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF TG_OP <> 'DELETE' THEN
            PERFORM resources_version_touch(COALESCE(NEW.municipality_id, 0));
        END IF;
        IF TG_OP <> 'INSERT' THEN
            PERFORM resources_version_touch(COALESCE(OLD.municipality_id, 0));
        END IF;
        RETURN NULL;
    END $$
    """,
    """
    CREATE FUNCTION resources_version_shared() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM resources_version_touch(0);
        RETURN NULL;
    END $$
    """,
    *[
        f"CREATE CONSTRAINT TRIGGER {table}_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
        f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION resources_version_{kind}()"
        for kinds, kind in (
            (OWN, "own"),
            (VIA_SERVICE, "via_service"),
            (SHARED, "shared"),
            ((SYNONYM,), "synonym"),
        )
        for table in kinds
    ],
    *[
        f"CREATE TRIGGER {table}_version_truncate AFTER TRUNCATE ON {table} "
        "FOR EACH STATEMENT EXECUTE FUNCTION resources_version_shared()"
        for table in ALL
    ],
]
POSTGRES_DROP = [
    *[f"DROP TRIGGER IF EXISTS {table}_version ON {table}" for table in ALL],
    *[f"DROP TRIGGER IF EXISTS {table}_version_truncate ON {table}" for table in ALL],
    "DROP FUNCTION IF EXISTS resources_version_own()",
    "DROP FUNCTION IF EXISTS resources_version_via_service()",
    "DROP FUNCTION IF EXISTS resources_version_synonym()",
    "DROP FUNCTION IF EXISTS resources_version_shared()",
    "DROP FUNCTION IF EXISTS resources_version_touch(bigint)",
    f"DROP SEQUENCE IF EXISTS {TABLE}_token_seq",
]


def create(apps, schema_editor):
    connection = schema_editor.connection
    statements = {"sqlite": SQLITE, "postgresql": POSTGRES}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def drop(apps, schema_editor):
    connection = schema_editor.connection
    statements = {"sqlite": SQLITE_DROP, "postgresql": POSTGRES_DROP}.get(connection.vendor, [])
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
        ("resources", "0005_search_facts"),
    ]

    operations = [
        migrations.CreateModel(
            name="ResourceVersion",
            fields=[
                (
                    "municipality_id",
                    models.BigIntegerField(
                        primary_key=True, serialize=False, verbose_name="市区町村ID（0は共通）"
                    ),
                ),
                ("token", models.BigIntegerField(verbose_name="版")),
            ],
            options={
                "verbose_name": "社会資源データの版",
                "verbose_name_plural": "社会資源データの版",
            },
        ),
        migrations.RunPython(create, drop, elidable=False),
    ]
