from django.urls import path

from conferences import views

app_name = "conferences"

urlpatterns = [
    path("", views.ConferenceListView.as_view(), name="index"),
    path("ny/", views.ConferenceCreateView.as_view(), name="create"),
    # Public pages (no account): registration and the personal change/cancel link.
    path("anmalan/<slug:slug>/", views.RegistrationCreateView.as_view(), name="register"),
    path("anmalan/<slug:slug>/kalender.ics", views.ConferenceIcsView.as_view(), name="ics"),
    path("anmalan/<slug:slug>/enheter/", views.UnitOptionsView.as_view(), name="units"),
    path("anmalan/<slug:slug>/kolla-mejlen/", views.CheckEmailView.as_view(), name="check_email"),
    path("avanmalan/<str:token>/", views.RegistrationManageView.as_view(), name="manage"),
    path(
        "avanmalan/<str:token>/bekrafta/",
        views.RegistrationConfirmView.as_view(),
        name="confirm",
    ),
    path("svar/<str:token>/tacka-nej/", views.DeclineView.as_view(), name="decline"),
    path("avanmalan/<str:token>/avboka/", views.RegistrationCancelView.as_view(), name="cancel"),
    path(
        "avanmalan/<str:token>/ta-platsen/",
        views.RegistrationAcceptView.as_view(),
        name="accept",
    ),
    # Invitations.
    path("inbjudan/<int:pk>/", views.InvitationDetailView.as_view(), name="invitation"),
    path("inbjudan/<int:pk>/text/", views.InvitationTextView.as_view(), name="invitation_text"),
    path(
        "inbjudan/<int:pk>/grupper/",
        views.InvitationGroupsView.as_view(),
        name="invitation_groups",
    ),
    path(
        "inbjudan/<int:pk>/importera/",
        views.InvitationImportView.as_view(),
        name="invitation_import",
    ),
    path(
        "inbjudan/<int:pk>/klistra-in/",
        views.InvitationPasteView.as_view(),
        name="invitation_paste",
    ),
    path(
        "inbjudan/<int:pk>/paminn/",
        views.InvitationRemindView.as_view(),
        name="invitation_remind",
    ),
    path(
        "inbjudan/<int:pk>/mottagare/<int:recipient_pk>/ta-bort/",
        views.RecipientRemoveView.as_view(),
        name="recipient_remove",
    ),
    path(
        "inbjudan/<int:pk>/forhandsgranska/",
        views.InvitationPreviewView.as_view(),
        name="invitation_preview",
    ),
    path("inbjudan/<int:pk>/skicka/", views.InvitationSendView.as_view(), name="invitation_send"),
    path(
        "inbjudan/<int:pk>/forsok-igen/",
        views.InvitationRetryView.as_view(),
        name="invitation_retry",
    ),
    path(
        "inbjudan/<int:pk>/status/",
        views.InvitationProgressView.as_view(),
        name="invitation_progress",
    ),
    # One conference.
    path("<slug:slug>/", views.ConferenceDetailView.as_view(), name="detail"),
    path("<slug:slug>/andra/", views.ConferenceUpdateView.as_view(), name="update"),
    path("<slug:slug>/status/", views.ConferenceStatusView.as_view(), name="status"),
    path("<slug:slug>/installa/", views.ConferenceCancelView.as_view(), name="cancel_conference"),
    path(
        "<slug:slug>/installa/angra/",
        views.ConferenceCancelUndoView.as_view(),
        name="cancel_conference_undo",
    ),
    path("<slug:slug>/ta-bort/", views.ConferenceDeleteView.as_view(), name="delete"),
    path("<slug:slug>/program/", views.ProgrammeItemAddView.as_view(), name="programme_add"),
    path(
        "<slug:slug>/program/<int:pk>/ta-bort/",
        views.ProgrammeItemDeleteView.as_view(),
        name="programme_delete",
    ),
    path("<slug:slug>/formoten/", views.PreMeetingAddView.as_view(), name="pre_meeting_add"),
    path(
        "<slug:slug>/formoten/<int:pk>/ta-bort/",
        views.PreMeetingDeleteView.as_view(),
        name="pre_meeting_delete",
    ),
    path("<slug:slug>/dokument/", views.DocumentAddView.as_view(), name="document_add"),
    path(
        "<slug:slug>/dokument/<int:pk>/",
        views.DocumentDownloadView.as_view(),
        name="document_download",
    ),
    path(
        "<slug:slug>/dokument/<int:pk>/ta-bort/",
        views.DocumentDeleteView.as_view(),
        name="document_delete",
    ),
    path("<slug:slug>/inbjudan/", views.InvitationCreateView.as_view(), name="invitation_create"),
    path("<slug:slug>/deltagare/", views.ParticipantListView.as_view(), name="participants"),
    path(
        "<slug:slug>/deltagare/export.<str:fmt>",
        views.ParticipantExportView.as_view(),
        name="participants_export",
    ),
    path(
        "<slug:slug>/deltagare/<int:pk>/avboka/",
        views.ParticipantCancelView.as_view(),
        name="participant_cancel",
    ),
    path("<slug:slug>/fortaring/", views.CateringView.as_view(), name="catering"),
    path(
        "<slug:slug>/fortaring/fortaring.xlsx",
        views.CateringExportView.as_view(),
        name="catering_export",
    ),
    path("<slug:slug>/anpassning/", views.NeedsView.as_view(), name="needs"),
    path("<slug:slug>/narvarolista/", views.AttendanceListView.as_view(), name="attendance"),
    path("<slug:slug>/incheckning/", views.CheckInView.as_view(), name="checkin"),
    path(
        "<slug:slug>/incheckning/oppna/",
        views.CheckInOpenView.as_view(),
        name="checkin_open",
    ),
    path(
        "<slug:slug>/incheckning/<int:pk>/",
        views.CheckInToggleView.as_view(),
        name="checkin_toggle",
    ),
    path("<slug:slug>/checklista/", views.EvidenceLinkView.as_view(), name="evidence"),
]
