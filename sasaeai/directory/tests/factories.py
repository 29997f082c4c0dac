"""Factories for the living directory."""

import factory

from sasaeai.directory.models import Proposal
from sasaeai.directory.services import link_create
from sasaeai.resources.tests.factories import ServiceFactory


class ProposalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Proposal

    service = factory.SubFactory(ServiceFactory)
    municipality = factory.SelfAttribute("service.municipality")
    area = factory.LazyAttribute(lambda o: o.service.area if o.service else None)
    kind = Proposal.Kind.CHANGE
    proposer = Proposal.Proposer.ORGANISER
    changes = factory.LazyFunction(lambda: {"fees_description": "1回200円"})


def issued_link(service, *, days: int | None = None):
    """A live organiser link of the service: (link, secret)."""
    if not service.publication_consent:
        service.publication_consent = True
        service.save(update_fields=["publication_consent"])
    return link_create(service=service, user=None, days=days)
