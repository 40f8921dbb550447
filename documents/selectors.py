"""Every non-trivial read of the documents app, in a bounded number of queries.

The backing register is computed by the adoption register's shared machinery
(``agreements.selectors.requirements``): a version "gäller" when every agreement party's
latest decision is "ställer sig bakom"; a party without a final decision after the version's
``backing_deadline`` is late.
"""

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404

from agreements.models import Party
from agreements.selectors.requirements import Lateness, Tally, lateness, tally
from documents.models import (
    Backing,
    Dispatch,
    DispatchRecipient,
    Document,
    DocumentVersion,
    RemissRecipient,
    RemissRound,
)

FINAL_BACKING = frozenset({Backing.Outcome.BACKED, Backing.Outcome.NOT_BACKED})


def document_list(kind: str = "") -> QuerySet[Document]:
    rows = Document.objects.annotate(n_versions=Count("versions")).order_by("title")
    if kind:
        rows = rows.filter(kind=kind)
    return rows


def document_detail(pk: int) -> Document:
    return get_object_or_404(
        Document.objects.prefetch_related(
            "agreements",
            "responsibilities",
            Prefetch(
                "versions",
                DocumentVersion.objects.prefetch_related("files").order_by("-number"),
            ),
            Prefetch(
                "versions__remiss_rounds",
                RemissRound.objects.annotate(
                    n_recipients=Count("recipients"),
                    n_answers=Count("recipients", filter=Q(recipients__answered_at__isnull=False)),
                ),
            ),
        ),
        pk=pk,
    )


def version_for(pk: int) -> DocumentVersion:
    return get_object_or_404(DocumentVersion.objects.select_related("document"), pk=pk)


# --- backing --------------------------------------------------------------------------------
@dataclass
class BackingRow:
    party: Party
    backing: Backing | None
    lateness: Lateness

    @property
    def backed(self) -> bool:
        return self.backing is not None and self.backing.outcome == Backing.Outcome.BACKED

    @property
    def late(self) -> bool:
        return self.lateness.late

    @property
    def css(self) -> str:
        if self.backing is None:
            return "status-neutral"
        return {
            Backing.Outcome.BACKED: "status-ok",
            Backing.Outcome.NOT_BACKED: "status-bad",
        }.get(self.backing.outcome, "status-warn")


@dataclass
class BackingRegister:
    version: DocumentVersion
    rows: list[BackingRow]
    tally: Tally[BackingRow]

    @property
    def applies(self) -> bool:
        """ "Gäller": every required party has backed this version."""
        return self.tally.met


def latest_backings(version_ids: list[int]) -> dict[tuple[int, int], Backing]:
    """The latest decision per (version id, party id), one query."""
    later = Backing.objects.filter(
        version=OuterRef("version"),
        party=OuterRef("party"),
    ).filter(
        Q(decided_on__gt=OuterRef("decided_on"))
        | Q(decided_on=OuterRef("decided_on"), pk__gt=OuterRef("pk"))
    )
    rows = Backing.objects.filter(version_id__in=version_ids).filter(~Exists(later))
    return {(b.version_id, b.party_id): b for b in rows}


def required_parties() -> list[Party]:
    """Every agreement party (VGR and the 49 municipalities), VGR first."""
    parties = list(Party.objects.agreement_parties().select_related("federation"))
    parties.sort(key=lambda p: (not p.is_region, p.name))
    return parties


def backing_register(
    version: DocumentVersion, *, today: dt.date, parties: list[Party] | None = None
) -> BackingRegister:
    """Three queries at any size (parties, latest decisions)."""
    parties = parties if parties is not None else required_parties()
    latest = latest_backings([version.pk])
    rows = []
    for party in parties:
        backing = latest.get((version.pk, party.pk))
        rows.append(
            BackingRow(
                party,
                backing,
                lateness(
                    final=backing is not None and backing.outcome in FINAL_BACKING,
                    deadline=version.backing_deadline,
                    planned=None,
                    today=today,
                ),
            )
        )
    return BackingRegister(
        version, rows, tally(rows, done=lambda r: r.backed, late=lambda r: r.late)
    )


def backing_counts(version_ids: list[int]) -> dict[int, int]:
    """How many agreement parties currently back each version, one query."""
    required = {p.pk for p in Party.objects.agreement_parties().only("pk")}
    counts: dict[int, int] = dict.fromkeys(version_ids, 0)
    for (version_id, party_id), backing in latest_backings(version_ids).items():
        if party_id in required and backing.outcome == Backing.Outcome.BACKED:
            counts[version_id] += 1
    return counts


def backing_history(version: DocumentVersion) -> QuerySet[Backing]:
    return version.backings.select_related("party", "recorded_by").order_by("-decided_on", "-pk")


# --- remiss -------------------------------------------------------------------------------
def round_detail(pk: int) -> RemissRound:
    return get_object_or_404(
        RemissRound.objects.select_related("version__document", "created_by"), pk=pk
    )


def round_recipients(remiss: RemissRound) -> list[RemissRecipient]:
    return list(
        remiss.recipients.select_related("party", "federation", "body", "recorded_by")
        .prefetch_related("files")
        .order_by("name")
    )


def rounds_open(today: dt.date) -> QuerySet[RemissRound]:
    return (
        RemissRound.objects.filter(sent_at__isnull=False, deadline__gte=today)
        .select_related("version__document")
        .annotate(
            n_recipients=Count("recipients"),
            n_answers=Count("recipients", filter=Q(recipients__answered_at__isnull=False)),
        )
        .order_by("deadline")
    )


# --- dispatches ---------------------------------------------------------------------------
def dispatch_list() -> QuerySet[Dispatch]:
    return Dispatch.objects.annotate(
        n_recipients=Count("recipients"),
        n_confirmed=Count("recipients", filter=Q(recipients__confirmed_at__isnull=False)),
    ).order_by("-created_at", "-pk")


def dispatch_detail(pk: int) -> Dispatch:
    return get_object_or_404(
        Dispatch.objects.select_related("version__document", "created_by").prefetch_related(
            "attachments"
        ),
        pk=pk,
    )


def dispatch_recipients(dispatch: Dispatch, *, state: str = "") -> QuerySet[DispatchRecipient]:
    rows = dispatch.recipients.all()
    if state == "obekraftade":
        rows = rows.filter(confirmed_at__isnull=True)
    elif state == "bekraftade":
        rows = rows.filter(confirmed_at__isnull=False)
    return rows.order_by("audience", "organisation", "name")


@dataclass
class DispatchCounts:
    total: int
    confirmed: int
    forwarded: int
    registered: int


def dispatch_counts(dispatch: Dispatch) -> DispatchCounts:
    found = dispatch.recipients.aggregate(
        total=Count("pk"),
        confirmed=Count("pk", filter=Q(confirmed_at__isnull=False)),
        forwarded=Count("pk", filter=~Q(forwarded_to="")),
        registered=Count("pk", filter=~Q(registered_dnr="")),
    )
    return DispatchCounts(**found)
