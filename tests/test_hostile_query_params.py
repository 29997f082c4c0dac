"""Hostile values in the query strings of list pages and the search API (found by the
schemathesis fuzz: a superscript digit "¹" passes str.isdigit() but not int(); a thirty-digit
id reached the database): never a server error."""

import pytest
from django.test import Client

from sasaeai.accounts.models import User

pytestmark = pytest.mark.django_db

HUGE = "999999999999999999999999999999"
HOSTILE = [HUGE, "¹", "١٢", "-1", "0", "１２", "<script>", "' OR 1=1 --"]


def client_for(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


@pytest.mark.parametrize("value", HOSTILE)
@pytest.mark.parametrize(
    ("username", "path"),
    [
        ("tier2-1", "/cases/?area={v}"),
        ("tier1", "/councils/?area={v}&theme={v}"),
        ("tier2-1", "/activities/visits/new/?service={v}"),
        ("tier2-1", "/activities/consultations/new/?visit={v}&referral_service={v}"),
        ("tier1", "/api/v1/resources?weekday={v}&q=体操"),
        ("tier1", "/api/v1/resources?near_town={v}&radius=1000"),
    ],
)
def test_hostile_query_values_never_cause_a_server_error(musashino, username, path, value):
    response = client_for(username).get(path.format(v=value))
    assert response.status_code < 500, (path, value, response.status_code)
