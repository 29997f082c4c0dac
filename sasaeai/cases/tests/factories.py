"""Factories for cases, referrals and stories."""

import datetime as dt

import factory

from sasaeai.accounts.models import tier_for_role
from sasaeai.cases.models import Case, CaseEntry, CaseStory, Referral, ReferralTransition
from sasaeai.org.tests.factories import AreaFactory


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    area = factory.SubFactory(AreaFactory)
    municipality = factory.SelfAttribute("area.municipality")
    number = factory.Sequence(lambda n: f"T-{n:04d}")
    coordinator = None
    # Stored as case_create stores it: the coordinator's tier when the case was written.
    tier = factory.LazyAttribute(lambda o: tier_for_role(getattr(o.coordinator, "role", None)))
    age = 73
    sex = "male"
    care_level = "support1"
    received_on = factory.LazyFunction(lambda: dt.date.today() - dt.timedelta(days=30))


class CaseEntryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseEntry

    case = factory.SubFactory(CaseFactory)
    kind = CaseEntry.Kind.CALL
    date = factory.LazyFunction(dt.date.today)
    text = "ケアマネジャーから電話"


class ReferralFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Referral
        # The first transition is a row of its own; the referral itself needs no second save.
        skip_postgeneration_save = True

    case = factory.SubFactory(CaseFactory)
    agency_name = "地域包括支援センター"

    @factory.post_generation
    def first_transition(self, create, extracted, **kwargs):
        if create:
            ReferralTransition.objects.create(
                referral=self, from_status="", to_status=self.status, date=self.status_on
            )


class CaseStoryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CaseStory

    area = factory.SubFactory(AreaFactory)
    municipality = factory.SelfAttribute("area.municipality")
    title = factory.Sequence(lambda n: f"事例{n}")
    consultation = "ケアマネジャーより相談があった。"
    response = "近くのサロンを紹介した。"
