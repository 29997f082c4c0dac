"""The referral's municipality is required and indexed with the follow-up columns."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0004_referral_municipality"),
    ]

    operations = [
        migrations.AlterField(
            model_name="referral",
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
            model_name="referral",
            index=models.Index(
                fields=["municipality", "status", "follow_up_on"], name="referral_city_followup"
            ),
        ),
    ]
