"""Seeds the consultation topics (相談内容) from the seed's table (武蔵野市 平成27年度上半期)
and the issue's list. Administrators add, rename or retire topics afterwards."""

from django.db import migrations

TOPICS = [
    ("care-insurance-facilities", "介護保険・福祉施設"),
    ("individual-case", "個別ケース"),
    ("lecturer", "講座やイベントの講師"),
    ("activity-funds", "活動費"),
    ("other-regions", "他地域の取組"),
    ("programme", "プログラム内容"),
    ("dementia", "認知症"),
    ("regional-issues-resources", "地域課題・社会資源"),
    ("activity-venue", "活動場所の確保"),
    ("vacant-houses", "空き家の活用"),
    ("public-assistance", "生活保護"),
    ("consumer-fraud", "消費者被害"),
    ("living-will", "リビングウィル"),
    ("my-number", "マイナンバー"),
    ("volunteer-request", "ボランティア依頼"),
    ("informal-services", "インフォーマルサービスへの紹介"),
    ("community-programmes", "地域向け事業"),
    ("comprehensive-programme", "総合事業"),
    ("gathering-places", "通いの場・サロン・テンミリオンハウス"),
    ("volunteering", "ボランティア活動への参加"),
    ("community-activities", "地域活動"),
    ("other", "その他"),
]


def seed(apps, schema_editor):
    Topic = apps.get_model("activities", "ConsultationTopic")
    for order, (code, name) in enumerate(TOPICS, start=1):
        Topic.objects.get_or_create(code=code, defaults={"name": name, "order": order * 10})


def unseed(apps, schema_editor):
    Topic = apps.get_model("activities", "ConsultationTopic")
    Topic.objects.filter(code__in=[code for code, _ in TOPICS], consultations__isnull=True).delete()


class Migration(migrations.Migration):
    dependencies = [("activities", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
