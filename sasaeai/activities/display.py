"""How records read to people: the labelled values a detail page lists and the columns of the
Excel export, defined once for both."""

import datetime as dt
from collections.abc import Callable

from sasaeai.core.eras import era_date

from .models import Consultation, Meeting, OtherActivity, Visit


def _time(value: dt.time | None) -> str:
    return f"{value:%H:%M}" if value else ""


def _area(record) -> str:
    return record.area.name if record.area_id else "市全域"


def _yes(value: bool) -> str:
    return "はい" if value else "いいえ"


def _number(value) -> str | int:
    return "" if value is None else value


Column = tuple[str, Callable]

COMMON_HEAD: list[Column] = [
    ("日付", lambda r: r.date),
    ("開始", lambda r: _time(r.start_time)),
    ("終了", lambda r: _time(r.end_time)),
    ("時間（分）", lambda r: _number(r.minutes)),
]
COMMON_TAIL: list[Column] = [
    ("圏域", _area),
    ("記録した人", lambda r: r.coordinator.name),
    ("層", lambda r: r.get_tier_display()),
]

COLUMNS: dict[type, list[Column]] = {
    Visit: [
        *COMMON_HEAD,
        ("訪問先", lambda r: r.place_label),
        ("町", lambda r: r.service.town.name if r.service_id and r.service.town_id else ""),
        ("参加者数", lambda r: _number(r.attendees)),
        ("同行者", lambda r: r.companions),
        ("活動の様子", lambda r: r.observations),
        ("把握したニーズ", lambda r: r.needs_heard),
        *COMMON_TAIL,
    ],
    Consultation: [
        *COMMON_HEAD,
        ("相談者", lambda r: r.get_consulter_type_display()),
        ("相談者の所属・機関名", lambda r: r.consulter_body),
        ("相談の方法", lambda r: r.get_channel_display()),
        ("相談内容", lambda r: "、".join(t.name for t in r.topics.all())),
        ("概要", lambda r: r.summary),
        ("つないだ先", lambda r: r.get_referral_display()),
        ("つないだ社会資源", lambda r: r.referral_service.name if r.referral_service_id else ""),
        ("つないだ先の補足", lambda r: r.referral_note),
        ("フォローが必要", lambda r: _yes(r.followup_needed)),
        ("フォローの期限", lambda r: r.followup_due or ""),
        ("フォロー完了日", lambda r: r.followup_done_on or ""),
        ("訪問先で受けた相談", lambda r: r.visit.place_label if r.visit_id else ""),
        ("個別ケース", lambda r: str(r.case) if r.case_id else ""),
        *COMMON_TAIL,
    ],
    Meeting: [
        *COMMON_HEAD,
        ("会議の種類", lambda r: r.get_meeting_type_display()),
        ("会議名", lambda r: r.title),
        ("協議体", lambda r: r.council.name if r.council_id else ""),
        ("主催", lambda r: r.organiser),
        ("会場", lambda r: r.venue),
        ("参加団体", lambda r: r.participant_organisations),
        ("参加者数", lambda r: _number(r.participant_count)),
        ("議題", lambda r: r.agenda),
        ("議事メモ", lambda r: r.minutes_text),
        *COMMON_TAIL,
    ],
    OtherActivity: [
        *COMMON_HEAD,
        ("種類", lambda r: r.get_kind_display()),
        ("名称", lambda r: r.title),
        ("終了日", lambda r: r.end_date or ""),
        ("相手先・主催者", lambda r: r.counterpart),
        ("会場", lambda r: r.venue),
        ("人数", lambda r: _number(r.head_count)),
        ("発行部数", lambda r: _number(r.copies)),
        ("主な配布先", lambda r: r.distribution),
        ("内容・メモ", lambda r: r.note),
        *COMMON_TAIL,
    ],
}


def detail_rows(record) -> list[tuple[str, str]]:
    """(label, text) pairs for a record's page; dates in era form, empty values left out."""
    rows = []
    for label, value_of in COLUMNS[type(record)]:
        value = value_of(record)
        if isinstance(value, dt.date):
            value = era_date(value, full_width=True)
        if value in ("", None):
            continue
        rows.append((label, str(value)))
    return rows
