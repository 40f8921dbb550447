"""Each app's share of the security sweep, one module per app (``bodies.py``,
``onboarding.py``, …), so that the sweep grows with the portal without one shared file.

A part module may define any of:

- ``EXTRA_ACTORS``: a tuple of ``security.tests.rules.ExtraActor`` (e.g. a coordinator);
- ``build(o, users, t)``: add the part's objects to ``o`` (the sweep's SimpleNamespace, with
  ``o.party`` = Göteborg, ``o.other_party`` = Borås, ``o.verksamhet``, ``o.forvaltning``…) and a
  user for each of its extra actors to ``users`` (keyed by the actor's name); ``t`` is appended
  to every free text (the XSS test passes a payload);
- ``ACCESS``: ``{url name: Rule}`` for the app's URL patterns (the same codes as the main
  table, see ``security.tests.rules``);
- ``url_for(name, o)``: the URL for a pattern of the app, or None to let the main map try;
- ``SECRETS``: ``{marker text: set of actors that may read it}`` for the part's own data.

The main table (``test_url_sweep.ACCESS``) takes every part's rows; a pattern may have one row
only.
"""

import importlib
import pkgutil

PARTS = tuple(
    importlib.import_module(f"{__name__}.{info.name}")
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda info: info.name)
)
EXTRA_ACTORS = tuple(actor for part in PARTS for actor in getattr(part, "EXTRA_ACTORS", ()))


def build(o, users, t: str) -> None:
    for part in PARTS:
        if hasattr(part, "build"):
            part.build(o, users, t)


def access() -> dict:
    rows: dict = {}
    for part in PARTS:
        for name, rule in getattr(part, "ACCESS", {}).items():
            assert name not in rows, f"{name}: two rows in the security parts"
            rows[name] = rule
    return rows


def secrets() -> dict:
    found: dict = {}
    for part in PARTS:
        found.update(getattr(part, "SECRETS", {}))
    return found


def url_for(name: str, o) -> str | None:
    for part in PARTS:
        if hasattr(part, "url_for"):
            url = part.url_for(name, o)
            if url is not None:
                return url
    return None
