"""Conference attendance as evidence for the implementation checklist (domain.md §3).

A förvaltare links a conference to checklist items (``ChecklistLink``). Then:
- marking a participant as attended marks the linked item done for the participant's unit,
  through ``implementation.services.progress_mark_done_from_evidence`` (the lower app's service);
- ``conference_evidence`` is registered with ``implementation.evidence`` in
  ``ConferencesConfig.ready()`` and shows a unit's registrations and attendance on its checklist.
"""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Q
from django.utils.translation import gettext as _

from conferences.audit import ConferenceAction
from core.audit import audit_actor, record

# The checklist items about taking part in dialogue conferences (implementation reference data).
DIALOGUE_ITEM_CODES = ("p2-verksamhet-dialogkonferenser", "p2-forvaltning-dialogkonferenser")


def _mark_done(registration, link, actor) -> bool:
    from implementation.services import progress_mark_done_from_evidence

    conference = registration.conference
    note = _("Närvarade vid %(conference)s (%(name)s).") % {
        "conference": conference,
        "name": registration.name,
    }
    return progress_mark_done_from_evidence(
        unit=registration.unit, responsibility=link.responsibility, actor=actor, note=note
    )


def attendance_recorded(*, registration, actor) -> int:
    """Mark the linked checklist items done for the attendee's unit. Returns how many changed."""
    from conferences.models import ChecklistLink

    if registration.unit_id is None:
        return 0
    links = ChecklistLink.objects.filter(
        conference_id=registration.conference_id,
        responsibility__level=registration.unit.level,
    ).select_related("responsibility")
    return sum(1 for link in links if _mark_done(registration, link, actor))


def checklist_link_add(*, conference, responsibility, actor):
    """Link a conference to a checklist item; those who already attended count at once."""
    from conferences.models import ChecklistLink, Registration

    try:
        with transaction.atomic(), audit_actor(actor):
            link = ChecklistLink.objects.create(
                conference=conference, responsibility=responsibility, created_by=actor
            )
            attended = Registration.objects.filter(
                conference=conference,
                attended=True,
                status=Registration.Status.BEKRAFTAD,
                unit__level=responsibility.level,
            ).select_related("unit", "conference")
            for registration in attended:
                _mark_done(registration, link, actor)
            record(
                actor=actor,
                action=ConferenceAction.EVIDENCE_LINKED,
                obj=conference,
                data={"responsibility": responsibility.code},
            )
    except IntegrityError as error:
        raise ValidationError(_("Konferensen är redan kopplad till det ansvaret.")) from error
    return link


def checklist_link_remove(*, link, actor) -> None:
    """Remove the link. Items already marked done stay done: the unit did attend."""
    with transaction.atomic(), audit_actor(actor):
        record(
            actor=actor,
            action=ConferenceAction.EVIDENCE_UNLINKED,
            obj=link.conference,
            data={"responsibility": link.responsibility.code},
        )
        link.delete()


def conference_evidence(unit_ids, responsibility_ids):
    """Evidence lines for the implementation checklist: per unit and linked item, the unit's
    registrations and attendance at each linked conference. Two queries, whatever the ids."""
    from conferences.models import ChecklistLink, Conference, Registration
    from implementation.evidence import EvidenceLine

    # In link order: the model's default ordering (by phase and item) would join two more
    # tables on every unit page for nothing (the lines are keyed by item).
    links = list(
        ChecklistLink.objects.filter(responsibility_id__in=responsibility_ids)
        .exclude(conference__status=Conference.Status.INSTALLD)
        .order_by("pk")
        .values_list("responsibility_id", "conference_id")
    )
    if not links:
        return {}
    conference_ids = {c for _r, c in links}
    counts = {
        (row["unit_id"], row["conference_id"]): row
        for row in Registration.objects.filter(
            unit_id__in=unit_ids, conference_id__in=conference_ids
        )
        .values("unit_id", "conference_id", "conference__title", "conference__date")
        .annotate(
            registered=Count("id", filter=Q(status__in=("bekraftad", "erbjuden", "vantelista"))),
            confirmed=Count("id", filter=Q(status__in=("bekraftad", "erbjuden"))),
            waiting=Count("id", filter=Q(status="vantelista")),
            # A cancelled person never counts as present (cancelling clears it too).
            attended=Count("id", filter=Q(attended=True, status="bekraftad")),
        )
    }
    lines = {}
    for responsibility_id, conference_id in links:
        for unit_id in unit_ids:
            row = counts.get((unit_id, conference_id))
            if row and (row["registered"] or row["attended"]):
                lines.setdefault((unit_id, responsibility_id), []).append(_line(row, EvidenceLine))
    return lines


def _line(row, EvidenceLine):
    from core.templatetags.portal import datum

    title = row["conference__title"]
    if row["conference__date"]:
        title = f"{title} {datum(row['conference__date'])}"
    text = _(
        "%(conference)s: %(confirmed)s bekräftade, %(waiting)s på väntelistan, "
        "%(attended)s närvarade"
    ) % {
        "conference": title,
        "confirmed": row["confirmed"],
        "waiting": row["waiting"],
        "attended": row["attended"],
    }
    return EvidenceLine(text=text, done=row["attended"] > 0)
