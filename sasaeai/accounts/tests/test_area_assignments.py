"""Coordinators' area assignments have dates: the administrator's change on the user page
closes the old assignment (kept in the history) instead of overwriting it, the page shows the
history, and access follows the current assignments only."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from sasaeai.accounts import policy, services
from sasaeai.accounts.models import AreaAssignment, PastAreaAssignment, Role, User
from sasaeai.org.models import Area

pytestmark = pytest.mark.django_db


def _areas(musashino) -> list[Area]:
    return list(Area.objects.filter(municipality=musashino).order_by("order"))


def _edit(client, user: User, areas: list[Area], day: dt.date | None):
    return client.post(
        f"/accounts/users/{user.pk}/",
        {
            "username": user.username,
            "display_name": user.display_name,
            "role": Role.TIER2,
            "areas": [a.pk for a in areas],
            "areas_from": day.isoformat() if day else "",
            "is_active": "on",
        },
    )


def test_the_user_page_closes_an_assignment_and_shows_the_history(client, musashino):
    first, second, third = _areas(musashino)[:3]
    coordinator = User.objects.get(username="tier2-1")
    assert list(coordinator.areas.all()) == [first]
    assert AreaAssignment.objects.get(user=coordinator).valid_from == dt.date(2016, 4, 1)
    client.force_login(User.objects.get(username="admin"))

    response = _edit(client, coordinator, [second, third], dt.date(2024, 4, 1))
    assert response.status_code == 302, response.content.decode()

    # Access follows the current areas; the ended one is kept with its dates.
    coordinator = User.objects.get(pk=coordinator.pk)
    assert set(coordinator.areas.all()) == {second, third}
    assert policy.area_ids(coordinator) == {second.pk, third.pk}
    ended = PastAreaAssignment.objects.get(user=coordinator)
    assert (ended.area, ended.valid_from, ended.valid_until) == (
        first,
        dt.date(2016, 4, 1),
        dt.date(2024, 3, 31),
    )
    assert {a.valid_from for a in AreaAssignment.objects.filter(user=coordinator)} == {
        dt.date(2024, 4, 1)
    }
    page = client.get(f"/accounts/users/{coordinator.pk}/").content.decode()
    assert "担当圏域の履歴" in page
    assert f"{first.name}（平成28年4月1日〜令和6年3月31日）" in page
    assert f"{second.name}（令和6年4月1日〜現在）" in page

    # Leaving the date blank changes the areas today.
    response = _edit(client, coordinator, [third], None)
    assert response.status_code == 302
    today = timezone.localdate()
    ended = PastAreaAssignment.objects.get(user=coordinator, area=second)
    assert ended.valid_until == today - dt.timedelta(days=1)
    assert list(User.objects.get(pk=coordinator.pk).areas.all()) == [third]


def test_a_change_in_the_future_or_before_the_assignment_began_is_refused(client, musashino):
    _, second = _areas(musashino)[:2]
    coordinator = User.objects.get(username="tier2-1")
    client.force_login(User.objects.get(username="admin"))
    tomorrow = timezone.localdate() + dt.timedelta(days=1)
    response = _edit(client, coordinator, [second], tomorrow)
    assert response.status_code == 400
    assert "未来の日付は指定できません" in response.content.decode()
    response = _edit(client, coordinator, [second], dt.date(2015, 4, 1))
    assert response.status_code == 400
    assert "担当開始日（平成28年4月1日）より前の日付では変更できません" in response.content.decode()
    assert not PastAreaAssignment.objects.filter(user=coordinator).exists()


def test_an_assignment_begun_and_ended_the_same_day_leaves_no_history(musashino):
    first, second = _areas(musashino)[:2]
    coordinator = services.user_create(
        username="new-tier2",
        password=None,
        municipality=musashino,
        role=Role.TIER2,
        areas=[first],
        display_name="新任 一",
    )
    services.area_assignments_change(user=coordinator, areas=[second])
    assert not PastAreaAssignment.objects.filter(user=coordinator).exists()
    assert list(coordinator.areas.all()) == [second]


def test_the_history_cannot_run_backwards(musashino):
    area = _areas(musashino)[0]
    user = User.objects.get(username="tier2-1")
    with pytest.raises(ValidationError):
        PastAreaAssignment(
            user=user,
            area=area,
            valid_from=dt.date(2020, 4, 1),
            valid_until=dt.date(2019, 3, 31),
        ).full_clean()
