"""Deadline arithmetic in calendar days and Swedish working days.

Non-working days are Saturdays, Sundays, the Swedish public holidays (``holidays.Sweden``,
without its habit of listing every Sunday) and three eves: midsommarafton, julafton and
nyårsafton. The eves are not public holidays by law, but the Act on the computation of
statutory time limits (lag (1930:173) om beräkning av lagstadgad tid) treats them like one, and
public offices are closed on them in practice — so a step's clock does not run on them either.

A deadline that falls on a non-working day moves to the next working day (same act), also for
limits counted in calendar days.
"""

import datetime as dt
import math
from functools import lru_cache

import holidays

ONE_DAY = dt.timedelta(days=1)


@lru_cache(maxsize=64)
def non_working_days(year: int) -> frozenset[dt.date]:
    official = holidays.Sweden(years=year, include_sundays=False)
    days = set(official)
    june_19 = dt.date(year, 6, 19)
    # Midsommarafton: the Friday between 19 and 25 June.
    days.add(june_19 + dt.timedelta(days=(4 - june_19.weekday()) % 7))
    days.add(dt.date(year, 12, 24))  # julafton
    days.add(dt.date(year, 12, 31))  # nyårsafton
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in non_working_days(day.year)


def next_working_day(day: dt.date) -> dt.date:
    """``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += ONE_DAY
    return day


def add_working_days(start: dt.date, count: int) -> dt.date:
    """The ``count``-th working day after ``start`` (``start`` itself is not counted)."""
    day = start
    remaining = count
    while remaining > 0:
        day += ONE_DAY
        if is_working_day(day):
            remaining -= 1
    return day


def add_limit(start: dt.date, amount: int, unit: str) -> dt.date:
    from escalation.models import TimeUnit

    if amount <= 0:
        raise ValueError("time limit must be positive")
    if unit == TimeUnit.WORKING_DAYS:
        return add_working_days(start, amount)
    return next_working_day(start + dt.timedelta(days=amount))


def step_dates(start: dt.date, amount: int, unit: str, warning_percent: int):
    """(warning day, deadline) of a step entered on ``start``."""
    deadline = add_limit(start, amount, unit)
    warning_amount = max(1, math.ceil(amount * warning_percent / 100))
    warning = min(deadline, add_limit(start, warning_amount, unit))
    return warning, deadline


def working_days_between(start: dt.date, end: dt.date) -> int:
    """How many working days fall in ``start`` (included) .. ``end`` (excluded): the days a
    paused case's clock stood still when it is resumed on ``end``."""
    count = 0
    day = start
    while day < end:
        if is_working_day(day):
            count += 1
        day += ONE_DAY
    return count
