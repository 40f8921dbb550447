"""Every write of the conferences app. Keyword-only, explicit actor, atomic, audited."""

from conferences.services.conferences import (  # noqa: F401
    TRANSITIONS,
    conference_cancel,
    conference_create,
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
from conferences.services.invitations import (  # noqa: F401
    ImportRejected,
    invitation_create,
    invitation_default_text,
    invitation_dispatch,
    invitation_refresh_status,
    invitation_retry_failed,
    invitation_send,
    invitation_update,
    invitations_to_recover,
    recipient_remove,
    recipients_add_groups,
    recipients_import,
)
from conferences.services.privacy import sensitive_data_purge  # noqa: F401
from conferences.services.registrations import (  # noqa: F401
    offers_expire,
    registration_accept_offer,
    registration_cancel,
    registration_create,
    registration_set_attended,
    registration_update,
)
