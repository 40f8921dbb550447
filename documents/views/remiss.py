"""Remiss rounds: create, read, send, remind, the compilation (XLSX), answers recorded by
the registrar and answers through the recipient's personal link."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from core.exports import Sheet, xlsx_response
from documents import emails, permissions, selectors, services
from documents.forms import (
    AnswerForm,
    RecordAnswerForm,
    RoundForm,
)
from documents.models import (
    RemissAnswerFile,
    RemissRecipient,
    VersionFile,
)
from documents.views._common import (
    Loaded,
    ManagerOnly,
    ReaderOnly,
    _errors,
    _file_response,
    _remind,
    _signed,
)


# --- remiss ---------------------------------------------------------------------------------
class RoundCreateView(ManagerOnly, Loaded, View):
    def load(self, pk):
        self.version = selectors.version_for(pk)

    def _render(self, request, form):
        return render(
            request,
            "documents/round_form.html",
            {"form": form, "version": self.version, "document": self.version.document},
        )

    def get(self, request, pk):
        today = timezone.localdate()
        return self._render(
            request,
            RoundForm(
                initial={
                    "title": _("Remiss: %(title)s") % {"title": self.version.document.title},
                    "opens_on": today,
                    "deadline": today + dt.timedelta(days=42),
                }
            ),
        )

    def post(self, request, pk):
        form = RoundForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            data.pop("all_parties", None)
            try:
                remiss = services.round_create(actor=request.user, version=self.version, **data)
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Remissen är sparad. Granska och skicka den."))
                return redirect("documents:round", pk=remiss.pk)
        return self._render(request, form)


class RoundDetailView(ReaderOnly, View):
    def get(self, request, pk):
        remiss = selectors.round_detail(pk)
        recipients = selectors.round_recipients(remiss)
        answered = [r for r in recipients if r.answered]
        late = [r for r in recipients if r.late and (r.answered or remiss.sent_at)]
        return render(
            request,
            "documents/round.html",
            {
                "remiss": remiss,
                "recipients": recipients,
                "answered": len(answered),
                "late": late,
                "reference": emails.remiss_reference(remiss),
                "can_manage": permissions.can_manage(request.user),
            },
        )


class RoundSendView(ManagerOnly, Loaded, View):
    """GET: what will be sent and to whom (the confirmation step); POST: send."""

    def load(self, pk):
        self.remiss = selectors.round_detail(pk)

    def get(self, request, pk):
        recipients = selectors.round_recipients(self.remiss)
        return render(
            request,
            "documents/round_send.html",
            {
                "remiss": self.remiss,
                "recipients": recipients,
                "without_address": [r for r in recipients if not r.email],
            },
        )

    def post(self, request, pk):
        sent = services.round_send(actor=request.user, remiss=self.remiss)
        if sent:
            messages.success(request, _("Remissen skickas till %(n)s mottagare.") % {"n": sent})
        else:
            messages.info(request, _("Remissen var redan skickad. Inget skickades igen."))
        return redirect("documents:round", pk=pk)


class RoundRemindView(ManagerOnly, View):
    def post(self, request, pk):
        remiss = selectors.round_detail(pk)
        _remind(
            request,
            lambda: services.round_remind(actor=request.user, remiss=remiss),
            sent=_("Påminnelse skickas till %(n)s."),
            none=_("Ingen ny påminnelse: alla har svarat eller är påminda i dag."),
        )
        return redirect("documents:round", pk=pk)


EXPORT_HEADERS = (
    gettext_lazy("Remissinstans"),
    gettext_lazy("Slag"),
    gettext_lazy("E-postadress"),
    gettext_lazy("Svar"),
    gettext_lazy("Svar mottaget"),
    gettext_lazy("Försenat"),
    gettext_lazy("Via länken"),
    gettext_lazy("Påminnelser"),
    gettext_lazy("Yttrande"),
    gettext_lazy("Fil"),
)


def _recipient_kind(r: RemissRecipient) -> str:
    if r.party_id:
        return _("Part")
    if r.federation_id:
        return _("Kommunalförbund")
    return _("Gemensamt organ")


class RoundExportView(ReaderOnly, View):
    """The compilation: one row per recipient (core.exports: text cells, never formulas)."""

    def get(self, request, pk):
        remiss = selectors.round_detail(pk)
        rows = [
            [
                r.name,
                _recipient_kind(r),
                r.email,
                r.get_answer_display() if r.answer else _("Inget svar"),
                timezone.localtime(r.answered_at) if r.answered_at else "",
                _("Ja") if r.late else _("Nej"),
                _("Ja") if r.answered_by_link else _("Nej"),
                r.reminders,
                r.text,
                ", ".join(f.name for f in r.files.all()),
            ]
            for r in selectors.round_recipients(remiss)
        ]
        return xlsx_response(
            f"remissammanstallning-{remiss.pk}.xlsx",
            [Sheet(str(_("Remissvar")), [str(h) for h in EXPORT_HEADERS], rows)],
        )


class AnswerRecordView(ManagerOnly, Loaded, View):
    """The registrar records an answer received by other means (letter, e-mail)."""

    def load(self, pk):
        self.recipient = get_object_or_404(
            RemissRecipient.objects.select_related("round__version__document"), pk=pk
        )

    def _render(self, request, form):
        return render(
            request,
            "documents/answer_record.html",
            {"form": form, "recipient": self.recipient, "remiss": self.recipient.round},
        )

    def get(self, request, pk):
        return self._render(
            request, RecordAnswerForm(initial={"received_on": timezone.localdate()})
        )

    def post(self, request, pk):
        form = RecordAnswerForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            received = dt.datetime.combine(
                data["received_on"], dt.time(12), tzinfo=timezone.get_current_timezone()
            )
            try:
                services.answer_record(
                    actor=request.user,
                    recipient=self.recipient,
                    answer=data["answer"],
                    text=data["text"],
                    upload=data["file"],
                    received_at=received,
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(
                    request,
                    _("Svaret från %(name)s är registrerat.") % {"name": self.recipient.name},
                )
                return redirect("documents:round", pk=self.recipient.round_id)
        return self._render(request, form)


class AnswerFileView(ReaderOnly, View):
    def get(self, request, pk):
        item = get_object_or_404(RemissAnswerFile, pk=pk)
        return _file_response(item.file, item.name)


@method_decorator(login_not_required, name="dispatch")
class PublicAnswerView(View):
    """The recipient's personal link: read the remiss version, answer (no account)."""

    def dispatch(self, request, token):
        pk = _signed(emails.answer_id, token)
        self.recipient = get_object_or_404(
            RemissRecipient.objects.select_related("round__version__document"), pk=pk
        )
        if self.recipient.round.sent_at is None:
            raise Http404
        return super().dispatch(request, token)

    def _render(self, request, form, status=200):
        version = self.recipient.round.version
        return render(
            request,
            "documents/public_answer.html",
            {
                "form": form,
                "recipient": self.recipient,
                "remiss": self.recipient.round,
                "version": version,
                "files": list(version.files.all()),
                "token": self.kwargs["token"],
            },
            status=status,
        )

    def get(self, request, token):
        wanted = request.GET.get("fil", "")
        if wanted:
            if not wanted.isdigit():
                raise Http404
            item = get_object_or_404(
                VersionFile, pk=int(wanted), version=self.recipient.round.version
            )
            return _file_response(item.file, item.name)
        return self._render(request, AnswerForm())

    def post(self, request, token):
        form = AnswerForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.answer_record(
                    actor=None,
                    recipient=self.recipient,
                    answer=data["answer"],
                    text=data["text"],
                    upload=data["file"],
                    by_link=True,
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Tack! Ert svar är mottaget."))
                return redirect("documents:answer", token=token)
        return self._render(request, form)
