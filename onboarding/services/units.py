"""A unit's lifecycle (issue #19): a unit is retired, never deleted, and the Förvaltare may
restore it. The moves are ``implementation.models.UNIT_LIFECYCLE``.

Retiring ends the unit's appointments (recorded), drops it from open invitations, and
recomputes the party's readiness summaries in the same transaction: from then on the unit is
in no list, picker, reminder or figure (``Unit.objects`` hides it), while its progress log,
evidence and escalation cases stay readable through ``Unit.all_objects`` and old links.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from core.audit import audit_actor, record, record_many
from core.workflow import TransitionError
from implementation.models import UNIT_LIFECYCLE, Level, Unit, UnitMembership
from implementation.readiness.summaries import rebuild_party
from onboarding.audit import InvitationAction, UnitAction
from onboarding.models import InvitedRole

SHOWN_NAMES = 10


def _names(names: list[str]) -> str:
    shown = ", ".join(names[:SHOWN_NAMES])
    rest = len(names) - SHOWN_NAMES
    if rest > 0:
        shown += " " + ngettext("och %(n)s till", "och %(n)s till", rest) % {"n": rest}
    return shown


def retire_blockers(unit: Unit) -> list[str]:
    """Why the unit cannot be retired now (Swedish sentences); empty when it can."""
    if unit.level != Level.FORVALTNING:
        return []
    children = list(
        Unit.objects.filter(parent=unit).order_by("name").values_list("name", flat=True)
    )
    if not children:
        return []
    return [
        ngettext(
            "Förvaltningen har en verksamhet som inte är avvecklad: %(names)s. Avveckla den "
            "eller flytta den till en annan förvaltning först.",
            "Förvaltningen har %(n)s verksamheter som inte är avvecklade: %(names)s. Avveckla "
            "dem eller flytta dem till en annan förvaltning först.",
            len(children),
        )
        % {"n": len(children), "names": _names(children)}
    ]


def restore_blockers(unit: Unit) -> list[str]:
    """Why the unit cannot be restored now; empty when it can."""
    parent = unit.parent
    if parent is not None and parent.retired_at:
        return [
            _("Förvaltningen %(parent)s är avvecklad; återställ den först.") % {"parent": parent}
        ]
    return []


def _move(unit: Unit, action: str) -> None:
    if not UNIT_LIFECYCLE.allows(action, unit.lifecycle):
        message = (
            _("Enheten %(unit)s är redan avvecklad.")
            if unit.retired_at
            else _("Enheten %(unit)s är inte avvecklad.")
        )
        raise TransitionError(message % {"unit": unit}, code="same_state")


def _retired_data(reason: str, ended: list, dropped: list) -> dict:
    """The retirement's event as the history table shows it (Swedish keys, plain text)."""
    data = {"skäl": reason}
    if ended:
        data["avslutade uppdrag"] = ", ".join(f"{m.user} ({m.get_role_display()})" for m in ended)
    if dropped:
        data["inbjudningar utan enheten"] = ", ".join(r.invitation.email for r in dropped)
    return data


def unit_retire(*, unit: Unit, actor, reason: str) -> Unit:
    """Retire ``unit``: refused while a förvaltning has current verksamheter, or if the unit
    is retired already (a second click: ``TransitionError`` with code ``same_state``)."""
    reason = " ".join(reason.split())
    if not reason:
        raise ValidationError({"reason": [_("Skriv varför enheten avvecklas.")]})
    with transaction.atomic(), audit_actor(actor):
        unit = Unit.all_objects.select_for_update().select_related("party").get(pk=unit.pk)
        _move(unit, "retire")
        blockers = retire_blockers(unit)
        if blockers:
            raise ValidationError(blockers)
        ended = list(
            UnitMembership.objects.filter(unit=unit, is_active=True).select_related("user")
        )
        UnitMembership.objects.filter(pk__in=[m.pk for m in ended]).update(is_active=False)
        record_many(
            actor=actor,
            action=UnitAction.MEMBERSHIP_ENDED,
            objs=ended,
            data={"enhet": unit.name, "aktiv": [True, False]},
        )
        dropped = list(
            InvitedRole.objects.filter(
                unit=unit, invitation__used_at=None, invitation__revoked_at=None
            ).select_related("invitation")
        )
        InvitedRole.objects.filter(pk__in=[r.pk for r in dropped]).delete()
        record_many(
            actor=actor,
            action=InvitationAction.ROLE_DROPPED,
            objs=[r.invitation for r in dropped],
            data={"enhet": unit.name},
        )
        unit.retired_at, unit.retired_by, unit.retired_reason = timezone.now(), actor, reason
        unit.save(update_fields=["retired_at", "retired_by", "retired_reason"])
        record(
            actor=actor,
            action=UnitAction.RETIRED,
            obj=unit,
            data=_retired_data(reason, ended, dropped),
        )
        rebuild_party(unit.party_id)
    return unit


def unit_restore(*, unit: Unit, actor) -> Unit:
    """Make a retired unit current again (the Förvaltare's undo). Its appointments stay
    ended: appoint or invite anew."""
    with transaction.atomic(), audit_actor(actor):
        unit = (
            # Lock the unit's own row only (a nullable parent's outer join cannot be locked on
            # PostgreSQL).
            Unit.all_objects.select_for_update(of=("self",))
            .select_related("party", "parent")
            .get(pk=unit.pk)
        )
        _move(unit, "restore")
        blockers = restore_blockers(unit)
        if blockers:
            raise ValidationError(blockers)
        retired_at = unit.retired_at
        unit.retired_at, unit.retired_by, unit.retired_reason = None, None, ""
        unit.save(update_fields=["retired_at", "retired_by", "retired_reason"])
        record(
            actor=actor,
            action=UnitAction.RESTORED,
            obj=unit,
            data={"avvecklad": [retired_at.isoformat(), None]},
        )
        rebuild_party(unit.party_id)
    return unit
