"""The SQLite short-term index holds character pairs instead of single characters.

`search_chars` was the searched text with a space between characters, queried with phrases
(two position lists intersected, then every candidate re-read for an exact check); it now holds
the text's distinct character pairs (see search.chars_of), so that a two-character term is one
token lookup and a one-character term one prefix lookup, both exact. The column is refilled
from `search_text` and the FTS5 table rebuilt. Nothing changes on PostgreSQL."""

from django.db import migrations

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


def singles_of(text: str) -> str:
    # What 0002 stored: the text's characters, space-separated.
    return " ".join(ch for ch in text if not ch.isspace())


# The update trigger as of this migration (0005 replaces it with one that also keeps the facts).
UPDATE_TRIGGER = (
    "CREATE TRIGGER resources_service_search_au AFTER UPDATE OF search_text, search_chars "
    "ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO resources_service_chars(resources_service_chars, rowid, search_chars) "
    "VALUES ('delete', old.id, old.search_chars); "
    "INSERT INTO resources_service_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "INSERT INTO resources_service_chars(rowid, search_chars) "
    "VALUES (new.id, new.search_chars); END"
)


def refill(apps, schema_editor, build=pairs_of):
    connection = schema_editor.connection
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        # The update trigger would delete and re-insert every row in both FTS tables: drop it,
        # refill the column, rebuild the pair index once, and put the trigger back.
        cursor.execute("DROP TRIGGER IF EXISTS resources_service_search_au")
        last = 0
        while True:
            cursor.execute(
                "SELECT id, search_text FROM resources_service WHERE id > %s ORDER BY id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            cursor.executemany(
                "UPDATE resources_service SET search_chars = %s WHERE id = %s",
                [(build(text or ""), pk) for pk, text in rows],
            )
            last = rows[-1][0]
        cursor.execute(UPDATE_TRIGGER)
        cursor.execute(
            "INSERT INTO resources_service_chars(resources_service_chars) VALUES ('rebuild')"
        )


def unfill(apps, schema_editor):
    refill(apps, schema_editor, build=singles_of)


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0003_seed_taxonomy"),
    ]

    operations = [
        migrations.RunPython(refill, unfill, elidable=False),
    ]
