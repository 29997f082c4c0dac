"""Seeds the managed list of regional-issue themes (administrators may add more)."""

from django.db import migrations

THEMES = [
    ("gathering_places", "集いの場の不足", "サロン、居場所、集い、通いの場、つどいの場、交流"),
    ("transport", "移動手段", "移動、送迎、交通、買い物、通院、バス"),
    ("activity_space", "活動場所の確保", "活動場所、会場、場所の確保、部屋"),
    ("vacant_houses", "空き家の活用", "空き家、空き店舗、空きスペース"),
    ("helpers", "担い手不足", "担い手、ボランティア、後継者、人手"),
    ("men", "男性の参加", "男性、男の、おとこ"),
    ("dementia", "認知症", "認知症、物忘れ、もの忘れ"),
    ("consultation_barrier", "相談窓口のハードル", "相談のハードル、相談しにくい、窓口"),
    ("isolation", "孤立・見守り", "孤立、見守り、ひとり暮らし、独居"),
    ("family_carers", "家族介護者の支援", "家族介護、介護者、介護疲れ"),
    ("activity_funds", "活動費", "活動費、会費、助成、補助"),
    ("information", "情報の届け方", "情報、周知、チラシ、広報"),
]


def seed(apps, schema_editor):
    IssueTheme = apps.get_model("councils", "IssueTheme")
    for order, (code, name, keywords) in enumerate(THEMES, start=1):
        IssueTheme.objects.update_or_create(
            code=code, defaults={"name": name, "keywords": keywords, "order": order}
        )


class Migration(migrations.Migration):
    dependencies = [("councils", "0002_issues_and_proposals")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
