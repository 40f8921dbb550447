"""The views of onboarding (thin function views: permission → form → one service call →
redirect), by page group:

- ``organisation``: the hub, a party's units and people, a unit's form, ending an appointment;
- ``units``: retiring and restoring a unit, the party's retired units;
- ``invitations``: inviting, resending, revoking, accepting;
- ``imports``: the import template, dry run and confirmation;
- ``accounts``: the Förvaltare's user pages and the function addresses.
"""

from onboarding.views.accounts import address_edit, addresses, user_edit, users
from onboarding.views.imports import import_confirm, import_template, import_upload
from onboarding.views.invitations import (
    accept,
    invitation_resend,
    invitation_revoke,
    invite,
    without_lead_notes,
)
from onboarding.views.organisation import (
    index,
    membership_end,
    party,
    people,
    unit_create,
    unit_edit,
)
from onboarding.views.units import retired, unit_restore, unit_retire

__all__ = [
    "accept",
    "address_edit",
    "addresses",
    "import_confirm",
    "import_template",
    "import_upload",
    "index",
    "invitation_resend",
    "invitation_revoke",
    "invite",
    "membership_end",
    "party",
    "people",
    "retired",
    "unit_create",
    "unit_edit",
    "unit_restore",
    "unit_retire",
    "user_edit",
    "users",
    "without_lead_notes",
]
