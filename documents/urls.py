from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.DocumentListView.as_view(), name="index"),
    path("nytt/", views.DocumentCreateView.as_view(), name="create"),
    path("<int:pk>/", views.DocumentDetailView.as_view(), name="detail"),
    path("<int:pk>/andra/", views.DocumentUpdateView.as_view(), name="update"),
    path("<int:pk>/ny-version/", views.VersionCreateView.as_view(), name="version_create"),
    path("version/<int:pk>/andra/", views.VersionUpdateView.as_view(), name="version_update"),
    path("version/<int:pk>/fil/", views.VersionFileAddView.as_view(), name="file_add"),
    path("fil/<int:pk>/", views.VersionFileView.as_view(), name="file"),
    path("version/<int:pk>/bakom/", views.BackingView.as_view(), name="backing"),
    path("version/<int:pk>/remiss/", views.RoundCreateView.as_view(), name="round_create"),
    path("remiss/<int:pk>/", views.RoundDetailView.as_view(), name="round"),
    path("remiss/<int:pk>/skicka/", views.RoundSendView.as_view(), name="round_send"),
    path("remiss/<int:pk>/paminn/", views.RoundRemindView.as_view(), name="round_remind"),
    path(
        "remiss/<int:pk>/sammanstallning.xlsx",
        views.RoundExportView.as_view(),
        name="round_export",
    ),
    path("remissvar/<int:pk>/", views.AnswerRecordView.as_view(), name="answer_record"),
    path("remissfil/<int:pk>/", views.AnswerFileView.as_view(), name="answer_file"),
    path("svara/<str:token>/", views.PublicAnswerView.as_view(), name="answer"),
    path("utskick/", views.DispatchListView.as_view(), name="dispatches"),
    path("utskick/nytt/", views.DispatchCreateView.as_view(), name="dispatch_create"),
    path("utskick/<int:pk>/", views.DispatchDetailView.as_view(), name="dispatch"),
    path("utskick/<int:pk>/skicka/", views.DispatchSendView.as_view(), name="dispatch_send"),
    path("utskick/<int:pk>/paminn/", views.DispatchRemindView.as_view(), name="dispatch_remind"),
    path("utskick/<int:pk>/utskick.pdf", views.DispatchPdfView.as_view(), name="dispatch_pdf"),
    path("utskick/bilaga/<int:pk>/", views.AttachmentView.as_view(), name="attachment"),
    path("kvittens/<str:token>/", views.ReceiptView.as_view(), name="receipt"),
]
