"""The rule registry: one module per source app, each yielding reminder candidates.

A rule is given a :class:`Window` (today, how far back missed sends are caught up, and the
editable lead times) and returns the candidates whose nominal send day falls in the window and
whose object still needs the reminder. A rule works in a fixed number of queries, whatever the
number of objects: it narrows by date in SQL first and fans out to people with ``__in`` lookups.
"""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from reminders.models import ReminderSettings


@dataclass(frozen=True)
class Window:
    today: dt.date
    config: ReminderSettings

    @property
    def start(self) -> dt.date:
        return self.today - dt.timedelta(days=self.config.catch_up_days)

    def contains(self, day: dt.date) -> bool:
        return self.start <= day <= self.today


@dataclass(frozen=True)
class Candidate:
    """One reminder that is due: to whom, about what, and why."""

    kind: str
    model: type
    object_id: int
    due_date: dt.date
    send_on: dt.date
    source: str
    title: str
    url: str
    recipient: object | None = None  # a User, or None for an e-mail-only recipient
    email: str = ""
    scope_id: int = 0
    occurrence: int = 0
    # When the object came into being: a reminder whose send time had already passed then is
    # never sent (pretix's bug: reminders reaching orders placed after the reminder was due).
    created_at: dt.datetime | None = None


@dataclass(frozen=True)
class Rule:
    name: str
    collect: Callable[[Window], Iterable[Candidate]]


RULES: dict[str, Rule] = {}


def register(name: str):
    """Decorator: add a collect function to the registry under ``name``."""

    def wrap(func: Callable[[Window], Iterable[Candidate]]):
        RULES[name] = Rule(name, func)
        return func

    return wrap


def all_rules() -> list[Rule]:
    _load()
    return list(RULES.values())


def _load() -> None:
    # Imported lazily: rule modules import other apps' models, which need the app registry.
    from reminders.rules import adoption, bodies, checklist, conferences, escalation  # noqa: F401
