"""Factories for councils, regional issues, meetings on their agenda and proposals."""

import datetime as dt

import factory

from sasaeai.activities.models import Consultation, Meeting, MeetingType
from sasaeai.councils.models import (
    AgendaItem,
    Council,
    CouncilMember,
    IssueEvidence,
    IssueStatus,
    Proposal,
    Recommendation,
    RegionalIssue,
)


class CouncilFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Council

    tier = 2
    kind = Council.Kind.COMMUNITY_CARE_MEETING
    name = factory.Sequence(lambda n: f"地域ケア会議{n}")


class CouncilMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CouncilMember

    council = factory.SubFactory(CouncilFactory)
    name = factory.Sequence(lambda n: f"委員{n}")
    organisation = "コミュニティ協議会"
    term_start = dt.date(2025, 4, 1)


class RegionalIssueFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegionalIssue
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"地域課題{n}")
    description = "集いの場が足りない"
    raised_on = dt.date(2025, 4, 1)
    status = IssueStatus.IDENTIFIED
    status_changed_on = dt.date(2025, 4, 1)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if create and extracted:
            self.areas.set(extracted)


class MeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Meeting

    tier = 2
    date = dt.date(2025, 5, 1)
    meeting_type = MeetingType.COMMUNITY_CARE
    title = factory.Sequence(lambda n: f"地域ケア会議（第{n}回）")


class ConsultationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Consultation

    tier = 2
    date = dt.date(2025, 5, 1)
    consulter_type = "elderly"
    channel = "phone"
    referral = "none"


class AgendaItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AgendaItem


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    title = factory.Sequence(lambda n: f"政策提言{n}")


class RecommendationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Recommendation

    proposal = factory.SubFactory(ProposalFactory)
    order = 1
    text = "集いの場を増やす"


class IssueEvidenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = IssueEvidence
