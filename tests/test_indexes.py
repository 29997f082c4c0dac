"""Indexes that lead the planner astray (issue 26).

A column's own index (what Django makes for every ForeignKey and db_index=True) beside an
index of several columns that starts with the same column adds nothing that one cannot
answer, and on PostgreSQL it misleads the planner: records are stored largely in the order of
their municipality, the single-column index has the higher correlation, and so a city's
report of one half-year read every record of the city, of every year, through it (27,980
rows filtered away for 1,397 consultations; docs/benchmarks.md). So:

- no field of ours keeps its own index where another index leads with it;
- the migrations really dropped those indexes (core.migration_operations.DropFieldIndex), on
  the backend the suite runs on;
- and no foreign key is left without an index that leads with it (the database's checks on a
  delete and the joins read by it).

Django's automatic many-to-many tables are left as Django makes them.
"""

from __future__ import annotations

import pytest
from django.apps import apps
from django.db import connection, models


def _our_models() -> list[type[models.Model]]:
    return [
        model
        for model in apps.get_models()
        if model.__module__.startswith("sasaeai.") and not model._meta.auto_created
    ]


def _leading(model: type[models.Model]) -> dict[str, str]:
    """Field name → the name of an index (or unique constraint) of several columns, without a
    condition, that starts with that field."""
    meta = model._meta
    found: dict[str, str] = {}
    for index in meta.indexes:
        if index.condition is None and len(index.fields) > 1:
            found.setdefault(index.fields[0].lstrip("-"), index.name)
    for constraint in meta.constraints:
        if (
            isinstance(constraint, models.UniqueConstraint)
            and constraint.condition is None
            and len(constraint.fields) > 1
        ):
            found.setdefault(constraint.fields[0], constraint.name)
    for fields in meta.unique_together:
        if len(fields) > 1:
            found.setdefault(fields[0], "unique_together")
    return found


def _redundant(model: type[models.Model]) -> list[str]:
    leading = _leading(model)
    return [
        f"{model._meta.label}.{field.name} (leads {leading[field.name]})"
        for field in model._meta.local_concrete_fields
        if field.db_index and not field.unique and field.name in leading
    ]


def test_no_field_keeps_its_own_index_beside_one_that_leads_with_it():
    redundant = [entry for model in _our_models() for entry in _redundant(model)]
    assert redundant == [], (
        "These fields' own indexes duplicate an index of several columns that starts with "
        "them; declare them with db_index=False (MunicipalityOwned: municipality_key"
        "(db_index=False)) and drop the index with core.migration_operations.DropFieldIndex: "
        + ", ".join(redundant)
    )


def test_every_foreign_key_leads_an_index():
    unindexed = []
    for model in _our_models():
        leading = _leading(model)
        single = {
            index.fields[0].lstrip("-")
            for index in model._meta.indexes
            if index.condition is None and len(index.fields) == 1
        }
        for field in model._meta.local_concrete_fields:
            if not isinstance(field, models.ForeignKey) or not field.db_constraint:
                continue  # without a constraint (the trigger-written search rows) no check reads it
            if field.db_index or field.unique or field.name in leading or field.name in single:
                continue
            unindexed.append(f"{model._meta.label}.{field.name}")
    assert unindexed == [], "Foreign keys without an index that starts with them: " + ", ".join(
        unindexed
    )


@pytest.mark.django_db
def test_the_database_has_no_own_index_of_a_field_declared_without_one():
    """What the models say is what the migrations left in the database (both backends)."""
    left = []
    with connection.cursor() as cursor:
        for model in _our_models():
            fields = [
                field
                for field in model._meta.local_concrete_fields
                if not field.db_index and not field.unique and not field.primary_key
            ]
            if not fields:
                continue
            named = {index.name for index in model._meta.indexes}
            constraints = connection.introspection.get_constraints(cursor, model._meta.db_table)
            for field in fields:
                for name, info in constraints.items():
                    if (
                        info["index"]
                        and info.get("type") == models.Index.suffix
                        and not info["unique"]
                        and not info["primary_key"]
                        and info["columns"] == [field.column]
                        and name not in named
                    ):
                        left.append(f"{model._meta.db_table}.{name}")
    assert left == []


def test_the_rule_finds_what_it_names():
    """The check itself: a model shaped like the activity records before issue 26 is found."""

    class Record(models.Model):
        municipality = models.ForeignKey("org.Municipality", on_delete=models.PROTECT)
        day = models.DateField()

        class Meta:
            app_label = "org"
            managed = False
            indexes = [models.Index(fields=["municipality", "day"], name="record_city_day")]

        def __str__(self) -> str:
            return str(self.day)

    try:
        assert _redundant(Record) == ["org.Record.municipality (leads record_city_day)"]
    finally:
        apps.all_models["org"].pop("record", None)
        apps.clear_cache()
