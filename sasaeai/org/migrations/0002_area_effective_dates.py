"""Areas (日常生活圏域) get the dates they were in effect, so that a report of a past period
lists the areas of that time. Existing areas keep both blank (in effect since before their
records, and still)."""

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="area",
            name="valid_from",
            field=models.DateField(
                blank=True,
                help_text="この圏域が設けられた日（空欄は記録なし）",
                null=True,
                verbose_name="設定日",
            ),
        ),
        migrations.AddField(
            model_name="area",
            name="valid_until",
            field=models.DateField(
                blank=True,
                help_text="圏域を見直して廃止した場合、この圏域が有効だった最後の日（空欄は現在も有効）",
                null=True,
                verbose_name="廃止日",
            ),
        ),
        migrations.AddConstraint(
            model_name="area",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("valid_from__isnull", True),
                    ("valid_until__isnull", True),
                    ("valid_until__gte", models.F("valid_from")),
                    _connector="OR",
                ),
                name="area_valid_span",
            ),
        ),
    ]
