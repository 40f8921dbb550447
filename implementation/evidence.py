"""Evidence that higher apps show on a unit's checklist, without implementation importing them.

A higher app (conferences, escalation) registers a provider in its ``AppConfig.ready()``::

    from implementation import evidence

    def conference_evidence(unit_ids, responsibility_ids):
        # one bounded query over the given ids
        return {(unit_id, responsibility_id): [evidence.EvidenceLine("…", url, done=True)]}

    evidence.register(conference_evidence)

A provider receives the ids of the units and the items on the page and returns lines keyed by
``(unit_id, responsibility_id)``. It must make a bounded number of queries (one is the aim),
whatever the number of ids. The unit page and Min sida show the lines under the item.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class EvidenceLine:
    text: str
    url: str = ""
    done: bool = False


Provider = Callable[[list[int], list[int]], dict[tuple[int, int], list[EvidenceLine]]]

_providers: list[Provider] = []


def register(provider: Provider) -> Provider:
    """Add a provider (once; registering the same function twice is harmless)."""
    if provider not in _providers:
        _providers.append(provider)
    return provider


def unregister(provider: Provider) -> None:
    if provider in _providers:
        _providers.remove(provider)


def providers() -> list[Provider]:
    return list(_providers)


def collect(
    unit_ids: Iterable[int], responsibility_ids: Iterable[int]
) -> dict[tuple[int, int], list[EvidenceLine]]:
    """Every provider's lines for these units and items, each provider called once."""
    unit_ids = sorted(set(unit_ids))
    responsibility_ids = sorted(set(responsibility_ids))
    lines: dict[tuple[int, int], list[EvidenceLine]] = {}
    if not unit_ids or not responsibility_ids:
        return lines
    for provider in _providers:
        for key, found in (provider(unit_ids, responsibility_ids) or {}).items():
            lines.setdefault(key, []).extend(found)
    return lines
