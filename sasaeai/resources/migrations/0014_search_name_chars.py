"""The SQLite pair index gets a third column: the pairs of the names alone.

`search_name_chars` holds the distinct character pairs of `search_name` (see search.chars_of),
as `search_chars` holds those of the whole staff text. The prefecture-wide reader's search of
one word reads its page from the services whose name holds the word (selectors.
search_result_page): with the terms looked up in the names' pairs, the index gives those
services only, instead of every service whose text holds the word, each then read and checked
(サロン over a prefecture on a weekday, free: 2,206 name matches among 6,000 text matches).

The column is filled from `search_name` on both backends (the search documents are the same on
both); on SQLite the FTS5 table is re-created with the three columns, its triggers with it, and
rebuilt. Nothing else changes on PostgreSQL, whose name matches read the narrow rows."""

from django.db import migrations, models

BATCH = 2000


def pairs_of(text: str) -> str:
    # A copy of search.chars_of as of this migration (migrations must not follow later code).
    pairs = set()
    length = len(text)
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        nxt = text[i + 1] if i + 1 < length else " "
        pairs.add(ch if nxt.isspace() else ch + nxt)
    return " ".join(sorted(pairs))


DROP_TRIGGERS = [
    "DROP TRIGGER IF EXISTS resources_service_search_au",
    "DROP TRIGGER IF EXISTS resources_service_search_ad",
    "DROP TRIGGER IF EXISTS resources_service_search_ai",
]
SQLITE_NEW = [
    "DROP TABLE IF EXISTS resources_service_chars",
    "CREATE VIRTUAL TABLE resources_service_chars USING fts5("
    "search_chars, search_facts, search_name_chars, content='resources_service', "
    "content_rowid='id', tokenize='unicode61 remove_diacritics 0', detail='column')",
    "CREATE TRIGGER resources_service_search_ai AFTER INSERT ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "INSERT INTO resources_service_chars(rowid, search_chars, search_facts, search_name_chars) "
    "VALUES (new.id, new.search_chars, new.search_facts, new.search_name_chars); END",
    "CREATE TRIGGER resources_service_search_ad AFTER DELETE ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO resources_service_chars(resources_service_chars, rowid, search_chars, "
    "search_facts, search_name_chars) VALUES "
    "('delete', old.id, old.search_chars, old.search_facts, old.search_name_chars); END",
    "CREATE TRIGGER resources_service_search_au AFTER UPDATE OF search_text, search_chars, "
    "search_facts, search_name_chars ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO resources_service_chars(resources_service_chars, rowid, search_chars, "
    "search_facts, search_name_chars) VALUES "
    "('delete', old.id, old.search_chars, old.search_facts, old.search_name_chars); "
    "INSERT INTO resources_service_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "INSERT INTO resources_service_chars(rowid, search_chars, search_facts, search_name_chars) "
    "VALUES (new.id, new.search_chars, new.search_facts, new.search_name_chars); END",
    "INSERT INTO resources_service_chars(resources_service_chars) VALUES ('rebuild')",
]
# As migration 0005 left them.
SQLITE_OLD = [
    "DROP TABLE IF EXISTS resources_service_chars",
    "CREATE VIRTUAL TABLE resources_service_chars USING fts5("
    "search_chars, search_facts, content='resources_service', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', detail='column')",
    "CREATE TRIGGER resources_service_search_ai AFTER INSERT ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "INSERT INTO resources_service_chars(rowid, search_chars, search_facts) "
    "VALUES (new.id, new.search_chars, new.search_facts); END",
    "CREATE TRIGGER resources_service_search_ad AFTER DELETE ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO resources_service_chars(resources_service_chars, rowid, search_chars, "
    "search_facts) VALUES ('delete', old.id, old.search_chars, old.search_facts); END",
    "CREATE TRIGGER resources_service_search_au AFTER UPDATE OF search_text, search_chars, "
    "search_facts ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO resources_service_chars(resources_service_chars, rowid, search_chars, "
    "search_facts) VALUES ('delete', old.id, old.search_chars, old.search_facts); "
    "INSERT INTO resources_service_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "INSERT INTO resources_service_chars(rowid, search_chars, search_facts) "
    "VALUES (new.id, new.search_chars, new.search_facts); END",
    "INSERT INTO resources_service_chars(resources_service_chars) VALUES ('rebuild')",
]


def add_column(apps, schema_editor):
    # Plain ADD COLUMN on both backends (as in 0010 and 0011): Django would add a NOT NULL
    # column on SQLite by rebuilding resources_service, which the version triggers of the
    # tables that read it (resources_schedule's) do not survive.
    schema_editor.execute(
        "ALTER TABLE resources_service ADD COLUMN search_name_chars text NOT NULL DEFAULT ''"
    )
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE resources_service ALTER COLUMN search_name_chars DROP DEFAULT"
        )


def drop_column(apps, schema_editor):
    schema_editor.execute("ALTER TABLE resources_service DROP COLUMN search_name_chars")


def fill(apps, schema_editor):
    connection = schema_editor.connection
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if sqlite:
            # The update trigger would re-index every row: drop the triggers, fill the column,
            # then re-create the table and its triggers and rebuild the index once.
            for statement in DROP_TRIGGERS:
                cursor.execute(statement)
        last = 0
        while True:
            cursor.execute(
                "SELECT id, search_name FROM resources_service WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            cursor.executemany(
                "UPDATE resources_service SET search_name_chars = %s WHERE id = %s",
                [(pairs_of(name or ""), pk) for pk, name in rows],
            )
            last = rows[-1][0]
        if sqlite:
            for statement in SQLITE_NEW:
                cursor.execute(statement)


def unfill(apps, schema_editor):
    if schema_editor.connection.vendor != "sqlite":
        return
    with schema_editor.connection.cursor() as cursor:
        for statement in [*DROP_TRIGGERS, *SQLITE_OLD]:
            cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0013_own_indexes_dropped"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="service",
                    name="search_name_chars",
                    field=models.TextField(
                        blank=True, editable=False, verbose_name="検索用の名称の文字の組"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(add_column, drop_column)],
        ),
        migrations.RunPython(fill, unfill, elidable=False),
    ]
