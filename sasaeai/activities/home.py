"""Home-page panels of the activities module: the one-tap 「訪問を記録」, today's schedule,
and this half-year's counts so far against the same days last year."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from sasaeai.accounts import policy
from sasaeai.accounts.models import User
from sasaeai.accounts.policy import Capability
from sasaeai.core import periods

from . import counting, selectors
from .models import Consultation, Meeting


def _same_days_last_year(period: periods.Period, today: dt.date) -> periods.Period:
    last = period.same_period_last_year()
    try:
        until = today.replace(year=today.year - 1)
    except ValueError:  # 29 February
        until = today.replace(year=today.year - 1, day=28)
    return periods.date_range(last.start, min(until, last.end))


def _panel_counts(period: periods.Period, scope: counting.Scope) -> dict:
    """What the panel shows, in three queries: the visits' figures and the numbers of
    consultations and meetings (the same totals as counting.activity_counts, without the
    breakdowns the reports need)."""
    return {
        "visits": counting.visit_counts(period, scope),
        "consultations": Consultation.objects.filter(**scope.filters(period)).count(),
        "meetings": Meeting.objects.filter(**scope.filters(period)).count(),
    }


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
    half = periods.current_half_year(today)
    so_far = periods.date_range(half.start, today)
    last_year = _same_days_last_year(half, today)
    scope = counting.scope_for_user(user)
    now = _panel_counts(so_far, scope)
    before = _panel_counts(last_year, scope)
    stats = [
        ("訪問", now["visits"].total, before["visits"].total, "件"),
        ("訪問先（実数）", now["visits"].distinct_places, before["visits"].distinct_places, "か所"),
        ("相談", now["consultations"], before["consultations"], "件"),
        ("会議", now["meetings"], before["meetings"], "件"),
    ]
    result.append(
        {
            "template": "activities/home/counts.html",
            "title": f"{half.label}の活動（{today.month}月{today.day}日まで）",
            "key": "activity-counts",
            "order": 40,
            "stats": [
                {
                    "label": label,
                    "value": value,
                    "before": previous,
                    "unit": unit,
                    "delta": value - previous,
                }
                for label, value, previous, unit in stats
            ],
            "hours": now["visits"].total_minutes,
            "scope_label": "自分の記録" if scope.coordinator_id else "市全域",
            "more": {"label": "活動記録の一覧", "url": reverse("activities:list")},
        }
    )
    return result
