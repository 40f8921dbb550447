"""Views of the conferences app: staff pages (login) and the public registration pages."""

from conferences.views.checkin import (  # noqa: F401
    AttendanceListView,
    CheckInToggleView,
    CheckInView,
)
from conferences.views.conferences import (  # noqa: F401
    ConferenceCreateView,
    ConferenceDetailView,
    ConferenceListView,
    ConferenceStatusView,
    ConferenceUpdateView,
    DocumentAddView,
    DocumentDeleteView,
    DocumentDownloadView,
    PreMeetingAddView,
    PreMeetingDeleteView,
    ProgrammeItemAddView,
    ProgrammeItemDeleteView,
)
from conferences.views.evidence import EvidenceLinkView  # noqa: F401
from conferences.views.invitations import (  # noqa: F401
    InvitationCreateView,
    InvitationDetailView,
    InvitationGroupsView,
    InvitationImportView,
    InvitationPasteView,
    InvitationPreviewView,
    InvitationProgressView,
    InvitationRetryView,
    InvitationSendView,
    InvitationTextView,
    RecipientRemoveView,
)
from conferences.views.participants import (  # noqa: F401
    CateringView,
    ParticipantCancelView,
    ParticipantExportView,
    ParticipantListView,
)
from conferences.views.public import (  # noqa: F401
    CheckEmailView,
    ConferenceIcsView,
    DeclineView,
    RegistrationAcceptView,
    RegistrationCancelView,
    RegistrationConfirmView,
    RegistrationCreateView,
    RegistrationManageView,
    UnitOptionsView,
)
from conferences.views.safety import (  # noqa: F401
    CateringExportView,
    CheckInOpenView,
    ConferenceCancelUndoView,
    ConferenceCancelView,
    ConferenceDeleteView,
    InvitationRemindView,
    NeedsView,
)
