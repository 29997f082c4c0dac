"""The public finder gets its own search document: `public_search_name` and `public_search_text`
hold only what the public page shows (a private home is found by its town, never by its place
name, address or 方書; the alternate name, the organisation's kana and target groups' internal
names stay out), so that nothing a resident may not see is searchable by a resident.

Every service's documents are rebuilt here (the staff one too: each part of the public document
must also be in the staff text, whose index finds the public search's candidates, and readings
no longer read brackets and spaces as キゴウ). No new index: the staff index serves both."""

import unicodedata

import jaconv
from django.db import migrations, models

BATCH = 1000

# --- search.search_document and what it calls, as of this migration (migrations must not
# follow later code).

_CONTROL = dict.fromkeys([*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0x7F])
_tokenizer = None


def search_key(text):
    text = unicodedata.normalize("NFKC", text or "").translate(_CONTROL)
    text = " ".join(text.split())
    text = jaconv.hira2kata(text)
    return text.replace("ヵ", "カ").replace("ヶ", "ケ").lower()


def reading(text):
    global _tokenizer
    text = (text or "").strip()[:500]
    if not text:
        return ""
    try:
        if _tokenizer is None:
            from sudachipy import Dictionary, SplitMode

            _tokenizer = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
        parts = []
        for morpheme in _tokenizer.tokenize(text):
            kind = morpheme.part_of_speech()[0]
            if kind == "空白":
                continue
            if kind == "補助記号":
                parts.append(morpheme.surface())
            else:
                parts.append(morpheme.reading_form() or morpheme.surface())
    except Exception:
        return ""
    return "".join(parts).replace(" ", "")


def chars_of(text):
    pairs = set()
    length = len(text)
    for i, ch in enumerate(text):
        if ch.isspace():
            continue
        nxt = text[i + 1] if i + 1 < length else " "
        pairs.add(ch if nxt.isspace() else ch + nxt)
    return " ".join(sorted(pairs))


def joined(parts):
    return " ".join(folded for folded in (search_key(p) for p in parts if p) if folded)


def documents(row, categories, targets):
    name_reading = reading(row["name"])
    public_names = [row["name"], row["name_kana"], name_reading]
    public = [*public_names, row["description"]]
    staff_only = [row["alternate_name"]]
    if row["organization__name"]:
        public += [row["organization__name"], reading(row["organization__name"])]
        staff_only.append(row["organization__name_kana"])
    public += categories
    for name, label in targets:
        public.append(label or name)
        staff_only.append(name)
    place = [
        row["location__name"],
        reading(row["location__name"]),
        row["location__address"],
        row["location__address_2"],
    ]
    if row["location__is_private_home"]:
        staff_only += place
    else:
        public += place
    public += [
        row["location__town__name"],
        row["location__town__name_kana"],
        row["location__area__name"],
        row["location__area__name_kana"],
    ]
    search_text = joined(public + staff_only)
    return (
        joined([*public_names, row["alternate_name"]]),
        search_text,
        chars_of(search_text),
        name_reading,
        joined(public_names),
        joined(public),
    )


def rebuild(apps, schema_editor):
    Service = apps.get_model("resources", "Service")
    connection = schema_editor.connection
    table = connection.ops.quote_name(Service._meta.db_table)
    columns = (
        "search_name",
        "search_text",
        "search_chars",
        "name_reading",
        "public_search_name",
        "public_search_text",
    )
    assignments = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in columns)
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
        for service_id, name, kana, parent in Service.categories.through.objects.filter(
            service_id__in=ids
        ).values_list(
            "service_id", "category__name", "category__name_kana", "category__parent__name"
        ):
            categories.setdefault(service_id, []).extend([name, kana, parent or ""])
        targets: dict[int, list[tuple[str, str]]] = {}
        for service_id, name, label in Service.target_groups.through.objects.filter(
            service_id__in=ids
        ).values_list("service_id", "targetgroup__name", "targetgroup__public_label"):
            targets.setdefault(service_id, []).append((name, label))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"UPDATE {table} SET {assignments} WHERE id = %s",
                [
                    (
                        *documents(row, categories.get(row["pk"], []), targets.get(row["pk"], [])),
                        row["pk"],
                    )
                    for row in rows
                ],
            )
        last = ids[-1]


COLUMNS = ("public_search_name", "public_search_text")


def add_columns(apps, schema_editor):
    # Plain ADD COLUMN on both backends: Django adds a NOT NULL column on SQLite by rebuilding
    # the table, which SQLite refuses while other tables' triggers (0006) name this one.
    vendor = schema_editor.connection.vendor
    for column in COLUMNS:
        schema_editor.execute(
            f"ALTER TABLE resources_service ADD COLUMN {column} text NOT NULL DEFAULT ''"
        )
        if vendor == "postgresql":
            schema_editor.execute(
                f"ALTER TABLE resources_service ALTER COLUMN {column} DROP DEFAULT"
            )


def drop_columns(apps, schema_editor):
    for column in COLUMNS:
        schema_editor.execute(f"ALTER TABLE resources_service DROP COLUMN {column}")


class Migration(migrations.Migration):
    dependencies = [
        ("resources", "0006_resource_version"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="service",
                    name="public_search_name",
                    field=models.TextField(
                        blank=True, editable=False, verbose_name="公開検索用名称"
                    ),
                ),
                migrations.AddField(
                    model_name="service",
                    name="public_search_text",
                    field=models.TextField(
                        blank=True, editable=False, verbose_name="公開検索用本文"
                    ),
                ),
            ],
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
        ),
        migrations.RunPython(rebuild, migrations.RunPython.noop, elidable=False),
    ]
