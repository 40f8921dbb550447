"""The documents pages `make bench` measures (bench/pages.py adds them to its list): the
document list, the guideline's backing register (50 parties) and the strategy's remiss round,
on the demo data."""

from collections.abc import Callable

from django.urls import reverse

from accounts.models import User


def _guideline_final() -> str:
    from documents.models import DocumentVersion

    version = DocumentVersion.objects.filter(stage="slutlig").order_by("pk").first()
    return reverse("documents:backing", args=[version.pk])


def _largest_round() -> str:
    from django.db.models import Count

    from documents.models import RemissRound

    remiss = RemissRound.objects.annotate(n=Count("recipients")).order_by("-n", "pk").first()
    return reverse("documents:round", args=[remiss.pk])


def bench_pages() -> list[tuple[str, Callable]]:
    def registrar() -> User:
        return User.objects.get(username="registrator")

    return [
        ("dokument: listan", lambda: (registrar(), reverse("documents:index"))),
        ("dokument: ställer sig bakom (50 parter)", lambda: (registrar(), _guideline_final())),
        ("dokument: remissomgången", lambda: (registrar(), _largest_round())),
    ]
