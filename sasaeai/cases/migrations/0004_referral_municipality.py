"""Each referral carries its case's municipality (issue 26): added empty and filled from the
cases here, required in 0005 (a migration of its own: on PostgreSQL the filled rows' deferred
foreign-key checks must be done before the column is altered)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    Referral = apps.get_model("cases", "Referral")
    Case = apps.get_model("cases", "Case")
    Referral.objects.update(
        municipality_id=models.Subquery(
            Case.objects.filter(pk=models.OuterRef("case_id")).values("municipality_id")[:1]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0003_max_walk_zero"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="referral",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.municipality",
                verbose_name="市区町村",
            ),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
