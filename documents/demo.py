"""Demo data: the patient-safety guideline (remiss answers due 28 February 2026, final
version checked 24 August, SRO per capsulam 1 September 2026, backing from the parties) and
the health-care strategy remiss (21 April – 30 September 2026). Marked ``is_demo``; a second
run adds nothing. No mail is written: the demo rounds are history.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from agreements.models import Federation, Party
from core.refdata import LoadReport
from documents.models import Backing, Document, DocumentVersion, RemissRecipient, RemissRound

GUIDELINE = "Länsgemensam riktlinje för patientsäkerhet"
STRATEGY = "Strategi för hälso- och sjukvården"
GUIDELINE_ITEM = "p3-regionovergripande-patientsakerhetsriktlinje"


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10)))


def _round(version, title, opens, deadline, parties, federations, rng, share, registrar):
    remiss = RemissRound.objects.create(
        version=version,
        title=title,
        opens_on=opens,
        deadline=deadline,
        reference=f"HoS-R-{opens.year}-{version.document_id}",
        sent_at=_at(opens),
        created_by=registrar,
        is_demo=True,
    )
    rows = []
    span = (deadline - opens).days
    for party in parties:
        answered = rng.random() < share
        day = opens + dt.timedelta(days=rng.randint(span // 2, span + 5)) if answered else None
        rows.append(
            RemissRecipient(
                round=remiss,
                party=party,
                name=party.name,
                email=party.registry_email,
                answer=rng.choice(list(RemissRecipient.Answer.values)) if answered else "",
                text="Vi har tagit del av remissen och lämnar synpunkter i bilagan."
                if answered
                else "",
                answered_at=_at(day) if day else None,
                answered_by_link=answered,
            )
        )
    rows += [
        RemissRecipient(round=remiss, federation=f, name=f.name, email=f.email) for f in federations
    ]
    RemissRecipient.objects.bulk_create(rows)
    return remiss


@transaction.atomic
def seed(*, scale: str, password: str, report: LoadReport) -> None:
    from accounts.models import User
    from implementation.models import Responsibility

    parties = list(Party.objects.agreement_parties().order_by("name"))
    parties.sort(key=lambda party: not party.is_region)  # VGR first
    if not parties:
        return
    registrar = User.objects.filter(username="registrator").first()
    rng = random.Random(22)
    federations = list(Federation.objects.order_by("order"))

    if not Document.objects.filter(title=GUIDELINE, is_demo=True).exists():
        guideline = Document.objects.create(
            title=GUIDELINE,
            kind=Document.Kind.GUIDELINE,
            description="Riktlinjen gäller om samtliga parter ställer sig bakom den.",
            backing_required=True,
            created_by=registrar,
            is_demo=True,
        )
        guideline.responsibilities.set(Responsibility.objects.filter(code=GUIDELINE_ITEM))
        remiss_version = DocumentVersion.objects.create(
            document=guideline,
            number=1,
            stage=DocumentVersion.Stage.REMISS,
            note="Remissversion till parterna.",
            sent_at=_at(dt.date(2025, 12, 1)),
            created_by=registrar,
            is_demo=True,
        )
        _round(
            remiss_version,
            "Remiss: riktlinje om patientsäkerhet",
            dt.date(2025, 12, 1),
            dt.date(2026, 2, 28),
            parties,
            [],
            rng,
            0.9,
            registrar,
        )
        final = DocumentVersion.objects.create(
            document=guideline,
            number=2,
            stage=DocumentVersion.Stage.FINAL,
            note="Slutversionen stämdes av den 24 augusti 2026. SRO beslutade per capsulam "
            "den 1 september 2026 att rekommendera parterna att ställa sig bakom den.",
            checked_on=dt.date(2026, 8, 24),
            backing_deadline=dt.date(2026, 11, 30),
            sent_at=_at(dt.date(2026, 9, 2)),
            created_by=registrar,
            is_demo=True,
        )
        backed = parties[: 30 if scale == "small" else 40]
        Backing.objects.bulk_create(
            Backing(
                version=final,
                party=party,
                body="Regionstyrelsen" if party.is_region else "Kommunstyrelsen",
                decided_on=dt.date(2026, 9, 15) + dt.timedelta(days=rng.randint(0, 70)),
                outcome=Backing.Outcome.BACKED,
                reference=f"KS {2026}/{rng.randint(100, 999)}",
                recorded_by=registrar,
                is_demo=True,
            )
            for party in backed
        )
        report.add("dokument", True)

    if not Document.objects.filter(title=STRATEGY, is_demo=True).exists():
        strategy = Document.objects.create(
            title=STRATEGY,
            kind=Document.Kind.STRATEGY,
            description="Ersätter Strategi för omställningen av hälso- och sjukvården och "
            "planeras gälla från 1 januari 2028.",
            created_by=registrar,
            is_demo=True,
        )
        version = DocumentVersion.objects.create(
            document=strategy,
            number=1,
            stage=DocumentVersion.Stage.REMISS,
            sent_at=_at(dt.date(2026, 4, 21)),
            created_by=registrar,
            is_demo=True,
        )
        _round(
            version,
            "Remiss: strategi för hälso- och sjukvården",
            dt.date(2026, 4, 21),
            dt.date(2026, 9, 30),
            parties,
            federations,
            rng,
            0.7,
            registrar,
        )
        report.add("dokument", True)
