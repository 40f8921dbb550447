"""The vocabulary of the security sweep's access table (security/tests/test_url_sweep.py and
each app's part in security/tests/parts/).

Columns (actors): anonymous, the lead of the owning party (Göteborg), the lead of ANOTHER party
(Borås), registrator, styrgrupp, förvaltare — then, computed unless a row names them, the VGR
lead of another förvaltning and the extra actors the parts declare (``ExtraActor``).
"""

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Rule:
    get: str
    post: str
    # A dict, or a callable taking the sweep's objects (``world.obj``) and returning one.
    payload: Any = None
    xfail: str = ""
    # Codes for the extra actors, by name: {"samordnare": ("200", "ok")} (GET, POST).
    extra: dict = field(default_factory=dict)


@dataclass(frozen=True)
class ExtraActor:
    """An actor a part adds to every row. Rows that do not name it in ``Rule.extra`` give it
    the code of the actor it is ``like``. ``sees``: the markers of the base SECRETS it may read
    (parts' own SECRETS name their readers themselves)."""

    name: str
    like: str
    sees: frozenset = frozenset()


ALL = "ok ok ok ok ok"  # every logged-in user
READ = "L 200 200 200 200 200"  # every logged-in user reads
READ_POST = "L 405 405 405 405 405"  # a read-only page refuses POST
PUBLIC = "200 200 200 200 200 200"
NOT_POSTED = "- - - - - -"
FORVALTARE_ONLY_GET = "L 403 403 403 403 200"
FORVALTARE_ONLY_POST = "L 403 403 403 403 ok"
RECORDERS_GET = "L 403 403 200 403 200"  # registrator and förvaltare
RECORDERS_POST = "L 403 403 ok 403 ok"
CONF_ACTION_GET = "L 403 403 405 403 405"  # POST-only actions of the conference managers
UNIT_WRITERS_GET = "L 200 403 403 403 200"  # the unit's own lead (through the förvaltning)
UNIT_WRITERS_POST = "L ok 403 403 403 ok"
CASE_ACTION_GET = "L 405 405 405 405 405"
DASHBOARD_GET = "L 403 403 403 200 200"

ALL_LOGGED_IN = "L ok ok ok ok ok"
ESK_WORK = "L ok 404 403 403 ok"  # the case's sides and the förvaltare
ESK_SIDE = "L ok 404 403 403 403"  # a party's side only (propose, answer)
ESK_BODY = "L 403 404 403 403 ok"  # the förvaltare (no body handler among the actors)
TEXT = "Text från säkerhetssvepet"
