"""Migration operations of our own.

`DropFieldIndex` is the AlterField that turns a column's own index off (db_index=False) where
an index of several columns already leads with that column (tests/test_indexes.py). Django's
AlterField would do the same on PostgreSQL, but on SQLite it rebuilds the whole table for any
change of a field, and a rebuild drops the table's triggers (the search index's and the search
rows', resources/search_index.py and search_rows.py) and costs minutes on a large table.
This operation only drops (or, backwards, re-creates) the index, on every backend.
"""

from __future__ import annotations

from django.db import migrations
from django.db.models import Index


class DropFieldIndex(migrations.AlterField):
    """AlterField(model_name, name, field) whose new field has db_index=False and whose old
    one had it: the state changes as AlterField's, the database only loses the index."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        model = from_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        field = model._meta.get_field(self.name)
        # As Django's own AlterField finds the index made by db_index=True: the single-column
        # b-tree indexes of the column that no Meta.indexes entry names (on PostgreSQL also
        # the pattern-ops twin of a text column, "…_like").
        names = schema_editor._constraint_names(
            model,
            [field.column],
            index=True,
            type_=Index.suffix,
            exclude={index.name for index in model._meta.indexes},
        )
        for name in names:
            schema_editor.execute(schema_editor._delete_index_sql(model, name))

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        model = to_state.apps.get_model(app_label, self.model_name)
        if not self.allow_migrate_model(schema_editor.connection.alias, model):
            return
        field = model._meta.get_field(self.name)
        for statement in schema_editor._field_indexes_sql(model, field):
            schema_editor.execute(statement)

    def describe(self) -> str:
        return f"Drop the own index of {self.model_name}.{self.name}"
