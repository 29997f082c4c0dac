"""`__in` with numbers beyond the column's range (a thirty-digit id posted by a hostile form)
matches nothing instead of failing in the database (sasaeai/core/lookups.py)."""

import pytest

from sasaeai.accounts.models import User
from sasaeai.org.models import Area

pytestmark = pytest.mark.django_db


def test_out_of_range_numbers_in_an_in_list_match_nothing(musashino):
    a = Area.objects.filter(municipality=musashino).first()
    assert list(Area.objects.filter(pk__in=[10**30])) == []
    assert list(Area.objects.filter(pk__in=[a.pk, 10**30, -(10**30)])) == [a]
    assert list(User.objects.filter(areas__in=[10**30])) == []
    assert User.objects.filter(areas__in=[a.pk, 10**30]).exists()
    assert list(User.objects.filter(municipality__in=[10**30])) == []
    assert User.objects.filter(municipality__in=[musashino, 10**30]).exists()
