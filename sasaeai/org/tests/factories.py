"""Factories for the organisation: municipalities with valid codes, areas, towns."""

from decimal import Decimal

import factory

from sasaeai.org.models import Area, Municipality, SupportCenter, Town, TownBlock
from sasaeai.org.validators import local_government_check_digit

_CODES = iter(range(13101, 13999))


def _next_code() -> str:
    first_five = f"{next(_CODES):05d}"
    return first_five + str(local_government_check_digit(first_five))


class MunicipalityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Municipality

    code = factory.LazyFunction(_next_code)
    name = factory.Sequence(lambda n: f"テスト{n}市")


class AreaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Area

    municipality = factory.SubFactory(MunicipalityFactory)
    name = factory.Sequence(lambda n: f"第{n}エリア")
    order = factory.Sequence(int)


class TownFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Town

    area = factory.SubFactory(AreaFactory)
    municipality = factory.SelfAttribute("area.municipality")
    name = factory.Sequence(lambda n: f"テスト町{n}")
    latitude = Decimal("35.700000")
    longitude = Decimal("139.570000")


class TownBlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = TownBlock

    town = factory.SubFactory(TownFactory)
    number = 1
    latitude = Decimal("35.700100")
    longitude = Decimal("139.570100")


class SupportCenterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupportCenter

    area = factory.SubFactory(AreaFactory)
    municipality = factory.SelfAttribute("area.municipality")
    kind = SupportCenter.Kind.HOME_CARE
    name = factory.Sequence(lambda n: f"テスト在宅介護支援センター{n}")
