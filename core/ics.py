"""iCalendar (.ics) files with an alarm, for conference invitations and deadline feeds."""

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from icalendar import Alarm, Calendar, Event


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
        event.add("uid", item.uid)
        event.add("dtstamp", now)
        event.add("summary", item.summary)
        event.add("dtstart", item.start)
        if item.end:
            event.add("dtend", item.end)
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
    return calendar.to_ical()
