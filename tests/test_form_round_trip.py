"""Every form keeps what the user typed (issue 17, defect 2): for every form of the app, staff
and public, found from the URL resolver and the access registry (never listed by hand, so a new
form cannot be forgotten), the form is filled as a user would, every field with a value other
than its default (the other choice of はい／いいえ／不明, other options of a multi-select, other
dates and times, the schedules formset's rows), with exactly one field made invalid, and sent.
The form that comes back with the error must carry every other value exactly as sent.

The same answers are checked for the error summary (defect 4): a form shown with errors has an
error summary whose links lead to the fields in error, on the same page.

Each form is sent inside a transaction rolled back afterwards, as its page's own user (the
first role in FILLERS that may use it), so no answer changes what the next form sees. The
number of forms covered is printed; forms the test could not make invalid are listed by name
(and fail the test) rather than silently skipped."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from urllib.parse import urlencode, urlsplit

import pytest
from django.db import transaction
from django.test import Client

from .access_registry import DJANGO_ADMIN, PUBLIC
from .access_world import addressable_pages, module_world, page_routes, reaches
from .form_html import TEXT_KINDS, Control, HtmlForm, Page, field_key, parse

pytestmark = pytest.mark.django_db

world = module_world()

FILLERS = ["tier1", "admin", "tier2", "official", "council", "regional"]
ROUTES = {r.key: r for r in page_routes()}

# Controls whose value is not the user's data, with the reason.
NOT_DATA = {
    "csrfmiddlewaretoken": "a fresh token on every page",
}
NOT_SHOWN_AGAIN = {
    "password": "a password is never sent back to the browser (Django's PasswordInput)",
    "search": "a search box of a picker: the words typed to find a resource, not a value",
    "file": "browsers never prefill a file input",
}
INVALID_ATTEMPTS = 8
# Forms known to lose what was typed after an error, with the owner of the fix: none. An action
# posted from a detail page shows its form again with the values on an error (councils'
# `_form_again`, cases._detail_with_error), never a redirect with a message. An entry that
# starts keeping its values fails the test until it is removed here.
KNOWN_LOSSES: dict[str, str] = {}


@dataclass
class Trial:
    label: str
    key: str
    requester: str
    page_path: str
    form: HtmlForm
    invalid: str | None = None
    sent: dict[str, list[str]] = field(default_factory=dict)
    status: int = 0
    returned: HtmlForm | None = None
    page: Page | None = None
    html: str = ""
    problem: str = ""


# ---------------------------------------------------------------------------------------------
# Finding the forms
# ---------------------------------------------------------------------------------------------


def _filler(access, users, place) -> str | None:
    if access.allow == PUBLIC:
        return "anonymous"
    if access.allow == DJANGO_ADMIN:
        return None  # Django's admin site: not the app's forms
    for requester in FILLERS:
        if reaches(access, users[requester], place if access.obj else None):
            return requester
    return None


def _pages(world):
    """(key, requester, path, query) of every page of the registry with a role to fill it."""
    for key, access, path, query in addressable_pages(world):
        requester = _filler(access, world.users, world.here)
        if requester is not None:
            yield key, requester, path, query


def _client(world, requester: str) -> Client:
    client = Client(HTTP_USER_AGENT="sasaeai-round-trip", REMOTE_ADDR="203.0.113.7")
    if world.users[requester] is not None:
        client.force_login(world.users[requester])
    return client


def _form_key(form: HtmlForm, page_path: str) -> tuple:
    return (
        form.method,
        field_key(form.target(page_path)),
        tuple(sorted({field_key(n) for n in form.editable()})),
    )


# ---------------------------------------------------------------------------------------------
# Filling a form as a user would, with values other than the defaults
# ---------------------------------------------------------------------------------------------


def _other_date(current: str) -> str:
    return "2025-03-14" if current != "2025-03-14" else "2025-03-17"


def _number(control: Control) -> str:
    low = control.attrs.get("min")
    high = control.attrs.get("max")
    try:
        value = int(float(low)) + 3 if low not in (None, "") else 7
    except ValueError:
        value = 7
    if high not in (None, "", "any"):
        value = min(value, int(float(high)))
    if str(value) == control.value:
        value = value - 1 if high not in (None, "") and value == int(float(high)) else value + 1
    return str(value)


def _text(control: Control, index: int) -> str:
    kind = control.kind
    if kind == "date":
        return _other_date(control.value)
    if kind == "time":
        return "13:45" if control.value != "13:45" else "14:15"
    if kind == "month":
        return "2025-03" if control.value != "2025-03" else "2025-04"
    if kind == "number":
        return _number(control)
    if kind == "email":
        return f"rt{index}@example.jp"
    if kind == "url":
        return f"https://example.jp/rt{index}"
    if kind == "tel":
        return f"0422-60-{1200 + index}"
    if kind == "password":
        return "Round-trip-2026!"
    if kind == "search":
        return control.value
    text = f"往復テスト{index}"
    limit = control.attrs.get("maxlength")
    return text[: int(limit)] if limit and limit.isdigit() else text


def non_default(group: list[Control], index: int) -> list[str]:
    """A value of a control group other than the one shown."""
    first = group[0]
    kind = first.kind
    if kind == "hidden" or all(c.unseen for c in group):
        return [c.value for c in group]  # what a person cannot see, the browser sends as is
    if kind == "checkbox":
        if len(group) == 1:
            return [] if first.checked else [first.sent_value]
        unchecked = [c.sent_value for c in group if not c.checked]
        checked = [c.sent_value for c in group if c.checked]
        return unchecked[:2] if unchecked else checked[:1]
    if kind == "radio":
        others = [c.sent_value for c in group if not c.checked]
        filled = [v for v in others if v]
        return [(filled or others or [first.sent_value])[-1]]
    if kind == "select":
        current = first.selected[-1] if first.selected else (first.options or [""])[0]
        others = [o for o in first.options if o != current]
        filled = [o for o in others if o]
        return [(filled or others or [current])[-1]]
    if kind == "select-multiple":
        others = [o for o in first.options if o and o not in first.selected]
        return others[:2] if others else first.selected[:1]
    if kind == "textarea":
        return [f"往復テスト{index}\n2行目"]
    return [_text(first, index)]


def invalid_candidates(form: HtmlForm) -> list[tuple[str, list[str]]]:
    """(name, value) pairs, each of which should make the form refuse that one field, most
    reliable first."""
    found: list[tuple[int, str, list[str]]] = []
    for name in form.editable():
        group = form.group(name)
        first = group[0]
        kind = first.kind
        if kind == "date":
            found.append((0, name, ["2025-02-30"]))
        elif kind == "number":
            found.append((1, name, ["十二"]))
        elif kind == "time":
            found.append((2, name, ["25:61"]))
        elif kind == "email":
            found.append((3, name, ["メールではない"]))
        elif kind == "select" and len(first.options) > 1:
            found.append((4, name, ["999999999"]))
        elif kind in TEXT_KINDS | {"textarea", "password"} and "required" in first.attrs:
            found.append((5, name, [""]))
        elif kind == "radio":
            found.append((6, name, ["999999999"]))
        elif kind == "checkbox" and len(group) > 1:
            found.append((7, name, ["999999999"]))
        elif kind in ("text", "textarea") and first.attrs.get("maxlength", "").isdigit():
            found.append((8, name, ["あ" * (int(first.attrs["maxlength"]) + 1)]))
        elif kind == "textarea":
            found.append((9, name, ["あ" * 60_000]))
    found.sort(key=lambda item: item[0])
    return [(name, value) for _, name, value in found]


def filled(form: HtmlForm) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for index, name in enumerate(form.names()):
        group = form.group(name)
        if group[0].kind == "submit":
            continue
        if group[0].kind == "file":
            continue
        data[name] = non_default(group, index)
    # The first submit button, as a click on it sends it.
    for control in form.controls:
        if control.kind == "submit" and "formaction" not in control.attrs:
            data.setdefault(control.name, [control.value])
            break
    return data


# ---------------------------------------------------------------------------------------------
# Sending and reading the answer
# ---------------------------------------------------------------------------------------------


def _send(client: Client, form: HtmlForm, page_path: str, query: dict, data: dict):
    payload = {name: values for name, values in data.items() if values != []}
    target = form.target(page_path)
    if not form.action and query:
        target += "?" + urlencode(query, doseq=True)
    elif form.action and urlsplit(form.action).query:
        target += "?" + urlsplit(form.action).query
    if form.method == "post":
        return client.post(target, payload)
    return client.get(target, payload)


def _returned_form(page: Page, sent: HtmlForm, page_path: str) -> HtmlForm | None:
    """The form of the answer that is the one sent: the most names in common."""
    names = {field_key(n) for n in sent.editable()}
    best, score = None, 0
    for candidate in page.forms:
        if candidate.method != sent.method:
            continue
        common = len(names & {field_key(n) for n in candidate.editable()})
        if common > score:
            best, score = candidate, common
    return best if best is not None and score * 2 >= len(names) else None


def _try(world, key, requester, page_path, query, form: HtmlForm) -> Trial:
    trial = Trial(
        label=f"{key} → {form.method.upper()} {form.target(page_path)} (as {requester})",
        key=key,
        requester=requester,
        page_path=page_path,
        form=form,
    )
    base = filled(form)
    candidates = invalid_candidates(form)[:INVALID_ATTEMPTS]
    if form.method == "get":
        # A search form answers with its page whatever is typed: also sent as filled.
        candidates.append((None, None))
    for name, bad in candidates:
        client = _client(world, requester)
        data = {**base, name: bad} if name is not None else base
        with transaction.atomic():
            try:
                response = _send(client, form, page_path, query, data)
            finally:
                transaction.set_rollback(True)
        if response.status_code in (301, 302, 303):
            continue  # this value was accepted: try another field
        trial.status = response.status_code
        if response.status_code >= 500 or "html" not in response.get("Content-Type", ""):
            trial.problem = f"answered {response.status_code} {response.get('Content-Type')}"
            return trial
        html = response.content.decode()
        page = parse(html)
        returned = _returned_form(page, form, page_path)
        if returned is None:
            continue
        trial.invalid, trial.sent, trial.page, trial.returned = name, data, page, returned
        trial.html = html
        return trial
    if len(form.editable()) == 1:
        trial.invalid = candidates[0][0] if candidates else form.editable()[0]
        return trial  # a single field: nothing else to keep (the answer is a message)
    trial.problem = (
        "every invalid value tried was accepted or the form did not come back: "
        + ", ".join(str(name) for name, _ in candidates)
        if candidates
        else "no field of this form can be made invalid from the page"
    )
    return trial


def _show_more(world) -> list[tuple[str, str, str, dict]]:
    """Objects whose pages show more forms than the registry's objects do: a case with a
    referral (状態を進める), a meeting with an agenda item and members (決定, 出欠), an answered
    recommendation (公表, 進捗), a case story waiting for review (確認). Returns extra pages
    as (key, requester, path, query)."""
    import datetime as dt

    from sasaeai.activities.models import Meeting
    from sasaeai.cases.models import Case, CaseStory
    from sasaeai.cases.tests.factories import CaseStoryFactory, ReferralFactory
    from sasaeai.councils.models import Proposal, Recommendation
    from sasaeai.councils.tests.factories import (
        AgendaItemFactory,
        CouncilMemberFactory,
        RegionalIssueFactory,
    )

    def built(key):
        found = world.built.get((f"page:{key}", "here"))
        return found.target.kwargs if found else None

    here = world.here
    if kwargs := built("cases:detail"):
        ReferralFactory(case=Case.objects.get(pk=kwargs["pk"]))
    if kwargs := built("councils:meeting_detail"):
        meeting = Meeting.objects.get(pk=kwargs["pk"])
        issue = RegionalIssueFactory(
            municipality=here.municipality, raised_by=here.user, areas=[here.area]
        )
        AgendaItemFactory(meeting=meeting, issue=issue)
        if meeting.council_id:
            CouncilMemberFactory(council=meeting.council)
    if kwargs := built("councils:proposal_detail"):
        for recommendation in Proposal.objects.get(pk=kwargs["pk"]).recommendations.all():
            recommendation.answer = Recommendation.Answer.ADOPTED
            recommendation.answered_on = dt.date(2025, 6, 1)
            recommendation.responsible_section = "高齢者支援課"
            recommendation.answer_published_on = None
            recommendation.save()
    story = CaseStoryFactory(
        municipality=here.municipality,
        area=here.area,
        status=CaseStory.Status.IN_REVIEW,
        written_by=here.user,
    )
    return [("cases:story_detail", "tier1", f"/cases/stories/{story.pk}/", {})]


# Action URLs whose form shows on a page the world does not build, with where it shows and
# why the round trip need not send it: none of them has anything to type.
BUTTONS_ELSEWHERE = {
    "/accounts/me/tokens/#/revoke/": "a button beside each token on 設定",
    "/accounts/users/#/two-factor/reset/": "a button on the user page",
    "/activities/calendar/entries/#/skip/": "a button on each occurrence of the calendar",
    "/cases/stories/#/submit/": "a button on a draft story",
    "/councils/evidence/#/remove/": "a button beside each evidence of an issue",
    "/councils/issues/#/evidence/": "a button beside each record the evidence search found",
    "/exchange/import/#/commit/": "the button under an import's preview",
    "/resources/#/history/#/restore/": "a button beside each version of a resource",
}


@dataclass
class Enumeration:
    trials: list[Trial]
    action_only: set[str]  # routes that answer 405 to GET: reached only through a form
    targets: set[str]  # every form target seen, button forms included


@pytest.fixture(scope="module")
def enumeration(world) -> Enumeration:
    found: list[Trial] = []
    seen: set[tuple] = set()
    action_only: set[str] = set()
    targets: set[str] = set()
    extra = _show_more(world)
    for key, requester, path, query in [*_pages(world), *extra]:
        client = _client(world, requester)
        response = client.get(path, query)
        if response.status_code == 405:
            action_only.add(field_key(path))
            continue
        if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
            continue
        for form in parse(response.content.decode()).forms:
            targets.add(field_key(form.target(path)))
            if not form.editable():
                continue  # a button (publish, delete, log out): nothing to type
            if form.method == "post" and form.target(path) == "/accounts/logout/":
                continue
            form_key = _form_key(form, path)
            if form_key in seen:
                continue
            seen.add(form_key)
            found.append(_try(world, key, requester, path, query, form))
    covered = [t for t in found if not t.problem]
    print(
        f"\nform round trip: {len(covered)} forms sent with one invalid field and came back "
        f"({sum(t.form.method == 'post' for t in covered)} POST, "
        f"{sum(t.form.method == 'get' for t in covered)} GET); "
        f"{sum(len(t.sent) for t in covered)} values compared; {len(found) - len(covered)} "
        "not covered"
    )
    return Enumeration(trials=found, action_only=action_only, targets=targets)


@pytest.fixture(scope="module")
def trials(enumeration) -> list[Trial]:
    return enumeration.trials


# ---------------------------------------------------------------------------------------------
# The tests
# ---------------------------------------------------------------------------------------------


def _comparable(control_kind: str, values: list[str]) -> list[str]:
    if control_kind in ("checkbox", "select-multiple"):
        return sorted(values)
    return values


def _known_loss(trial: Trial) -> str | None:
    return KNOWN_LOSSES.get(field_key(trial.form.target(trial.page_path)))


def losses(trial: Trial) -> list[str]:
    """The values of the trial that did not come back as sent."""
    if trial.problem or trial.returned is None:
        return []
    found = []
    shown = trial.returned.shown_values()
    for name, sent in trial.sent.items():
        if name == trial.invalid or name in NOT_DATA:
            continue
        controls = trial.form.group(name)
        if not controls or controls[0].kind in NOT_SHOWN_AGAIN or controls[0].kind == "submit":
            continue
        back = shown.get(name)
        kind = controls[0].kind
        if back is None:
            found.append(f"{trial.label}: {name} is missing from the form shown again")
        elif _comparable(kind, back) != _comparable(kind, sent):
            found.append(
                f"{trial.label} (invalid: {trial.invalid}): {name} ({kind}) sent {sent!r}, "
                f"shown again as {back!r}"
            )
    return found


def test_every_form_is_covered(trials):
    assert len(trials) >= 60, [t.label for t in trials]
    uncovered = [f"{t.label}: {t.problem}" for t in trials if t.problem and not _known_loss(t)]
    assert not uncovered, "forms the round trip could not try:\n" + "\n".join(uncovered)
    mended = [t.label for t in trials if _known_loss(t) and not t.problem and not losses(t)]
    assert not mended, "these forms now keep their values: remove them from KNOWN_LOSSES: " + (
        ", ".join(mended)
    )


def test_every_form_keeps_what_was_typed(trials):
    failures = [loss for trial in trials if not _known_loss(trial) for loss in losses(trial)]
    assert not failures, f"{len(failures)} values lost:\n" + "\n".join(failures)


def test_the_today_helper_is_not_the_default(trials):
    """The values chosen differ from what the forms show by default (else the test proves
    nothing): no date sent is today's."""
    today = dt.date.today().isoformat()
    for trial in trials:
        for name, values in trial.sent.items():
            controls = trial.form.group(name)
            if controls and controls[0].kind == "date" and name != trial.invalid:
                assert values != [today], f"{trial.label}: {name}"


def test_every_action_url_has_its_form_found(enumeration):
    """A URL that only takes a POST is reached through a form on some page: each such URL of
    the resolver must be the target of a form the round trip found (buttons included), so that
    a new form on a page the world does not show is noticed."""
    missing = sorted(
        path
        for path in enumeration.action_only - enumeration.targets
        if re.sub(r"/import/[^/]+/", "/import/#/", path) not in BUTTONS_ELSEWHERE
    )
    assert not missing, "action URLs whose form no page of the world shows:\n" + "\n".join(missing)


def test_every_form_shown_with_errors_has_an_error_summary(trials):
    """Every page that shows a form's errors starts them with the error summary: a box with
    links to the fields in error (each link reaching an element of the page, each field
    marked invalid reached by a link), which the page's script focuses."""
    failures = []
    for trial in trials:
        if trial.problem or trial.page is None:
            continue
        invalid = [
            c
            for form in trial.page.forms
            for c in form.controls
            if c.attrs.get("aria-invalid") == "true"
        ]
        if not invalid and 'class="errorlist"' not in trial.html:
            continue  # accepted as typed (a search form) or refused with a message
        if not trial.page.summaries:
            failures.append(f"{trial.label}: errors shown without an error summary")
            continue
        links = [href for summary in trial.page.summaries for href in summary["links"]]
        for href in links:
            if not href.startswith("#") or href[1:] not in trial.page.ids:
                failures.append(f"{trial.label}: summary link {href!r} reaches nothing")
        linked = {href[1:] for href in links}
        for control in invalid:
            group = [c.id for form in trial.page.forms for c in form.group(control.name) if c.id]
            if not linked & set(group):
                failures.append(f"{trial.label}: {control.name} is in error but not linked")
    assert not failures, "\n".join(failures)
