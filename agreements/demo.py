"""Demo decisions (domain.md §1), marked ``is_demo``. A second run creates nothing new.

VGR adopted the whole package in regionfullmäktige on 4 November 2025. Most municipalities
adopted it in kommunfullmäktige in spring 2026, before the deadline 31 May 2026. One
(Dals-Ed) postponed on 25 May 2026 to 17 June 2026 and adopted then. Two municipalities
(Gullspång, Munkedal) have no registered decision and one (Svenljunga) has the matter pending
with a planned date in December 2026, so that the board has something to show on 22 Nov 2026.
"""

import datetime as dt
import hashlib

from agreements.models import Agreement, Decision, Party
from core.refdata import LoadReport

DEMO_NOTE = "Demodata – inte ett verkligt beslut."
POSTPONED = "dals-ed"
WITHOUT_DECISION = {"gullspang", "munkedal"}
PENDING = "svenljunga"
SPRING_START = dt.date(2026, 2, 16)
SPRING_DAYS = 101  # up to 28 May 2026


def _stable(slug: str, salt: str, modulo: int) -> int:
    digest = hashlib.sha256(f"{salt}:{slug}".encode()).hexdigest()
    return int(digest[:8], 16) % modulo


def _spring_date(slug: str) -> dt.date:
    day = SPRING_START + dt.timedelta(days=_stable(slug, "date", SPRING_DAYS))
    while day.weekday() > 3:  # fullmäktige meets Monday–Thursday
        day -= dt.timedelta(days=1)
    return day


def _reference(party: Party, day: dt.date) -> str:
    paragraph = 10 + _stable(party.slug, "paragraph", 140)
    number = 100 + _stable(party.slug, "dnr", 800)
    return f"KF {day.isoformat()} § {paragraph}, dnr KS 2025/{number:04d}"


def _ensure(party, agreement, report, *, decided_on, **values) -> None:
    exists = Decision.objects.filter(
        party=party, agreement=agreement, decided_on=decided_on
    ).exists()
    if not exists:
        decision = Decision(
            party=party,
            agreement=agreement,
            decided_on=decided_on,
            note=DEMO_NOTE,
            is_demo=True,
            **values,
        )
        decision.full_clean()
        decision.save()
    report.add("Beslut (demo)", not exists)


def _decide(party, agreements, report, **values) -> None:
    for agreement in agreements:
        _ensure(party, agreement, report, **dict(values))


def seed(*, scale: str, password: str, report: LoadReport) -> None:
    agreements = list(Agreement.objects.new())
    adopted = Decision.Outcome.ADOPTED
    for party in Party.objects.agreement_parties().order_by("name"):
        if party.is_region:
            _decide(
                party,
                agreements,
                report,
                decided_on=dt.date(2025, 11, 4),
                body=Decision.Body.REGIONFULLMAKTIGE,
                outcome=adopted,
                reference="RF 2025-11-04 § 172, dnr RS 2025-01234",
            )
            continue
        council = Decision.Body.KOMMUNFULLMAKTIGE
        if party.slug in WITHOUT_DECISION:
            continue
        if party.slug == PENDING:
            day = dt.date(2026, 5, 25)
            _decide(
                party,
                agreements,
                report,
                decided_on=day,
                body=council,
                outcome=Decision.Outcome.PENDING,
                planned_date=dt.date(2026, 12, 14),
                reference=_reference(party, day),
            )
            continue
        if party.slug == POSTPONED:
            first = dt.date(2026, 5, 25)
            _decide(
                party,
                agreements,
                report,
                decided_on=first,
                body=council,
                outcome=Decision.Outcome.POSTPONED,
                planned_date=dt.date(2026, 6, 17),
                reference=_reference(party, first),
            )
            day = dt.date(2026, 6, 17)
        else:
            day = _spring_date(party.slug)
        _decide(
            party,
            agreements,
            report,
            decided_on=day,
            body=council,
            outcome=adopted,
            reference=_reference(party, day),
        )
