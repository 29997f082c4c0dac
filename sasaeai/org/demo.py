"""Demo organisation: Musashino City (武蔵野市, 132039), its 13 towns and six areas.

The town-to-area mapping and the support centre names are illustrative, not the city's own.
"""

import json
import re
from decimal import Decimal
from pathlib import Path

from sasaeai.core.text import kanji_number

from . import services
from .models import Area, Municipality, SupportCenter

DATA = Path(__file__).parent / "data" / "musashino-town-blocks.json"

TOWN_KANA = {
    "吉祥寺東町": "キチジョウジヒガシチョウ",
    "吉祥寺南町": "キチジョウジミナミチョウ",
    "御殿山": "ゴテンヤマ",
    "吉祥寺本町": "キチジョウジホンチョウ",
    "吉祥寺北町": "キチジョウジキタマチ",
    "中町": "ナカチョウ",
    "西久保": "ニシクボ",
    "緑町": "ミドリチョウ",
    "八幡町": "ハチマンチョウ",
    "関前": "セキマエ",
    "境": "サカイ",
    "桜堤": "サクラヅツミ",
    "境南町": "キョウナンチョウ",
}

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
    data = json.loads(DATA.read_text(encoding="utf-8"))
    info = data["municipality"]
    municipality = Municipality.objects.filter(code=info["code"]).first()
    if municipality is None:
        municipality = services.municipality_create(
            code=info["code"], name=info["name"], name_kana="ムサシノシ"
        )
    blocks: dict[str, list[dict]] = {}
    for block in data["blocks"]:
        match = re.match(r"(.+?)([一二三四五六七八九十]+)丁目$", block["town_block"])
        blocks.setdefault(match.group(1), []).append(
            {**block, "number": kanji_number(match.group(2))}
        )

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
            town_blocks = blocks[town_name]
            lat = sum(Decimal(str(b["lat"])) for b in town_blocks) / len(town_blocks)
            lng = sum(Decimal(str(b["lng"])) for b in town_blocks) / len(town_blocks)
            town = services.town_upsert(
                municipality=municipality,
                name=town_name,
                name_kana=TOWN_KANA[town_name],
                area=area,
                postal_code=town_blocks[0]["zip"],
                latitude=lat.quantize(Decimal("0.000001")),
                longitude=lng.quantize(Decimal("0.000001")),
            )
            for b in town_blocks:
                services.town_block_upsert(
                    town=town,
                    number=b["number"],
                    latitude=Decimal(str(b["lat"])),
                    longitude=Decimal(str(b["lng"])),
                    postal_code=b["zip"],
                )
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
