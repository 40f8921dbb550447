"""Every write of implementation tracking: keyword-only, explicit actor, atomic, audited.

Views check object permissions (``implementation.permissions``) before calling a service; the
services check the data rules (which items apply to a unit, the moves of
``implementation.workflow``, required comments) and raise ValidationError with a Swedish
message. Each records what it did (``implementation.audit``) in its transaction.

- ``progress``: an item's status, comment, next step and evidence; the uploaded template;
- ``units``: units (one or an import) and their leads and members;
- ``catalogue``: phases and checklist items;
- ``needs``: development needs.
"""

from implementation.services.catalogue import (
    phase_update,
    responsibility_create,
    responsibility_set_active,
    responsibility_update,
)
from implementation.services.needs import need_create, need_update
from implementation.services.progress import (
    BulkRow,
    NewEvidence,
    check_applies,
    check_transition,
    evidence_change,
    progress_bulk_apply,
    progress_mark_done_from_evidence,
    progress_update,
)
from implementation.services.units import (
    membership_appoint,
    membership_end,
    unit_create,
    unit_update,
    units_create_many,
)

__all__ = [
    "BulkRow",
    "NewEvidence",
    "check_applies",
    "check_transition",
    "evidence_change",
    "membership_appoint",
    "membership_end",
    "need_create",
    "need_update",
    "phase_update",
    "progress_bulk_apply",
    "progress_mark_done_from_evidence",
    "progress_update",
    "responsibility_create",
    "responsibility_set_active",
    "responsibility_update",
    "unit_create",
    "unit_update",
    "units_create_many",
]
