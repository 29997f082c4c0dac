"""The narrow search table (models.SearchRow, search_rows.py): per service the public search's
filter columns, reading sort key, name and public document, so that a search ranking
thousands of matches (the prefecture-wide reader's) reads narrow rows, not the ≈5 KB service
rows whose public document sits in overflow pages (SQLite) or TOAST (PostgreSQL). Kept by
triggers on resources_service on both backends; filled here from the services."""

import django.db.models.deletion
from django.db import migrations, models


def install(apps, schema_editor):
    from sasaeai.resources import search_rows

    # The triggers as of this migration (later ones install their own definition).
    search_rows.install(schema_editor.connection, postgres=search_rows.POSTGRES_0012)


def uninstall(apps, schema_editor):
    from sasaeai.resources import search_rows

    search_rows.uninstall(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_area_effective_dates"),
        ("resources", "0011_verification"),
    ]

    operations = [
        migrations.CreateModel(
            name="SearchRow",
            fields=[
                (
                    "service",
                    models.OneToOneField(
                        db_constraint=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        primary_key=True,
                        related_name="search_row",
                        serialize=False,
                        to="resources.service",
                    ),
                ),
                (
                    "municipality",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="org.municipality",
                    ),
                ),
                ("organization_id", models.IntegerField(null=True)),
                ("area_id", models.IntegerField(null=True)),
                ("town_id", models.IntegerField(null=True)),
                ("status", models.CharField(max_length=10)),
                ("is_public", models.BooleanField()),
                ("publication_consent", models.BooleanField()),
                ("is_free", models.BooleanField(null=True)),
                ("welcomes_volunteers", models.BooleanField()),
                ("confirmed_at", models.DateField(null=True)),
                ("created_at", models.DateTimeField()),
                ("sort_key", models.CharField(max_length=400)),
                ("name", models.CharField(max_length=200)),
                ("public_search_name", models.TextField()),
                ("public_search_text", models.TextField()),
            ],
            options={
                "verbose_name": "検索用の行",
                "verbose_name_plural": "検索用の行",
                "db_table": "resources_search_row",
            },
        ),
        migrations.RunPython(install, uninstall, elidable=False),
    ]
