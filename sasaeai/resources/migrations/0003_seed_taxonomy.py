"""Seeds the managed lists: the MHLW 通いの場 typology (活動・運営・場所) plus the life-support
service kinds (買い物・移動支援, 見守り, 相談 …), target groups and sensible synonyms.
Administrators edit them afterwards; this migration never overwrites an edited entry."""

from django.db import migrations

# (code, name, kana, survey label, colour, symbol, children [(code, name, kana)])
ACTIVITIES = [
    ("exercise", "体操・運動", "タイソウウンドウ", "体操（運動）", "#1565C0", "体", [
        ("exercise-gymnastics", "健康体操・ストレッチ", "ケンコウタイソウストレッチ"),
        ("exercise-walking", "ウォーキング・散歩", "ウォーキングサンポ"),
        ("exercise-dance", "ダンス・太極拳", "ダンスタイキョクケン"),
    ]),
    ("dining", "会食", "カイショク", "会食", "#C62828", "食", [
        ("dining-community", "地域食堂・食事会", "チイキショクドウショクジカイ"),
        ("dining-delivery", "配食", "ハイショク"),
    ]),
    ("salon", "茶話会・サロン", "サワカイサロン", "茶話会", "#EF6C00", "茶", [
        ("salon-cafe", "コミュニティカフェ", "コミュニティカフェ"),
        ("salon-miniday", "ミニデイ・居場所", "ミニデイイバショ"),
    ]),
    ("dementia", "認知症予防", "ニンチショウヨボウ", "認知症予防", "#6A1B9A", "認", [
        ("dementia-cafe", "認知症カフェ", "ニンチショウカフェ"),
        ("dementia-brain", "脳トレ・頭の体操", "ノウトレアタマノタイソウ"),
    ]),
    ("hobby", "趣味活動", "シュミカツドウ", "趣味活動", "#2E7D32", "趣", [
        ("hobby-music", "カラオケ・音楽", "カラオケオンガク"),
        ("hobby-craft", "手芸・工作", "シュゲイコウサク"),
        ("hobby-games", "囲碁・将棋・麻雀", "イゴショウギマージャン"),
        ("hobby-arts", "書道・絵画・写真", "ショドウカイガシャシン"),
    ]),
    ("farming", "農作業", "ノウサギョウ", "農作業", "#827717", "農", [
        ("farming-garden", "園芸・花壇", "エンゲイカダン"),
    ]),
    ("learning", "生涯学習", "ショウガイガクシュウ", "生涯学習", "#00838F", "学", [
        ("learning-course", "講座・教室", "コウザキョウシツ"),
        ("learning-digital", "スマホ・パソコン", "スマホパソコン"),
    ]),
    ("volunteer", "ボランティア活動", "ボランティアカツドウ", "ボランティア活動", "#AD1457", "ボ", []),
    ("work", "就労的活動", "シュウロウテキカツドウ", "就労的活動", "#4E342E", "働", []),
    ("intergenerational", "多世代交流", "タセダイコウリュウ", "多世代交流", "#283593", "多", []),
    ("shopping-mobility", "買い物・移動支援", "カイモノイドウシエン", "", "#00695C", "移", [
        ("shopping-support", "買い物支援", "カイモノシエン"),
        ("mobility-support", "外出・移動支援", "ガイシュツイドウシエン"),
    ]),
    ("watching", "見守り", "ミマモリ", "", "#37474F", "見", []),
    ("consultation", "相談", "ソウダン", "", "#5D4037", "相", []),
    ("carer-support", "介護者支援", "カイゴシャシエン", "", "#880E4F", "介", []),
    ("housework", "家事援助", "カジエンジョ", "", "#33691E", "家", []),
    ("other", "その他", "ソノタ", "", "#616161", "他", []),
]

OPERATORS = [
    ("op-resident", "住民個人（有志・ボランティア等）", "ジュウミンコジン"),
    ("op-resident-group", "住民団体（自治会、NPO法人等）", "ジュウミンダンタイ"),
    ("op-gov-prevention", "行政（介護予防担当部局）", "ギョウセイカイゴヨボウ"),
    ("op-gov-other", "行政（介護予防担当部局以外）", "ギョウセイ"),
    ("op-social-welfare-council", "社会福祉協議会", "シャカイフクシキョウギカイ"),
    ("op-professional", "専門職団体", "センモンショクダンタイ"),
    ("op-medical", "医療機関", "イリョウキカン"),
    ("op-care", "介護関係施設・事業所", "カイゴカンケイシセツジギョウショ"),
    ("op-company", "民間企業", "ミンカンキギョウ"),
    ("op-other", "その他", "ソノタ"),
]

PLACES = [
    ("place-home", "個人宅・空き家", "コジンタクアキヤ"),
    ("place-hall", "公民館・自治会館・集会所", "コウミンカンジチカイカンシュウカイジョ"),
    ("place-park", "公園", "コウエン"),
    ("place-farm", "農園", "ノウエン"),
    ("place-school", "学校・廃校", "ガッコウハイコウ"),
    ("place-medical", "医療機関の空きスペース", "イリョウキカンノアキスペース"),
    ("place-care", "介護関係施設・事業所の空きスペース", "カイゴカンケイシセツ"),
    ("place-shop", "店舗の空きスペース・空き店舗", "テンポ"),
    ("place-other", "その他", "ソノタ"),
]

TARGETS = [
    ("older-general", "高齢者一般", "高齢の方どなたでも"),
    ("support-needed", "要支援・要介護の方", "介護や支援が必要な方"),
    ("dementia", "認知症の方とご家族", "認知症の方とご家族"),
    ("family-carers", "家族介護者", "介護をしているご家族"),
    ("men", "男性", "男性の方"),
    ("living-alone", "一人暮らしの高齢者", "一人暮らしの方"),
    ("all-generations", "多世代（どなたでも）", "年齢を問わずどなたでも"),
]

SYNONYMS = [
    "カラオケ、歌、うた、歌声",
    "サロン、居場所、つどいの場、通いの場、集いの場、たまり場",
    "体操、運動、エクササイズ",
    "食堂、会食、食事会、ランチ",
    "カフェ、喫茶、茶話会、お茶会",
    "麻雀、マージャン",
    "手芸、編み物、裁縫",
    "散歩、ウォーキング",
    "脳トレ、認知症予防、頭の体操",
    "買い物、買物",
    "移動支援、外出支援、送迎",
    "見守り、安否確認",
    "介護者、家族介護者、介護家族",
    "畑、農作業、菜園、園芸",
    "音楽、合唱、歌",
    "スマホ、スマートフォン、携帯電話",
    "パソコン、PC",
    "テンミリオンハウス、テンミリ",
    "コミュニティセンター、コミセン",
    "デイ、デイサービス、ミニデイ",
]


def seed(apps, schema_editor):
    Category = apps.get_model("resources", "Category")
    TargetGroup = apps.get_model("resources", "TargetGroup")
    Synonym = apps.get_model("resources", "Synonym")
    for order, (code, name, kana, survey, colour, symbol, children) in enumerate(ACTIVITIES):
        parent, _ = Category.objects.get_or_create(
            code=code,
            defaults={
                "axis": "activity",
                "name": name,
                "name_kana": kana,
                "survey_label": survey,
                "color": colour,
                "symbol": symbol,
                "order": order * 10,
            },
        )
        for child_order, (child_code, child_name, child_kana) in enumerate(children, start=1):
            Category.objects.get_or_create(
                code=child_code,
                defaults={
                    "axis": "activity",
                    "name": child_name,
                    "name_kana": child_kana,
                    "parent": parent,
                    "order": order * 10 + child_order,
                },
            )
    for axis, items in (("operator", OPERATORS), ("place", PLACES)):
        for order, (code, name, kana) in enumerate(items):
            Category.objects.get_or_create(
                code=code,
                defaults={
                    "axis": axis,
                    "name": name,
                    "name_kana": kana,
                    "survey_label": name if code not in ("op-other",) else "",
                    "order": order,
                },
            )
    for order, (code, name, public_label) in enumerate(TARGETS):
        TargetGroup.objects.get_or_create(
            code=code, defaults={"name": name, "public_label": public_label, "order": order}
        )
    if not Synonym.objects.exists():
        Synonym.objects.bulk_create([Synonym(terms=terms) for terms in SYNONYMS])


class Migration(migrations.Migration):
    dependencies = [("resources", "0002_search_index")]

    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
