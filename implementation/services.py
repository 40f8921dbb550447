"""Every write of implementation tracking: keyword-only, explicit actor, atomic, audited.

Views check object permissions (implementation.permissions) before calling a service; the
services check the data rules (which items apply to a unit, allowed transitions, required
comments) and raise ValidationError with a Swedish message.
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from core.audit import audit_actor
from implementation.models import (
    COMMENT_REQUIRED,
    NEED_TRANSITIONS,
    TRANSITIONS,
    DevelopmentNeed,
    Evidence,
    Level,
    MembershipRole,
    NeedStatus,
    Phase,
    Progress,
    ProgressLog,
    Responsibility,
    Status,
    Unit,
    UnitMembership,
)
from implementation.readiness import summaries

_UNSET = object()


# --- progress --------------------------------------------------------------------------------
def check_applies(*, unit: Unit, responsibility: Responsibility) -> None:
    if responsibility.level != unit.level:
        raise ValidationError(
            _("Ansvaret ”%(item)s” gäller inte för %(unit)s.")
            % {"item": responsibility.title, "unit": unit.name}
        )
    if not responsibility.is_active:
        raise ValidationError(
            _("Ansvaret ”%(item)s” är avvecklat och kan inte längre rapporteras.")
            % {"item": responsibility.title}
        )


def check_transition(*, before: str, after: str, comment: str) -> None:
    if after not in Status.values:
        raise ValidationError(_("Okänd status: %(status)s.") % {"status": after})
    if after != before and after not in TRANSITIONS[before]:
        raise ValidationError(
            _("Status kan inte ändras från %(before)s till %(after)s.")
            % {"before": Status(before).label, "after": Status(after).label}
        )
    if after in COMMENT_REQUIRED and after != before and not comment.strip():
        raise ValidationError(
            _("Skriv en kommentar som förklarar varför status är %(status)s.")
            % {"status": Status(after).label}
        )


def _progress_for_update(*, unit: Unit, responsibility: Responsibility) -> Progress:
    progress, _created = Progress.objects.select_for_update().get_or_create(
        unit=unit, responsibility=responsibility
    )
    return progress


@dataclass(frozen=True)
class NewEvidence:
    """A file or a link to add to an item (exactly one of ``file`` and ``url``)."""

    name: str
    file: object = None  # an UploadedFile
    url: str = ""


def progress_update(
    *,
    unit: Unit,
    responsibility: Responsibility,
    actor,
    status: str,
    comment: str = "",
    next_step=_UNSET,
    add_evidence: tuple[NewEvidence, ...] = (),
    remove_evidence: tuple[int, ...] = (),
    at: dt.datetime | None = None,
) -> ProgressLog | None:
    """Set an item's status for a unit and log it (with the comment), in one transaction.

    ``next_step`` changes only when given. ``add_evidence`` / ``remove_evidence`` (ids of the
    item's ``Evidence``) add and remove named files and links, each with its own line in the
    item's log; a removed file leaves storage after commit. The blocker's reason is the
    comment given with Hinder. Returns the status entry, or None when the status, the next
    step and the comment are unchanged (evidence alone is logged by its own lines).
    """
    check_applies(unit=unit, responsibility=responsibility)
    comment = (comment or "").strip()
    now = at or timezone.now()
    if _nothing_to_write(unit, responsibility, status, comment, next_step, add_evidence):
        return None
    with transaction.atomic(), audit_actor(actor):
        progress = _progress_for_update(unit=unit, responsibility=responsibility)
        before = progress.status
        check_transition(before=before, after=status, comment=comment)
        _evidence_changes(progress, actor, add_evidence, remove_evidence, now)
        changed = _apply_next_step(progress, next_step)
        if status == before and not comment and not changed:
            return None
        _set_status(progress, status=status, before=before, comment=comment, now=now)
        progress.updated_at = now
        progress.updated_by = actor
        progress.full_clean()
        progress.save()
        entry = _log(progress, status_before=before, comment=comment, actor=actor, at=now)
        summaries.record(entry)
        return entry


def _nothing_to_write(unit, responsibility, status, comment, next_step, add_evidence) -> bool:
    """An untouched item (no row yet) that stays Ej påbörjad with nothing added: write no row,
    so that it gets no date (a missing row already means Ej påbörjad)."""
    if status != Status.EJ_PABORJAD or comment or add_evidence:
        return False
    if next_step is not _UNSET and (next_step or "").strip():
        return False
    return not Progress.objects.filter(unit=unit, responsibility=responsibility).exists()


def _set_status(progress: Progress, *, status: str, before: str, comment: str, now) -> None:
    progress.status = status
    if status != before:
        progress.status_changed_at = now
    if status != Status.HINDER:
        progress.blocker_reason = ""
    elif comment:
        progress.blocker_reason = comment


def _log(progress: Progress, *, status_before: str, comment: str, actor, at) -> ProgressLog:
    entry = ProgressLog(
        progress=progress,
        unit=progress.unit,
        responsibility=progress.responsibility,
        responsibility_title=progress.responsibility.title,
        status_before=status_before,
        status_after=progress.status,
        comment=comment,
        author=actor,
        created_at=at,
    )
    entry.set_deltas()
    entry.save()
    return entry


def _apply_next_step(progress: Progress, next_step) -> bool:
    if next_step is _UNSET or (next_step or "").strip() == progress.next_step:
        return False
    progress.next_step = (next_step or "").strip()
    return True


def _evidence_changes(progress: Progress, actor, add, remove, now) -> None:
    if not add and not remove:
        return
    if progress._state.adding or progress.pk is None:
        progress.save()
    for item in Evidence.objects.filter(progress=progress, pk__in=list(remove)):
        _evidence_remove(progress, item, actor, now)
    for new in add:
        _evidence_add(progress, new, actor, now)


def _evidence_add(progress: Progress, new: NewEvidence, actor, now) -> Evidence:
    name = (new.name or "").strip() or (
        new.file.name.rsplit("/", 1)[-1] if new.file else (new.url or "").strip()
    )
    evidence = Evidence(
        progress=progress,
        name=name[:200],
        url=(new.url or "").strip() if not new.file else "",
        added_by=actor,
        added_at=now,
    )
    if new.file:
        evidence.file = new.file
    evidence.full_clean()
    evidence.save()
    kind = _("Fil tillagd") if new.file else _("Länk tillagd")
    _log(progress, status_before=progress.status, comment=f"{kind}: ”{name}”", actor=actor, at=now)
    return evidence


def _evidence_remove(progress: Progress, evidence: Evidence, actor, now) -> None:
    stored = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage
    kind = _("Fil borttagen") if stored else _("Länk borttagen")
    evidence.delete()
    _log(
        progress,
        status_before=progress.status,
        comment=f"{kind}: ”{evidence.name}”",
        actor=actor,
        at=now,
    )
    if stored:
        transaction.on_commit(lambda: storage.delete(stored))


def evidence_change(
    *,
    unit: Unit,
    responsibility: Responsibility,
    actor,
    add: tuple[NewEvidence, ...] = (),
    remove: tuple[int, ...] = (),
) -> None:
    """Add and remove an item's evidence without touching its status (all or nothing)."""
    check_applies(unit=unit, responsibility=responsibility)
    with transaction.atomic(), audit_actor(actor):
        progress = _progress_for_update(unit=unit, responsibility=responsibility)
        _evidence_changes(progress, actor, add, remove, timezone.now())


def progress_mark_done_from_evidence(
    *, unit: Unit, responsibility: Responsibility, actor, note: str
) -> bool:
    """Mark the item Klar for the unit because another module has evidence (e.g. attendance).

    Leaves an item that is already Klar or Ej aktuellt alone, so it is idempotent. Returns True
    if it changed something.
    """
    if responsibility.level != unit.level or not responsibility.is_active:
        return False
    with transaction.atomic():
        progress = _progress_for_update(unit=unit, responsibility=responsibility)
        if progress.status in {Status.KLAR, Status.EJ_AKTUELLT}:
            return False
        if Status.KLAR not in TRANSITIONS[progress.status]:
            return False
        progress_update(
            unit=unit, responsibility=responsibility, actor=actor, status=Status.KLAR, comment=note
        )
    return True


@dataclass
class BulkRow:
    """One validated row of a bulk update."""

    number: int
    unit: Unit
    responsibility: Responsibility
    status: str
    comment: str
    next_step: str | None


def progress_bulk_apply(*, rows: list[BulkRow], actor) -> int:
    """Apply validated rows all together or not at all. Returns the number of log entries."""
    written = 0
    with transaction.atomic():
        for row in rows:
            entry = progress_update(
                unit=row.unit,
                responsibility=row.responsibility,
                actor=actor,
                status=row.status,
                comment=row.comment,
                next_step=_UNSET if row.next_step is None else row.next_step,
            )
            written += entry is not None
    return written


# --- units and leads -------------------------------------------------------------------------
def _unique_slug(party_id: int, name: str, exclude_pk: int | None = None) -> str:
    base = slugify(name)[:100] or "enhet"
    slug, number = base, 2
    taken = Unit.objects.filter(party_id=party_id).exclude(pk=exclude_pk)
    while taken.filter(slug=slug).exists():
        slug, number = f"{base}-{number}", number + 1
    return slug


def _check_parent(*, party, level: str, parent: Unit | None) -> None:
    if level == Level.VERKSAMHET:
        if parent is None:
            raise ValidationError(_("En verksamhet måste höra till en förvaltning."))
        if parent.level != Level.FORVALTNING or parent.party_id != party.pk:
            raise ValidationError(_("En verksamhet måste höra till en förvaltning hos samma part."))
    elif parent is not None:
        raise ValidationError(_("Bara verksamheter hör till en förvaltning."))


def unit_create(*, party, level: str, name: str, actor, parent: Unit | None = None) -> Unit:
    name = name.strip()
    _check_parent(party=party, level=level, parent=parent)
    with transaction.atomic(), audit_actor(actor):
        unit = Unit(
            party=party,
            level=level,
            name=name,
            parent=parent,
            slug=_unique_slug(party.pk, name),
        )
        unit.full_clean()
        unit.save()
    return unit


def unit_update(*, unit: Unit, actor, name: str, parent: Unit | None = _UNSET) -> Unit:
    with transaction.atomic(), audit_actor(actor):
        unit.name = name.strip()
        if parent is not _UNSET:
            _check_parent(party=unit.party, level=unit.level, parent=parent)
            unit.parent = parent
        unit.full_clean()
        unit.save()
    return unit


def membership_appoint(*, unit: Unit, user, role: str, actor) -> UnitMembership:
    """Appoint a lead or group member (re-activating an earlier appointment)."""
    if role not in MembershipRole.values:
        raise ValidationError(_("Okänd roll."))
    if user.party_id != unit.party_id:
        raise ValidationError(
            _("%(user)s hör inte till %(party)s och kan inte utses för enheten.")
            % {"user": user, "party": unit.party}
        )
    with transaction.atomic(), audit_actor(actor):
        membership = UnitMembership.objects.select_for_update().filter(unit=unit, user=user).first()
        if membership is None:
            membership = UnitMembership(unit=unit, user=user)
        membership.role = role
        membership.is_active = True
        membership.full_clean(validate_unique=False)
        membership.save()
    return membership


def membership_end(*, membership: UnitMembership, actor) -> UnitMembership:
    with transaction.atomic(), audit_actor(actor):
        membership.is_active = False
        membership.save()
    return membership


# --- phases and items ------------------------------------------------------------------------
def phase_update(
    *,
    phase: Phase,
    actor,
    name: str,
    short_name: str,
    description: str,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
) -> Phase:
    """Change a phase. Items whose due date followed the phase's end move with it."""
    with transaction.atomic(), audit_actor(actor):
        old_end = Phase.objects.select_for_update().get(pk=phase.pk).ends_on
        phase.name, phase.short_name, phase.description = name, short_name, description
        phase.starts_on, phase.ends_on = starts_on, ends_on
        phase.full_clean()
        phase.save()
        if ends_on != old_end:
            for item in phase.responsibilities.filter(due_date=old_end):
                item.due_date = ends_on
                item.save(update_fields=["due_date"])
    return phase


def _item_code(phase: Phase, level: str, title: str) -> str:
    base = f"{phase.code}-{level}-{slugify(title)}"[:70].strip("-")
    code, number = base, 2
    while Responsibility.objects.filter(code=code).exists():
        code, number = f"{base}-{number}", number + 1
    return code


def responsibility_create(
    *,
    phase: Phase,
    level: str,
    title: str,
    actor,
    description: str = "",
    due_date: dt.date | None = None,
    code: str = "",
) -> Responsibility:
    with transaction.atomic(), audit_actor(actor):
        last = phase.responsibilities.order_by("-order").values_list("order", flat=True).first()
        item = Responsibility(
            phase=phase,
            level=level,
            title=title.strip(),
            description=description.strip(),
            due_date=due_date or phase.ends_on,
            code=code or _item_code(phase, level, title),
            order=(last or 0) + 1,
        )
        item.full_clean()
        try:
            item.save()
        except IntegrityError as error:  # a concurrent create took the code
            raise ValidationError(_("Koden används redan.")) from error
    return item


def responsibility_update(
    *,
    item: Responsibility,
    actor,
    title: str,
    description: str,
    due_date: dt.date | None,
    phase: Phase | None = None,
) -> Responsibility:
    """Edit an item. Logged progress keeps the title it was logged under."""
    with transaction.atomic(), audit_actor(actor):
        item.title = title.strip()
        item.description = description.strip()
        if phase is not None:
            item.phase = phase
        item.due_date = due_date or item.phase.ends_on
        item.full_clean()
        item.save()
    return item


def responsibility_set_active(*, item: Responsibility, actor, active: bool) -> Responsibility:
    """Retire (or restore) an item. Its progress and log stay; checklists stop showing it."""
    with transaction.atomic(), audit_actor(actor):
        changed = item.is_active != active
        item.is_active = active
        item.save(update_fields=["is_active"])
        if changed:
            summaries.item_active_changed()
    return item


# --- development needs -----------------------------------------------------------------------
def need_create(
    *,
    unit: Unit,
    actor,
    title: str,
    owner: str,
    description: str = "",
    due_date: dt.date | None = None,
    responsibility: Responsibility | None = None,
) -> DevelopmentNeed:
    if responsibility is not None and responsibility.level != unit.level:
        raise ValidationError(_("Ansvaret gäller inte för enheten."))
    with transaction.atomic(), audit_actor(actor):
        need = DevelopmentNeed(
            unit=unit,
            title=title.strip(),
            owner=owner.strip(),
            description=description.strip(),
            due_date=due_date,
            responsibility=responsibility,
            created_by=actor,
        )
        need.full_clean()
        need.save()
    return need


def need_update(
    *,
    need: DevelopmentNeed,
    actor,
    title: str,
    owner: str,
    description: str,
    due_date: dt.date | None,
    status: str,
    responsibility: Responsibility | None = None,
) -> DevelopmentNeed:
    if status not in NeedStatus.values:
        raise ValidationError(_("Okänd status: %(status)s.") % {"status": status})
    if status != need.status and status not in NEED_TRANSITIONS[need.status]:
        raise ValidationError(
            _("Status kan inte ändras från %(before)s till %(after)s.")
            % {"before": NeedStatus(need.status).label, "after": NeedStatus(status).label}
        )
    if responsibility is not None and responsibility.level != need.unit.level:
        raise ValidationError(_("Ansvaret gäller inte för enheten."))
    with transaction.atomic(), audit_actor(actor):
        need.title, need.owner = title.strip(), owner.strip()
        need.description, need.due_date = description.strip(), due_date
        need.status, need.responsibility = status, responsibility
        need.full_clean()
        need.save()
    return need


# --- many units at once (issue #19: an organisation's import) --------------------------------
def audit_created(objs: list, *, actor) -> None:
    """The audit entries django-auditlog writes for each saved row, for rows bulk-inserted
    past its signals: one CREATE entry per object, in a few queries."""
    if not objs:
        return
    from auditlog.cid import get_cid
    from auditlog.diff import model_instance_diff
    from auditlog.models import LogEntry
    from django.conf import settings
    from django.contrib.contenttypes.models import ContentType

    content_type = ContentType.objects.get_for_model(type(objs[0]))
    json_changes = getattr(settings, "AUDITLOG_STORE_JSON_CHANGES", False)
    now, cid = timezone.now(), get_cid()
    LogEntry.objects.bulk_create(
        [
            LogEntry(
                content_type=content_type,
                object_pk=str(obj.pk),
                object_id=obj.pk,
                object_repr=str(obj),
                action=LogEntry.Action.CREATE,
                changes=model_instance_diff(None, obj, use_json_for_changes=json_changes) or {},
                actor=actor,
                actor_email=getattr(actor, "email", None),
                cid=cid,
                timestamp=now,
            )
            for obj in objs
        ],
        batch_size=500,
    )


def units_create_many(*, party, units: list[tuple[str, str, Unit | None]], actor) -> list[Unit]:
    """Create many units of one party (level, name, parent) with the rules of unit_create,
    in a few queries: slugs from one read of the party's slugs, one insert per 500 units, one
    audit entry each. Parents must exist already (create förvaltningar first)."""
    taken = set(Unit.objects.filter(party=party).values_list("slug", flat=True))
    new = []
    for level, name, parent in units:
        name = name.strip()
        _check_parent(party=party, level=level, parent=parent)
        base = slugify(name)[:100] or "enhet"
        slug, number = base, 2
        while slug in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug)
        unit = Unit(party=party, level=level, name=name, parent=parent, slug=slug)
        # The party and parents are the caller's saved rows; slugs are unique by the set above.
        unit.full_clean(
            exclude=["party", "parent"], validate_unique=False, validate_constraints=False
        )
        new.append(unit)
    with transaction.atomic():
        created = Unit.objects.bulk_create(new, batch_size=500)
        audit_created(created, actor=actor)
    return created
