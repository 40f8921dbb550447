import datetime as dt
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

from core.templatetags.portal import datum, datumtid, isodatum, klockslag, procent


def test_swedish_dates_and_times():
    with translation.override("sv"):
        assert datum(dt.date(2026, 10, 15)) == "15 oktober 2026"
        assert isodatum(dt.date(2026, 10, 15)) == "2026-10-15"
        assert klockslag(dt.time(9, 0)) == "kl. 09.00"
        utc = dt.datetime(2026, 10, 15, 7, 0, tzinfo=dt.UTC)  # 09.00 in Stockholm (CEST)
        assert datumtid(utc) == "15 oktober 2026 kl. 09.00"
        rendered = Template("{% tidsspann a b %}").render(
            Context({"a": dt.time(9), "b": dt.time(15)})
        )
        assert rendered == "kl. 09.00–15.00"


def test_winter_time_is_stockholm_time():
    with translation.override("sv"):
        utc = dt.datetime(2026, 12, 1, 8, 30, tzinfo=ZoneInfo("UTC"))
        assert datumtid(utc) == "1 december 2026 kl. 09.30"


def test_english_dates():
    with translation.override("en"):
        assert datum(dt.date(2026, 10, 15)) == "15 October 2026"


def test_percent():
    assert procent(0.456) == "46\xa0%"
    assert procent(None) == "–"


@pytest.mark.parametrize("language", ["sv", "en"])
def test_isodatum_is_the_short_date_format_in_every_language(language):
    from django.utils import timezone, translation
    from django.utils.formats import date_format

    late = dt.datetime(2026, 10, 15, 23, 30, tzinfo=dt.UTC)  # 16 October in Sweden
    with translation.override(language):
        for value in (dt.date(2026, 1, 5), late, dt.datetime(2026, 3, 9, 8, 0)):
            aware = isinstance(value, dt.datetime) and timezone.is_aware(value)
            local = timezone.localtime(value) if aware else value
            assert isodatum(value) == date_format(local, "SHORT_DATE_FORMAT")
    assert isodatum(late) == "2026-10-16"
