"""The transition's municipality is required and indexed with the referral and the date: a
city's first moves are read in the index's order (GROUP BY referral, MIN(date)) and a
referral's moves in a period are one range of it, without reading other cities' moves."""

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
            index=models.Index(
                fields=["municipality", "referral", "date"], name="transition_city_referral"
            ),
        ),
    ]
