"""Factories for users of each role."""

import factory

from sasaeai.accounts.models import Role, User
from sasaeai.org.tests.factories import AreaFactory, MunicipalityFactory

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    display_name = factory.Sequence(lambda n: f"利用者 {n}")
    municipality = factory.SubFactory(MunicipalityFactory)
    role = Role.TIER1
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def areas(self, create, extracted, **kwargs):
        if not create:
            return
        if extracted:
            self.areas.set(extracted)
        elif self.role == Role.TIER2:
            self.areas.set([AreaFactory(municipality=self.municipality)])
        self.save()
