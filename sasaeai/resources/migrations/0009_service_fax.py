"""A resource's FAX number (介護サービス事業所一覧 and other open data carry FAX番号; care offices
are often reached by FAX).

Plain ADD COLUMN on both backends (as in 0007 and 0008): Django adds a NOT NULL column on SQLite
by rebuilding the table, and rebuilding resources_service would drop its version triggers
(0006)."""

from django.db import migrations, models

TABLES = ("resources_service", "resources_historicalservice")


def add_columns(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} ADD COLUMN fax varchar(30) NOT NULL DEFAULT ''")
        if vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN fax DROP DEFAULT")


def drop_columns(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN fax")


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0008_schedule_closed_year_end"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="service",
                    name="fax",
                    field=models.CharField(blank=True, max_length=30, verbose_name="FAX番号"),
                ),
                migrations.AddField(
                    model_name="historicalservice",
                    name="fax",
                    field=models.CharField(blank=True, max_length=30, verbose_name="FAX番号"),
                ),
            ],
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
        ),
    ]
