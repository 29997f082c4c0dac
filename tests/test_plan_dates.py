"""Plan dates (issue 17, defect 5): a follow-up date years in the past (2020) was accepted
silently. A date that is a plan (a consultation's フォローの期限, a referral's 次の確認日) is
refused before the day of its record, with the reason, and one more than a year ahead is saved
only after the user confirms it (sasaeai/core/plans.py).

The class test: every plan date is declared on its model (`PLAN_DATES`), every date field whose
name reads like a plan is declared, and every form of the pages that carries a plan date (found
as the round trip finds forms, never listed by hand) is tried with 2020-01-01, with a date two
years ahead, and with that date confirmed."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.apps import apps
from django.db import models, transaction

from .access_world import module_world
from .form_html import HtmlForm, parse
from .test_form_round_trip import _client, _pages, _send, _show_more

pytestmark = pytest.mark.django_db

world = module_world()

PLAN_WORDS = re.compile(r"期限|(?<!最終)確認日|予定日|次回")  # 最終確認日 is a record
CONFIRM = "confirm_far_plan"


def _plan_dates() -> dict[str, tuple[type[models.Model], str]]:
    found = {}
    for model in apps.get_models():
        for name in getattr(model, "PLAN_DATES", {}):
            found[name] = (model, name)
    return found


def test_every_plan_date_is_declared():
    undeclared = [
        f"{model._meta.label}.{field.name} ({field.verbose_name})"
        for model in apps.get_models()
        if model.__module__.startswith("sasaeai.")
        for field in model._meta.concrete_fields
        if isinstance(field, models.DateField)
        and not isinstance(field, models.DateTimeField)
        and PLAN_WORDS.search(str(field.verbose_name))
        and field.name not in getattr(model, "PLAN_DATES", {})
        and not model._meta.label.startswith("activities.Historical")
        and "Historical" not in model.__name__
    ]
    assert not undeclared, "date fields that read like plans but are not in PLAN_DATES: " + (
        ", ".join(undeclared)
    )
    for model in apps.get_models():
        for name, (anchor, _label) in getattr(model, "PLAN_DATES", {}).items():
            assert isinstance(model._meta.get_field(name), models.DateField)
            assert isinstance(model._meta.get_field(anchor), models.DateField)


def _plan_name(name: str) -> str:
    return re.sub(r"^r\d+-", "", name)


@pytest.fixture(scope="module")
def plan_forms(world) -> list[tuple[str, str, str, dict, HtmlForm, str]]:
    plans = _plan_dates()
    found, seen = [], set()
    for key, requester, path, query in [*_pages(world), *_show_more(world)]:
        response = _client(world, requester).get(path, query)
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in parse(response.content.decode()).forms:
            for name in form.editable():
                if _plan_name(name) in plans and form.method == "post":
                    mark = (re.sub(r"\d+", "#", form.target(path)), _plan_name(name))
                    if mark not in seen:
                        seen.add(mark)
                        found.append((key, requester, path, query, form, name))
    return found


def _data(form: HtmlForm, plan: str, day: str, *, confirm: bool = False) -> dict:
    data = {k: v for k, v in form.shown_values().items() if v}
    for control in form.controls:
        if control.kind == "checkbox" and len(form.group(control.name)) == 1:
            data[control.name] = [control.sent_value]  # フォローが必要 …
        if control.kind == "submit" and control.name:
            data.setdefault(control.name, [control.value])
    data[plan] = [day]
    if confirm:
        prefix = plan[: -len(_plan_name(plan))]
        data[prefix + CONFIRM] = ["on"]
    return data


def _post(world, requester, path, query, form, data):
    with transaction.atomic():
        try:
            return _send(_client(world, requester), form, path, query, data)
        finally:
            transaction.set_rollback(True)


def _plan_control(html: str, plan: str):
    for candidate in parse(html).forms:
        for control in candidate.controls:
            if control.name == plan:
                return control, candidate
    return None, None


def test_every_plan_date_of_every_form_is_checked(world, plan_forms):
    plans = _plan_dates()
    assert {"followup_due", "follow_up_on"} <= set(plans), plans
    reached = {_plan_name(name) for *_, name in plan_forms}
    assert reached == set(plans), f"plan dates on no form of the pages: {set(plans) - reached}"
    far = (dt.date.today() + dt.timedelta(days=800)).isoformat()
    failures = []
    for key, requester, path, query, form, plan in plan_forms:
        label = f"{key} {form.target(path)} {plan}"
        # Years in the past: refused with the reason.
        response = _post(world, requester, path, query, form, _data(form, plan, "2020-01-01"))
        html = response.content.decode()
        control, _ = _plan_control(html, plan)
        if response.status_code in (301, 302, 303):
            failures.append(f"{label}: 2020-01-01 was saved")
        elif control is None or control.attrs.get("aria-invalid") != "true":
            failures.append(f"{label}: 2020-01-01 not marked as an error")
        elif "より前になっています" not in html:
            failures.append(f"{label}: 2020-01-01 refused without the reason")
        # Two years ahead: a warning and a box to confirm.
        response = _post(world, requester, path, query, form, _data(form, plan, far))
        html = response.content.decode()
        control, shown = _plan_control(html, plan)
        if response.status_code in (301, 302, 303):
            failures.append(f"{label}: {far} was saved without a confirmation")
            continue
        box = plan[: -len(_plan_name(plan))] + CONFIRM
        if "1年以上先" not in html or shown is None or not shown.group(box):
            failures.append(f"{label}: {far} saved or refused without the warning and its box")
            continue
        # Confirmed: the date is accepted (the form may still refuse something else).
        response = _post(world, requester, path, query, form, _data(form, plan, far, confirm=True))
        if response.status_code not in (301, 302, 303):
            control, _ = _plan_control(response.content.decode(), plan)
            if control is not None and control.attrs.get("aria-invalid") == "true":
                failures.append(f"{label}: {far} still refused after the confirmation")
    assert not failures, "\n".join(failures)
