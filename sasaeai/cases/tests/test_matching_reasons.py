"""Every reason matching shows is literally true (issue 25): over the whole evaluation set (the
old profiles, the tuning half and the held-out half against the demo, tuning and held-out
places), each reason of each
suggestion is checked against the data it claims: the distance, the schedule on the person's
free days, the words found in the service's text, its categories and target groups, what comes
to the home, volunteers, and the person's wishes. A reason no check knows fails the test."""

import datetime as dt
import json
import re
from collections import Counter

import pytest

from bench.matching_eval import run
from bench.matching_eval.profiles import PROFILES
from sasaeai.cases import matching
from sasaeai.cases.facts import RECRUITING, SERVICE, municipality_facts
from sasaeai.cases.matching import OUTREACH_LABELS, WISH_CATEGORIES, WISH_LABELS, match
from sasaeai.cases.models import RolePreference, Sex
from sasaeai.resources import demo as resources_demo
from sasaeai.resources.models import Schedule

TODAY = run.TODAY


@pytest.fixture
def eval_world(musashino):
    resources_demo.load(musashino)
    run._load_places(musashino, run.HERE / "tuning_places.toml")
    run._load_places(musashino, run.HERE / "heldout" / "heldout_places.toml")
    return musashino


def _profiles():
    from bench.matching_eval.tuning_profiles import PROFILES as TUNING

    heldout = json.loads(
        (run.HERE / "heldout" / "heldout_profiles.json").read_text(encoding="utf-8")
    )
    return [*PROFILES, *TUNING, *heldout]


def _codes(service) -> set[str]:
    codes = set()
    for category in service.categories.all():
        codes.add(category.code)
        if category.parent_id:
            codes.add(category.parent.code)
    return codes


def _names(service) -> set[str]:
    names = set()
    for category in service.categories.all():
        names.add(category.name)
        if category.parent_id:
            names.add(category.parent.name)
    return names


def _check(reason: str, suggestion, profile, row, terms) -> str | None:
    """None when the reason is true of the data, else what is wrong."""
    service = suggestion.service
    codes = _codes(service)
    targets = set(service.target_groups.values_list("code", flat=True))
    schedules = [s for s in service.schedules.all() if s.valid_to is None or s.valid_to >= TODAY]
    regular = [s for s in schedules if s.freq != Schedule.Freq.IRREGULAR]
    if reason.startswith("徒歩約"):
        shown = matching.distance_text(suggestion.distance_m)
        far = suggestion.distance_m > profile.walk_m
        ok = reason == shown + ("（歩ける距離より遠い）" if far else "")
        return None if ok else f"distance {suggestion.distance_m}"
    if reason.startswith("自宅まで来てくれる（"):
        labels = reason.removeprefix("自宅まで来てくれる（").removesuffix("）").split("・")
        named = {code for code, label in OUTREACH_LABELS.items() if label in "・".join(labels)}
        if not named or not named <= codes:
            return "names what its categories do not"
        if row.direction == RECRUITING or profile.role == RolePreference.HELPER:
            return "a call for helpers, or a helper, said to come to the home"
        return None
    if reason == "場所の位置が未登録":
        return None if row.lat is None else "it has a point"
    if reason == "日程未登録":
        return None if not schedules else "it has schedules"
    if reason == "不定期開催":
        return None if schedules and not regular else "it meets regularly"
    if reason.endswith("（本人の空き日）") or reason.endswith("（空き日だが時間帯が合わない）"):
        meets = any(s.weekday_mask & profile.days_mask for s in regular)
        return None if meets else "not on the person's free days"
    if reason.endswith("（本人の空き日と合わない）"):
        meets = any(s.weekday_mask & profile.days_mask for s in regular)
        return None if not meets else "it does meet on a free day"
    if reason.startswith("次回: ") or reason.endswith("のため休み"):
        return None  # the dates themselves: resources' schedule helpers (tested there)
    if reason.startswith("希望に合う: "):
        for label in reason.removeprefix("希望に合う: ").split("・"):
            wish = next((w for w, text in WISH_LABELS.items() if text.startswith(label)), None)
            if wish == "quiet" and label == "少人数":
                continue  # 「少人数・落ち着いた場」 is one label with a 「・」
            if label == "落ち着いた場":
                wish = "quiet"
            if wish is None or wish not in profile.wishes:
                return f"the person did not wish {label}"
            met = (
                codes & WISH_CATEGORIES[wish]
                or (wish == "role" and row.takes_helpers)
                or (wish == "carer_support" and "family-carers" in targets)
                or (wish == "quiet" and row.small)
            )
            if not met:
                return f"{label} is not met by the data"
        return None
    fixed = {
        "男性向け・男性が活躍": "men" in targets and profile.sex == Sex.MALE,
        "介護している家族向け": "family-carers" in targets and profile.is_carer,
        "認知症の方も歓迎": "dementia" in targets,
        "要支援・要介護の方も参加可": "support-needed" in targets,
        "要介護3以上の方の受け入れは要確認": "support-needed" not in targets,
        "段差なし": service.step_free is True,
        "段差あり（要確認）": service.step_free is False,
        "ボランティア受入あり": service.welcomes_volunteers,
        "担い手を募集している": row.direction != SERVICE,
    }
    if reason in fixed:
        return None if fixed[reason] else "not in the data"
    found = re.fullmatch(
        r"(.+?): (一致|分類「(.+)」に該当|「(.+)」(が一致|がある)|近い活動「(.+)」)", reason
    )
    if found:
        label = found.group(1)
        term = next((t for t in terms if t.label == label), None)
        if term is None:
            return "no such interest or need was read"
        text = service.search_text
        if found.group(2) == "一致":
            exact = next(a for a in term.alternatives if a.kind == "exact")
            return None if exact.found_in(text) else "the word is not in the text"
        if found.group(3):
            return None if found.group(3) in _names(service) else "no such category"
        word = found.group(4) or found.group(6)
        alternative = next((a for a in term.alternatives if a.text == word), None)
        if alternative is None or not alternative.found_in(text):
            return "the word is not in the text"
        return None
    return "a reason no check knows"


def test_every_reason_shown_is_true_of_the_data(eval_world):
    facts = municipality_facts(eval_world.pk)
    rows = {row.pk: row for row in facts.rows}
    wrong = []
    shown = 0
    # Which reasons about what a service is for were checked, by the person's role.
    checked: Counter = Counter()
    for spec in _profiles():
        profile = run._profile(eval_world, spec)
        result = match(profile, limit=10, today=TODAY)
        for suggestion in result.suggestions:
            row = rows[suggestion.service.pk]
            # The rules, whatever the score: no call for helpers to a participant, no
            # single-sex place to the other sex, only what comes to the home when they
            # cannot go out.
            if profile.role == RolePreference.PARTICIPANT:
                assert row.direction != RECRUITING, (spec["id"], suggestion.service.name)
            assert not (row.only_sex == "female" and profile.sex == Sex.MALE)
            assert not (row.only_sex == "male" and profile.sex == Sex.FEMALE)
            for reason in suggestion.reasons:
                shown += 1
                problem = _check(reason, suggestion, profile, row, result.terms)
                if problem:
                    wrong.append((spec["id"], suggestion.service.name, reason, problem))
                kind = next(
                    (
                        k
                        for k in ("自宅まで来てくれる", "担い手を募集", "ボランティア受入")
                        if k in reason
                    ),
                    None,
                )
                if kind:
                    checked[profile.role, kind] += 1
    assert shown > 1000
    assert wrong == []
    # The set exercises both directions: helpers shown places that take helpers, participants
    # shown services that come to the home (and never a call for helpers, asserted above).
    assert checked[RolePreference.HELPER, "担い手を募集"] > 0
    assert checked[RolePreference.HELPER, "ボランティア受入"] > 0
    assert checked[RolePreference.PARTICIPANT, "自宅まで来てくれる"] > 0
    assert checked[RolePreference.HELPER, "自宅まで来てくれる"] == 0


def test_cannot_go_out_gets_only_what_comes_to_the_home(eval_world):
    profile = run._profile(
        eval_world,
        {
            "town": "境南町",
            "block": 2,
            "max_walk_m": 0,
            "story": "外出できない。話し相手がほしい。",
        },
    )
    result = match(profile, limit=10, today=dt.date(2025, 6, 2))
    assert result.suggestions
    assert result.notices[0].startswith("外出が難しいため")
    for suggestion in result.suggestions:
        assert any(r.startswith("自宅まで来てくれる（") for r in suggestion.reasons)
