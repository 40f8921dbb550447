"""Thin views of the documents app, class views throughout: the role rule
(``documents.permissions`` through ``core.permissions.RoleRequiredMixin``: ``ManagerOnly``,
``ReaderOnly``; reading documents needs only a sign-in), form, service, message, redirect.

One module per area: ``documents`` (documents, versions, files, backing), ``remiss`` (remiss
rounds and answers), ``dispatches`` (utskick and receipts)."""

from documents.views.dispatches import (
    AttachmentView,
    DispatchCreateView,
    DispatchDetailView,
    DispatchListView,
    DispatchPdfView,
    DispatchRemindView,
    DispatchSendView,
    ReceiptView,
)
from documents.views.documents import (
    BackingView,
    DocumentCreateView,
    DocumentDetailView,
    DocumentListView,
    DocumentUpdateView,
    VersionCreateView,
    VersionFileAddView,
    VersionFileView,
    VersionUpdateView,
)
from documents.views.remiss import (
    EXPORT_HEADERS,
    AnswerFileView,
    AnswerRecordView,
    PublicAnswerView,
    RoundCreateView,
    RoundDetailView,
    RoundExportView,
    RoundRemindView,
    RoundSendView,
)

__all__ = [
    "AnswerFileView",
    "AnswerRecordView",
    "AttachmentView",
    "BackingView",
    "DispatchCreateView",
    "DispatchDetailView",
    "DispatchListView",
    "DispatchPdfView",
    "DispatchRemindView",
    "DispatchSendView",
    "DocumentCreateView",
    "DocumentDetailView",
    "DocumentListView",
    "DocumentUpdateView",
    "EXPORT_HEADERS",
    "PublicAnswerView",
    "ReceiptView",
    "RoundCreateView",
    "RoundDetailView",
    "RoundExportView",
    "RoundRemindView",
    "RoundSendView",
    "VersionCreateView",
    "VersionFileAddView",
    "VersionFileView",
    "VersionUpdateView",
]
