"""The はい／いいえ／不明 choices of a resource (無料・申込・段差なし …) come back as the user left
them after an error on the edit page, so that fixing the error and saving never stores 不明
over the real values (and the public finder never says 「費用 お問い合わせください」 for a salon
whose fee is known)."""

import re

import pytest

from sasaeai.accounts.models import User
from sasaeai.resources.models import Service

from .factories import LocationFactory, ServiceFactory, category

pytestmark = pytest.mark.django_db

TRI_STATE = ("is_free", "application_required", "step_free", "accessible_toilet", "has_seating")


def _checked(html: str, name: str) -> str | None:
    """The value of the checked radio button of a group, or None."""
    for tag in re.findall(rf'<input[^>]*name="{name}"[^>]*>', html):
        if " checked" in tag:
            return re.search(r'value="([^"]*)"', tag).group(1)
    return None


@pytest.fixture
def salon(musashino):
    town = musashino.towns.get(name="境南町")
    service = ServiceFactory(
        municipality=musashino,
        location=LocationFactory(municipality=musashino, town=town),
        name="境南コミセン 健康体操",
        is_free=False,
        fee_amount=200,
        fees_description="1回200円",
        application_required=False,
        step_free=True,
        accessible_toilet=None,
        has_seating=True,
    )
    service.categories.add(category("exercise"))
    return service


def test_the_choices_survive_an_error_on_the_edit_page(client, musashino, salon):
    client.force_login(User.objects.get(username="tier1"))
    url = f"/resources/{salon.pk}/edit/"
    page = client.get(url).content.decode()
    assert [_checked(page, name) for name in TRI_STATE] == ["false", "false", "true", "", "true"]

    data = _form_values(page)
    data["name"] = ""  # the error: a required field left empty
    response = client.post(url, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert [_checked(html, name) for name in TRI_STATE] == ["false", "false", "true", "", "true"]

    # The user fixes the name and saves what the page shows: nothing becomes 不明.
    fixed = _form_values(html)
    fixed["name"] = "境南コミセン 健康体操"
    assert client.post(url, fixed).status_code == 302
    salon = Service.objects.get(pk=salon.pk)
    assert (salon.is_free, salon.application_required, salon.step_free) == (False, False, True)
    assert (salon.accessible_toilet, salon.has_seating) == (None, True)


def _form_values(html: str) -> dict:
    """What the browser would send for the edit form as it is shown."""
    from tests.test_form_fuzz import own_post_forms

    (form,) = [f for f in own_post_forms(html, "") if any(x.name == "name" for x in f.fields)]
    data: dict[str, object] = {}
    for field in form.fields:
        if field.kind in ("submit", "file"):
            continue
        if field.kind in ("checkbox", "radio"):
            if field.checked:
                if field.kind == "checkbox":
                    data.setdefault(field.name, []).append(field.value or "on")
                else:
                    data[field.name] = field.value
            continue
        if field.kind == "select-multiple":
            data[field.name] = [field.value] if field.value else []
            continue
        data[field.name] = field.value
    return data
