"""The issue's measurement, as a test: after the demo data and a sweep two weeks later, no
digest lists an item twice, every link points at SITE_URL, and the wording is consistent."""

import datetime as dt
import io
import re
from collections import Counter

import time_machine
from django.core.management import call_command
from django.utils import timezone

from core.models import OutboxMessage
from reminders.emails import DIGEST_KIND
from reminders.models import Message, MessageStatus
from reminders.services import reminder_sweep

LINE = re.compile(r"^- (.+)\n  (.+)\n  (https?://\S+)$", re.MULTILINE)


def test_after_the_demo_and_a_sweep_two_weeks_later_no_digest_repeats_an_item(
    db, settings, mailbox
):
    settings.SITE_URL = "http://127.0.0.1:8301"
    call_command("seed_demo", stdout=io.StringIO())
    later = timezone.localdate() + dt.timedelta(days=14)
    with time_machine.travel(
        timezone.make_aware(dt.datetime.combine(later, dt.time(9, 0))), tick=False
    ):
        result = reminder_sweep(today=later)
    digests = list(OutboxMessage.objects.filter(kind=DIGEST_KIND))
    assert result.new > 0 and len(digests) > 20
    assert len(mailbox) == len(digests) == result.sent
    repeated = []
    for digest in digests:
        lines = LINE.findall(digest.text)
        assert lines, digest.text
        items = Counter((title, link) for title, _due, link in lines)
        repeated += [item for item, n in items.items() if n > 1]
        for _title, due, link in lines:
            assert link.startswith("http://127.0.0.1:8301/")
            assert due.startswith(
                ("Försenat: tidsgränsen var", "Tidsgränsen är", "Hinder rapporterat")
            ), due
        hrefs = re.findall(r'href="([^"]+)"', digest.html)
        assert hrefs and all(
            h == "http://127.0.0.1:8301" or h.startswith("http://127.0.0.1:8301/") for h in hrefs
        ), hrefs
    assert repeated == []
    assert not Message.objects.exclude(status=MessageStatus.SENT).exists()
