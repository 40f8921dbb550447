"""Demo registrations for the 2026 conferences, and one upcoming demo conference with a
waiting list and a sent invitation. Everything is marked ``is_demo``; a second run adds nothing.

small: a few dozen registrations per conference; full: hundreds per conference (thousands in
all), spread over VGR and the 49 municipalities.
"""

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from agreements.models import Federation, Party
from conferences.models import Conference, Invitation, ProgrammeItem, Recipient, Registration
from core.refdata import LoadReport

FIRST = [
    "Anna",
    "Eva",
    "Maria",
    "Karin",
    "Sara",
    "Lena",
    "Emma",
    "Kerstin",
    "Ingrid",
    "Johanna",
    "Erik",
    "Lars",
    "Karl",
    "Anders",
    "Johan",
    "Per",
    "Mikael",
    "Nils",
    "Jonas",
    "Ali",
    "Fatima",
    "Sven",
    "Ahmed",
    "Hanna",
    "Olof",
    "Elin",
    "Linnea",
    "Amir",
    "Ida",
    "Björn",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Jansson",
    "Hansson",
    "Bengtsson",
    "Lindberg",
    "Lindqvist",
    "Berg",
    "Holm",
    "Ek",
    "Sandberg",
    "Hassan",
    "Mohammed",
    "Lundgren",
    "Axelsson",
    "Öberg",
    "Åberg",
    "Strand",
]
TITLES = (
    "Verksamhetschef",
    "Enhetschef hemsjukvård",
    "Medicinskt ansvarig sjuksköterska",
    "Socialchef",
    "Förvaltningschef",
    "Utvecklingsledare",
    "Avdelningschef",
    "Kvalitetsutvecklare",
)
POLITICIAN_TITLES = (
    "Ordförande i socialnämnden",
    "Kommunalråd",
    "Ledamot i vård- och omsorgsnämnden",
)
DIETS = ("", "", "", "", "", "", "vegetariskt", "veganskt", "laktosfritt", "glutenfritt")
ALLERGIES = ("", "", "", "", "", "", "", "", "Nötter", "Fisk och skaldjur")

SIZES = {"small": 30, "full": 650}


def _registrations(conference, parties, count, rng, *, attended_share, now):
    rows = []
    base = now - dt.timedelta(days=60)
    for index in range(count):
        party = rng.choice(parties)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        politician = rng.random() < 0.25
        rows.append(
            Registration(
                conference=conference,
                name=f"{first} {last}",
                email=f"{first}.{last}.{index}@{party.slug}.demo.hosportalen.se".lower(),
                party=party,
                role=Registration.Role.POLITIKER if politician else Registration.Role.TJANSTEPERSON,
                title=rng.choice(POLITICIAN_TITLES if politician else TITLES),
                diet_choices=rng.choice(DIETS),
                allergies=rng.choice(ALLERGIES),
                accessibility="Hörslinga" if rng.random() < 0.03 else "",
                consent_at=base + dt.timedelta(minutes=index * 7),
                joined_at=base + dt.timedelta(minutes=index * 7),
                status=Registration.Status.BEKRAFTAD,
                attended=rng.random() < attended_share,
                is_demo=True,
            )
        )
    return rows


def _seed_2026(parties, size, rng, report, now) -> None:
    for conference in Conference.objects.filter(date__year=2026).order_by("date"):
        if conference.registrations.filter(is_demo=True).exists():
            report.add("Demoanmälningar", False)
            continue
        past = conference.date < timezone.localdate(now)
        count = size if conference.kind != Conference.Kind.STRATEGI else size // 2
        rows = _registrations(
            conference, parties, count, rng, attended_share=0.85 if past else 0, now=now
        )
        for row in rows:
            if row.attended:
                row.attended_at = timezone.make_aware(
                    dt.datetime.combine(conference.date, conference.start_time or dt.time(9))
                )
        Registration.objects.bulk_create(rows, batch_size=1000)
        report.created.setdefault("Demoanmälningar", 0)
        report.created["Demoanmälningar"] += len(rows)


def _seed_upcoming(parties, size, rng, report, now, registrar) -> None:
    date = timezone.localdate(now) + dt.timedelta(days=30)
    conference, created = Conference.objects.get_or_create(
        slug="demo-uppfoljande-dialogkonferens",
        defaults={
            "title": "Uppföljande dialogkonferens (demo)",
            "kind": Conference.Kind.BLANDAD,
            "date": date,
            "start_time": dt.time(9),
            "end_time": dt.time(15),
            "venue": "Regionens hus",
            "address": "Bergslagsgatan 2, 411 04 Göteborg",
            "target_group": "Tjänstepersoner och politiker inom hälso- och sjukvård, vård och "
            "omsorg och socialtjänst.",
            "senders": "Karin Looström Muth, Västra Götalandsregionen\nKristina Lännergren, VästKom",
            "fika": True,
            "lunch": True,
            "capacity": size,
            "registration_closes": timezone.make_aware(
                dt.datetime.combine(date - dt.timedelta(days=7), dt.time(23, 59))
            ),
            "status": Conference.Status.FULLBOKAD,
            "description": "Demokonferens för att prova inbjudan, väntelista och incheckning.",
            "is_demo": True,
            "capacity_notified_at": now,
        },
    )
    report.add("Demokonferenser", created)
    if not created:
        return
    ProgrammeItem.objects.create(
        conference=conference,
        start_time=dt.time(9),
        end_time=dt.time(9, 30),
        title="Inledning",
        speakers="Janette Olsson (S) och Bengt Hilmersson (C)",
        is_opening=True,
    )
    rows = _registrations(conference, parties, size + 6, rng, attended_share=0, now=now)
    for row in rows[size:]:
        row.status = Registration.Status.VANTELISTA
    Registration.objects.bulk_create(rows, batch_size=1000)
    report.created.setdefault("Demoanmälningar", 0)
    report.created["Demoanmälningar"] += len(rows)
    if registrar is not None:
        _seed_invitation(conference, registrar, now)


def _seed_invitation(conference, registrar, now) -> None:
    invitation = Invitation.objects.create(
        conference=conference,
        subject=f"Inbjudan: {conference.title}",
        body="Välkommen till en uppföljande dialogkonferens om det nya hälso- och "
        "sjukvårdsavtalet.",
        status=Invitation.Status.SKICKAD,
        created_by=registrar,
        sent_at=now,
    )
    rows = [
        Recipient(
            invitation=invitation,
            email=f.email,
            organisation=f.name,
            source=Recipient.Source.KOMMUNALFORBUND,
            forward_note=True,
            status=Recipient.Status.SKICKAD if f.email else Recipient.Status.SAKNAR_ADRESS,
            attempts=1 if f.email else 0,
            sent_at=now if f.email else None,
        )
        for f in Federation.objects.order_by("order")
    ]
    Recipient.objects.bulk_create(rows)


@transaction.atomic
def seed(*, scale: str, password: str, report: LoadReport) -> None:
    from accounts.models import User

    rng = random.Random(2026)
    now = timezone.now()
    parties = list(Party.objects.agreement_parties().order_by("name"))
    if not parties:
        return
    size = SIZES.get(scale, SIZES["small"])
    _seed_2026(parties, size, rng, report, now)
    registrar = User.objects.filter(username="registrator").first()
    _seed_upcoming(parties, 40 if scale == "small" else 400, rng, report, now, registrar)
