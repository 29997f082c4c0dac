"""Upkeep of the SQLite search index (created by migration 0002, its pair table as migration
0014 left it): re-creates the triggers if a table rebuild dropped them, and rebuilds the FTS
tables when it had to."""

TRIGGERS = {
    "resources_service_search_ai": (
        "CREATE TRIGGER resources_service_search_ai AFTER INSERT ON resources_service BEGIN "
        "INSERT INTO resources_service_fts(rowid, search_text) VALUES (new.id, new.search_text); "
        "INSERT INTO resources_service_chars(rowid, search_chars, search_facts, "
        "search_name_chars) VALUES (new.id, new.search_chars, new.search_facts, "
        "new.search_name_chars); END"
    ),
    "resources_service_search_ad": (
        "CREATE TRIGGER resources_service_search_ad AFTER DELETE ON resources_service BEGIN "
        "INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO resources_service_chars(resources_service_chars, rowid, search_chars, "
        "search_facts, search_name_chars) VALUES "
        "('delete', old.id, old.search_chars, old.search_facts, old.search_name_chars); END"
    ),
    "resources_service_search_au": (
        "CREATE TRIGGER resources_service_search_au AFTER UPDATE OF search_text, search_chars, "
        "search_facts, search_name_chars ON resources_service BEGIN "
        "INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
        "VALUES ('delete', old.id, old.search_text); "
        "INSERT INTO resources_service_chars(resources_service_chars, rowid, search_chars, "
        "search_facts, search_name_chars) VALUES "
        "('delete', old.id, old.search_chars, old.search_facts, old.search_name_chars); "
        "INSERT INTO resources_service_fts(rowid, search_text) VALUES (new.id, new.search_text); "
        "INSERT INTO resources_service_chars(rowid, search_chars, search_facts, "
        "search_name_chars) VALUES (new.id, new.search_chars, new.search_facts, "
        "new.search_name_chars); END"
    ),
}


def sqlite_ensure(connection) -> bool:
    """Returns True when something had to be re-created."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT name FROM sqlite_master WHERE type IN ('table', 'trigger')")
        names = {row[0] for row in cursor.fetchall()}
        if "resources_service_fts" not in names or "resources_service" not in names:
            return False  # migration 0002 not applied yet
        missing = [name for name in TRIGGERS if name not in names]
        for name in missing:
            cursor.execute(TRIGGERS[name])
        if missing:
            cursor.execute(
                "INSERT INTO resources_service_fts(resources_service_fts) VALUES ('rebuild')"
            )
            cursor.execute(
                "INSERT INTO resources_service_chars(resources_service_chars) VALUES ('rebuild')"
            )
        return bool(missing)
