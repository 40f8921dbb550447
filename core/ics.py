"""iCalendar (.ics) files with an alarm, for conference invitations and deadline feeds.

Every calendar file of the portal goes through ``ics_bytes``: times are written in
Europe/Stockholm (``settings.TIME_ZONE``) with its VTIMEZONE, and every UID ends in the one
domain ``UID_DOMAIN`` (RFC 5545 §3.8.4.7: globally unique, stable for the same object).
"""

import datetime as dt
import zoneinfo
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from icalendar import Alarm, Calendar, Event, Timezone

UID_DOMAIN = "hosportalen.se"


def ics_uid(local: str) -> str:
    """The UID for ``local`` (e.g. "konferens-12") in the portal's one UID domain."""
    return f"{local.split('@', 1)[0]}@{UID_DOMAIN}"


def _local(value):
    """Aware datetimes in the portal's time zone (so they carry its TZID); dates unchanged."""
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone(zoneinfo.ZoneInfo(settings.TIME_ZONE))
    return value


@dataclass
class IcsEvent:
    uid: str  # stable: the same object always gives the same UID (updates replace)
    summary: str
    start: dt.datetime | dt.date
    end: dt.datetime | dt.date | None = None
    description: str = ""
    location: str = ""
    url: str = ""
    alarm_before: dt.timedelta | None = field(default_factory=lambda: dt.timedelta(days=1))
    sequence: int = 0
    cancelled: bool = False


def ics_bytes(events: Sequence[IcsEvent], *, name: str = "HoS-portalen") -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//HoS-portalen//Västra Götaland//SV")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "CANCEL" if events and all(e.cancelled for e in events) else "PUBLISH")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    now = dt.datetime.now(dt.UTC)
    for item in events:
        event = Event()
        event.add("uid", ics_uid(item.uid))
        event.add("dtstamp", now)
        event.add("summary", item.summary)
        event.add("dtstart", _local(item.start))
        if item.end:
            event.add("dtend", _local(item.end))
        if item.description:
            event.add("description", item.description)
        if item.location:
            event.add("location", item.location)
        if item.url:
            event.add("url", item.url)
        event.add("sequence", item.sequence)
        event.add("status", "CANCELLED" if item.cancelled else "CONFIRMED")
        if item.alarm_before and not item.cancelled:
            alarm = Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", item.summary)
            alarm.add("trigger", -item.alarm_before)
            event.add_component(alarm)
        calendar.add_component(event)
    if any(isinstance(e.start, dt.datetime) and e.start.tzinfo for e in events):
        calendar.add_component(
            Timezone.from_tzinfo(zoneinfo.ZoneInfo(settings.TIME_ZONE), first_date=_FIRST)
        )
    return calendar.to_ical()


# The VTIMEZONE's rules are written from here on (older events are not written by the portal).
_FIRST = dt.date(2020, 1, 1)
