"""Activity records: visits (with consultations received on the spot), consultations,
meetings and other activities of every coordinator, from April 2016 to September 2026, in the
proportions of the seed's half-year report (55 visits, 95 consultations, 15 meetings and a few
trainings, lectures and publications per coordinator). Each coordinator keeps visiting the same
places of their area, as the seed's coordinator does. Plus each coordinator's calendar: a few
recurring entries and the one-off entries of the last months."""

from __future__ import annotations

import datetime as dt
import itertools

from tqdm import tqdm

from bench.vocabulary import (
    CONSULTATION_SUMMARIES,
    MEETING_AGENDAS,
    MEETING_TITLES,
    MEETING_WEIGHTS,
    OTHER_ACTIVITIES,
    VISIT_NEEDS,
    VISIT_OBSERVATIONS,
)
from sasaeai.activities.models import (
    CalendarEntry,
    Consultation,
    ConsultationTopic,
    Meeting,
    OtherActivity,
    Visit,
)

from . import Context, Place

MODELS = [
    "activities.Visit",
    "activities.Consultation",
    "activities.ConsultationTopic",
    "activities.Meeting",
    "activities.OtherActivity",
    "activities.CalendarEntry",
]

FIRST_DAY = dt.date(2016, 4, 1)
LAST_DAY = dt.date(2026, 9, 30)
FLUSH_EVERY = 50_000
# Shares of the records (the seed: 55 visits, 95 consultations, 15 meetings, ~10 others).
KINDS = [("visit", 31), ("consultation", 54), ("meeting", 9), ("other", 6)]
# A visit brings a consultation on the spot this often (the share above includes them).
ON_THE_SPOT = 0.3
CONSULTERS = [
    ("elderly", 13),
    ("family", 4),
    ("activist", 50),
    ("care_manager", 11),
    ("facility", 9),
    ("welfare_commissioner", 3),
    ("other_body", 12),
]
CHANNELS = [("walk_in", 20), ("phone", 22), ("on_site", 45), ("mail_fax", 8), ("other", 5)]
REFERRALS = [
    ("none", 70),
    ("home_care_center", 8),
    ("support_center", 8),
    ("social_welfare_council", 6),
    ("city_other_section", 4),
    ("other", 4),
]
OTHER_BODIES = ["福祉公社", "シルバー人材センター", "社会福祉協議会", "保健センター"]
START_TIMES = [
    dt.time(9, 30),
    dt.time(10),
    dt.time(10, 30),
    dt.time(13),
    dt.time(13, 30),
    dt.time(14),
]


def _weighted(pairs):
    """Values and cumulative weights, for rng.choices(values, cum_weights=…)."""
    values = [v for v, _ in pairs]
    return values, list(itertools.accumulate(w for _, w in pairs))


class _Writer:
    def __init__(self, ctx: Context) -> None:
        self.ctx = ctx
        self.rows: dict[type, list[dict]] = {
            Visit: [],
            Consultation: [],
            Consultation.topics.through: [],
            Meeting: [],
            OtherActivity: [],
            CalendarEntry: [],
        }
        self.pending = 0

    def add(self, model, values: dict) -> None:
        self.rows[model].append(values)
        self.pending += 1
        if self.pending >= FLUSH_EVERY:
            self.flush()

    def flush(self) -> None:
        for model, rows in self.rows.items():
            if rows:
                self.ctx.writer.insert(model, rows, progress=False)
                rows.clear()
        self.pending = 0


def generate(ctx: Context) -> None:
    ctx.split("activities", ctx.size.activities, ctx.size.home_activities)
    topics = list(ConsultationTopic.objects.values_list("id", flat=True)) or [None]
    days = [
        FIRST_DAY + dt.timedelta(days=n)
        for n in range((min(LAST_DAY, dt.date.today()) - FIRST_DAY).days + 1)
    ]
    workdays = [d for d in days if d.weekday() < 5]
    ids = {
        "visit": ctx.writer.next_id(Visit),
        "consultation": ctx.writer.next_id(Consultation),
    }
    choices = {
        "kinds": _weighted(KINDS),
        "consulters": _weighted(CONSULTERS),
        "channels": _weighted(CHANNELS),
        "referrals": _weighted(REFERRALS),
        "meetings": _weighted(MEETING_WEIGHTS),
    }
    services_by_area: dict[int, list[int]] = ctx.registry.get("services_by_area", {})
    writer = _Writer(ctx)
    bar = tqdm(
        total=ctx.size.activities,
        desc="活動記録",
        unit="件",
        unit_scale=True,
        disable=not ctx.progress,
        leave=False,
        mininterval=0.5,
    )

    tables = [Visit, Consultation, Consultation.topics.through, Meeting, OtherActivity]
    with ctx.writer.indexes_deferred(*tables, CalendarEntry):
        _generate(ctx, writer, bar, topics, workdays, ids, services_by_area, choices)
        writer.flush()
    bar.close()
    ctx.counts["activities"] = sum(
        m.objects.count() for m in (Visit, Consultation, Meeting, OtherActivity)
    )


def _generate(ctx, writer, bar, topics, workdays, ids, services_by_area, choices) -> None:
    from sasaeai.activities.models import duration_minutes

    rng = ctx.rng
    kinds, kind_weights = choices["kinds"]
    consulters, consulter_weights = choices["consulters"]
    channels, channel_weights = choices["channels"]
    referrals, referral_weights = choices["referrals"]
    meeting_types, meeting_weights = choices["meetings"]
    for place in ctx.places:
        if not place.coordinators:
            continue
        towns_by_area: dict[int, list[str]] = {}
        for town in place.towns:
            towns_by_area.setdefault(town[1], []).append(town[2])
        area_names = _area_names(place)
        # Each coordinator's round of places: 30 services of their area (or of the city).
        rounds = {}
        for uid, _role, areas in place.coordinators:
            pool = [s for a in (areas or place.area_ids) for s in services_by_area.get(a, [])]
            rounds[uid] = rng.sample(pool, min(30, len(pool))) if pool else []
        made = 0
        target = place.share["activities"]
        while made < target:
            uid, role, areas = rng.choice(place.coordinators)
            tier = 1 if role == "tier1" else 2
            if areas:
                area = rng.choice(areas)
            else:
                area = rng.choice(place.area_ids) if rng.random() < 0.5 else None
            date = rng.choice(workdays)
            start = rng.choice(START_TIMES)
            end = _add_minutes(start, rng.choice([45, 60, 90, 120, 120, 150]))
            common = {
                "municipality_id": place.id,
                "coordinator_id": uid,
                "tier": tier,
                "area_id": area,
                "date": date,
                "start_time": start,
                "end_time": end,
                "minutes": duration_minutes(start, end),
            }
            kind = rng.choices(kinds, cum_weights=kind_weights)[0]
            if kind == "visit":
                service = rng.choice(rounds[uid]) if rounds[uid] and rng.random() < 0.95 else None
                visit_id = ids["visit"]
                ids["visit"] += 1
                n = rng.randint(5, 30)
                writer.add(
                    Visit,
                    {
                        **common,
                        "id": visit_id,
                        "service_id": service,
                        "place_name": "" if service else "自治会の集まり（未登録）",
                        "companions": rng.choice(["", "", "市民社協地域担当"]),
                        "attendees": n,
                        "observations": rng.choice(VISIT_OBSERVATIONS).format(
                            n=n, k=rng.randint(1, 4)
                        ),
                        "needs_heard": rng.choice(VISIT_NEEDS),
                    },
                )
                made += 1
                if rng.random() < ON_THE_SPOT and made < target:
                    _consultation(
                        writer,
                        rng,
                        ids,
                        common,
                        topics,
                        channel="on_site",
                        visit=visit_id,
                        consulters=(consulters, consulter_weights),
                        referrals=(referrals, referral_weights),
                    )
                    made += 1
            elif kind == "consultation":
                channel = rng.choices(channels, cum_weights=channel_weights)[0]
                _consultation(
                    writer,
                    rng,
                    ids,
                    common,
                    topics,
                    channel=channel,
                    visit=None,
                    consulters=(consulters, consulter_weights),
                    referrals=(referrals, referral_weights),
                )
                made += 1
            elif kind == "meeting":
                meeting_type = rng.choices(meeting_types, cum_weights=meeting_weights)[0]
                town = rng.choice(towns_by_area.get(area) or [place.towns[0][2]])
                title = rng.choice(MEETING_TITLES[meeting_type]).format(
                    area=area_names.get(area, place.name), town=town
                )
                writer.add(
                    Meeting,
                    {
                        **common,
                        "meeting_type": meeting_type,
                        "title": title,
                        "organiser": rng.choice(
                            [
                                "在宅介護支援センター",
                                "市民社協",
                                "コミュニティ協議会",
                                "高齢者支援課",
                            ]
                        ),
                        "venue": f"{town}コミュニティセンター",
                        "participant_organisations": "民生委員、地区社協、コミュニティ協議会、在宅介護支援センター",
                        "participant_count": rng.randint(6, 30),
                        "agenda": "、".join(rng.sample(MEETING_AGENDAS, 2)),
                        "minutes_text": "各団体から近況の報告があった。次回までに課題を整理する。",
                    },
                )
                made += 1
            else:
                other_kind, titles, counterparts = rng.choice(OTHER_ACTIVITIES)
                values = {
                    **common,
                    "kind": other_kind,
                    "title": rng.choice(titles),
                    "counterpart": rng.choice(counterparts),
                    "venue": f"{place.name}役所" if other_kind == "visitors_hosted" else "",
                }
                if other_kind == "visitors_hosted":
                    values["head_count"] = rng.randint(3, 15)
                elif other_kind == "study_session":
                    values["head_count"] = rng.randint(5, 20)
                elif other_kind == "publication":
                    values["title"] = f"安心・安全ニュース 第{rng.randint(1, 60)}号"
                    values["copies"] = rng.choice([500, 1000, 2000])
                    values["distribution"] = "市内の公共施設、コミュニティセンター、町内の掲示板"
                writer.add(OtherActivity, values)
                made += 1
        bar.update(made)
        _calendar(writer, rng, place, rounds)


def _consultation(writer, rng, ids, common, topics, *, channel, visit, consulters, referrals):
    consultation_id = ids["consultation"]
    ids["consultation"] += 1
    consulter = rng.choices(consulters[0], cum_weights=consulters[1])[0]
    followup = rng.random() < 0.1
    writer.add(
        Consultation,
        {
            **common,
            "id": consultation_id,
            "visit_id": visit,
            "consulter_type": consulter,
            "consulter_body": rng.choice(OTHER_BODIES) if consulter == "other_body" else "",
            "channel": channel,
            "summary": rng.choice(CONSULTATION_SUMMARIES),
            "referral": rng.choices(referrals[0], cum_weights=referrals[1])[0],
            "followup_needed": followup,
            "followup_due": common["date"] + dt.timedelta(days=14) if followup else None,
            "followup_done_on": common["date"] + dt.timedelta(days=10)
            if followup and rng.random() < 0.8
            else None,
        },
    )
    for topic in {rng.choice(topics) for _ in range(rng.randint(1, 2))}:
        if topic is not None:
            writer.add(
                Consultation.topics.through,
                {"consultation_id": consultation_id, "consultationtopic_id": topic},
            )


def _calendar(writer, rng, place: Place, rounds: dict[int, list[int]]) -> None:
    """Each coordinator's week: recurring visits and meetings, and the last months' one-offs."""
    start = dt.date(2026, 4, 1)
    for uid, _role, areas in place.coordinators:
        area = areas[0] if areas else None
        for n, (freq, byday) in enumerate(
            [("WEEKLY", "TU"), ("MONTHLY", "2WE"), ("MONTHLY", "4TH"), ("WEEKLY", "FR")]
        ):
            service = rounds[uid][n] if len(rounds[uid]) > n else None
            writer.add(
                CalendarEntry,
                {
                    "municipality_id": place.id,
                    "coordinator_id": uid,
                    "area_id": area,
                    "title": "サロン訪問" if service else "定例会議",
                    "kind": "visit" if service else "meeting",
                    "meeting_type": "" if service else "community_group",
                    "service_id": service,
                    "date": start,
                    "start_time": dt.time(10),
                    "end_time": dt.time(12),
                    "freq": freq,
                    "interval": 1,
                    "byday": byday,
                    "skip_holidays": True,
                },
            )
        for _ in range(30):
            date = start + dt.timedelta(days=rng.randint(0, 240))
            time = rng.choice(START_TIMES)
            writer.add(
                CalendarEntry,
                {
                    "municipality_id": place.id,
                    "coordinator_id": uid,
                    "area_id": area,
                    "title": rng.choice(
                        ["ケース訪問", "打ち合わせ", "地域ケア会議", "電話相談の折り返し"]
                    ),
                    "kind": rng.choice(["visit", "meeting", "consultation", "task"]),
                    "date": date,
                    "start_time": time,
                    "end_time": _add_minutes(time, 60),
                    "interval": 1,
                },
            )


def _add_minutes(time: dt.time, minutes: int) -> dt.time:
    total = time.hour * 60 + time.minute + minutes
    return dt.time(min(23, total // 60), total % 60)


def _area_names(place: Place) -> dict[int, str]:
    from sasaeai.org.models import Area

    return dict(Area.objects.filter(municipality_id=place.id).values_list("id", "name"))
