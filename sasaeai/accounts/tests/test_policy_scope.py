"""The municipalities a user reads (policy.municipality_ids): one's own, or for the
prefecture-wide reader (広域閲覧) every municipality whose code starts with its prefecture's
two digits. Its statement is compiled once per connection (core.prepared) as a range of codes;
this checks it against the plain `code__startswith` for readers in several prefectures, among
municipalities of neighbouring prefectures and at both ends of the code range."""

import pytest

from sasaeai.accounts import policy
from sasaeai.accounts.models import Role
from sasaeai.org.models import Municipality
from sasaeai.org.validators import local_government_check_digit

from .factories import UserFactory

pytestmark = pytest.mark.django_db

# First five digits of municipality codes: 北海道, 青森県, 東京都 (2), 神奈川県, 沖縄県, and the
# first and last code a prefecture's digits can start (10000, 19999 against 13xxx / 20xxx).
FIRST_FIVE = ["01100", "02201", "13101", "13203", "14100", "47201", "10000", "19999", "20000"]


@pytest.fixture
def municipalities() -> list[Municipality]:
    return [
        Municipality.objects.create(
            code=five + str(local_government_check_digit(five)), name=f"テスト{five}"
        )
        for five in FIRST_FIVE
    ]


def test_a_prefecture_wide_reader_reads_the_municipalities_of_its_prefecture(municipalities):
    for home in municipalities:
        reader = UserFactory(municipality=home, role=Role.REGIONAL)
        expected = list(
            Municipality.objects.filter(code__startswith=home.code[:2]).values_list("id", flat=True)
        )
        # Twice: compiled the first time, the kept statement the second.
        assert policy.municipality_ids(reader) == expected, home.code
        assert policy.municipality_ids(reader) == expected, home.code
        assert home.pk in expected


def test_staff_read_their_own_municipality_only(municipalities):
    home = municipalities[2]
    for role in (Role.TIER1, Role.TIER2, Role.ADMIN):
        assert policy.municipality_ids(UserFactory(municipality=home, role=role)) == [home.pk]
