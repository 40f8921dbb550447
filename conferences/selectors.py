"""Every non-trivial read of the conferences app, with bounded query counts."""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.db.models import (
    Case,
    Count,
    Exists,
    F,
    Max,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.utils import timezone
from django.utils.translation import gettext_lazy

from agreements.models import Party
from conferences.models import Conference, Invitation, Recipient, Registration
from implementation.models import Level, Unit

S = Registration.Status
HOLDING = (S.BEKRAFTAD, S.ERBJUDEN)
ACTIVE = (S.BEKRAFTAD, S.ERBJUDEN, S.VANTELISTA)


def conference_list() -> QuerySet[Conference]:
    """Conferences with their seat counts, in date order (undated last)."""
    # Meta.ordering is not applied to aggregating queries: order explicitly.
    return Conference.objects.annotate(
        confirmed=Count("registrations", filter=Q(registrations__status=S.BEKRAFTAD)),
        offered=Count("registrations", filter=Q(registrations__status=S.ERBJUDEN)),
        waiting=Count("registrations", filter=Q(registrations__status=S.VANTELISTA)),
        attended=Count("registrations", filter=Q(registrations__attended=True)),
    ).order_by(F("date").asc(nulls_last=True), "start_time", "title")


def conference_with_counts(slug: str) -> Conference:
    return conference_list().get(slug=slug)


def upcoming_and_past(conferences) -> tuple[list, list]:
    today = timezone.localdate()
    upcoming = [c for c in conferences if not c.date or c.date >= today]
    past = [c for c in conferences if c.date and c.date < today]
    return upcoming, list(reversed(past))


def participants(conference: Conference, *, status="", party_id=None, role="", attended="", q=""):
    """The registrations of a conference, filtered, with their organisation in one query."""
    rows = conference.registrations.select_related("party__federation", "unit")
    rows = rows.filter(status=status) if status else rows.filter(status__in=ACTIVE)
    if party_id:
        rows = rows.filter(party_id=party_id)
    if role:
        rows = rows.filter(role=role)
    if attended in ("ja", "nej"):
        rows = rows.filter(attended=(attended == "ja"))
    if q:
        rows = rows.filter(
            Q(name__icontains=q)
            | Q(email__icontains=q)
            | Q(organisation_other__icontains=q)
            | Q(party__name__icontains=q)
        )
    return rows.order_by("joined_at", "id")


def waiting_list(conference: Conference) -> QuerySet[Registration]:
    return (
        conference.registrations.filter(status__in=(S.VANTELISTA, S.ERBJUDEN))
        .select_related("party")
        .order_by("joined_at", "id")
    )


@dataclass
class Counts:
    by_party: list[tuple[str, int, int]]  # name, confirmed, waiting
    by_federation: list[tuple[str, int]]
    by_role: list[tuple[str, int]]
    missing_municipalities: list[Party]
    total: int


def conference_counts(conference: Conference) -> Counts:
    """Registrations counted per party, per kommunalförbund and per role (a few queries)."""
    active = conference.registrations.filter(status__in=ACTIVE)
    per_party = (
        active.values("party__name", "organisation_other")
        .annotate(
            confirmed=Count("id", filter=Q(status__in=HOLDING)),
            waiting=Count("id", filter=Q(status=S.VANTELISTA)),
        )
        .order_by("party__name", "organisation_other")
    )
    by_party = [
        (row["party__name"] or row["organisation_other"], row["confirmed"], row["waiting"])
        for row in per_party
    ]
    per_federation = (
        active.filter(party__isnull=False)
        .values("party__federation__name", "party__federation__order")
        .annotate(
            n=Count("id", filter=Q(party__kind=Party.Kind.KOMMUN)),
            region=Count("id", filter=Q(party__kind=Party.Kind.REGION)),
            region_name=Max("party__name", filter=Q(party__kind=Party.Kind.REGION)),
        )
        .order_by("party__federation__order")
    )
    by_federation = []
    region = None
    for row in per_federation:
        if row["party__federation__name"]:
            by_federation.append((row["party__federation__name"], row["n"]))
        if row["region"]:
            region = (row["region_name"], row["region"])
    if region:
        by_federation.append(region)
    labels = dict(Registration.Role.choices)
    by_role = [
        (labels[row["role"]], row["n"])
        for row in active.values("role").annotate(n=Count("id")).order_by("role")
    ]
    missing = list(
        Party.objects.municipalities()
        .exclude(
            Exists(
                Registration.objects.filter(
                    conference=conference, party=OuterRef("pk"), status__in=ACTIVE
                )
            )
        )
        .select_related("federation")
        .order_by("name")
    )
    return Counts(by_party, by_federation, by_role, missing, active.count())


@dataclass
class Catering:
    expected: int
    fika: bool
    lunch: bool
    diets: list[tuple[str, int]]
    allergies: list[tuple[str, int]]
    accessibility_count: int
    deleted: bool
    other_diets: list[tuple[str, int]] = None
    waiting: int = 0


def _grouped(values) -> list[tuple[str, int]]:
    counter = Counter(" ".join(v.split()).capitalize() for v in values if v.strip())
    return sorted(counter.items(), key=lambda item: (-item[1], item[0]))


def catering_summary(conference: Conference) -> Catering:
    """Aggregated counts only: what the caterer needs, never who asked for what."""
    confirmed = conference.registrations.filter(status__in=HOLDING)
    rows = list(confirmed.values_list("diet_choices", "diet", "allergies", "accessibility"))
    chosen = Counter(code for r in rows for code in r[0].split(",") if code)
    labels = dict(Registration.Diet.choices)
    return Catering(
        expected=len(rows),
        fika=conference.fika,
        lunch=conference.lunch,
        # Every fixed choice, in its order, with its count (0 too: the caterer sees all).
        diets=[(str(labels[c]), chosen.get(c, 0)) for c in Registration.Diet.values],
        other_diets=_grouped(r[1] for r in rows),
        allergies=_grouped(r[2] for r in rows),
        accessibility_count=sum(1 for r in rows if r[3].strip()),
        deleted=conference.sensitive_data_deleted_at is not None,
        waiting=conference.registrations.filter(status=S.VANTELISTA).count(),
    )


def invitation_list(conference: Conference) -> QuerySet[Invitation]:
    return (
        conference.invitations.select_related("created_by")
        .annotate(
            total=Count("recipients"),
            sent=Count("recipients", filter=Q(recipients__status=Recipient.Status.SKICKAD)),
            failed=Count("recipients", filter=Q(recipients__status=Recipient.Status.MISSLYCKAD)),
        )
        .order_by("-created_at", "-id")
    )


@dataclass
class Progress:
    total: int
    sent: int
    failed: int
    queued: int
    waiting: int
    without_address: int

    @property
    def sendable(self) -> int:
        return self.total - self.without_address

    @property
    def done(self) -> int:
        return self.sent + self.failed

    @property
    def busy(self) -> bool:
        return self.queued > 0

    @property
    def percent(self) -> int:
        return round(100 * self.done / self.sendable) if self.sendable else 0


def invitation_progress(invitation: Invitation) -> Progress:
    R = Recipient.Status
    counts = dict(
        invitation.recipients.values("status").annotate(n=Count("id")).values_list("status", "n")
    )
    return Progress(
        total=sum(counts.values()),
        sent=counts.get(R.SKICKAD, 0),
        failed=counts.get(R.MISSLYCKAD, 0),
        queued=counts.get(R.KOAD, 0) + counts.get(R.SKICKAS, 0),
        waiting=counts.get(R.VANTAR, 0),
        without_address=counts.get(R.SAKNAR_ADRESS, 0),
    )


# The invitee's answer (Indico's model), worked out from their registration (by address) and
# their decline: one subquery per row in the same query.
ANSWERS = {
    "inte_svarat": gettext_lazy("Inte svarat"),
    "anmald": gettext_lazy("Anmäld"),
    "vantelista": gettext_lazy("Väntelista"),
    "avbojt": gettext_lazy("Avböjt"),
    "avbokat": gettext_lazy("Avbokat"),
}


def _registration_status():
    return Subquery(
        Registration.objects.filter(
            conference=OuterRef("invitation__conference"), email=OuterRef("email")
        )
        .exclude(status=S.OBEKRAFTAD)
        .values("status")[:1]
    )


def with_answers(rows: QuerySet[Recipient]) -> QuerySet[Recipient]:
    return rows.alias(registration_status=_registration_status()).annotate(
        answer=Case(
            When(email="", then=Value("")),
            When(registration_status__in=HOLDING, then=Value("anmald")),
            When(registration_status=S.VANTELISTA, then=Value("vantelista")),
            When(declined_at__isnull=False, then=Value("avbojt")),
            When(registration_status__in=(S.AVBOKAD, S.UTGATT), then=Value("avbokat")),
            default=Value("inte_svarat"),
        )
    )


def recipient_log(
    invitation: Invitation, *, status: str = "", answer: str = ""
) -> QuerySet[Recipient]:
    rows = with_answers(invitation.recipients.select_related("party", "unit"))
    if status:
        rows = rows.filter(status=status)
    if answer in ANSWERS:
        rows = rows.filter(answer=answer)
    return rows.order_by("source", "organisation", "email")


def answer_counts(invitation: Invitation) -> dict[str, int]:
    """How many recipients (with an address) answered what: one query."""
    rows = with_answers(invitation.recipients.exclude(email=""))
    counts = dict(rows.values("answer").annotate(n=Count("id")).values_list("answer", "n"))
    return {key: counts.get(key, 0) for key in ANSWERS}


def not_answered(invitation: Invitation) -> QuerySet[Recipient]:
    """Recipients who were sent the invitation and neither registered nor declined."""
    return (
        with_answers(invitation.recipients.filter(status=Recipient.Status.SKICKAD))
        .filter(answer="inte_svarat")
        .select_related("invitation__conference")
        .order_by("pk")
    )


def accessibility_needs(conference: Conference) -> list[Registration]:
    """Who needs what (organisers only): active registrations with an accessibility need."""
    return list(
        conference.registrations.filter(status__in=ACTIVE)
        .exclude(accessibility="")
        .select_related("party")
        .order_by("name", "id")
    )


# --- recipients from the implementation app ----------------------------------------------
def vgr_forvaltningar() -> list[Unit]:
    return list(
        Unit.objects.filter(party__slug="vgr", level=Level.FORVALTNING)
        .select_related("party")
        .order_by("name")
    )


def units_of_levels(levels: list[str]) -> list[Unit]:
    return list(
        Unit.objects.filter(level__in=levels)
        .select_related("party")
        .order_by("party__kind", "party__name", "name")
    )


@dataclass
class Person:
    name: str
    email: str


def leads_by_unit(unit_ids: list[int]) -> dict[int, list[Person]]:
    """The implementation leads of the units (from the implementation app), by unit id."""
    from implementation.selectors import leads_for_units

    found = leads_for_units(unit_ids)
    out: dict[int, list[Person]] = {}
    for unit_id, people in found.items():
        for person in people:
            user = getattr(person, "user", person)
            name = user.get_full_name() if hasattr(user, "get_full_name") else str(user)
            if user.email:
                out.setdefault(unit_id, []).append(Person(name or user.username, user.email))
    return out


# --- for the reminders machinery (a later issue sends the digests) ------------------------
def registrants_of_conferences_in(days: int, *, today: dt.date | None = None):
    """Registrations holding a seat for conferences that take place exactly ``days`` days from
    ``today``: the people a "see you soon" reminder goes to. Cancelled conferences excluded."""
    today = today or timezone.localdate()
    return (
        Registration.objects.filter(
            status__in=HOLDING,
            conference__date=today + dt.timedelta(days=days),
        )
        .exclude(conference__status=Conference.Status.INSTALLD)
        .select_related("conference")
        .order_by("conference__date", "conference_id", "id")
    )


def invitees_without_registration(days: int, *, now: dt.datetime | None = None):
    """Recipients of a sent invitation who have not registered, for conferences whose
    registration closes within ``days`` days from ``now`` (and is still open).

    Only recipients who were actually sent the invitation count, and only personal addresses
    (functional addresses of federations and registries are not nagged). Compared by e-mail, so
    someone who registered without using their personal link is not reminded either.
    """
    now = now or timezone.now()
    horizon = now + dt.timedelta(days=days)
    open_conferences = Conference.objects.filter(
        status__in=(Conference.Status.INBJUDAN_SKICKAD, Conference.Status.PLANERAD),
    ).filter(
        Q(registration_closes__gt=now, registration_closes__lte=horizon)
        | Q(
            registration_closes__isnull=True,
            date__gt=timezone.localdate(now),
            date__lte=horizon.date(),
        )
    )
    registered = Registration.objects.filter(
        conference=OuterRef("invitation__conference"), email__iexact=OuterRef("email")
    ).exclude(status=S.OBEKRAFTAD)
    return (
        Recipient.objects.filter(
            invitation__conference__in=open_conferences,
            status=Recipient.Status.SKICKAD,
            declined_at__isnull=True,  # who declined is not nagged
            source__in=(
                Recipient.Source.IMPORT,
                Recipient.Source.LEDARE,
                Recipient.Source.FORVALTNING,
            ),
        )
        .exclude(Exists(registered))
        .select_related("invitation__conference")
        .order_by("invitation__conference_id", "email")
    )


def conferences_at_capacity() -> QuerySet[Conference]:
    """Upcoming conferences whose seats are all taken (confirmed or offered)."""
    return (
        conference_list()
        .filter(capacity__isnull=False, date__gte=timezone.localdate())
        .exclude(status=Conference.Status.INSTALLD)
        .annotate(held=Count("registrations", filter=Q(registrations__status__in=HOLDING)))
        .filter(held__gte=F("capacity"))
    )
