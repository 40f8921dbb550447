"""Writing an invitation, choosing recipients, previewing, sending and following the log."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from conferences import permissions, selectors, services
from conferences.emails import registration_url
from conferences.forms import (
    InvitationForm,
    RecipientGroupsForm,
    RecipientImportForm,
    RecipientPasteForm,
)
from conferences.models import Invitation, Recipient
from conferences.views.base import ConferenceMixin, flash_errors
from core.permissions import PermissionRequiredForMixin


class InvitationCreateView(ConferenceMixin, View):
    template = "conferences/invitation_create.html"

    def get(self, request, slug):
        subject, body = services.invitation_default_text(self.conference)
        form = InvitationForm(initial={"subject": subject, "body": body})
        return render(request, self.template, {"form": form, "conference": self.conference})

    def post(self, request, slug):
        form = InvitationForm(request.POST)
        if form.is_valid():
            try:
                invitation = services.invitation_create(
                    conference=self.conference, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                flash_errors(request, error)
            else:
                messages.success(request, _("Inbjudan är sparad. Välj nu mottagare."))
                return redirect("conferences:invitation", pk=invitation.pk)
        return render(request, self.template, {"form": form, "conference": self.conference})


class _InvitationById:
    def get_object(self, queryset=None):
        return get_object_or_404(
            Invitation.objects.select_related("conference", "created_by"), pk=self.kwargs["pk"]
        )


class InvitationMixin(PermissionRequiredForMixin, _InvitationById):
    """Loads ``self.invitation`` by its id: 404 if unknown, 403 for who may not manage it."""

    predicate = staticmethod(permissions.can_manage_invitation)

    @property
    def invitation(self) -> Invitation:
        return self.object

    def back(self, anchor=""):
        url = reverse("conferences:invitation", args=[self.invitation.pk])
        return redirect(url + (f"#{anchor}" if anchor else ""))


def _detail_context(invitation, request, **extra):
    status = request.GET.get("status", "")
    if status not in Recipient.Status.values:
        status = ""
    answer = request.GET.get("svar", "")
    if answer not in selectors.ANSWERS:
        answer = ""
    page = Paginator(
        selectors.recipient_log(invitation, status=status, answer=answer), 100
    ).get_page(request.GET.get("page"))
    query = "&".join(
        part
        for part in (f"status={status}" if status else "", f"svar={answer}" if answer else "")
        if part
    )
    progress = selectors.invitation_progress(invitation)
    return {
        "invitation": invitation,
        "conference": invitation.conference,
        "progress": progress,
        "page_obj": page,
        "recipients": page.object_list,
        "status_filter": status,
        "status_choices": Recipient.Status.choices,
        "query_string": query,
        "answer_filter": answer,
        "answer_choices": list(selectors.ANSWERS.items()),
        "answers": selectors.answer_counts(invitation),
        "paste_form": RecipientPasteForm(prefix="klistra"),
        "text_form": InvitationForm(
            initial={"subject": invitation.subject, "body": invitation.body}, prefix="text"
        ),
        "groups_form": RecipientGroupsForm(prefix="grupper"),
        "import_form": RecipientImportForm(prefix="import"),
        "text_locked": progress.total - progress.waiting - progress.without_address > 0,
        **extra,
    }


class InvitationDetailView(InvitationMixin, View):
    def get(self, request, pk):
        return render(
            request, "conferences/invitation_detail.html", _detail_context(self.invitation, request)
        )


class InvitationTextView(InvitationMixin, View):
    def post(self, request, pk):
        form = InvitationForm(request.POST, prefix="text")
        if form.is_valid():
            try:
                services.invitation_update(
                    invitation=self.invitation, actor=request.user, **form.cleaned_data
                )
            except ValidationError as error:
                flash_errors(request, error)
            else:
                messages.success(request, _("Texten är sparad."))
                return self.back("text")
        context = _detail_context(self.invitation, request, text_form=form)
        return render(request, "conferences/invitation_detail.html", context, status=400)


class InvitationGroupsView(InvitationMixin, View):
    def post(self, request, pk):
        form = RecipientGroupsForm(request.POST, prefix="grupper")
        if not form.is_valid():
            context = _detail_context(self.invitation, request, groups_form=form)
            return render(request, "conferences/invitation_detail.html", context, status=400)
        try:
            result = services.recipients_add_groups(
                invitation=self.invitation,
                groups=set(form.cleaned_data["groups"]),
                levels=form.cleaned_data["levels"],
                actor=request.user,
            )
        except ValidationError as error:
            flash_errors(request, error)
            return self.back("mottagare")
        _report_added(request, result)
        return self.back("mottagare")


def _report_added(request, result) -> None:
    messages.success(
        request,
        ngettext("%(n)s mottagare har lagts till.", "%(n)s mottagare har lagts till.", result.added)
        % {"n": result.added},
    )
    if result.duplicates:
        messages.info(
            request,
            _("%(n)s adresser fanns redan bland mottagarna och lades inte till igen.")
            % {"n": result.duplicates},
        )
    if result.without_address:
        messages.warning(
            request,
            _("Saknar e-postadress och kan inte få inbjudan: %(names)s.")
            % {"names": ", ".join(result.without_address)},
        )


class InvitationImportView(InvitationMixin, View):
    def post(self, request, pk):
        form = RecipientImportForm(request.POST, request.FILES, prefix="import")
        import_errors = []
        if form.is_valid():
            try:
                result = services.recipients_import(
                    invitation=self.invitation, upload=form.cleaned_data["file"], actor=request.user
                )
            except services.ImportRejected as rejected:
                import_errors = rejected.lines()
            except ValidationError as error:
                flash_errors(request, error)
                return self.back("mottagare")
            else:
                _report_added(request, result)
                return self.back("mottagare")
        context = _detail_context(
            self.invitation, request, import_form=form, import_errors=import_errors
        )
        return render(request, "conferences/invitation_detail.html", context, status=400)


class InvitationPasteView(InvitationMixin, View):
    def post(self, request, pk):
        form = RecipientPasteForm(request.POST, prefix="klistra")
        paste_errors = []
        if form.is_valid():
            try:
                result = services.recipients_paste(
                    invitation=self.invitation, text=form.cleaned_data["text"], actor=request.user
                )
            except services.PasteRejected as rejected:
                paste_errors = rejected.lines
            except ValidationError as error:
                flash_errors(request, error)
                return self.back("mottagare")
            else:
                _report_added(request, result)
                return self.back("mottagare")
        context = _detail_context(
            self.invitation, request, paste_form=form, paste_errors=paste_errors
        )
        return render(request, "conferences/invitation_detail.html", context, status=400)


class RecipientRemoveView(InvitationMixin, View):
    def get(self, request, pk, recipient_pk):
        from conferences.views.safety import RecipientRemoveConfirm

        return RecipientRemoveConfirm.get(self, request, pk, recipient_pk)

    def post(self, request, pk, recipient_pk):
        recipient = get_object_or_404(self.invitation.recipients, pk=recipient_pk)
        try:
            services.recipient_remove(recipient=recipient, actor=request.user)
            messages.success(request, _("Mottagaren är borttagen."))
        except ValidationError as error:
            flash_errors(request, error)
        return self.back("mottagare")


class InvitationPreviewView(InvitationMixin, View):
    def get(self, request, pk):
        invitation = self.invitation
        sample = invitation.recipients.exclude(email="").first() or Recipient(
            invitation=invitation, email="namn@exempel.se", name=_("Förnamn Efternamn")
        )
        context = {
            "invitation": invitation,
            "conference": invitation.conference,
            "recipient": sample,
            "link": registration_url(invitation.conference),
        }
        return render(
            request,
            "conferences/invitation_preview.html",
            {
                **context,
                "progress": selectors.invitation_progress(invitation),
                "text_version": render_to_string("conferences/email/invitation.txt", context),
            },
        )


class InvitationSendView(InvitationMixin, View):
    def post(self, request, pk):
        try:
            queued = services.invitation_send(invitation=self.invitation, actor=request.user)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(
                request,
                _("Utskicket har startat till %(n)s nya mottagare.") % {"n": queued}
                if queued
                else _("Utskicket har startat igen."),
            )
        return self.back("utskick")


class InvitationRetryView(InvitationMixin, View):
    def post(self, request, pk):
        try:
            queued = services.invitation_retry_failed(
                invitation=self.invitation, actor=request.user
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("%(n)s misslyckade utskick försöks igen.") % {"n": queued})
        return self.back("utskick")


class InvitationProgressView(InvitationMixin, View):
    """The small status fragment the page polls with htmx while sending."""

    def get(self, request, pk):
        return render(
            request,
            "conferences/_invitation_progress.html",
            {
                "invitation": self.invitation,
                "progress": selectors.invitation_progress(self.invitation),
            },
        )
