"""A schedule's year-end closure (年末年始, 12/29–1/3) becomes a field: until now the reader kept
「年末年始休み」 in the note only, so "meets on", next dates and the finder's day filter counted
such schedules as open over the closure.

Plain ADD COLUMN on both backends (as in 0007): Django adds a NOT NULL column on SQLite by
rebuilding the table, and rebuilding resources_schedule would drop its version triggers (0006).
Existing notes are left as they are (see docs/resources.md): a note saying 年末年始 may say it
in ways no rule can hold (「年末年始も開館」), so a person sets the checkbox."""

from django.db import migrations, models

TABLES = ("resources_schedule", "resources_historicalschedule")


def add_columns(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN closed_year_end boolean NOT NULL DEFAULT false"
        )
        if vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN closed_year_end DROP DEFAULT")


def drop_columns(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN closed_year_end")


FIELD = dict(default=False, help_text="12月29日〜1月3日は開催しない", verbose_name="年末年始は休み")


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0007_public_search_document"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="schedule",
                    name="closed_year_end",
                    field=models.BooleanField(**FIELD),
                ),
                migrations.AddField(
                    model_name="historicalschedule",
                    name="closed_year_end",
                    field=models.BooleanField(**FIELD),
                ),
            ],
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
        ),
    ]
