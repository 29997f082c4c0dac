"""Factories for activity records. They write rows directly (no policy checks): use the
services in tests that exercise the paths users take."""

import datetime as dt

import factory

from sasaeai.accounts.tests.factories import UserFactory
from sasaeai.activities.models import (
    CalendarEntry,
    Channel,
    Consultation,
    ConsultationTopic,
    ConsulterType,
    Meeting,
    MeetingType,
    OtherActivity,
    OtherActivityKind,
    Visit,
)


class RecordFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    coordinator = factory.SubFactory(UserFactory, role="tier2")
    municipality = factory.SelfAttribute("coordinator.municipality")
    tier = factory.LazyAttribute(lambda o: 2 if o.coordinator.role == "tier2" else 1)
    area = factory.LazyAttribute(lambda o: o.coordinator.areas.first())
    date = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=1))


class VisitFactory(RecordFactory):
    class Meta:
        model = Visit

    # One destination: a named place unless a resource is given.
    service = None
    place_name = factory.LazyAttributeSequence(
        lambda visit, n: "" if visit.service else f"テスト訪問先{n}"
    )
    start_time = dt.time(10, 0)
    end_time = dt.time(11, 30)


class ConsultationFactory(RecordFactory):
    class Meta:
        model = Consultation
        skip_postgeneration_save = True

    consulter_type = ConsulterType.ACTIVIST
    channel = Channel.ON_SITE

    @factory.post_generation
    def topics(self, create, extracted, **kwargs):
        if create:
            self.topics.set(extracted or [ConsultationTopic.objects.order_by("order").first()])


class MeetingFactory(RecordFactory):
    class Meta:
        model = Meeting

    meeting_type = MeetingType.COMMUNITY_CARE
    title = factory.Sequence(lambda n: f"テスト会議{n}")


class OtherActivityFactory(RecordFactory):
    class Meta:
        model = OtherActivity

    kind = OtherActivityKind.TRAINING_ATTENDED
    title = factory.Sequence(lambda n: f"テスト研修{n}")


class CalendarEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CalendarEntry

    coordinator = factory.SubFactory(UserFactory, role="tier2")
    municipality = factory.SelfAttribute("coordinator.municipality")
    area = factory.LazyAttribute(lambda o: o.coordinator.areas.first())
    title = factory.Sequence(lambda n: f"テスト予定{n}")
    date = factory.LazyFunction(dt.date.today)
    start_time = dt.time(10, 0)
    end_time = dt.time(12, 0)
