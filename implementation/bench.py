"""The implementation pages `make bench` measures (bench/pages.py adds them to its list).

Each resolver returns (user, path) on the generated demo data: the Göteborg demo lead's
förvaltning, one of its verksamheter, and the Göteborg party page.
"""

from collections.abc import Callable

from django.urls import reverse

from accounts.models import User
from implementation.models import Level, Unit

DEMO_FORVALTNING = ("goteborg", "aldre-samt-vard-och-omsorgsforvaltningen")


def _lead() -> User:
    return User.objects.get(username="ia-goteborg")


def _forvaltning() -> Unit:
    party, slug = DEMO_FORVALTNING
    return Unit.objects.select_related("party").get(party__slug=party, slug=slug)


def _verksamhet() -> Unit:
    return _forvaltning().children.filter(level=Level.VERKSAMHET).order_by("name").first()


def _unit_path(unit: Unit, name: str = "unit") -> str:
    return reverse(f"implementation:{name}", args=[unit.party.slug, unit.slug])


def bench_pages() -> list[tuple[str, Callable]]:
    return [
        ("genomförande: översikt", lambda: (_lead(), reverse("implementation:index"))),
        ("genomförande: min sida", lambda: (_lead(), reverse("implementation:my_page"))),
        (
            "genomförande: part (Göteborg)",
            lambda: (_lead(), reverse("implementation:party", args=["goteborg"])),
        ),
        ("genomförande: förvaltning", lambda: (_lead(), _unit_path(_forvaltning()))),
        ("genomförande: matris", lambda: (_lead(), _unit_path(_forvaltning(), "matrix"))),
        ("genomförande: verksamhet", lambda: (_lead(), _unit_path(_verksamhet()))),
        (
            "genomförande: utan ansvarig",
            lambda: (_lead(), reverse("implementation:without_lead")),
        ),
    ]
