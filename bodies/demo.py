"""Demo data of the joint bodies (marked ``is_demo``; a second run adds nothing):

- the political reference group's meeting of 4 June 2026 from its minutes (seed 004): called,
  attended, items, decisions and next steps, approved;
- the extra meeting of 24 August 2026 with the joint steering group (called);
- SRO's per-capsulam decision of 1 September 2026 on the county-wide patient-safety guideline;
- an issue in the issue log with both perspectives;
- demo accounts: the bodies' secretary ("sekreterare") and a politician ("politiker");
- the steering group's meeting dates relative to today (for the dashboard).
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone

from accounts.models import User
from agreements.models import JointBody
from bodies.models import AgendaItem, Issue, Meeting, Membership, Outcome, Participant
from core.refdata import LoadReport
from core.roles import Role

REF = "politisk-referensgrupp"
SRO = "sro"
STEERING = "gemensam-styrgrupp"
MEETING_DAY = dt.date(2026, 6, 4)

ACCOUNTS = (
    # username, first, last, role, title
    (
        "sekreterare",
        "Sofia",
        "Sekreterare",
        Role.IMPLEMENTERINGSANSVARIG,
        "Sekreterare i politisk referensgrupp och SRO",
    ),
    ("politiker", "Janette", "Olsson", Role.POLITIKER, "Ordförande, politisk referensgrupp"),
)

OTHERS = (
    ("Kristina Lännergren", "direktör VästKom"),
    ("Ann-Sofie Rundberg", "Västra Götalandsregionen"),
    ("Jenny Nilsson", "Västra Götalandsregionen"),
    ("Malin Swärd Davidsson", "VästKom"),
    ("Åsa Jackson", "Västra Götalandsregionen"),
    ("Isabelle Alknäs", "Västra Götalandsregionen"),
)

INFO, D, A = Outcome.Kind.INFORMATION, Outcome.Kind.DECISION, Outcome.Kind.ACTION

# (title, description, [(kind, text, owner username or "", due date or None)])
ITEMS = (
    (
        "Aktuellt",
        "Arbetet med det nya avtalet följer plan och i princip alla beslut är nu fattade.",
        [
            (
                INFO,
                "Processen har gått bättre än förväntat; dialogen med kommunerna har varit avgörande. "
                "Pressmeddelande tas fram inför lansering i juni, med möjlighet att använda materialet i "
                "samband med Almedalen.",
                "",
                None,
            ),
            (
                A,
                "Formulera budskapen mer patientnära (trygghet, vad avtalet innebär för invånaren) och "
                "anpassa citaten regionalt.",
                "sekreterare",
                dt.date(2026, 6, 15),
            ),
        ],
    ),
    (
        "Hur arbetar vi tillsammans",
        "Gemensamma strukturer mellan region och kommun: arbetsgrupp, styrgrupp och politiska forum.",
        [
            (
                INFO,
                "Respektive part säkerställer intern förankring inför gemensamma beslut. Frågor "
                "identifieras tidigt, hanteras i respektive organisation och beslutas sedan gemensamt.",
                "",
                None,
            ),
        ],
    ),
    (
        "Länsgemensam riktlinje Patientsäkerhet",
        "Arbetet pågår med justerad tidsplan, inklusive delarna om psykiatri och läkemedel.",
        [
            (
                D,
                "Referensgruppen ställer sig positiv till ett gemensamt möte med gemensam styrgrupp "
                "den 24 augusti kl. 15.00–16.30 för avstämning av slutversionen. Beslut fattas därefter "
                "per capsulam i SRO den 1 september.",
                "",
                None,
            ),
            (
                A,
                "Skicka save-the-date till referensgruppen för den digitala konferensen om "
                "patientsäkerhet den 17 september.",
                "sekreterare",
                dt.date(2026, 6, 18),
            ),
        ],
    ),
    (
        "Implementeringsarbete",
        "Implementeringen sker parallellt i region och kommun men i olika takt.",
        [
            (
                INFO,
                "Transparens kring arbetet hos respektive part betonas som viktig lärdom.",
                "",
                None,
            ),
        ],
    ),
    (
        "Dialogkonferens",
        "Dialogkonferenser under hösten, fysiska tillfällen med fokus på process och gemensamt arbete.",
        [
            (
                D,
                "Ansvariga för att inleda: 8 september Janette Olsson och Bengt Hilmersson; "
                "6 oktober Marina Johansson och Adam Johansson; 15 oktober Dan Nyberg och Susanna "
                "Cassberg.",
                "",
                None,
            ),
            (
                A,
                "Ta fram manus till inledningarna och boka förmöten inför varje tillfälle.",
                "sekreterare",
                dt.date(2026, 8, 28),
            ),
        ],
    ),
    (
        "Extramöte i augusti",
        "Extramöte den 24 augusti tillsammans med gemensam styrgrupp.",
        [
            (
                A,
                "Kalla till extramötet den 24 augusti; synpunkter tas om hand direkt, utskick "
                "dagen efter.",
                "sekreterare",
                dt.date(2026, 6, 30),
            ),
        ],
    ),
)


def _accounts(password: str, report: LoadReport) -> dict[str, User]:
    users = {}
    for username, first, last, role, title in ACCOUNTS:
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User(
                username=username,
                first_name=first,
                last_name=last,
                role=role,
                title=title,
                email=f"{username}@demo.hosportalen.se",
                is_demo=True,
            )
            user.set_password(password)
            user.save()
            report.add("Demokonton", True)
        users[username] = user
    return users


@transaction.atomic
def seed(*, scale: str, password: str, report: LoadReport) -> None:
    bodies = {b.slug: b for b in JointBody.objects.filter(slug__in=(REF, SRO, STEERING))}
    if REF not in bodies or SRO not in bodies:
        return
    users = _accounts(password, report)
    for slug in (REF, SRO):
        _, created = Membership.objects.get_or_create(
            body=bodies[slug],
            user=users["sekreterare"],
            mandate=Membership.Mandate.SEKRETERARE,
            defaults={"name": users["sekreterare"].get_full_name(), "is_demo": True},
        )
        report.add("Ledamöter (demo)", created)
    chair = Membership.objects.filter(body=bodies[REF], name="Janette Olsson").first()
    if chair and chair.user_id is None:
        chair.user = users["politiker"]
        chair.save(update_fields=["user"])
    _reference_meeting(bodies[REF], users, report)
    _sro_per_capsulam(bodies[SRO], report)
    _issue(bodies, users, report)


def _reference_meeting(body, users, report: LoadReport) -> None:
    if Meeting.objects.filter(body=body, date=MEETING_DAY).exists():
        report.add("Möten (demo)", False)
        return
    meeting = Meeting.objects.create(
        body=body,
        date=MEETING_DAY,
        start_time=dt.time(15, 30),
        end_time=dt.time(16, 30),
        title="Politisk referensgrupp – nytt hälso- och sjukvårdsavtal",
        place="Centralhuset Konferens, Göteborg",
        state=Meeting.State.APPROVED,
        approved_at=timezone.make_aware(dt.datetime(2026, 6, 11, 9, 0)),
        approved_by=users["sekreterare"],
        created_by=users["sekreterare"],
        is_demo=True,
    )
    report.add("Möten (demo)", True)
    for member in Membership.objects.filter(body=body, term_start__lte=MEETING_DAY).exclude(
        mandate=Membership.Mandate.SEKRETERARE
    ):
        Participant.objects.create(
            meeting=meeting,
            membership=member,
            name=member.name,
            role_note=f"({member.political_party}) {member.get_mandate_display()}, {member.represents}",
            attendance=Participant.Attendance.PRESENT,
        )
    for name, role_note in OTHERS:
        Participant.objects.create(
            meeting=meeting,
            name=name,
            role_note=role_note,
            attendance=Participant.Attendance.PRESENT,
        )
    for order, (title, description, outcomes) in enumerate(ITEMS, start=1):
        item = AgendaItem.objects.create(
            meeting=meeting, order=order, title=title, description=description
        )
        for kind, text, owner, due in outcomes:
            Outcome.objects.create(
                body=body,
                item=item,
                kind=kind,
                text=text,
                owner=users.get(owner) if owner else None,
                due_date=due,
                done_at=timezone.make_aware(dt.datetime(2026, 6, 12, 10, 0))
                if due and due < dt.date(2026, 6, 20)
                else None,
                created_by=users["sekreterare"],
                is_demo=True,
            )
    extra, created = Meeting.objects.get_or_create(
        body=body,
        date=dt.date(2026, 8, 24),
        defaults={
            "start_time": dt.time(15, 0),
            "end_time": dt.time(16, 30),
            "title": "Extramöte med gemensam styrgrupp: slutversion av riktlinjen för patientsäkerhet",
            "state": Meeting.State.HELD,
            "premeeting_notes": "Synpunkter tas om hand direkt; utskick dagen efter.",
            "created_by": users["sekreterare"],
            "is_demo": True,
        },
    )
    report.add("Möten (demo)", created)


def _sro_per_capsulam(body, report: LoadReport) -> None:
    day = dt.date(2026, 9, 1)
    if Outcome.objects.filter(body=body, per_capsulam=True, decided_on=day).exists():
        report.add("Beslut per capsulam (demo)", False)
        return
    members = []
    for number, (name, represents) in enumerate(
        (
            ("Ordförande SRO (demo)", "Västra Götalandsregionen"),
            ("Vice ordförande SRO (demo)", "VästKom"),
            ("Ledamot SRO (demo)", "Göteborgsregionen"),
        ),
    ):
        member, _ = Membership.objects.get_or_create(
            body=body,
            name=name,
            defaults={
                "represents": represents,
                "mandate": (
                    Membership.Mandate.ORDFORANDE,
                    Membership.Mandate.VICE,
                    Membership.Mandate.LEDAMOT,
                )[number],
                "is_demo": True,
            },
        )
        members.append(member)
    outcome = Outcome.objects.create(
        body=body,
        kind=Outcome.Kind.DECISION,
        text="SRO rekommenderar parterna att anta den länsgemensamma riktlinjen för patientsäkerhet.",
        per_capsulam=True,
        decided_on=day,
        is_demo=True,
    )
    outcome.agreed.set(members)
    report.add("Beslut per capsulam (demo)", True)


def _issue(bodies, users, report: LoadReport) -> None:
    title = "Kostnadsfördelning för läkemedel i hemsjukvården"
    if Issue.objects.filter(title=title, is_demo=True).exists():
        report.add("Frågelogg (demo)", False)
        return
    Issue.objects.create(
        body=bodies[REF],
        title=title,
        raised_by_label="Gemensam arbetsgrupp",
        raised_by=users["sekreterare"],
        description="Vem bär kostnaden för läkemedel som ordineras av regionen och ges av kommunens personal?",
        municipal_perspective="Kommunerna ser en risk för kostnadsförskjutning utan ersättning.",
        regional_perspective="Regionen menar att nuvarande ansvarsfördelning redan reglerar frågan.",
        economic=True,
        status=Issue.Status.PREPARING,
        is_demo=True,
    )
    report.add("Frågelogg (demo)", True)


def seed_steering_meetings(offsets_days, *, report: LoadReport) -> None:
    """The steering group's demo meetings relative to today (for the dashboard); once."""
    body = JointBody.objects.filter(slug=STEERING).first()
    if body is None or Meeting.objects.filter(body=body, is_demo=True).exists():
        report.add("styrgruppsmöten (demo)", False)
        return  # dated relative to the first run: a later run must not add another set
    today = timezone.localdate()
    for number, offset in enumerate(offsets_days, start=1):
        date = today + dt.timedelta(days=offset)
        _meeting, created = Meeting.objects.get_or_create(
            body=body,
            date=date,
            defaults={
                "title": f"Styrgruppsmöte {number} (demo)",
                "state": Meeting.State.HELD if date < today else Meeting.State.CALLED,
                "is_demo": True,
            },
        )
        report.add("styrgruppsmöten (demo)", created)
