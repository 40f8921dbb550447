from django.urls import path

from escalation import views

app_name = "escalation"
urlpatterns = [
    path("", views.index, name="index"),
    path("arenden/", views.case_list, name="list"),
    path("arenden/export.<str:fmt>", views.export, name="export"),
    path("arenden/nytt/", views.case_create, name="create"),
    path("arenden/<int:pk>/", views.case_detail, name="detail"),
    path("arenden/<int:pk>/kommentera/", views.case_comment, name="comment"),
    path("arenden/<int:pk>/eskalera/", views.case_escalate, name="escalate"),
    path("arenden/<int:pk>/foresla-losning/", views.case_propose, name="propose"),
    path("arenden/<int:pk>/svara/", views.case_answer, name="answer"),
    path("arenden/<int:pk>/beslut/", views.case_decide, name="decide"),
    path("arenden/<int:pk>/vilande/", views.case_pause, name="pause"),
    path("arenden/<int:pk>/starta/", views.case_resume, name="resume"),
    path("arenden/<int:pk>/bifoga/", views.case_attach, name="attach"),
    path(
        "arenden/<int:pk>/bilagor/<int:attachment_pk>/",
        views.attachment_download,
        name="attachment",
    ),
    path("arenden/<int:pk>/ateruppta/", views.case_reopen, name="reopen"),
    path("arenden/<int:pk>/avsluta/", views.case_close, name="close"),
    path("arenden/<int:pk>/uppgifter/", views.case_details, name="details"),
    path("trappan/", views.ladder, name="ladder"),
    path("trappan/nytt-steg/", views.ladder_step_create, name="step_create"),
    path("trappan/steg/<int:pk>/", views.ladder_step_edit, name="step_edit"),
    path("trappan/steg/<int:pk>/regler/", views.handler_rule_add, name="rule_add"),
    path("trappan/regler/<int:pk>/ta-bort/", views.handler_rule_remove, name="rule_remove"),
    path("arendeansvariga/", views.contacts, name="contacts"),
    path("arendeansvariga/<int:pk>/ta-bort/", views.contact_remove, name="contact_remove"),
    path("kalender/", views.calendar, name="calendar"),
    path("kalender/<str:token>.ics", views.calendar_feed, name="feed"),
]
