"""Thin views: permission (documents.permissions), form, service, message, redirect."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from agreements.models import JointBody, Party
from core.audit import history_for
from core.exports import Sheet, xlsx_response
from documents import emails, permissions, selectors, services
from documents.forms import (
    AnswerForm,
    BackingForm,
    DispatchForm,
    DocumentForm,
    FileForm,
    ReceiptForm,
    RecordAnswerForm,
    RoundForm,
    VersionForm,
    VersionUpdateForm,
)
from documents.models import (
    Dispatch,
    DispatchAttachment,
    DispatchRecipient,
    Document,
    RemissAnswerFile,
    RemissRecipient,
    VersionFile,
)


def _require(rule, user) -> None:
    if not rule(user):
        raise PermissionDenied


def _errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _file_response(field, name: str | None = None):
    filename = name or field.name.rsplit("/", 1)[-1].split("-", 1)[-1]
    try:
        handle = field.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    return FileResponse(handle, as_attachment=True, filename=filename)


# --- documents ------------------------------------------------------------------------------
class DocumentListView(View):
    def get(self, request):
        _require(permissions.can_view_documents, request.user)
        kind = request.GET.get("slag", "")
        if kind not in Document.Kind.values:
            kind = ""
        page = Paginator(selectors.document_list(kind), 50).get_page(request.GET.get("sida"))
        return render(
            request,
            "documents/index.html",
            {
                "page_obj": page,
                "kinds": Document.Kind.choices,
                "kind": kind,
                "can_manage": permissions.can_manage(request.user),
                "can_view_rounds": permissions.can_view_rounds(request.user),
            },
        )


class DocumentCreateView(View):
    def dispatch(self, request, *args, **kwargs):
        _require(permissions.can_manage, request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "documents/form.html", {"form": DocumentForm(), "new": True})

    def post(self, request):
        form = DocumentForm(request.POST)
        if form.is_valid():
            try:
                document = services.document_create(actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Dokumentet är sparat. Lägg till en version."))
                return redirect("documents:version_create", pk=document.pk)
        return render(request, "documents/form.html", {"form": form, "new": True})


class DocumentDetailView(View):
    def get(self, request, pk):
        _require(permissions.can_view_documents, request.user)
        document = selectors.document_detail(pk)
        versions = list(document.versions.all())
        counts = selectors.backing_counts([v.pk for v in versions])
        for version in versions:
            version.backed = counts.get(version.pk, 0)
        total = Party.objects.agreement_parties().count() if versions else 0
        return render(
            request,
            "documents/detail.html",
            {
                "document": document,
                "versions": versions,
                "total": total,
                "can_manage": permissions.can_manage(request.user),
                "can_view_rounds": permissions.can_view_rounds(request.user),
            },
        )


class DocumentUpdateView(View):
    def dispatch(self, request, pk):
        _require(permissions.can_manage, request.user)
        self.document = get_object_or_404(Document, pk=pk)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        d = self.document
        form = DocumentForm(
            initial={
                "title": d.title,
                "kind": d.kind,
                "description": d.description,
                "backing_required": d.backing_required,
                "agreements": list(d.agreements.all()),
                "responsibilities": list(d.responsibilities.all()),
            }
        )
        return render(request, "documents/form.html", {"form": form, "document": d})

    def post(self, request, pk):
        form = DocumentForm(request.POST)
        if form.is_valid():
            try:
                services.document_update(
                    actor=request.user, document=self.document, **form.cleaned_data
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Dokumentet är ändrat."))
                return redirect("documents:detail", pk=pk)
        return render(request, "documents/form.html", {"form": form, "document": self.document})


class VersionCreateView(View):
    def dispatch(self, request, pk):
        _require(permissions.can_manage, request.user)
        self.document = get_object_or_404(Document, pk=pk)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        return render(
            request,
            "documents/version_form.html",
            {"form": VersionForm(), "document": self.document},
        )

    def post(self, request, pk):
        form = VersionForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.version_create(
                    actor=request.user, document=self.document, **form.cleaned_data
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Versionen är sparad."))
                return redirect("documents:detail", pk=pk)
        return render(
            request, "documents/version_form.html", {"form": form, "document": self.document}
        )


class VersionUpdateView(View):
    def dispatch(self, request, pk):
        _require(permissions.can_manage, request.user)
        self.version = selectors.version_for(pk)
        return super().dispatch(request, pk)

    def _render(self, request, form):
        return render(
            request,
            "documents/version_form.html",
            {"form": form, "document": self.version.document, "version": self.version},
        )

    def get(self, request, pk):
        if self.version.locked:
            messages.error(request, services.LOCKED)
            return redirect("documents:detail", pk=self.version.document_id)
        v = self.version
        return self._render(
            request,
            VersionUpdateForm(
                initial={
                    "stage": v.stage,
                    "note": v.note,
                    "checked_on": v.checked_on,
                    "backing_deadline": v.backing_deadline,
                }
            ),
        )

    def post(self, request, pk):
        form = VersionUpdateForm(request.POST)
        if form.is_valid():
            try:
                services.version_update(
                    actor=request.user, version=self.version, **form.cleaned_data
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
                return redirect("documents:detail", pk=self.version.document_id)
            messages.success(request, _("Versionen är ändrad."))
            return redirect("documents:detail", pk=self.version.document_id)
        return self._render(request, form)


class ManagerOnly:
    """POST-only actions: the role is checked first, so a GET by others is 403, not 405."""

    def dispatch(self, request, *args, **kwargs):
        _require(permissions.can_manage, request.user)
        return super().dispatch(request, *args, **kwargs)


class VersionFileAddView(ManagerOnly, View):
    def post(self, request, pk):
        version = selectors.version_for(pk)
        form = FileForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.version_file_add(
                    actor=request.user, version=version, upload=form.cleaned_data["file"]
                )
            except ValidationError as error:
                messages.error(request, " ".join(error.messages))
            else:
                messages.success(request, _("Filen är tillagd."))
        else:
            for errors in form.errors.values():
                for message in errors:
                    messages.error(request, message)
        return redirect("documents:detail", pk=version.document_id)


class VersionFileView(View):
    def get(self, request, pk):
        _require(permissions.can_view_documents, request.user)
        item = get_object_or_404(VersionFile, pk=pk)
        return _file_response(item.file, item.name)


# --- backing --------------------------------------------------------------------------------
class BackingView(View):
    def dispatch(self, request, pk):
        _require(permissions.can_view_documents, request.user)
        self.version = selectors.version_for(pk)
        return super().dispatch(request, pk)

    def _render(self, request, form, status=200):
        register = selectors.backing_register(self.version, today=timezone.localdate())
        return render(
            request,
            "documents/backing.html",
            {
                "version": self.version,
                "document": self.version.document,
                "register": register,
                "form": form,
                "can_manage": permissions.can_manage(request.user),
                "history": selectors.backing_history(self.version)[:200],
            },
            status=status,
        )

    def get(self, request, pk):
        form = BackingForm(initial={"decided_on": timezone.localdate()})
        return self._render(request, form)

    def post(self, request, pk):
        _require(permissions.can_manage, request.user)
        form = BackingForm(request.POST)
        if form.is_valid():
            try:
                backing = services.backing_record(
                    actor=request.user, version=self.version, **form.cleaned_data
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(
                    request,
                    _("Ställningstagandet för %(party)s är registrerat.")
                    % {"party": backing.party},
                )
                return redirect("documents:backing", pk=pk)
        return self._render(request, form, status=200)


# --- remiss ---------------------------------------------------------------------------------
class RoundCreateView(View):
    def dispatch(self, request, pk):
        _require(permissions.can_manage, request.user)
        self.version = selectors.version_for(pk)
        return super().dispatch(request, pk)

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


class RoundDetailView(View):
    def get(self, request, pk):
        _require(permissions.can_view_rounds, request.user)
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
                "history": history_for(remiss),
            },
        )


class RoundSendView(View):
    """GET: what will be sent and to whom (the confirmation step); POST: send."""

    def dispatch(self, request, pk):
        _require(permissions.can_manage, request.user)
        self.remiss = selectors.round_detail(pk)
        return super().dispatch(request, pk)

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


def _remind(request, send, *, sent: str, none: str) -> None:
    """Send a reminder round (``send()`` returns how many) and say what happened."""
    try:
        count = send()
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return
    if count:
        messages.success(request, sent % {"n": count})
    else:
        messages.info(request, none)


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


class RoundExportView(View):
    """The compilation: one row per recipient (core.exports: text cells, never formulas)."""

    def get(self, request, pk):
        _require(permissions.can_view_rounds, request.user)
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


class AnswerRecordView(View):
    """The registrar records an answer received by other means (letter, e-mail)."""

    def dispatch(self, request, pk):
        _require(permissions.can_manage, request.user)
        self.recipient = get_object_or_404(
            RemissRecipient.objects.select_related("round__version__document"), pk=pk
        )
        return super().dispatch(request, pk)

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


class AnswerFileView(View):
    def get(self, request, pk):
        _require(permissions.can_view_rounds, request.user)
        item = get_object_or_404(RemissAnswerFile, pk=pk)
        return _file_response(item.file, item.name)


def _signed(loader, token):
    try:
        return loader(token)
    except (signing.BadSignature, ValueError, TypeError) as error:
        raise Http404 from error


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


# --- dispatches -----------------------------------------------------------------------------
class DispatchListView(View):
    def get(self, request):
        _require(permissions.can_view_dispatches, request.user)
        page = Paginator(selectors.dispatch_list(), 50).get_page(request.GET.get("sida"))
        return render(
            request,
            "documents/dispatch_list.html",
            {"page_obj": page, "can_manage": permissions.can_manage(request.user)},
        )


class DispatchCreateView(View):
    def dispatch(self, request, *args, **kwargs):
        _require(permissions.can_manage, request.user)
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(request, "documents/dispatch_form.html", {"form": DispatchForm()})

    def post(self, request):
        form = DispatchForm(request.POST, request.FILES)
        if form.is_valid():
            data = form.cleaned_data
            body = JointBody.objects.filter(pk=data["body"]).first() if data["body"] else None
            try:
                dispatch = services.dispatch_create(
                    actor=request.user,
                    subject=data["subject"],
                    text=data["text"],
                    reference=data["reference"],
                    forward_note=data["forward_note"],
                    audiences=data["audiences"],
                    levels=data["levels"],
                    body=body,
                    conference_id=data["conference"],
                    attachments=data["attachments"],
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                return redirect("documents:dispatch_send", pk=dispatch.pk)
        return render(request, "documents/dispatch_form.html", {"form": form})


class DispatchDetailView(View):
    def get(self, request, pk):
        _require(permissions.can_view_dispatches, request.user)
        dispatch = selectors.dispatch_detail(pk)
        state = request.GET.get("visa", "")
        rows = selectors.dispatch_recipients(dispatch, state=state)
        page = Paginator(rows, 100).get_page(request.GET.get("sida"))
        return render(
            request,
            "documents/dispatch.html",
            {
                "dispatch": dispatch,
                "page_obj": page,
                "state": state,
                "counts": selectors.dispatch_counts(dispatch),
                "can_manage": permissions.can_manage(request.user),
                "history": history_for(dispatch),
            },
        )


class DispatchSendView(View):
    """GET: preview and the audience (the confirmation step); POST: send exactly once."""

    def dispatch(self, request, pk):
        _require(permissions.can_manage, request.user)
        self.object = selectors.dispatch_detail(pk)
        return super().dispatch(request, pk)

    def get(self, request, pk):
        if self.object.sent_at:
            return redirect("documents:dispatch", pk=pk)
        from documents.audiences import resolve

        resolved = resolve(self.object)
        counts: dict[str, int] = {}
        for c in resolved.recipients:
            counts[c.audience] = counts.get(c.audience, 0) + 1
        labels = dict(Dispatch.Audience.choices)
        return render(
            request,
            "documents/dispatch_send.html",
            {
                "dispatch": self.object,
                "total": len(resolved.recipients),
                "per_audience": [(labels[k], n) for k, n in counts.items()],
                "without_address": resolved.without_address,
                "sender": emails.dispatch_sender(),
            },
        )

    def post(self, request, pk):
        try:
            sent = services.dispatch_send(actor=request.user, dispatch=self.object)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("documents:dispatch_send", pk=pk)
        if sent:
            messages.success(request, _("Utskicket skickas till %(n)s mottagare.") % {"n": sent})
        else:
            messages.info(request, _("Utskicket var redan skickat. Inget skickades igen."))
        return redirect("documents:dispatch", pk=pk)


class DispatchRemindView(ManagerOnly, View):
    def post(self, request, pk):
        dispatch = selectors.dispatch_detail(pk)
        _remind(
            request,
            lambda: services.dispatch_remind(actor=request.user, dispatch=dispatch),
            sent=_("Påminnelse skickas till %(n)s förbund."),
            none=_("Ingen ny påminnelse: alla förbund har bekräftat eller är påminda i dag."),
        )
        return redirect("documents:dispatch", pk=pk)


class DispatchPdfView(View):
    def get(self, request, pk):
        _require(permissions.can_view_dispatches, request.user)
        dispatch = selectors.dispatch_detail(pk)
        response = HttpResponse(emails.dispatch_pdf(dispatch), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="utskick-{dispatch.pk}.pdf"'
        return response


class AttachmentView(View):
    def get(self, request, pk):
        _require(permissions.can_view_dispatches, request.user)
        item = get_object_or_404(DispatchAttachment, pk=pk)
        return _file_response(item.file, item.name)


@method_decorator(login_not_required, name="dispatch")
class ReceiptView(View):
    """The recipient's personal link from the dispatch mail: the attachments and the receipt
    (mottaget, vidarebefordrat till …, diariefört som dnr …), no account needed."""

    def dispatch(self, request, token):
        pk = _signed(emails.receipt_id, token)
        self.recipient = get_object_or_404(
            DispatchRecipient.objects.select_related("dispatch"), pk=pk
        )
        return super().dispatch(request, token)

    def _render(self, request, form):
        return render(
            request,
            "documents/receipt.html",
            {
                "form": form,
                "recipient": self.recipient,
                "dispatch": self.recipient.dispatch,
                "attachments": list(self.recipient.dispatch.attachments.all()),
                "token": self.kwargs["token"],
            },
        )

    def get(self, request, token):
        wanted = request.GET.get("bilaga", "")
        if wanted:
            if not wanted.isdigit():
                raise Http404
            item = get_object_or_404(
                DispatchAttachment, pk=int(wanted), dispatch=self.recipient.dispatch
            )
            return _file_response(item.file, item.name)
        if request.GET.get("pdf"):
            response = HttpResponse(
                emails.dispatch_pdf(self.recipient.dispatch), content_type="application/pdf"
            )
            response["Content-Disposition"] = "inline; filename=utskick.pdf"
            return response
        return self._render(request, ReceiptForm(initial={"received": True}))

    def post(self, request, token):
        form = ReceiptForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.receipt_confirm(
                    recipient=self.recipient,
                    received=data["received"],
                    forwarded_to=data["forwarded_to"],
                    dnr=data["dnr"],
                )
            except ValidationError as error:
                _errors(form, error)
            else:
                messages.success(request, _("Tack! Er kvittens är sparad."))
                return redirect("documents:receipt", token=token)
        return self._render(request, form)
