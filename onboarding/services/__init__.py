"""Every write of onboarding, by concern:

- ``invitations``: invite, resend, revoke, accept (and the SSO hook);
- ``import_check`` / ``import_apply``: the import of a party's organisation (dry run, confirm,
  housekeeping);
- ``units``: retiring and restoring a unit (issue #19);
- ``users``: the Förvaltare's changes to an account.

Keyword-only, explicit actor, atomic, audited (``onboarding.audit``). Creating, renaming and
moving units and appointing people go through ``implementation.services``.
"""

from core.tabular import TableError
from onboarding.services.common import INVITATION_DAYS
from onboarding.services.import_apply import (
    BATCH_KEEP_DAYS,
    apply_import,
    import_batches_prune,
)
from onboarding.services.import_check import (
    COL_EMAIL,
    COL_FIRST,
    COL_LAST,
    COL_LEVEL,
    COL_PARENT,
    COL_ROLE,
    COL_UNIT,
    COLUMNS,
    IMPORT_VALIDATOR,
    LEVEL_WORDS,
    ROLE_WORDS,
    Checked,
    check_import,
    plan_import,
    store_batch,
)
from onboarding.services.invitations import (
    InviteResult,
    invitation_accept,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    invite,
    match_invitation,
    refusal,
)
from onboarding.services.units import (
    restore_blockers,
    retire_blockers,
    unit_restore,
    unit_retire,
)
from onboarding.services.users import user_update

__all__ = [
    "BATCH_KEEP_DAYS",
    "COLUMNS",
    "COL_EMAIL",
    "COL_FIRST",
    "COL_LAST",
    "COL_LEVEL",
    "COL_PARENT",
    "COL_ROLE",
    "COL_UNIT",
    "IMPORT_VALIDATOR",
    "INVITATION_DAYS",
    "LEVEL_WORDS",
    "ROLE_WORDS",
    "Checked",
    "InviteResult",
    "TableError",
    "apply_import",
    "check_import",
    "import_batches_prune",
    "invitation_accept",
    "invitation_for_token",
    "invitation_resend",
    "invitation_revoke",
    "invite",
    "match_invitation",
    "plan_import",
    "refusal",
    "restore_blockers",
    "retire_blockers",
    "store_batch",
    "unit_restore",
    "unit_retire",
    "user_update",
]
