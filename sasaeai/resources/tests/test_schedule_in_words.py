"""Editing a resource shows its schedules in words (issue 21): 「第2・第4金曜 13:30〜15:00」,
never the stored codes 「2FR,4FR」; the days can be typed back in words; the かんたん入力
help promises only what the form does (the phrase is saved as written)."""

import datetime as dt
import re

import pytest
from django.urls import reverse

from sasaeai.accounts.models import User
from sasaeai.resources.models import Schedule

from .factories import LocationFactory, ScheduleFactory, ServiceFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def tier1(client, musashino):
    user = User.objects.get(username="tier1")
    client.force_login(user)
    return user


@pytest.fixture
def salon(musashino):
    service = ServiceFactory(
        municipality=musashino, location=LocationFactory(municipality=musashino), name="金曜サロン"
    )
    ScheduleFactory(
        service=service,
        freq=Schedule.Freq.MONTHLY,
        byday="2FR,4FR",
        opens_at=dt.time(13, 30),
        closes_at=dt.time(15, 0),
        closed_on_holidays=True,
    )
    return service


def _visible(html: str) -> str:
    """The page's text and the values of its inputs (what the user sees), without markup."""
    values = " ".join(
        re.search(r'value="([^"]*)"', tag).group(1)
        for tag in re.findall(r"<input[^>]*>", html)
        if 'value="' in tag and not re.search(r'type="(checkbox|radio|hidden)"', tag)
    )
    text = re.sub(r"<script.*?</script>|<[^>]+>", " ", html, flags=re.S)
    return text + " " + values


def test_the_edit_form_shows_the_schedule_in_words_not_codes(client, tier1, salon):
    html = client.get(reverse("resources:edit", args=[salon.pk])).content.decode()
    seen = _visible(html)
    assert "第2・第4金曜 13:30〜15:00" in seen
    assert 'value="第2・第4金曜"' in html  # the days field, in words
    assert not re.search(r"\b-?\d?(MO|TU|WE|TH|FR|SA|SU)\b", seen), "day codes on the page"
    assert "2FR" not in seen and "反映します" not in seen


def test_days_typed_in_words_are_saved(client, tier1, salon):
    page = client.get(reverse("resources:edit", args=[salon.pk])).content.decode()
    form = page.split('<form method="post"', 1)[1].split("</form>", 1)[0]
    data: dict[str, list[str]] = {}
    for tag in re.findall(r"<(?:input|select|textarea)[^>]*>", form):
        name = re.search(r'name="([^"]+)"', tag)
        if not name:
            continue
        kind = re.search(r'type="([^"]+)"', tag)
        kind = kind.group(1) if kind else ""
        if kind in ("checkbox", "radio") and "checked" not in tag:
            continue
        value = re.search(r'value="([^"]*)"', tag)
        data.setdefault(name.group(1), []).append(value.group(1) if value else "")
    for select in re.finditer(r'<select name="([^"]+)".*?</select>', form, re.S):
        chosen = re.findall(r'<option value="([^"]*)"[^>]*selected', select.group(0))
        data[select.group(1)] = chosen
    for area in re.finditer(r'<textarea name="([^"]+)"[^>]*>(.*?)</textarea>', form, re.S):
        data[area.group(1)] = [area.group(2).strip()]
    data["schedules-0-byday"] = ["第1・第3木曜"]
    response = client.post(reverse("resources:edit", args=[salon.pk]), data)
    assert response.status_code == 302, re.findall(
        r'class="errorlist[^"]*">(.*?)</ul>', response.content.decode(), re.S
    )
    schedule = salon.schedules.get()
    assert (schedule.freq, schedule.byday) == ("MONTHLY", "1TH,3TH")
    assert schedule.opens_at == dt.time(13, 30)


def test_days_in_words_that_cannot_be_read_are_named(client, tier1, salon):
    from sasaeai.resources.forms import ScheduleForm

    form = ScheduleForm(
        data={"freq": "MONTHLY", "interval": "1", "byday": "いつでも"},
        instance=salon.schedules.get(),
    )
    assert not form.is_valid()
    assert "読み取れませんでした" in " ".join(form.errors["byday"])
