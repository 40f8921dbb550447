from django.urls import path

from bodies import views

app_name = "bodies"

urlpatterns = [
    path("", views.index, name="index"),
    path("mina-atgarder/", views.my_actions, name="my_actions"),
    path("mina-atgarder/prenumerera/", views.calendar_address, name="calendar_address"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="feed"),
    path("moten/<int:pk>/", views.meeting_detail, name="meeting"),
    path("moten/<int:pk>/andra/", views.meeting_update, name="meeting_update"),
    path("moten/<int:pk>/ta-bort/", views.meeting_delete, name="meeting_delete"),
    path(
        "moten/<int:pk>/status/<slug:action>/", views.meeting_transition, name="meeting_transition"
    ),
    path("moten/<int:pk>/punkter/", views.item_add, name="item_add"),
    path("moten/<int:pk>/kallade/", views.participant_add, name="participant_add"),
    path("moten/<int:pk>/narvaro/", views.attendance, name="attendance"),
    path("moten/<int:pk>/protokoll/", views.minutes, name="minutes"),
    path("punkter/<int:pk>/flytta/", views.item_move, name="item_move"),
    path("punkter/<int:pk>/ta-bort/", views.item_delete, name="item_delete"),
    path("punkter/<int:pk>/utfall/", views.outcome_add, name="outcome_add"),
    path("utfall/<int:pk>/ta-bort/", views.outcome_delete, name="outcome_delete"),
    path("utfall/<int:pk>/klar/", views.action_done, name="action_done"),
    path("kallade/<int:pk>/ta-bort/", views.participant_remove, name="participant_remove"),
    path("fragor/<int:pk>/", views.issue_detail, name="issue"),
    path("fragor/<int:pk>/andra/", views.issue_update, name="issue_update"),
    path("fragor/<int:pk>/flytta/", views.issue_move, name="issue_move"),
    path("fragor/<int:pk>/besvara/", views.issue_answer, name="issue_answer"),
    path("<slug:slug>/", views.body_detail, name="body"),
    path("<slug:slug>/ledamoter/ny/", views.member_create, name="member_create"),
    path("<slug:slug>/ledamoter/<int:pk>/", views.member_update, name="member_update"),
    path("<slug:slug>/moten/nytt/", views.meeting_create, name="meeting_create"),
    path("<slug:slug>/per-capsulam/", views.per_capsulam, name="per_capsulam"),
    path("<slug:slug>/beslut.xlsx", views.decisions_export, name="export"),
    path("<slug:slug>/fragor/", views.issues, name="issues"),
    path("<slug:slug>/fragor/ny/", views.issue_create, name="issue_create"),
]
