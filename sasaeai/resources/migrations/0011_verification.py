"""Verification state (issue #24): how a resource's last verification was made
(`confirmed_via`: a visit, the organiser's confirmation, a staff check, a dated import), and each
municipality's VerificationPolicy (how long a verification lasts, when an unverified resource is
left out of the public pages as 「確認中」, how long an organiser's link lasts, the residents'
page title and contact).

The column is added with plain ADD COLUMN on both backends (as in 0010): Django would add a NOT
NULL column on SQLite by rebuilding resources_service, which drops its search and version
triggers. Earlier confirmations keep a blank method (不明): the data does not say how they were
made."""

import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


TABLES = ("resources_service", "resources_historicalservice")


def add_columns(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    for table in TABLES:
        schema_editor.execute(
            f"ALTER TABLE {table} ADD COLUMN confirmed_via varchar(12) NOT NULL DEFAULT ''"
        )
        if vendor == "postgresql":
            schema_editor.execute(f"ALTER TABLE {table} ALTER COLUMN confirmed_via DROP DEFAULT")


def drop_columns(apps, schema_editor):
    for table in TABLES:
        schema_editor.execute(f"ALTER TABLE {table} DROP COLUMN confirmed_via")


FIELD = dict(
    blank=True,
    choices=[
        ("visit", "訪問"),
        ("organiser", "主催者の確認"),
        ("staff", "職員の確認（電話・審査）"),
        ("import", "取り込み（確認日つきの台帳）"),
    ],
    default="",
    help_text="最終確認日を記録したきっかけ。空欄は不明（この項目より前の確認）",
    max_length=12,
    verbose_name="確認の方法",
)


class Migration(migrations.Migration):
    dependencies = [
        ("org", "0002_area_effective_dates"),
        ("resources", "0010_service_direction"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AddField(
                    model_name="service", name="confirmed_via", field=models.CharField(**FIELD)
                ),
                migrations.AddField(
                    model_name="historicalservice",
                    name="confirmed_via",
                    field=models.CharField(**FIELD),
                ),
            ],
            database_operations=[migrations.RunPython(add_columns, drop_columns)],
        ),
        migrations.CreateModel(
            name="VerificationPolicy",
            fields=[
                (
                    "municipality",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="verification_policy",
                        serialize=False,
                        to="org.municipality",
                        verbose_name="市区町村",
                    ),
                ),
                (
                    "valid_days",
                    models.PositiveSmallIntegerField(
                        default=365,
                        help_text="この日数を過ぎると再確認リストに入ります（例: 6か月なら183）",
                        validators=[
                            django.core.validators.MinValueValidator(30),
                            django.core.validators.MaxValueValidator(1095),
                        ],
                        verbose_name="確認の有効期間（日）",
                    ),
                ),
                (
                    "hide_after_days",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="有効期間が切れてからこの日数たっても確認されないと「確認中」として公開ページから外します。空欄なら外しません",
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(1095),
                        ],
                        verbose_name="公開を止めるまでの猶予（日）",
                    ),
                ),
                (
                    "link_days",
                    models.PositiveSmallIntegerField(
                        default=365,
                        validators=[
                            django.core.validators.MinValueValidator(1),
                            django.core.validators.MaxValueValidator(1095),
                        ],
                        verbose_name="主催者用リンクの有効期間（日）",
                    ),
                ),
                (
                    "finder_title",
                    models.CharField(
                        blank=True,
                        help_text="例: 武蔵野市 地域の通いの場・サロンさがし。空欄なら「（市区町村名） 地域の通いの場さがし」",
                        max_length=80,
                        verbose_name="住民向けページの名前",
                    ),
                ),
                (
                    "contact_label",
                    models.CharField(
                        blank=True,
                        help_text="例: 武蔵野市 高齢者支援課",
                        max_length=100,
                        verbose_name="問い合わせ先",
                    ),
                ),
                (
                    "contact_phone",
                    models.CharField(
                        blank=True, max_length=30, verbose_name="問い合わせ先の電話番号"
                    ),
                ),
                (
                    "notify_email",
                    models.EmailField(
                        blank=True,
                        help_text="新しい情報提供をメールでも知らせる宛先（空欄ならホーム画面の通知だけ）",
                        max_length=254,
                        verbose_name="情報提供の通知先メールアドレス",
                    ),
                ),
            ],
            options={
                "verbose_name": "確認と公開の設定",
                "verbose_name_plural": "確認と公開の設定",
            },
        ),
    ]
