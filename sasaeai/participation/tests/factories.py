"""Factories for participation tests: records, population datasets and counts, uploads."""

import datetime as dt

import factory

from sasaeai.org.tests.factories import MunicipalityFactory, TownFactory
from sasaeai.participation.models import (
    ParticipationRecord,
    ParticipationUpload,
    PopulationCount,
    PopulationDataset,
    PopulationUpload,
)
from sasaeai.participation.workbook import template_workbook
from sasaeai.resources.tests.factories import LocationFactory, ServiceFactory


def service_in(town, **kwargs):
    """A service at a location in `town` (at the town's point unless told otherwise)."""
    location_kwargs = {
        key[len("location__") :]: kwargs.pop(key)
        for key in list(kwargs)
        if key.startswith("location__")
    }
    location = LocationFactory(town=town, area=town.area, **location_kwargs)
    return ServiceFactory(location=location, **kwargs)


class ParticipationRecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ParticipationRecord

    service = factory.LazyFunction(lambda: service_in(TownFactory()))
    municipality = factory.SelfAttribute("service.municipality")
    area = factory.SelfAttribute("service.area")
    month = dt.date(2026, 4, 1)
    participants = 20
    attendances = 60
    aged_65_plus = 18
    source = ParticipationRecord.Source.STAFF


class PopulationDatasetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationDataset

    municipality = factory.SubFactory(MunicipalityFactory)
    as_of = dt.date(2026, 1, 1)
    source_name = "テスト人口.csv"


class PopulationCountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationCount

    dataset = factory.SubFactory(PopulationDatasetFactory)
    town = factory.SubFactory(TownFactory)
    age_from = 65
    age_to = 69
    count = 100


class PopulationUploadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PopulationUpload

    municipality = factory.SelfAttribute("uploaded_by.municipality")
    file_name = "人口.csv"
    kind = "csv"
    content = "町丁名,65～69歳,70歳以上\n".encode()
    as_of = dt.date(2026, 1, 1)


class ParticipationUploadFactory(factory.django.DjangoModelFactory):
    """A pending organiser sheet (an empty template: nothing to import, previewed as such)."""

    class Meta:
        model = ParticipationUpload

    municipality = factory.SelfAttribute("uploaded_by.municipality")
    file_name = "参加実績.xlsx"
    content = factory.LazyFunction(
        lambda: template_workbook(
            municipality_name="テスト市", places=[], months=[dt.date(2026, 1, 1)]
        )
    )
