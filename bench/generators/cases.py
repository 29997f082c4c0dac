"""Individual cases with their timelines and referrals (つなぎ), as a coordinator would keep
them: the person in bands (age, care level), needs in their own words with the structured
wishes they imply, one to three timeline entries, and most cases referred to a service of their
area, each status change recorded."""

from __future__ import annotations

import datetime as dt

from tqdm import tqdm

from bench.vocabulary import (
    CASE_CONSTRAINTS,
    CASE_ENTRY_TEXTS,
    CASE_NEEDS,
    FAMILY_NAMES,
    GIVEN_NAMES,
    REFERRAL_REASONS,
)
from sasaeai.cases.models import Case, CaseEntry, Referral, ReferralTransition

from . import Context

MODELS = ["cases.Case", "cases.CaseEntry", "cases.Referral", "cases.ReferralTransition"]

FIRST_DAY = dt.date(2016, 4, 1)
LAST_DAY = dt.date(2026, 9, 30)
FLUSH_EVERY = 30_000
CARE_LEVELS = [
    ("independent", 15),
    ("program", 15),
    ("support1", 25),
    ("support2", 20),
    ("care1", 15),
    ("care2", 7),
    ("care3", 3),
]
BROUGHT_BY = [
    ("care_manager", 35),
    ("support_center", 25),
    ("family", 12),
    ("self", 10),
    ("welfare_commissioner", 10),
    ("activist", 5),
    ("other", 3),
]
# (path of statuses, outcome when it ended, weight)
REFERRAL_PATHS = [
    (["proposed"], "", 15),
    (["proposed", "trial"], "", 10),
    (["proposed", "trial", "started"], "", 15),
    (["proposed", "trial", "started", "settled"], "", 30),
    (["proposed", "started", "settled", "ended"], "weekly", 10),
    (["proposed", "trial", "interrupted"], "not_suitable", 10),
    (["proposed", "interrupted"], "declined", 10),
]
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri"]


def _era_year(year: int) -> str:
    return f"R{year - 2018}" if year >= 2019 else f"H{year - 1988}"


def generate(ctx: Context) -> None:
    ctx.split("cases", ctx.size.cases, ctx.size.home_cases)
    services_by_area: dict[int, list[int]] = ctx.registry.get("services_by_area", {})
    span = (min(LAST_DAY, dt.date.today()) - FIRST_DAY).days
    levels = [v for v, _ in CARE_LEVELS], [w for _, w in CARE_LEVELS]
    brought = [v for v, _ in BROUGHT_BY], [w for _, w in BROUGHT_BY]
    paths = [(p, o) for p, o, _ in REFERRAL_PATHS], [w for *_, w in REFERRAL_PATHS]
    choices = (span, levels, brought, paths)
    ids = {"case": ctx.writer.next_id(Case), "referral": ctx.writer.next_id(Referral)}
    rows: dict[type, list[dict]] = {Case: [], CaseEntry: [], Referral: [], ReferralTransition: []}

    def flush() -> None:
        for model, batch in rows.items():
            if batch:
                ctx.writer.insert(model, batch, progress=False)
                batch.clear()

    bar = tqdm(
        total=ctx.size.cases,
        desc="個別ケース",
        unit="件",
        unit_scale=True,
        disable=not ctx.progress,
        leave=False,
        mininterval=0.5,
    )
    with ctx.writer.indexes_deferred(*rows):
        for place in ctx.places:
            _place(ctx, place, rows, flush, bar, ids, services_by_area, choices)
        flush()
    bar.close()
    ctx.counts["cases"] = Case.objects.count()


def _place(ctx, place, rows, flush, bar, ids, services_by_area, choices) -> None:
    rng = ctx.rng
    span, levels, brought, paths = choices
    existing = set(Case.objects.filter(municipality_id=place.id).values_list("number", flat=True))
    serial: dict[str, int] = {}
    coordinators_by_area: dict[int, list[int]] = {}
    tier1 = [uid for uid, role, _ in place.coordinators if role == "tier1"]
    tier2 = {uid for uid, role, _ in place.coordinators if role == "tier2"}
    for uid, _role, areas in place.coordinators:
        for area in areas:
            coordinators_by_area.setdefault(area, []).append(uid)
    towns_by_area: dict[int, list[tuple]] = {}
    for town in place.towns:
        towns_by_area.setdefault(town[1], []).append(town)
    for _ in range(place.share["cases"]):
        area = rng.choice(place.area_ids)
        town = rng.choice(towns_by_area.get(area) or place.towns)
        block = rng.choice(town[6]) if town[6] else None
        received = FIRST_DAY + dt.timedelta(days=rng.randint(0, span))
        prefix = _era_year(received.year if received.month >= 4 else received.year - 1)
        while True:
            serial[prefix] = serial.get(prefix, 0) + 1
            number = f"{prefix}-{serial[prefix]:05d}"
            if number not in existing:
                break
        coordinator = rng.choice(coordinators_by_area.get(area) or tier1 or [None])
        # The tier the case counts under: its coordinator's, stored with it (as case_create does).
        tier = 2 if coordinator in tier2 else 1
        age = rng.randint(62, 95)
        sex = rng.choice(["female", "female", "male"])
        need = rng.choice(CASE_NEEDS)
        family, family_r = rng.choice(FAMILY_NAMES)
        given, given_r = rng.choice(GIVEN_NAMES)
        closed = rng.random() < 0.6
        closed_on = received + dt.timedelta(days=rng.randint(30, 400)) if closed else None
        if closed_on and closed_on > LAST_DAY:
            closed, closed_on = False, None
        consent = rng.random() < 0.75
        free_from = rng.choice([dt.time(9), dt.time(10), dt.time(13)])
        rows[Case].append(
            {
                "id": ids["case"],
                "municipality_id": place.id,
                "area_id": area,
                "number": number,
                "status": "closed" if closed else "open",
                "closed_on": closed_on,
                "coordinator_id": coordinator,
                "tier": tier,
                "age": age,
                "age_band": _age_band(age),
                "sex": sex,
                "care_level": rng.choices(*levels)[0],
                "memory_concern": rng.random() < 0.2,
                "is_carer": need[6],
                "town_id": town[0],
                "town_block_id": block[0] if block else None,
                "person_name": f"{family} {given}",
                "person_name_kana": f"{family_r} {given_r}",
                "contact_phone": f"0422-{rng.randint(20, 99)}-{rng.randint(1000, 9999)}",
                "consent_to_share": consent,
                "consent_on": received if consent else None,
                "brought_by": rng.choices(*brought)[0],
                "received_on": received,
                "needs_text": need[0],
                "wants_company": need[1],
                "wants_role": need[2],
                "wants_exercise": need[3],
                "wants_meals": need[4],
                "wants_learning": need[5],
                "wants_carer_support": need[6],
                "hobbies": need[7],
                "max_walk_m": rng.choice([300, 500, 800, 1000, 2000]),
                "free_days": ",".join(sorted(rng.sample(WEEKDAYS, 2), key=WEEKDAYS.index)),
                "free_time_from": free_from,
                "free_time_to": dt.time(free_from.hour + 3),
                "role_preference": "helper" if need[2] else rng.choice(["participant", "either"]),
                "constraints": rng.choice(CASE_CONSTRAINTS),
                "created_by_id": coordinator,
            }
        )
        for n in range(rng.randint(1, 3)):
            kind = rng.choice(list(CASE_ENTRY_TEXTS))
            rows[CaseEntry].append(
                {
                    "case_id": ids["case"],
                    "kind": kind,
                    "date": received + dt.timedelta(days=7 * n + rng.randint(0, 6)),
                    "by_id": coordinator,
                    "text": rng.choice(CASE_ENTRY_TEXTS[kind]),
                }
            )
        pool = services_by_area.get(area)
        if pool and rng.random() < 0.85:
            statuses, outcome = rng.choices(*paths)[0]
            day = received + dt.timedelta(days=rng.randint(3, 20))
            previous = ""
            for status in statuses:
                rows[ReferralTransition].append(
                    {
                        "referral_id": ids["referral"],
                        "municipality_id": place.id,
                        "from_status": previous,
                        "to_status": status,
                        "date": day,
                        "by_id": coordinator,
                    }
                )
                previous = status
                day += dt.timedelta(days=rng.randint(7, 40))
            last = statuses[-1]
            rows[Referral].append(
                {
                    "id": ids["referral"],
                    "case_id": ids["case"],
                    "municipality_id": place.id,
                    "service_id": rng.choice(pool),
                    "role": "helper" if need[2] else "participant",
                    "status": last,
                    "status_on": day,
                    "follow_up_on": None
                    if last in ("ended", "interrupted") or closed
                    else day + dt.timedelta(days=30),
                    "reason": rng.choice(REFERRAL_REASONS),
                    "interruption_reason": "本人の体調" if last == "interrupted" else "",
                    "outcome": outcome,
                    "created_by_id": coordinator,
                }
            )
            ids["referral"] += 1
        ids["case"] += 1
        if len(rows[Case]) >= FLUSH_EVERY:
            flush()
        bar.update(1)


def _age_band(age: int) -> str:
    from sasaeai.cases.models import age_band_for

    return age_band_for(age)
