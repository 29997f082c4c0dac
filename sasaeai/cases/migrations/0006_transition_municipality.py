"""Each referral transition carries its referral's municipality (issue 26): added empty and
filled from the referrals here, required and indexed with the date in 0007 (a migration of
its own, as 0004/0005: on PostgreSQL the filled rows' deferred foreign-key checks must be
done before the column is altered)."""

import django.db.models.deletion
from django.db import migrations, models


def fill(apps, schema_editor):
    Transition = apps.get_model("cases", "ReferralTransition")
    Referral = apps.get_model("cases", "Referral")
    Transition.objects.update(
        municipality_id=models.Subquery(
            Referral.objects.filter(pk=models.OuterRef("referral_id")).values("municipality_id")[
                :1
            ]
        )
    )


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0005_referral_municipality_required"),
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="referraltransition",
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
