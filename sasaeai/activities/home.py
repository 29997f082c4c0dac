"""Home-page panels of the activities module: the one-tap 「訪問を記録」, today's schedule,
and this half-year's key figures so far against the same days last year, counted by the one
counting module and named as the report names them (the report of the same days and scope
shows the same numbers)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability
from sasaeai.core import periods

from . import counting, selectors


def _same_days_last_year(period: periods.Period, today: dt.date) -> periods.Period:
    last = period.same_period_last_year()
    try:
        until = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        until = today.replace(year=today.year - 1, day=28)
    return periods.date_range(last.start, min(until, last.end))


# The report's key figures the panel shows (counting.KEY_FIGURES gives their labels).
PANEL_FIGURES = ("visits", "visit_places", "consultations", "meetings", "visit_hours")
PANEL_STATS = PANEL_FIGURES[:4]


def panel_figures(period: periods.Period, scope: counting.Scope) -> dict[str, int]:
    """The panel's figures for a period and scope: the report's key figures of the same
    name, in three queries (visits, consultations, meetings)."""
    return counting.key_figures(period, scope, PANEL_FIGURES)


def panels(user: User) -> list[dict]:
    if not policy.has(user, Capability.VIEW_ACTIVITIES):
        return []
    today = timezone.localdate()
    result: list[dict] = []
    if policy.has(user, Capability.EDIT_ACTIVITIES):
        result.append(
            {
                "template": "activities/home/record_visit.html",
                "placement": "top",
                "key": "record-visit",
                "order": 10,
                "url": reverse("activities:visit_create"),
                "label": "訪問を記録",
                "others": [
                    {"url": reverse("activities:consultation_create"), "label": "相談を記録"},
                    {"url": reverse("activities:meeting_create"), "label": "会議を記録"},
                ],
            }
        )
        schedule = selectors.today_schedule(user=user, today=today)
        result.append(
            {
                "template": "activities/home/today.html",
                "title": "今日の予定",
                "key": "today",
                "order": 20,
                "items": schedule,
                "empty": "今日の予定はありません。",
                "actions": [{"label": "予定表", "url": reverse("activities:calendar")}],
                "more": {
                    "label": "予定を追加",
                    "url": f"{reverse('activities:entry_create')}?date={today.isoformat()}",
                },
            }
        )
    if user.municipality_id is None:
        return result  # an installation operator: no municipality's work to count
    half = periods.current_half_year(today)
    so_far = periods.date_range(half.start, today)
    last_year = _same_days_last_year(half, today)
    scope = counting.scope_for_user(user)
    now = panel_figures(so_far, scope)
    before = panel_figures(last_year, scope)
    labels = {key: (label, unit) for key, label, unit in counting.KEY_FIGURES}
    # A comparison period without any record is no comparison (counting.comparable).
    compared = counting.comparable(before)
    result.append(
        {
            "template": "activities/home/counts.html",
            "title": f"{half.label}の活動（{today.month}月{today.day}日まで）",
            "key": "activity-counts",
            "order": 40,
            "stats": [
                {
                    "key": key,
                    "label": labels[key][0],
                    "value": now[key],
                    "before": before[key] if compared else None,
                    "unit": labels[key][1],
                    "delta": counting.change(now[key], before, key),
                }
                for key in PANEL_STATS
            ],
            "hours": now["visit_hours"],
            "no_records": counting.NO_RECORDS,
            "scope_label": "自分の記録" if scope.coordinator else "市全域",
            "more": {"label": "活動記録の一覧", "url": reverse("activities:list")},
        }
    )
    return result
