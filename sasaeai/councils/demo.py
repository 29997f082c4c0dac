"""Demo councils for Musashino: the tier-1 council and each area's community care meeting."""

from sasaeai.org.models import Area, Municipality

from .models import Council


def load(municipality: Municipality) -> None:
    Council.objects.get_or_create(
        municipality=municipality,
        kind=Council.Kind.PROMOTION_COUNCIL,
        defaults={
            "tier": 1,
            "name": "武蔵野市地域包括ケア推進協議会",
            "description": "第1層協議体。地域包括支援センター運営協議会を発展・拡充したもの。",
        },
    )
    Council.objects.get_or_create(
        municipality=municipality,
        kind=Council.Kind.LIAISON_MEETING,
        defaults={
            "tier": 1,
            "name": "生活支援コーディネーター連携会議",
            "description": "第1層・第2層のコーディネーターが地域課題の意見を集約する。",
        },
    )
    for area in Area.objects.filter(municipality=municipality):
        Council.objects.get_or_create(
            municipality=municipality,
            kind=Council.Kind.COMMUNITY_CARE_MEETING,
            area=area,
            defaults={
                "tier": 2,
                "name": f"地域ケア会議（{area.name}）",
                "description": "第2層協議体に相当する会議。各エリア年2回。",
            },
        )
