"""Who a dispatch reaches: each audience resolved to recipients in a bounded number of
queries (one or two per audience), deduplicated by address.

- förbund: each kommunalförbund's function address (``Federation.email``), with the
  forwarding note;
- registratorer: each municipality's registrar (``Party.registry_email``);
- förvaltningar: the implementation leads of VGR's förvaltningar;
- ledare: the implementation leads of the units of the chosen levels;
- organ: a joint body's members (``bodies.selectors.member_recipients``);
- deltagare / uteblivna: a conference's attendees or its confirmed no-shows.
"""

from dataclasses import dataclass

from agreements.models import Federation, JointBody, Party
from documents.models import Dispatch

A = Dispatch.Audience


@dataclass
class Candidate:
    audience: str
    name: str
    organisation: str
    email: str
    federation_id: int | None = None
    party_id: int | None = None


@dataclass
class Resolved:
    recipients: list[Candidate]
    without_address: list[str]


def _bodies():
    try:
        from bodies import selectors
    except ImportError:  # pragma: no cover - the bodies app offers it
        return None
    return selectors


def body_choices() -> list[tuple[int, str]]:
    selectors = _bodies()
    if selectors is None or not hasattr(selectors, "bodies_for_select"):
        return [(b.pk, b.name) for b in JointBody.objects.order_by("name")]
    return [(b.pk, str(b)) for b in selectors.bodies_for_select()]


def conference_choices() -> list[tuple[int, str]]:
    from conferences.models import Conference

    return [
        (c.pk, f"{c.title} ({c.date:%Y-%m-%d})" if c.date else c.title)
        for c in Conference.objects.order_by("-date", "title").only("pk", "title", "date")[:200]
    ]


def _leads(units, audience: str) -> tuple[list[Candidate], list[str]]:
    from implementation.selectors import leads_for_units

    leads = leads_for_units([u.pk for u in units])
    found, missing = [], []
    for unit in units:
        people = [u for u in leads.get(unit.pk, []) if u.email]
        if not people:
            missing.append(f"{unit.name} ({unit.party.name})")
        for user in people:
            found.append(
                Candidate(
                    audience,
                    user.get_full_name() or user.username,
                    f"{unit.name}, {unit.party.name}",
                    user.email,
                    party_id=unit.party_id,
                )
            )
    return found, missing


def resolve(dispatch: Dispatch) -> Resolved:
    from implementation.models import Level, Unit

    found: list[Candidate] = []
    missing: list[str] = []
    audiences = set(dispatch.audiences or [])
    if A.FEDERATIONS in audiences:
        for federation in Federation.objects.order_by("order", "name"):
            if federation.email:
                found.append(
                    Candidate(
                        A.FEDERATIONS,
                        federation.short_name or federation.name,
                        federation.name,
                        federation.email,
                        federation_id=federation.pk,
                    )
                )
            else:
                missing.append(federation.name)
    if A.REGISTRARS in audiences:
        for party in Party.objects.municipalities().order_by("name"):
            if party.registry_email:
                found.append(
                    Candidate(
                        A.REGISTRARS,
                        f"Registrator, {party.name}",
                        party.name,
                        party.registry_email,
                        party_id=party.pk,
                    )
                )
            else:
                missing.append(party.name)
    if A.FORVALTNINGAR in audiences:
        units = list(
            Unit.objects.filter(party__kind=Party.Kind.REGION, level=Level.FORVALTNING)
            .select_related("party")
            .order_by("name")
        )
        rows, gaps = _leads(units, A.FORVALTNINGAR)
        found += rows
        missing += gaps
    if A.LEADS in audiences and dispatch.levels:
        units = list(
            Unit.objects.filter(level__in=dispatch.levels)
            .select_related("party")
            .order_by("party__kind", "party__name", "name")
        )
        rows, gaps = _leads(units, A.LEADS)
        found += rows
        missing += gaps
    if A.BODY in audiences and dispatch.body_id:
        selectors = _bodies()
        body = dispatch.body
        if selectors is not None:
            for name, email in selectors.member_recipients(body):
                found.append(Candidate(A.BODY, name, body.name, email))
    if audiences & {A.ATTENDEES, A.NO_SHOWS} and dispatch.conference_id:
        from conferences.models import Registration

        confirmed = Registration.objects.filter(
            conference_id=dispatch.conference_id,
            status=Registration.Status.BEKRAFTAD,
        ).select_related("party", "conference")
        for registration in confirmed.order_by("name"):
            audience = A.ATTENDEES if registration.attended else A.NO_SHOWS
            if audience in audiences:
                organisation = (
                    registration.party.name
                    if registration.party_id
                    else registration.organisation_other
                )
                found.append(
                    Candidate(
                        audience,
                        registration.name,
                        organisation,
                        registration.email,
                        party_id=registration.party_id,
                    )
                )
    seen: set[str] = set()
    unique = []
    for candidate in found:
        key = candidate.email.strip().lower()
        if key and key not in seen:
            seen.add(key)
            candidate.email = key
            unique.append(candidate)
    return Resolved(unique, missing)
