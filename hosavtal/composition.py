"""Runs per-app modules in dependency order (lowest app first).

Each app may provide ``reference.py`` with ``load(report)`` and ``demo.py`` with
``seed(*, scale, password, report)``. Adding an app's data means adding that module; the
commands find it here.
"""

import importlib
from collections.abc import Iterator
from types import ModuleType

APP_ORDER = (
    "core",
    "agreements",
    "accounts",
    "implementation",
    "escalation",
    "conferences",
    "bodies",
    "documents",
    "reminders",
    "hosavtal",
)


def app_modules(name: str) -> Iterator[ModuleType]:
    for app in APP_ORDER:
        try:
            yield importlib.import_module(f"{app}.{name}")
        except ModuleNotFoundError as error:
            if error.name != f"{app}.{name}":
                raise
