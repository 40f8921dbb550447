from django.urls import path

from hosavtal.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.DashboardView.as_view(), name="index"),
    path("export.xlsx", views.DashboardExportView.as_view(), name="export"),
    path("beredskap/", views.CellView.as_view(), name="cell"),
    path("moten/", views.MeetingListView.as_view(), name="meetings"),
    path("moten/nytt/", views.MeetingCreateView.as_view(), name="meeting_create"),
    path("moten/<int:pk>/andra/", views.MeetingUpdateView.as_view(), name="meeting_update"),
    path("moten/<int:pk>/ta-bort/", views.MeetingDeleteView.as_view(), name="meeting_delete"),
]
