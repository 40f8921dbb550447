"""The joint bodies' pages `make bench` measures (bench/pages.py adds them to its list)."""

from collections.abc import Callable

from django.urls import reverse

from accounts.models import User
from bodies.models import Meeting


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _meeting_path() -> str:
    meeting = Meeting.objects.filter(body__slug="politisk-referensgrupp").order_by("date").first()
    return reverse("bodies:meeting", args=[meeting.pk])


def _minutes_path() -> str:
    meeting = Meeting.objects.filter(body__slug="politisk-referensgrupp").order_by("date").first()
    return reverse("bodies:minutes", args=[meeting.pk])


def bench_pages() -> list[tuple[str, Callable]]:
    return [
        ("organ: listan", lambda: (_user("styrgrupp"), reverse("bodies:index"))),
        (
            "organ: referensgruppen",
            lambda: (_user("sekreterare"), reverse("bodies:body", args=["politisk-referensgrupp"])),
        ),
        ("organ: möte", lambda: (_user("sekreterare"), _meeting_path())),
        ("organ: protokoll", lambda: (_user("politiker"), _minutes_path())),
        ("organ: mina åtgärder", lambda: (_user("sekreterare"), reverse("bodies:my_actions"))),
    ]
