import datetime as dt

import pytest

from escalation.models import TimeUnit
from escalation.workdays import (
    add_limit,
    add_working_days,
    is_working_day,
    next_working_day,
    step_dates,
)

D = dt.date


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 12, 23), True),
        (D(2026, 12, 24), False),  # julafton: treated as a holiday (lag 1930:173)
        (D(2026, 12, 25), False),  # juldagen
        (D(2026, 12, 28), True),
        (D(2026, 12, 31), False),  # nyårsafton
        (D(2027, 1, 1), False),  # nyårsdagen
        (D(2027, 1, 6), False),  # trettondedag jul
        (D(2026, 6, 18), True),
        (D(2026, 6, 19), False),  # midsommarafton (Friday)
        (D(2027, 6, 25), False),  # midsommarafton 2027
        (D(2026, 4, 2), True),  # skärtorsdagen is a working day
        (D(2026, 4, 3), False),  # långfredagen
        (D(2026, 4, 6), False),  # annandag påsk
        (D(2026, 5, 14), False),  # Kristi himmelfärd
        (D(2026, 6, 8), True),  # no annandag pingst since 2005
        (D(2026, 11, 21), False),  # a Saturday
        (D(2026, 11, 22), False),  # a Sunday
        (D(2026, 11, 23), True),
    ],
)
def test_working_days(day, working):
    assert is_working_day(day) is working


def test_working_days_skip_christmas_and_new_year():
    # From Tue 22 Dec 2026: 23 (1), 28 (2), 29 (3), 30 (4), 4 Jan (5), 5 Jan (6), 7 Jan (7).
    assert add_working_days(D(2026, 12, 22), 1) == D(2026, 12, 23)
    assert add_working_days(D(2026, 12, 22), 2) == D(2026, 12, 28)
    assert add_working_days(D(2026, 12, 22), 5) == D(2027, 1, 4)
    assert add_working_days(D(2026, 12, 22), 7) == D(2027, 1, 7)


def test_working_days_skip_midsummer():
    # Wed 17 June 2026: 18 (1), Mon 22 (2).
    assert add_working_days(D(2026, 6, 17), 2) == D(2026, 6, 22)


def test_working_days_skip_easter():
    # Wed 1 April 2026: 2 (1), Tue 7 (2).
    assert add_working_days(D(2026, 4, 1), 2) == D(2026, 4, 7)


def test_calendar_day_deadline_on_a_holiday_moves_to_the_next_working_day():
    assert add_limit(D(2026, 11, 24), 30, TimeUnit.DAYS) == D(2026, 12, 28)  # 24 Dec → 28 Dec
    assert add_limit(D(2026, 11, 2), 60, TimeUnit.DAYS) == D(2027, 1, 4)  # 1 Jan → 4 Jan
    assert add_limit(D(2026, 11, 3), 60, TimeUnit.DAYS) == D(2027, 1, 4)  # Sat 2 Jan
    assert add_limit(D(2026, 10, 1), 60, TimeUnit.DAYS) == D(2026, 11, 30)  # a Monday stays


def test_next_working_day():
    assert next_working_day(D(2026, 12, 24)) == D(2026, 12, 28)
    assert next_working_day(D(2026, 12, 23)) == D(2026, 12, 23)


def test_non_positive_limit_is_refused():
    with pytest.raises(ValueError):
        add_limit(D(2026, 1, 1), 0, TimeUnit.DAYS)


def test_warning_point_is_75_percent_of_the_limit():
    warning, deadline = step_dates(D(2026, 10, 1), 60, TimeUnit.DAYS, 75)
    assert warning == D(2026, 11, 16)  # 45 days → Sun 15 Nov → Mon 16 Nov
    assert deadline == D(2026, 11, 30)
    warning, deadline = step_dates(D(2026, 11, 2), 10, TimeUnit.WORKING_DAYS, 75)
    assert warning == D(2026, 11, 12)  # ceil(7.5) = 8 working days after Mon 2 Nov
    assert deadline == D(2026, 11, 16)
