from django.urls import path

from agreements import views

app_name = "agreements"
urlpatterns = [
    path("", views.AgreementIndexView.as_view(), name="index"),
    path("beslut/", views.BoardView.as_view(), name="board"),
    path("beslut/register/", views.RegisterView.as_view(), name="register"),
    path("beslut/nytt/", views.DecisionCreateView.as_view(), name="decision_create"),
    path(
        "beslut/beslutsregister.xlsx",
        views.RegisterExportView.as_view(),
        {"fmt": "xlsx"},
        name="register_xlsx",
    ),
    path(
        "beslut/beslutsregister.csv",
        views.RegisterExportView.as_view(),
        {"fmt": "csv"},
        name="register_csv",
    ),
    path("beslut/<int:pk>/rattelse/", views.DecisionCorrectView.as_view(), name="decision_correct"),
    path("beslut/<int:pk>/ta-bort/", views.DecisionDeleteView.as_view(), name="decision_delete"),
    path("parter/<slug:slug>/", views.PartyDetailView.as_view(), name="party_detail"),
    path("dokument/<int:pk>/", views.DocumentDownloadView.as_view(), name="document_download"),
    path("dokument/<int:pk>/ta-bort/", views.DocumentDeleteView.as_view(), name="document_delete"),
    path("<slug:slug>/", views.AgreementDetailView.as_view(), name="agreement_detail"),
    path("<slug:slug>/dokument/", views.DocumentCreateView.as_view(), name="document_create"),
]
