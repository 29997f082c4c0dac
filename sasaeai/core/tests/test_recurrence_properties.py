"""Properties of the one recurrence module, for any rule: its Japanese text form reads back to
the same rule, and the next dates are exactly the days it meets on."""

import datetime as dt

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sasaeai.core import recurrence
from sasaeai.core.recurrence import DAY_CODES, ByDay, Rule

_MONTHLY_ORDER = {"key": lambda item: (DAY_CODES.index(item.day), item.ordinal == -1, item.ordinal)}

weekdays = st.sets(st.sampled_from(DAY_CODES), min_size=1).map(
    lambda days: tuple(ByDay(None, day) for day in sorted(days, key=DAY_CODES.index))
)
ordinal_days = st.sets(
    st.builds(ByDay, st.sampled_from([1, 2, 3, 4, 5, -1]), st.sampled_from(DAY_CODES)),
    min_size=1,
    max_size=4,
).map(lambda items: tuple(sorted(items, **_MONTHLY_ORDER)))
month_days = st.sets(st.sampled_from([*range(1, 32), -1]), min_size=1, max_size=4).map(
    lambda days: tuple(sorted(days, key=lambda d: (d == -1, d)))
)
months = st.sets(st.integers(1, 12), min_size=1, max_size=6).map(lambda m: tuple(sorted(m)))
closures = st.fixed_dictionaries(
    {"closed_on_holidays": st.booleans(), "closed_year_end": st.booleans()}
)


@st.composite
def rules(draw) -> Rule:
    """Any rule a schedule or a calendar entry can hold, in the reader's canonical order."""
    freq = draw(st.sampled_from(["DAILY", "WEEKLY", "MONTHLY", "MONTHLY", "IRREGULAR"]))
    if freq == "IRREGULAR":
        return Rule(freq=freq)
    shut = draw(closures)
    if freq == "DAILY":
        return Rule(freq=freq, interval=draw(st.integers(1, 12)), **shut)
    if freq == "WEEKLY":
        return Rule(freq=freq, interval=draw(st.integers(1, 12)), byday=draw(weekdays), **shut)
    in_months = draw(st.one_of(st.just(()), months))
    interval = 1 if in_months else draw(st.integers(1, 12))
    if draw(st.booleans()):
        return Rule(
            freq=freq, interval=interval, byday=draw(ordinal_days), bymonth=in_months, **shut
        )
    return Rule(
        freq=freq, interval=interval, bymonthday=draw(month_days), bymonth=in_months, **shut
    )


def _text_form(rule: Rule) -> str:
    return " ".join([recurrence.rule_text(rule), *recurrence.closures_text(rule)])


@settings(max_examples=400, deadline=None)
@given(rules())
def test_the_text_form_of_any_rule_reads_back_to_the_same_rule(rule):
    text = _text_form(rule)
    read = recurrence.read_rule_text(text)
    again = Rule.from_parts(
        freq=read["freq"],
        interval=read["interval"],
        byday=read["byday"],
        bymonthday=read["bymonthday"],
        bymonth=read["bymonth"],
        closed_on_holidays=read["closed_on_holidays"],
        closed_year_end=read["closed_year_end"],
    )
    assert again == rule, text


dates = st.dates(min_value=dt.date.min, max_value=dt.date.max)


@st.composite
def anchored_rules(draw) -> Rule:
    rule = draw(rules())
    anchor = draw(dates)
    starts = draw(st.one_of(st.none(), st.just(anchor), dates))
    ends = draw(st.one_of(st.none(), dates))
    return Rule(**{**vars(rule), "anchor": anchor, "starts": starts, "ends": ends})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(anchored_rules(), dates, st.integers(0, 6), st.integers(1, 120))
def test_next_dates_are_the_days_it_meets_on(rule, start, count, horizon):
    """Every day from start to the horizon tried one by one (never past 9999-12-31)."""
    found = recurrence.next_dates(rule, start=start, count=count, horizon_days=horizon)
    last = min(start.toordinal() + horizon, dt.date.max.toordinal())
    every = [
        day
        for day in map(dt.date.fromordinal, range(start.toordinal(), last + 1))
        if recurrence.meets_on(rule, day)
    ]
    assert found == every[:count]
    assert recurrence.dates_between(rule, start, dt.date.fromordinal(last)) == every
