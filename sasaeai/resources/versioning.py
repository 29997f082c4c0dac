"""Upkeep of the resource version triggers on SQLite (models.ResourceVersion, migration 0006).

SQLite has no ALTER TABLE for most changes: Django rebuilds a table a later migration alters,
and the rebuild drops the table's triggers. After every migrate, `sqlite_ensure` re-creates
those that are missing (the same statements as migration 0006), so that every write keeps
changing the municipality's version token. PostgreSQL keeps its triggers through ALTER TABLE.
"""

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
EVENTS = (("INSERT", ["NEW"]), ("UPDATE", ["NEW", "OLD"]), ("DELETE", ["OLD"]))


def _touch(municipality: str) -> str:
    return (
        f"INSERT INTO {TABLE} (municipality_id, token) VALUES ({municipality}, random()) "
        "ON CONFLICT (municipality_id) DO UPDATE SET token = excluded.token;"
    )


def _touch_service(row: str) -> str:
    return (
        f"INSERT INTO {TABLE} (municipality_id, token) "
        f"SELECT municipality_id, random() FROM resources_service WHERE id = {row}.service_id "
        "ON CONFLICT (municipality_id) DO UPDATE SET token = excluded.token;"
    )


def _body(table: str, rows: list[str]) -> str:
    statements = []
    for row in rows:
        if table in OWN:
            statements.append(_touch(f"{row}.municipality_id"))
        elif table in VIA_SERVICE:
            statements.append(_touch_service(row))
        elif table == SYNONYM:
            statements.append(_touch(f"COALESCE({row}.municipality_id, 0)"))
        else:
            statements.append(_touch("0"))
    return " ".join(dict.fromkeys(statements))


SQLITE_TRIGGERS = {
    f"{table}_version_{event.lower()}": (
        f"CREATE TRIGGER {table}_version_{event.lower()} AFTER {event} ON {table} BEGIN "
        f"{_body(table, rows)} END"
    )
    for table in ALL
    for event, rows in EVENTS
}


def sqlite_ensure(connection) -> list[str]:
    """Re-creates the version triggers a table rebuild dropped; returns their names."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        names = {row[0] for row in cursor.fetchall()}
        if TABLE not in names:
            return []  # migration 0006 not applied yet
        missing = [name for name in SQLITE_TRIGGERS if name not in names]
        for name in missing:
            cursor.execute(SQLITE_TRIGGERS[name])
    return missing
