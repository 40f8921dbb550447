"""The documents' figures for the steering group's dashboard and its "sedan förra mötet"
(the dashboard itself belongs to hosavtal; it calls these and includes
``documents/_dashboard.html`` with ``documents_figures``):

- open remiss rounds, each with answers x of y;
- backing: for each document that requires every party's backing, its latest final version
  with x of 50 parties behind it and whether it "gäller";
- dispatches without receipts: sent dispatches with recipients that have not confirmed;
- since a date: answers received, backing decisions recorded, versions that came to apply
  (the 50th party's decision) and dispatches sent.

A fixed number of queries at any size.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Count, F, Max, Q
from django.utils import timezone

from agreements.models import Party
from documents.models import Backing, Dispatch, DocumentVersion, RemissRecipient
from documents.selectors import backing_counts, latest_backings, rounds_open


@dataclass
class RoundFigure:
    pk: int
    title: str
    deadline: dt.date
    answers: int
    recipients: int


@dataclass
class BackingFigure:
    version_pk: int
    title: str
    number: int
    backed: int
    total: int

    @property
    def applies(self) -> bool:
        return self.total > 0 and self.backed == self.total


@dataclass
class DispatchFigure:
    pk: int
    subject: str
    confirmed: int
    recipients: int


@dataclass
class Since:
    since: dt.date
    answers: int = 0
    backings: int = 0
    came_to_apply: list[str] = field(default_factory=list)
    dispatches: int = 0


@dataclass
class DocumentFigures:
    rounds: list[RoundFigure]
    backing: list[BackingFigure]
    unconfirmed: list[DispatchFigure]
    since: Since | None = None


def open_rounds(today: dt.date) -> list[RoundFigure]:
    return [
        RoundFigure(r.pk, r.title, r.deadline, r.n_answers, r.n_recipients)
        for r in rounds_open(today)
    ]


def _latest_finals() -> list[DocumentVersion]:
    latest = dict(
        DocumentVersion.objects.filter(
            stage=DocumentVersion.Stage.FINAL, document__backing_required=True
        )
        .values("document_id")
        .annotate(n=Max("number"))
        .values_list("document_id", "n")
    )
    versions = DocumentVersion.objects.filter(
        document_id__in=latest.keys(), stage=DocumentVersion.Stage.FINAL
    ).select_related("document")
    return sorted(
        (v for v in versions if latest[v.document_id] == v.number), key=lambda v: v.document.title
    )


def _required_parties() -> set[int]:
    return set(Party.objects.agreement_parties().values_list("pk", flat=True))


def backing_figures(versions=None, required=None) -> list[BackingFigure]:
    versions = _latest_finals() if versions is None else versions
    counts = backing_counts([v.pk for v in versions])
    total = len(_required_parties() if required is None else required)
    return [
        BackingFigure(v.pk, v.document.title, v.number, counts.get(v.pk, 0), total)
        for v in versions
    ]


def unconfirmed_dispatches() -> list[DispatchFigure]:
    rows = (
        Dispatch.objects.filter(sent_at__isnull=False)
        .annotate(
            n=Count("recipients"),
            confirmed=Count("recipients", filter=Q(recipients__confirmed_at__isnull=False)),
        )
        .filter(n__gt=F("confirmed"))
        .order_by("-sent_at")[:20]
    )
    return [DispatchFigure(d.pk, d.subject, d.confirmed, d.n) for d in rows]


def since(day: dt.date, *, today: dt.date | None = None, versions=None, required=None) -> Since:
    """What changed from ``day`` (inclusive) on."""
    start = timezone.make_aware(dt.datetime.combine(day, dt.time.min))
    result = Since(day)
    result.answers = RemissRecipient.objects.filter(answered_at__gte=start).count()
    result.backings = Backing.objects.filter(recorded_at__gte=start).count()
    result.dispatches = Dispatch.objects.filter(sent_at__gte=start).count()
    # A version came to apply since ``day`` if it applies now and the last backing decision
    # that completed it was recorded since then.
    versions = _latest_finals() if versions is None else versions
    required = _required_parties() if required is None else required
    latest = latest_backings([v.pk for v in versions])
    for version in versions:
        rows = [latest.get((version.pk, pk)) for pk in required]
        applies = bool(rows) and all(
            b is not None and b.outcome == Backing.Outcome.BACKED for b in rows
        )
        if applies and max(b.recorded_at for b in rows) >= start:
            result.came_to_apply.append(version.document.title)
    return result


def document_figures(*, today: dt.date | None = None, since_day: dt.date | None = None):
    today = today or timezone.localdate()
    versions, required = _latest_finals(), _required_parties()
    return DocumentFigures(
        rounds=open_rounds(today),
        backing=backing_figures(versions, required),
        unconfirmed=unconfirmed_dispatches(),
        since=since(since_day, versions=versions, required=required) if since_day else None,
    )
