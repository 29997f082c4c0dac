"""Filters join the search index: `search_facts` holds each service's filter facts as tokens
(municipality, area, town, status, fee, volunteers, public, categories, target
groups, and the days and times its schedules meet; see search.facts_of), and `search_chars`
(the text's character pairs) is now kept on every backend.

- SQLite: the pair table becomes an FTS5 table of two columns (pairs, facts), so that a search
  with its filters is one MATCH that reads only the rows it keeps (detail=column: no positions,
  which no query of it needs);
- PostgreSQL: two stored generated columns, the pairs as a tsvector (one- and two-character
  terms, which the trigram index cannot serve) and the facts as a text array, each with a GIN
  index.
"""

import datetime as dt

from django.db import migrations, models

BATCH = 2000

TIME_OF_DAY = {
    "m": (dt.time(0, 0), dt.time(12, 0)),
    "a": (dt.time(12, 0), dt.time(17, 0)),
    "e": (dt.time(17, 0), dt.time(23, 59, 59)),
}


def pairs_of(text: str) -> str:
    # search.chars_of as of this migration (migrations must not follow later code).
    pairs = set()
    length = len(text)
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        nxt = text[i + 1] if i + 1 < length else " "
        pairs.add(ch if nxt.isspace() else ch + nxt)
    return " ".join(sorted(pairs))


def facts_of(row, categories, targets, schedules) -> str:
    # search.facts_of as of this migration.
    (_, municipality_id, _code, area_id, town_id, status, is_free, volunteers, public, consent) = row
    tokens = {
        f"m{municipality_id}",
        f"a{area_id or 0}",
        f"t{town_id or 0}",
        f"s{status}",
        {True: "f1", False: "f0"}.get(None if is_free is None else bool(is_free), "fn"),
        "v1" if volunteers else "v0",
    }
    if public and consent:
        tokens.add("pub")
    tokens |= {f"c{pk}" for pk in categories}
    tokens |= {f"g{pk}" for pk in targets}
    for mask, opens_at in schedules:
        mask = mask or 0
        days = [day for day in range(7) if mask & (1 << day)]
        tokens |= {f"d{day}" for day in days}
        if opens_at is not None:
            if isinstance(opens_at, str):
                opens_at = dt.time.fromisoformat(opens_at)
            for bucket, (start, end) in TIME_OF_DAY.items():
                if start <= opens_at < end:
                    tokens.add(f"o{bucket}")
                    tokens |= {f"d{day}{bucket}" for day in days}
    return " ".join(sorted(tokens))


SQLITE_TABLE = [
    "DROP TRIGGER IF EXISTS resources_service_search_au",
    "DROP TRIGGER IF EXISTS resources_service_search_ad",
    "DROP TRIGGER IF EXISTS resources_service_search_ai",
    "DROP TABLE IF EXISTS resources_service_chars",
    "CREATE VIRTUAL TABLE resources_service_chars USING fts5("
    "search_chars, search_facts, content='resources_service', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0', detail='column')",
]
SQLITE_TRIGGERS = [
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
SQLITE_OLD = [
    "CREATE VIRTUAL TABLE resources_service_chars USING fts5("
    "search_chars, content='resources_service', content_rowid='id', "
    "tokenize='unicode61 remove_diacritics 0')",
    "CREATE TRIGGER resources_service_search_ai AFTER INSERT ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "INSERT INTO resources_service_chars(rowid, search_chars) VALUES (new.id, new.search_chars); "
    "END",
    "CREATE TRIGGER resources_service_search_ad AFTER DELETE ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO resources_service_chars(resources_service_chars, rowid, search_chars) "
    "VALUES ('delete', old.id, old.search_chars); END",
    "CREATE TRIGGER resources_service_search_au AFTER UPDATE OF search_text, search_chars "
    "ON resources_service BEGIN "
    "INSERT INTO resources_service_fts(resources_service_fts, rowid, search_text) "
    "VALUES ('delete', old.id, old.search_text); "
    "INSERT INTO resources_service_chars(resources_service_chars, rowid, search_chars) "
    "VALUES ('delete', old.id, old.search_chars); "
    "INSERT INTO resources_service_fts(rowid, search_text) VALUES (new.id, new.search_text); "
    "INSERT INTO resources_service_chars(rowid, search_chars) "
    "VALUES (new.id, new.search_chars); END",
    "INSERT INTO resources_service_chars(resources_service_chars) VALUES ('rebuild')",
]
# Stored columns that PostgreSQL computes itself (the application never writes or reads them
# outside the search filter; the model does not declare them), so that checking a row does not
# rebuild its vector from the text.
POSTGRES_INDEXES = [
    "ALTER TABLE resources_service ADD COLUMN search_pairs tsvector GENERATED ALWAYS AS "
    "(array_to_tsvector(array_remove(string_to_array(search_chars, ' '), ''))) STORED",
    "ALTER TABLE resources_service ADD COLUMN search_fact_tokens text[] GENERATED ALWAYS AS "
    "(string_to_array(search_facts, ' ')) STORED",
    "CREATE INDEX resources_service_pairs_gin ON resources_service USING gin (search_pairs)",
    "CREATE INDEX resources_service_facts_gin ON resources_service USING gin "
    "(search_fact_tokens)",
]
POSTGRES_DROP = [
    "DROP INDEX IF EXISTS resources_service_pairs_gin",
    "DROP INDEX IF EXISTS resources_service_facts_gin",
    "ALTER TABLE resources_service DROP COLUMN IF EXISTS search_pairs",
    "ALTER TABLE resources_service DROP COLUMN IF EXISTS search_fact_tokens",
]


def fill(apps, schema_editor):
    connection = schema_editor.connection
    sqlite = connection.vendor == "sqlite"
    with connection.cursor() as cursor:
        if sqlite:
            for statement in SQLITE_TABLE:
                cursor.execute(statement)
        last = 0
        while True:
            cursor.execute(
                "SELECT s.id, s.municipality_id, m.code, s.area_id, s.town_id, s.status, "
                "s.is_free, s.welcomes_volunteers, s.is_public, s.publication_consent, "
                "s.search_text, s.search_chars FROM resources_service s "
                "JOIN org_municipality m ON m.id = s.municipality_id "
                "WHERE s.id > %s ORDER BY s.id LIMIT %s",
                [last, BATCH],
            )
            rows = cursor.fetchall()
            if not rows:
                break
            ids = [row[0] for row in rows]
            marks = ", ".join(["%s"] * len(ids))
            categories: dict[int, list[int]] = {}
            cursor.execute(
                "SELECT service_id, category_id FROM resources_service_categories "
                f"WHERE service_id IN ({marks})",
                ids,
            )
            for service_id, category_id in cursor.fetchall():
                categories.setdefault(service_id, []).append(category_id)
            targets: dict[int, list[int]] = {}
            cursor.execute(
                "SELECT service_id, targetgroup_id FROM resources_service_target_groups "
                f"WHERE service_id IN ({marks})",
                ids,
            )
            for service_id, group_id in cursor.fetchall():
                targets.setdefault(service_id, []).append(group_id)
            schedules: dict[int, list] = {}
            cursor.execute(
                "SELECT service_id, weekday_mask, opens_at FROM resources_schedule "
                f"WHERE service_id IN ({marks})",
                ids,
            )
            for service_id, mask, opens_at in cursor.fetchall():
                schedules.setdefault(service_id, []).append((mask, opens_at))
            cursor.executemany(
                "UPDATE resources_service SET search_facts = %s, search_chars = %s WHERE id = %s",
                [
                    (
                        facts_of(
                            row[:10],
                            categories.get(row[0], []),
                            targets.get(row[0], []),
                            schedules.get(row[0], []),
                        ),
                        row[11] or pairs_of(row[10] or ""),
                        row[0],
                    )
                    for row in rows
                ],
            )
            last = ids[-1]
        if sqlite:
            # The triggers go in after the refill, and the pair table is built once.
            for statement in SQLITE_TRIGGERS:
                cursor.execute(statement)
        elif connection.vendor == "postgresql":
            for statement in POSTGRES_INDEXES:
                cursor.execute(statement)


def unfill(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            for statement in POSTGRES_DROP:
                cursor.execute(statement)
        elif connection.vendor == "sqlite":
            # Back to the one-column pair table and the triggers of 0002 and 0004.
            for statement in SQLITE_TABLE[:4] + SQLITE_OLD:
                cursor.execute(statement)


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0004_search_pairs"),
    ]

    operations = [
        migrations.AddField(
            model_name="service",
            name="search_facts",
            field=models.TextField(blank=True, editable=False, verbose_name="検索用の条件"),
        ),
        migrations.AlterField(
            model_name="service",
            name="search_chars",
            field=models.TextField(blank=True, editable=False, verbose_name="検索用の文字の組"),
        ),
        migrations.RunPython(fill, unfill, elidable=False),
    ]
