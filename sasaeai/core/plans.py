"""Dates that are plans (a consultation's follow-up due date, a referral's next check): one rule
for all of them, decided as a careful coordinator would. A plan is made on or after the day of
the record it belongs to, so a plan date before that day is an error (a follow-up 「2020年」 typed
for a consultation of this year is refused with the reason). A plan more than about a year
after its record is possible but usually a typo (2027 for 2026), so the form asks for a
confirmation before saving it.

A model names its plan dates in `PLAN_DATES = {field: (anchor field, anchor label)}`; its
`clean` calls `plan_date_errors`, and its forms use `PlanDateConfirmation` for the warning.
tests/test_plan_dates.py finds every plan date and tries it through the pages."""

from __future__ import annotations

import datetime as dt

from django import forms

from .eras import era_date

FAR_AHEAD = dt.timedelta(days=366)
CONFIRM_FIELD = "confirm_far_plan"
CONFIRM_LABEL = "1年以上先の日付のまま保存する"


def plan_date_error(
    plan: dt.date | None, anchor: dt.date | None, *, plan_label: str, anchor_label: str
) -> str | None:
    """The reason a plan date is refused, or None."""
    if plan is None or anchor is None or plan >= anchor:
        return None
    return (
        f"{plan_label}（{era_date(plan, weekday=False)}）が{anchor_label}"
        f"（{era_date(anchor, weekday=False)}）より前になっています。"
        f"{plan_label}はこれからの予定なので、{anchor_label}以降の日にしてください。"
    )


def plan_date_is_far(plan: dt.date | None, anchor: dt.date | None) -> bool:
    return plan is not None and anchor is not None and plan - anchor > FAR_AHEAD


def plan_date_warning(plan: dt.date, *, plan_label: str, anchor_label: str) -> str:
    return (
        f"{plan_label}が{anchor_label}から1年以上先（{era_date(plan, weekday=False)}）です。"
        f"日付に誤りがないか確かめてください。このままでよければ「{CONFIRM_LABEL}」に"
        "チェックして、もう一度保存してください。"
    )


def plan_date_errors(record) -> dict[str, str]:
    """The errors of every plan date of a record (`PLAN_DATES` of its model), by field."""
    errors = {}
    for name, (anchor, anchor_label) in getattr(type(record), "PLAN_DATES", {}).items():
        label = str(type(record)._meta.get_field(name).verbose_name)
        message = plan_date_error(
            getattr(record, name),
            getattr(record, anchor),
            plan_label=label,
            anchor_label=anchor_label,
        )
        if message:
            errors[name] = message
    return errors


class PlanDateConfirmation:
    """For a form with plan dates: `check_plan_date` refuses a date before its anchor and, for
    one more than a year ahead, shows a warning with a checkbox 「1年以上先の日付のまま保存す
    る」; the form saves once the box is ticked. The checkbox appears only with the warning (or
    when it was sent), so the form is unchanged for every usual date."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.is_bound and self.add_prefix(CONFIRM_FIELD) in self.data:
            self._add_confirmation()

    def _add_confirmation(self) -> None:
        if CONFIRM_FIELD not in self.fields:
            self.fields[CONFIRM_FIELD] = forms.BooleanField(
                label=CONFIRM_LABEL,
                required=False,
                help_text="日付を確かめたうえで、1年以上先の予定として残す場合にチェック",
            )

    def check_plan_date(
        self,
        name: str,
        *,
        plan: dt.date | None,
        anchor: dt.date | None,
        anchor_label: str,
    ) -> None:
        if name in self.errors or plan is None or anchor is None:
            return
        label = str(self.fields[name].label)
        error = plan_date_error(plan, anchor, plan_label=label, anchor_label=anchor_label)
        if error:
            self.add_error(name, error)
        elif plan_date_is_far(plan, anchor) and not self.cleaned_data.get(CONFIRM_FIELD):
            self._add_confirmation()
            self.add_error(
                name, plan_date_warning(plan, plan_label=label, anchor_label=anchor_label)
            )
