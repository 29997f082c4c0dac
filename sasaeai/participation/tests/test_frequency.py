"""The survey's frequency bins from schedules, through the recurrence module."""

import pytest

from sasaeai.participation import frequency
from sasaeai.resources.models import Schedule


def schedule(**fields) -> Schedule:
    return Schedule(**{"freq": "WEEKLY", "interval": 1, "byday": "", "bymonthday": "", **fields})


@pytest.mark.parametrize(
    ("schedules", "expected"),
    [
        ([schedule(byday="TU")], frequency.WEEKLY),
        ([schedule(byday="MO", closed_on_holidays=True)], frequency.WEEKLY),
        ([schedule(freq="DAILY")], frequency.WEEKLY),
        ([schedule(byday="FR", interval=2)], frequency.TWICE_MONTHLY),
        ([schedule(freq="MONTHLY", byday="2TU,4TU")], frequency.TWICE_MONTHLY),
        ([schedule(freq="MONTHLY", bymonthday="1,15")], frequency.TWICE_MONTHLY),
        (
            [schedule(freq="MONTHLY", byday="1TU,3TU"), schedule(freq="MONTHLY", byday="2FR,4FR")],
            frequency.TWICE_MONTHLY,
        ),
        ([schedule(freq="MONTHLY", byday="1TU,2TU,3TU,4TU,-1TU")], frequency.WEEKLY),
        ([schedule(freq="MONTHLY", byday="3WE")], frequency.MONTHLY),
        ([schedule(freq="MONTHLY", byday="3WE", interval=2)], frequency.LESS_THAN_MONTHLY),
        ([schedule(freq="IRREGULAR", note="月1回程度")], frequency.UNKNOWN),
        ([], frequency.UNKNOWN),
    ],
)
def test_frequency_bin(schedules, expected):
    assert frequency.frequency_bin(schedules) == expected
