"""PostgreSQL: the narrow search rows get one vector of the names' pairs and the fact tokens,
with a GIN index.

The prefecture-wide reader's search of one word reads its page from the services whose name
holds the word (selectors.search_result_page). On PostgreSQL those are read from the narrow
rows (search_rows.py), and the index lookup used the pairs of the whole text: the rows of every
service whose text holds the word were read and each name checked (カラオケ over a prefecture,
on a weekday, free: 4,955 rows read for 579 name matches), after a bitmap of the facts.
`search_name_tokens` holds the pairs of the service's `search_name_chars` (migration 0014, the
pairs of the staff names, which hold every pair of the public names) and its fact tokens
marked with "~" (search_rows.FACT_MARK), kept by the rows' trigger like the other columns: one
GIN scan per alternative then gives the name matches' candidates with their required facts
(1,005 heap pages read for the same 579, and no bitmap of the facts).

The trigger function is replaced by the one of search_rows.POSTGRES_0015 and the rows refilled
once. Nothing changes on SQLite, whose name matches use the FTS5 column of migration 0014."""

from django.db import migrations


def forwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from sasaeai.resources import search_rows

    search_rows.install(connection, postgres=search_rows.POSTGRES_0015)


def backwards(apps, schema_editor):
    connection = schema_editor.connection
    if connection.vendor != "postgresql":
        return
    from sasaeai.resources import search_rows

    search_rows.install(connection, postgres=search_rows.POSTGRES_0012)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP INDEX IF EXISTS {search_rows.TABLE}_name_tokens_gin")
        cursor.execute(
            f"ALTER TABLE {search_rows.TABLE} DROP COLUMN IF EXISTS search_name_tokens"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0014_search_name_chars"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
