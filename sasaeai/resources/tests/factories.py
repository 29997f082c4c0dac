"""Factories for the resource database. Services built here get their search columns filled
(as services.service_create does), so searches in tests see them."""

import factory

from sasaeai.org.tests.factories import TownFactory
from sasaeai.resources.models import (
    Category,
    Location,
    Organization,
    Schedule,
    Service,
    Synonym,
)
from sasaeai.resources.services import service_reindex


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    municipality = factory.SubFactory("sasaeai.org.tests.factories.MunicipalityFactory")
    name = factory.Sequence(lambda n: f"テスト団体{n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    town = factory.SubFactory(TownFactory)
    municipality = factory.SelfAttribute("town.municipality")
    name = factory.Sequence(lambda n: f"テスト会館{n}")
    latitude = factory.SelfAttribute("town.latitude")
    longitude = factory.SelfAttribute("town.longitude")
    is_approximate = True


class ServiceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Service
        skip_postgeneration_save = True

    location = factory.SubFactory(LocationFactory)
    municipality = factory.SelfAttribute("location.municipality")
    name = factory.Sequence(lambda n: f"テストサロン{n}")
    status = Service.Status.ACTIVE

    @factory.post_generation
    def categories(self, create, extracted, **kwargs):
        if create and extracted:
            self.categories.set(extracted)

    @factory.post_generation
    def target_groups(self, create, extracted, **kwargs):
        if create and extracted:
            self.target_groups.set(extracted)

    @factory.post_generation
    def reindex(self, create, extracted, **kwargs):
        if create:
            service_reindex(service=self)


class ScheduleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Schedule

    service = factory.SubFactory(ServiceFactory)
    freq = Schedule.Freq.WEEKLY
    byday = "TU"


class SynonymFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Synonym

    terms = "カラオケ、歌"


def category(code: str) -> Category:
    return Category.objects.get(code=code)


def public_named_services(town, names) -> list[Service]:
    """Public, consented services in a town, one per (name, ふりがな, description): the
    search tests' words in names, readings and descriptions."""
    return [
        ServiceFactory(
            location=LocationFactory(town=town),
            name=name,
            name_kana=kana,
            description=description,
            is_public=True,
            publication_consent=True,
        )
        for name, kana, description in names
    ]
