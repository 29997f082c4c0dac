"""A case stores the tier it counts under (its coordinator's tier when the coordinator was
set), as activity records do, so that a person's later role change does not move past cases
from one tier's report to another. Existing cases take their coordinator's role today (or,
without a coordinator, the role of whoever registered the case): the best record there is."""

from django.db import migrations, models


def fill_tier(apps, schema_editor):
    Case = apps.get_model("cases", "Case")
    User = apps.get_model("accounts", "User")
    tier2 = set(User.objects.filter(role="tier2").values_list("pk", flat=True))
    rows = Case.objects.values_list("pk", "coordinator_id", "created_by_id")
    by_tier: dict[int, list[int]] = {1: [], 2: []}
    for pk, coordinator_id, created_by_id in rows.iterator(chunk_size=2000):
        person = coordinator_id if coordinator_id is not None else created_by_id
        by_tier[2 if person in tier2 else 1].append(pk)
    for tier, pks in by_tier.items():
        for start in range(0, len(pks), 500):
            Case.objects.filter(pk__in=pks[start : start + 500]).update(tier=tier)


class Migration(migrations.Migration):
    dependencies = [
        ("cases", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="case",
            name="tier",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "第1層"), (2, "第2層")],
                help_text="担当コーディネーターを決めた時点の層（報告書はこの層で数える）",
                null=True,
                verbose_name="層",
            ),
        ),
        migrations.RunPython(fill_tier, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="case",
            name="tier",
            field=models.PositiveSmallIntegerField(
                choices=[(1, "第1層"), (2, "第2層")],
                help_text="担当コーディネーターを決めた時点の層（報告書はこの層で数える）",
                verbose_name="層",
            ),
        ),
        migrations.AddIndex(
            model_name="case",
            index=models.Index(
                fields=["municipality", "tier", "received_on"], name="case_muni_tier"
            ),
        ),
    ]
