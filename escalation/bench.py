"""The escalation pages and jobs `make bench` measures (bench/pages.py adds them to its lists).

Pages resolve (user, path) on the generated demo data; the export runs as a job, so its
query count is checked against the number of cases it writes.
"""

from collections.abc import Callable

from django.urls import reverse

from accounts.models import User
from escalation.models import Case


def _user(username: str) -> User:
    return User.objects.get(username=username)


def _boras_case_path() -> str:
    case = Case.objects.filter(reporting_party__slug="boras").order_by("pk").first()
    return reverse("escalation:detail", args=[case.pk])


def bench_pages() -> list[tuple[str, Callable]]:
    return [
        (
            "eskalering: trappan (alla ärenden)",
            lambda: (_user("admin"), reverse("escalation:index")),
        ),
        ("eskalering: trappan (Borås)", lambda: (_user("ia-boras"), reverse("escalation:index"))),
        ("eskalering: ärendelistan", lambda: (_user("styrgrupp"), reverse("escalation:list"))),
        (
            "eskalering: försenade",
            lambda: (_user("admin"), reverse("escalation:list") + "?overdue=on"),
        ),
        ("eskalering: ärende", lambda: (_user("ia-boras"), _boras_case_path())),
        ("eskalering: stegen", lambda: (_user("admin"), reverse("escalation:ladder"))),
        ("eskalering: min kalender", lambda: (_user("styrgrupp"), reverse("escalation:calendar"))),
    ]


def bench_jobs() -> list[tuple[str, Callable[[], int], Callable[[], int]]]:
    """(name, run, how many objects it handles): the export of every case a user may see."""
    from escalation import selectors

    admin = lambda: _user("admin")  # noqa: E731

    def export() -> None:
        selectors.case_export_rows(user=admin())

    return [("eskalering: export av alla ärenden", export, lambda: Case.objects.count())]
