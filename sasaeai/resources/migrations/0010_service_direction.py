"""A service's direction (この資源は: 利用者へのサービス / 担い手の募集 / 両方; blank: matching
judges it from the categories, target groups and text, see cases.facts.service_direction), and
the search documents rebuilt with readings stored at their word boundaries
(core.readings.bounded: ウタ is no longer found inside カイゴヨボウタイソウ).

Plain ADD COLUMN on both backends (as in 0007 and 0008): Django adds a NOT NULL column on SQLite
by rebuilding the table, and rebuilding resources_service would drop its search and version
triggers. The documents are rebuilt with the app's plain-values builder (search_document)."""

from django.db import migrations, models

TABLES = ("resources_service", "resources_historicalservice")
BATCH = 500


def add_columns(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN direction varchar(12) NOT NULL DEFAULT ''"
        )
        if vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN direction DROP DEFAULT")


def drop_columns(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN direction")


def rebuild(apps, schema_editor):
    from sasaeai.resources.search import DOCUMENT_COLUMNS, DocumentValues, search_document

    Service = apps.get_model("resources", "Service")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Service._meta.db_table)
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in DOCUMENT_COLUMNS)
    last = 0
    while True:
        rows = list(
            Service.objects.filter(pk__gt=last)
            .order_by("pk")
            .values(
                "pk",
                "name",
                "name_kana",
                "alternate_name",
                "description",
                "organization__name",
                "organization__name_kana",
                "location__name",
                "location__address",
                "location__address_2",
                "location__is_private_home",
                "location__town__name",
                "location__town__name_kana",
                "location__area__name",
                "location__area__name_kana",
            )[:BATCH]
        )
        if not rows:
            break
        ids = [row["pk"] for row in rows]
        categories: dict[int, list[str]] = {}
        kana: dict[int, list[tuple[str, str]]] = {}
        for service_id, name, name_kana, parent in Service.categories.through.objects.filter(
            service_id__in=ids
        ).values_list(
            "service_id", "category__name", "category__name_kana", "category__parent__name"
        ):
            categories.setdefault(service_id, []).extend([name, *([parent] if parent else [])])
            kana.setdefault(service_id, []).append((name, name_kana))
        targets: dict[int, list[tuple[str, str]]] = {}
        for service_id, name, label in Service.target_groups.through.objects.filter(
            service_id__in=ids
        ).values_list("service_id", "targetgroup__name", "targetgroup__public_label"):
            targets.setdefault(service_id, []).append((name, label))
        updates = []
        for row in rows:
            pk = row["pk"]
            values = DocumentValues(
                name=row["name"],
                name_kana=row["name_kana"],
                alternate_name=row["alternate_name"],
                description=row["description"],
                organization=row["organization__name"] or "",
                organization_kana=row["organization__name_kana"] or "",
                categories=tuple(categories.get(pk, [])),
                category_kana=tuple(kana.get(pk, [])),
                target_groups=tuple(targets.get(pk, [])),
                place_name=row["location__name"] or "",
                address=row["location__address"] or "",
                address_2=row["location__address_2"] or "",
                is_private_home=bool(row["location__is_private_home"]),
                town=row["location__town__name"] or "",
                town_kana=row["location__town__name_kana"] or "",
                area=row["location__area__name"] or "",
                area_kana=row["location__area__name_kana"] or "",
            )
            updates.append([*search_document(values).columns().values(), pk])
        with connection.cursor() as cursor:
            cursor.executemany(f"UPDATE {table} SET {assignments} WHERE id = %s", updates)
        last = ids[-1]


FIELD = dict(
    blank=True,
    choices=[("service", "利用者へのサービス"), ("recruiting", "担い手の募集"), ("both", "両方")],
    default="",
    help_text="空欄のときは分類・対象者・内容から判断します（マッチングで使います）",
    max_length=12,
    verbose_name="この資源は",
)


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0009_service_fax"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="service", name="direction", field=models.CharField(**FIELD)
                ),
                migrations.AddField(
                    model_name="historicalservice",
                    name="direction",
                    field=models.CharField(**FIELD),
                ),
            ],
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=False),
    ]
