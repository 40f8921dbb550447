"""Dispatches (utskick): create, read, send, remind, the PDF and attachments, and the
recipient's receipt through the personal link."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from agreements.models import JointBody
from documents import emails, permissions, selectors, services
from documents.forms import (
    DispatchForm,
    ReceiptForm,
)
from documents.models import (
    Dispatch,
    DispatchAttachment,
    DispatchRecipient,
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


# --- dispatches -----------------------------------------------------------------------------
class DispatchListView(ReaderOnly, View):
    def get(self, request):
        page = Paginator(selectors.dispatch_list(), 50).get_page(request.GET.get("sida"))
        return render(
            request,
            "documents/dispatch_list.html",
            {"page_obj": page, "can_manage": permissions.can_manage(request.user)},
        )


class DispatchCreateView(ManagerOnly, View):
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


class DispatchDetailView(ReaderOnly, View):
    def get(self, request, pk):
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
            },
        )


class DispatchSendView(ManagerOnly, Loaded, View):
    """GET: preview and the audience (the confirmation step); POST: send exactly once."""

    def load(self, pk):
        self.object = selectors.dispatch_detail(pk)

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


class DispatchPdfView(ReaderOnly, View):
    def get(self, request, pk):
        dispatch = selectors.dispatch_detail(pk)
        response = HttpResponse(emails.dispatch_pdf(dispatch), content_type="application/pdf")
        response["Content-Disposition"] = f'inline; filename="utskick-{dispatch.pk}.pdf"'
        return response


class AttachmentView(ReaderOnly, View):
    def get(self, request, pk):
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
