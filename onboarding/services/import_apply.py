"""The import's confirmation: all or nothing, checked again against today's data; creates the
missing units, appoints known people and invites new ones (one mail per new person). Every
bulk write is audited with ``record_many``. And the housekeeping of checked files."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_actor, record, record_many
from core.outbox import outbox_enqueue_many
from core.roles import Role
from core.tabular import RowReport
from implementation import services as unit_services
from implementation.models import Level, UnitMembership
from onboarding.audit import ImportAction, InvitationAction
from onboarding.models import ImportBatch, Invitation, InvitedRole
from onboarding.services.common import _build_invitation, _draft, _key
from onboarding.services.import_check import _check_people, _check_units


def apply_import(*, batch: ImportBatch, actor) -> dict:
    """Confirm: all or nothing. Checks the rows again against today's data (the portal may
    have changed since the dry run), then creates the missing units, appoints known people
    and invites new ones (one mail per new person). A second run changes nothing."""
    if batch.uploaded_by_id != actor.pk:
        raise ValidationError(_("Bara den som laddade upp filen kan bekräfta importen."))
    party, rows = batch.party, batch.rows
    report = RowReport()
    _check_units(party, rows, report)
    _check_people(party, rows, report)
    if not report.ok:
        raise ValidationError(report.lines())
    counts = {"units": 0, "appointed": 0, "invited": 0, "roles_added": 0}
    with transaction.atomic(), audit_actor(actor):
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.applied_at:
            raise ValidationError(_("Importen är redan genomförd."))
        units = _create_units(party, rows, actor, counts)
        users = {_key(u.email): u for u in User.objects.filter(party=party).exclude(email="")}
        invitations = {
            _key(i.email): i
            for i in Invitation.objects.filter(party=party, used_at=None, revoked_at=None)
        }
        created, new_tokens = _invite_new(party, rows, actor, users, invitations)
        counts["invited"] = len(created)
        new_roles = _appoint_and_add_roles(
            party, rows, actor, units, users, invitations, new_tokens, counts, batch.filename
        )
        roles_of: dict[int, list] = {}
        for invited in new_roles:
            roles_of.setdefault(invited.invitation_id, []).append(invited)
        record_many(
            actor=actor,
            action=InvitationAction.SENT,
            objs=created,
            data=lambda i: {
                "importfil": batch.filename,
                "enheter": ", ".join(r.unit.name for r in roles_of.get(i.pk, [])),
            },
        )
        if new_tokens:
            outbox_enqueue_many(
                [_draft(i, new_tokens[i.pk], roles_of.get(i.pk, []), actor) for i in created]
            )
        batch.applied_at = timezone.now()
        batch.summary = counts
        batch.save(update_fields=["applied_at", "summary"])
        record(
            actor=actor,
            action=ImportAction.APPLIED,
            obj=batch,
            data={
                "nya enheter": counts["units"],
                "inbjudna": counts["invited"],
                "utsedda": counts["appointed"],
                "uppdrag tillagda i inbjudningar": counts["roles_added"],
            },
        )
    return counts


def _create_units(party, rows, actor, counts) -> dict:
    """The file's missing units (förvaltningar before their verksamheter); returns the
    party's current units by name."""
    units = {_key(u.name): u for u in party.units.all()}
    for level in (Level.FORVALTNING, Level.REGIONOVERGRIPANDE, Level.VERKSAMHET):
        wanted: dict[str, tuple] = {}
        for r in rows:
            key = _key(r["unit"])
            if r["level"] == level and key not in units and key not in wanted:
                parent = units[_key(r["parent"])] if level == Level.VERKSAMHET else None
                wanted[key] = (level, r["unit"], parent)
        created = unit_services.units_create_many(
            party=party, units=list(wanted.values()), actor=actor
        )
        units.update({_key(u.name): u for u in created})
        counts["units"] += len(created)
    return units


def _invite_new(party, rows, actor, users, invitations) -> tuple[list, dict]:
    """One invitation per new person (inserted together): the rows and their link tokens."""
    now = timezone.now()
    fresh: dict[str, tuple[Invitation, str]] = {}
    for r in rows:
        key = _key(r["email"]) if r["email"] else ""
        if key and key not in users and key not in invitations and key not in fresh:
            fresh[key] = _build_invitation(
                actor=actor,
                email=r["email"],
                first_name=r["first"],
                last_name=r["last"],
                party=party,
                role=Role.IMPLEMENTERINGSANSVARIG,
                now=now,
            )
    created = Invitation.objects.bulk_create([i for i, _t in fresh.values()], batch_size=500)
    invitations.update({key: invitation for key, (invitation, _t) in fresh.items()})
    return created, {invitation.pk: token for invitation, token in fresh.values()}


def _appoint_and_add_roles(
    party, rows, actor, units, users, invitations, new_tokens, counts, batch_name
):
    """Appoint people with an account; add the units to the invitations. Returns the new
    invited roles."""
    active = set(
        UnitMembership.objects.filter(unit__party=party, is_active=True).values_list(
            "unit_id", "user_id", "role"
        )
    )
    invited_roles = set(
        InvitedRole.objects.filter(invitation__in=list(invitations.values())).values_list(
            "invitation_id", "unit_id"
        )
    )
    new_roles: list[InvitedRole] = []
    for r in rows:
        if not r["email"]:
            continue
        key, unit = _key(r["email"]), units[_key(r["unit"])]
        user = users.get(key)
        if user is not None:
            if (unit.pk, user.pk, r["role"]) not in active:
                unit_services.membership_appoint(unit=unit, user=user, role=r["role"], actor=actor)
                active.add((unit.pk, user.pk, r["role"]))
                counts["appointed"] += 1
            continue
        invitation = invitations[key]
        if (invitation.pk, unit.pk) not in invited_roles:
            new_roles.append(InvitedRole(invitation=invitation, unit=unit, role=r["role"]))
            invited_roles.add((invitation.pk, unit.pk))
            if invitation.pk not in new_tokens:
                counts["roles_added"] += 1
    new_roles = InvitedRole.objects.bulk_create(new_roles, batch_size=500)
    record_many(
        actor=actor,
        action=InvitationAction.ROLE_ADDED,
        objs=[r.invitation for r in new_roles if r.invitation_id not in new_tokens],
        data={"importfil": batch_name},
    )
    return new_roles


# --- housekeeping ------------------------------------------------------------------------------
BATCH_KEEP_DAYS = 7


def import_batches_prune(*, now=None) -> int:
    """Checked import files hold names and e-mails: a dry run never confirmed is deleted after
    BATCH_KEEP_DAYS days, and a confirmed one keeps its counts but loses its rows."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=BATCH_KEEP_DAYS)
    with transaction.atomic():
        stale = list(ImportBatch.objects.filter(applied_at=None, created_at__lt=limit))
        emptied = list(ImportBatch.objects.filter(applied_at__lt=limit).exclude(rows=[]))
        record_many(
            actor=None,
            action=ImportAction.PRUNED,
            objs=stale + emptied,
            data=lambda batch: {"borttagen": batch.applied_at is None},
        )
        ImportBatch.objects.filter(pk__in=[b.pk for b in stale]).delete()
        ImportBatch.objects.filter(pk__in=[b.pk for b in emptied]).update(rows=[])
    return len(stale) + len(emptied)
