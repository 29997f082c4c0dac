"""Fixtures for the cases tests: the demo organisation and a few resources placed in real
Musashino towns, near 境南町 and 吉祥寺東町."""

import datetime as dt
from decimal import Decimal

import pytest

from sasaeai.accounts.models import User
from sasaeai.org.models import Area, Town
from sasaeai.resources.models import Schedule, Service, TargetGroup
from sasaeai.resources.tests.factories import LocationFactory, ServiceFactory, category


def _service(town: Town, name: str, *, offset=(0.0, 0.0), schedule="TU", **kwargs) -> Service:
    location = LocationFactory(
        town=town,
        municipality=town.municipality,
        latitude=(town.latitude + Decimal(str(offset[0]))).quantize(Decimal("0.000001")),
        longitude=(town.longitude + Decimal(str(offset[1]))).quantize(Decimal("0.000001")),
    )
    targets = kwargs.pop("targets", [])
    service = ServiceFactory(location=location, municipality=town.municipality, name=name, **kwargs)
    if targets:
        service.target_groups.set(TargetGroup.objects.filter(code__in=targets))
        from sasaeai.resources.services import service_reindex

        service_reindex(service=service)
    if schedule:
        Schedule.objects.create(
            service=service,
            freq=Schedule.Freq.WEEKLY,
            byday=schedule,
            opens_at=dt.time(10, 0),
            closes_at=dt.time(15, 0),
        )
    return service


@pytest.fixture
def world(musashino):
    """Towns, areas, users and five services around 境南町 (area 6) and one in 吉祥寺東町."""
    kyonan = Town.objects.get(municipality=musashino, name="境南町")
    higashi = Town.objects.get(municipality=musashino, name="吉祥寺東町")
    services = {
        "ten_million": _service(
            kyonan,
            "テンミリオンハウス境南",
            description="ミニデイ。昼食を一緒に食べ、ビデオ体操をする。手伝ってくれる方も歓迎。",
            categories=[category("salon-miniday"), category("dining-community")],
            welcomes_volunteers=True,
            targets=["older-general", "support-needed"],
            offset=(0.002, 0.0),
        ),
        "karaoke": _service(
            kyonan,
            "老人クラブ境南 カラオケの会",
            description="月例のカラオケ大会。",
            categories=[category("hobby-music")],
            schedule="TH",
            targets=["older-general", "men"],
            offset=(-0.003, 0.002),
        ),
        "choir": _service(
            kyonan,
            "境南コーラス",
            description="みんなで合唱を楽しむサークル。",
            categories=[category("hobby-music")],
            schedule="FR",
            offset=(0.004, -0.002),
        ),
        "shogi": _service(
            kyonan,
            "将棋の会",
            description="将棋と囲碁。",
            categories=[category("hobby-games")],
            schedule="MO",
            offset=(0.001, 0.001),
        ),
        "closed": _service(
            kyonan,
            "休止中のカラオケサロン",
            description="カラオケ",
            status=Service.Status.PAUSED,
            offset=(0.0, 0.0),
        ),
        "far": _service(
            higashi,
            "吉祥寺東カラオケ",
            description="カラオケ",
            categories=[category("hobby-music")],
        ),
    }
    users = {u.username: u for u in User.objects.filter(municipality=musashino)}
    areas = list(Area.objects.filter(municipality=musashino).order_by("order"))
    return {
        "municipality": musashino,
        "kyonan": kyonan,
        "higashi": higashi,
        "services": services,
        "users": users,
        "areas": areas,
    }
