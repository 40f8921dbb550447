"""Helpers for idempotent reference-data loaders.

A loader creates what is missing and never changes a row that exists: what a förvaltare
edited stays edited.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass
class LoadReport:
    created: dict[str, int] = field(default_factory=dict)

    def add(self, label: str, was_created: bool) -> None:
        self.created.setdefault(label, 0)
        if was_created:
            self.created[label] += 1

    def lines(self) -> list[str]:
        return [f"{label}: {count} nya" for label, count in self.created.items()]


def read_json(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))


def ensure(model, report: LoadReport, label: str, *, lookup: dict, defaults: dict):
    """get_or_create that never touches an existing row."""
    obj, created = model.objects.get_or_create(**lookup, defaults=defaults)
    report.add(label, created)
    return obj
