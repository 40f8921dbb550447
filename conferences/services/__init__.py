"""Every write of the conferences app. Keyword-only, explicit actor, atomic, audited."""

from conferences.services.conferences import (  # noqa: F401
    CANCEL_GRACE,
    checkin_open_early,
    conference_cancel,
    conference_cancel_undo,
    conference_cancellations_notify,
    conference_create,
    conference_delete,
    conference_delete_blockers,
    conference_set_status,
    conference_update,
    conferences_mark_held,
    document_add,
    document_delete,
    pre_meeting_add,
    pre_meeting_delete,
    programme_item_add,
    programme_item_delete,
)
from conferences.services.dispatch import (  # noqa: F401
    invitation_dispatch,
    invitation_refresh_status,
    invitations_to_recover,
)
from conferences.services.invitations import (  # noqa: F401
    invitation_create,
    invitation_default_text,
    invitation_remind,
    invitation_retry_failed,
    invitation_send,
    invitation_update,
    recipient_decline,
    recipient_remove,
)
from conferences.services.privacy import sensitive_data_purge  # noqa: F401
from conferences.services.recipients import (  # noqa: F401
    ImportRejected,
    PasteRejected,
    recipients_add_groups,
    recipients_import,
    recipients_paste,
)
from conferences.services.registrations import (  # noqa: F401
    checkin_closed_reason,
    offers_expire,
    registration_accept_offer,
    registration_cancel,
    registration_confirm,
    registration_create,
    registration_set_attended,
    registration_update,
    unconfirmed_expire,
)
