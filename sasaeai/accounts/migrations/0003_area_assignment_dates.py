"""Coordinators' area assignments get effective dates: the plain many-to-many table
accounts_user_areas becomes the AreaAssignment model (same table, same rows: the current
assignments, with a start date left blank since nobody recorded it), and ended assignments
are kept in PastAreaAssignment."""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_two_factor_requirement"),
        ("org", "0002_area_effective_dates"),
    ]

    operations = [
        # The table exists: teach Django's state that it is now a model of its own.
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.CreateModel(
                    name="AreaAssignment",
                    fields=[
                        (
                            "id",
                            models.BigAutoField(
                                auto_created=True,
                                primary_key=True,
                                serialize=False,
                                verbose_name="ID",
                            ),
                        ),
                        (
                            "user",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="area_assignments",
                                to=settings.AUTH_USER_MODEL,
                                verbose_name="利用者",
                            ),
                        ),
                        (
                            "area",
                            models.ForeignKey(
                                on_delete=django.db.models.deletion.CASCADE,
                                related_name="assignments",
                                to="org.area",
                                verbose_name="圏域",
                            ),
                        ),
                    ],
                    options={
                        "verbose_name": "担当圏域",
                        "verbose_name_plural": "担当圏域",
                        "db_table": "accounts_user_areas",
                        "ordering": ["user", "area__order", "area_id"],
                        "unique_together": {("user", "area")},
                    },
                ),
                migrations.AlterField(
                    model_name="user",
                    name="areas",
                    field=models.ManyToManyField(
                        blank=True,
                        help_text="現在の担当圏域（変更の履歴は担当圏域の履歴に残ります）",
                        related_name="users",
                        through="accounts.AreaAssignment",
                        to="org.area",
                        verbose_name="担当圏域",
                    ),
                ),
            ],
            database_operations=[],
        ),
        migrations.AddField(
            model_name="areaassignment",
            name="valid_from",
            field=models.DateField(
                blank=True,
                help_text="空欄は開始日の記録がないこと",
                null=True,
                verbose_name="担当開始日",
            ),
        ),
        migrations.CreateModel(
            name="PastAreaAssignment",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "valid_from",
                    models.DateField(
                        blank=True,
                        help_text="空欄は開始日の記録がないこと",
                        null=True,
                        verbose_name="担当開始日",
                    ),
                ),
                ("valid_until", models.DateField(verbose_name="担当終了日")),
                (
                    "area",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="past_assignments",
                        to="org.area",
                        verbose_name="圏域",
                    ),
                ),
                (
                    "user",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="past_area_assignments",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="利用者",
                    ),
                ),
            ],
            options={
                "verbose_name": "担当圏域の履歴",
                "verbose_name_plural": "担当圏域の履歴",
                "ordering": ["user", "-valid_until", "area_id"],
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(
                            ("valid_from__isnull", True),
                            ("valid_until__gte", models.F("valid_from")),
                            _connector="OR",
                        ),
                        name="past_area_assignment_span",
                    )
                ],
            },
        ),
    ]
