"""Progress writes: an item's status, comment, next step and evidence in a unit, one at a time
or a whole uploaded template together.

Each write is one transaction: the progress row, its log line (``ProgressLog``), the readiness
summaries (``implementation.readiness.summaries``) and the audit event (``ProgressAction``).
"""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_actor, record, record_many
from implementation.audit import ProgressAction, stored
from implementation.models import Evidence, Progress, ProgressLog, Responsibility, Status, Unit
from implementation.readiness import summaries
from implementation.workflow import COMMENT_REQUIRED, PROGRESS_FLOW

_UNSET = object()


# --- the data rules --------------------------------------------------------------------------
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
    """The move must be in ``PROGRESS_FLOW`` and Hinder / Ej aktuellt need a comment."""
    if after not in Status.values:
        raise ValidationError(_("Okänd status: %(status)s.") % {"status": after})
    if not PROGRESS_FLOW.may_move(before, after):
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


# --- one item --------------------------------------------------------------------------------
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
    return _update(
        action=ProgressAction.UPDATED,
        unit=unit,
        responsibility=responsibility,
        actor=actor,
        status=status,
        comment=comment,
        next_step=next_step,
        add_evidence=add_evidence,
        remove_evidence=remove_evidence,
        at=at,
    )[1]


def _update(
    *,
    action: ProgressAction | None,
    unit: Unit,
    responsibility: Responsibility,
    actor,
    status: str,
    comment: str = "",
    next_step=_UNSET,
    add_evidence: tuple[NewEvidence, ...] = (),
    remove_evidence: tuple[int, ...] = (),
    at: dt.datetime | None = None,
) -> tuple[Progress | None, ProgressLog | None, dict]:
    """The write of :func:`progress_update`: (progress, status entry, what changed). Records
    ``action`` for the status entry; with ``action=None`` the caller records (a bulk path)."""
    check_applies(unit=unit, responsibility=responsibility)
    comment = (comment or "").strip()
    now = at or timezone.now()
    if _nothing_to_write(unit, responsibility, status, comment, next_step, add_evidence):
        return None, None, {}
    with transaction.atomic(), audit_actor(actor):
        progress = _progress_for_update(unit=unit, responsibility=responsibility)
        before, next_before = progress.status, progress.next_step
        check_transition(before=before, after=status, comment=comment)
        _evidence_changes(progress, actor, add_evidence, remove_evidence, now)
        changed = _apply_next_step(progress, next_step)
        if status == before and not comment and not changed:
            return progress, None, {}
        _set_status(progress, status=status, before=before, comment=comment, now=now)
        progress.updated_at = now
        progress.updated_by = actor
        progress.full_clean()
        progress.save()
        entry = _log(progress, status_before=before, comment=comment, actor=actor, at=now)
        summaries.record(entry)
        data = _changes(before, status, comment, next_before if changed else None, progress)
        if action is not None:
            record(actor=actor, action=action, obj=progress, data=data)
        return progress, entry, data


def _changes(before: str, after: str, comment: str, next_before, progress: Progress) -> dict:
    """The audit event's data: the status as before → after, the comment, the next step."""
    data = {}
    if after != before:
        data["status"] = [stored(Status(before).label), stored(Status(after).label)]
    if comment:
        data["kommentar"] = comment
    if next_before is not None:
        data["nästa steg"] = [next_before, progress.next_step]
    return data


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


# --- evidence --------------------------------------------------------------------------------
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
    record(
        actor=actor,
        action=ProgressAction.EVIDENCE_ADDED,
        obj=progress,
        data={"underlag": evidence.name, "typ": "fil" if new.file else "länk"},
    )
    return evidence


def _evidence_remove(progress: Progress, evidence: Evidence, actor, now) -> None:
    stored_name = evidence.file.name if evidence.file else ""
    storage = evidence.file.storage
    kind = _("Fil borttagen") if stored_name else _("Länk borttagen")
    evidence.delete()
    _log(
        progress,
        status_before=progress.status,
        comment=f"{kind}: ”{evidence.name}”",
        actor=actor,
        at=now,
    )
    record(
        actor=actor,
        action=ProgressAction.EVIDENCE_REMOVED,
        obj=progress,
        data={"underlag": evidence.name, "typ": "fil" if stored_name else "länk"},
    )
    if stored_name:
        transaction.on_commit(lambda: storage.delete(stored_name))


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
        if not PROGRESS_FLOW.allows(Status.KLAR, progress.status):
            return False
        _update(
            action=ProgressAction.MARKED_DONE,
            unit=unit,
            responsibility=responsibility,
            actor=actor,
            status=Status.KLAR,
            comment=note,
        )
    return True


# --- many items at once (the uploaded template) ----------------------------------------------
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
    """Apply validated rows all together or not at all. Returns the number of log entries.

    Every written row gets its log line and summaries as a single write does; the audit events
    (``ProgressAction.BULK_UPDATED``, one per written item) go in with one INSERT at the end."""
    written: dict[int, tuple[Progress, dict]] = {}
    with transaction.atomic():
        for row in rows:
            progress, entry, data = _update(
                action=None,
                unit=row.unit,
                responsibility=row.responsibility,
                actor=actor,
                status=row.status,
                comment=row.comment,
                next_step=_UNSET if row.next_step is None else row.next_step,
            )
            if entry is not None:
                written[progress.pk] = (progress, {**data, "rad": row.number})
        record_many(
            actor=actor,
            action=ProgressAction.BULK_UPDATED,
            objs=[progress for progress, _data in written.values()],
            data=lambda progress: written[progress.pk][1],
        )
    return len(written)
