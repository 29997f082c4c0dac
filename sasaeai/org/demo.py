"""Demo organisation: Musashino City (武蔵野市, 132039), its 13 towns and six areas.

The towns, 丁目 and points come from the shipped gazetteer, as for any municipality
(`services.municipality_create_from_code`). The town-to-area mapping and the support centre
names are illustrative, not the city's own.
"""

from . import services
from .models import Area, Municipality, SupportCenter, Town

# Japan Post reads 八幡町 ヤハタチョウ; the city's own pages, and the demo's resources, read it
# ハチマンチョウ.
TOWN_KANA = {"八幡町": "ハチマンチョウ"}

# (area name, kana, towns) in area order: tier2-1 … tier2-6 follow this order.
AREAS = [
    ("吉祥寺東・南エリア", "キチジョウジヒガシミナミ", ["吉祥寺東町", "吉祥寺南町", "御殿山"]),
    ("吉祥寺北・本町エリア", "キチジョウジキタホンチョウ", ["吉祥寺本町", "吉祥寺北町"]),
    ("中央エリア", "チュウオウ", ["中町", "西久保", "緑町"]),
    ("八幡町・関前エリア", "ハチマンチョウセキマエ", ["八幡町", "関前"]),
    ("境・桜堤エリア", "サカイサクラヅツミ", ["境", "桜堤"]),
    ("境南エリア", "キョウナン", ["境南町"]),
]


def load() -> Municipality:
    municipality, _, _ = services.municipality_create_from_code(code="132039")
    towns = {t.name: t for t in Town.objects.filter(municipality=municipality)}
    for name, kana in TOWN_KANA.items():
        if towns[name].name_kana != kana:
            towns[name].name_kana = kana
            towns[name].save(update_fields=["name_kana", "updated_at"])
    for order, (name, kana, town_names) in enumerate(AREAS, start=1):
        area, _ = Area.objects.get_or_create(
            municipality=municipality,
            name=name,
            defaults={
                "name_kana": kana,
                "order": order,
                "description": "デモ用の圏域です（町の割り当ては説明のための仮のものです）。",
            },
        )
        for town_name in town_names:
            if towns[town_name].area_id != area.pk:
                services.town_assign_area(town=towns[town_name], area=area)
        SupportCenter.objects.get_or_create(
            municipality=municipality,
            area=area,
            kind=SupportCenter.Kind.HOME_CARE,
            defaults={
                "name": f"{name.removesuffix('エリア')}在宅介護支援センター（デモ）",
                "also_community_center": True,
            },
        )
    SupportCenter.objects.get_or_create(
        municipality=municipality,
        area=None,
        kind=SupportCenter.Kind.CORE,
        defaults={
            "name": "武蔵野市基幹型地域包括支援センター",
            "address": "東京都武蔵野市緑町2-2-28（市役所 高齢者支援課）",
        },
    )
    return municipality
