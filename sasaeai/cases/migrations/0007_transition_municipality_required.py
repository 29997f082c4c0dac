"""The transition's municipality is required and indexed with the date."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0006_transition_municipality"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referraltransition",
            name="municipality",
            field=models.ForeignKey(
                db_index=False,
                editable=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to="org.municipality",
                verbose_name="市区町村",
            ),
        ),
        migrations.AddIndex(
            model_name="referraltransition",
            index=models.Index(fields=["municipality", "date"], name="transition_city_date"),
        ),
    ]
