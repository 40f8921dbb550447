"""The registrar's irreversible actions, each behind a confirmation page: cancelling a
conference (with a message, and an undo within the grace period), deleting one created by
mistake, cancelling a participant, removing a recipient, reminding those who have not
answered; and the organiser-only needs list, the caterer's export and opening check-in early."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views import View

from conferences import permissions, selectors, services
from conferences.forms import CancelConferenceForm
from conferences.services.conferences import CANCEL_GRACE
from conferences.services.registrations import ACTIVE
from conferences.views.base import ConferenceMixin, back, flash_errors
from conferences.views.invitations import InvitationMixin
from core.exports import Sheet, xlsx_response
from core.permissions import check


def _confirm(request, **context):
    return render(request, "conferences/confirm.html", context)


class ConferenceCancelView(ConferenceMixin, View):
    def _page(self, form, status=200):
        people = self.conference.registrations.filter(status__in=ACTIVE).count()
        lines = [
            ngettext(
                "%(n)s person som är anmäld eller står på väntelistan får ett mejl om att "
                "konferensen är inställd.",
                "%(n)s personer som är anmälda eller står på väntelistan får ett mejl om att "
                "konferensen är inställd.",
                people,
            )
            % {"n": people},
            _(
                "Anmälan stängs direkt. Mejlen skickas först efter %(minutes)s minuter: fram "
                "till dess kan du ångra."
            )
            % {"minutes": int(CANCEL_GRACE.total_seconds() // 60)},
        ]
        blockers = []
        if self.conference.status in (
            self.conference.Status.INSTALLD,
            self.conference.Status.GENOMFORD,
        ):
            blockers = [_("Konferensen är redan inställd eller genomförd.")]
        return render(
            self.request,
            "conferences/confirm.html",
            {
                "heading": _("Ställ in %(title)s") % {"title": self.conference.title},
                "lines": lines,
                "blockers": blockers,
                "form": form,
                "action": self.request.path,
                "button": _("Ställ in konferensen"),
                "back_url": reverse("conferences:detail", args=[self.conference.slug]),
            },
            status=status,
        )

    def get(self, request, slug):
        return self._page(CancelConferenceForm())

    def post(self, request, slug):
        form = CancelConferenceForm(request.POST)
        if not form.is_valid():
            return self._page(form, status=400)
        try:
            services.conference_cancel(
                conference=self.conference,
                actor=request.user,
                message=form.cleaned_data["message"],
            )
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(
                request,
                _(
                    "Konferensen är inställd. Beskeden till de anmälda skickas om %(minutes)s "
                    "minuter; fram till dess kan du ångra."
                )
                % {"minutes": int(CANCEL_GRACE.total_seconds() // 60)},
            )
        return back(self.conference)


class ConferenceCancelUndoView(ConferenceMixin, View):
    def post(self, request, slug):
        try:
            services.conference_cancel_undo(conference=self.conference, actor=request.user)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Inställningen är ångrad. Inga mejl har skickats."))
        return back(self.conference)


class ConferenceDeleteView(ConferenceMixin, View):
    def get(self, request, slug):
        return _confirm(
            request,
            heading=_("Ta bort %(title)s") % {"title": self.conference.title},
            lines=[
                _(
                    "Konferensen tas bort helt, med program, förmöten, dokument och utkast till "
                    "inbjudningar. Det går inte att ångra."
                )
            ],
            blockers=services.conference_delete_blockers(self.conference),
            action=request.path,
            button=_("Ta bort konferensen"),
            back_url=reverse("conferences:detail", args=[self.conference.slug]),
        )

    def post(self, request, slug):
        try:
            services.conference_delete(conference=self.conference, actor=request.user)
        except ValidationError as error:
            flash_errors(request, error)
            return back(self.conference)
        messages.success(request, _("Konferensen är borttagen."))
        return redirect("conferences:index")


class ParticipantCancelConfirm:
    """GET on the participant's cancel address: the confirmation page."""

    def get(self, request, slug, pk):
        registration = get_object_or_404(self.conference.registrations, pk=pk)
        lines = [
            _("Avboka %(name)s (%(org)s)?")
            % {"name": registration.name, "org": registration.organisation}
        ]
        if registration.holds_seat:
            lines.append(_("Platsen erbjuds nästa person på väntelistan. Det går inte att ångra."))
        lines.append(_("%(name)s får ett mejl om avbokningen.") % {"name": registration.name})
        return _confirm(
            request,
            heading=_("Avboka en deltagare"),
            lines=lines,
            blockers=[] if registration.status in ACTIVE else [_("Anmälan är redan avbokad.")],
            action=request.path,
            button=_("Avboka"),
            back_url=reverse("conferences:participants", args=[self.conference.slug]),
        )


class RecipientRemoveConfirm:
    def get(self, request, pk, recipient_pk):
        recipient = get_object_or_404(self.invitation.recipients, pk=recipient_pk)
        return _confirm(
            request,
            heading=_("Ta bort en mottagare"),
            lines=[
                _("Ta bort %(who)s från inbjudan? Personen får då ingen inbjudan.")
                % {"who": recipient.email or recipient.organisation}
            ],
            action=request.path,
            button=_("Ta bort mottagaren"),
            back_url=reverse("conferences:invitation", args=[self.invitation.pk]) + "#mottagare",
        )


class InvitationRemindView(InvitationMixin, View):
    def get(self, request, pk):
        count = selectors.not_answered(self.invitation).count()
        return _confirm(
            request,
            heading=_("Påminn dem som inte svarat"),
            lines=[
                ngettext(
                    "%(n)s mottagare har fått inbjudan men varken anmält sig eller tackat nej. "
                    "De får en påminnelse, var och en en gång.",
                    "%(n)s mottagare har fått inbjudan men varken anmält sig eller tackat nej. "
                    "De får en påminnelse, var och en en gång.",
                    count,
                )
                % {"n": count}
            ],
            blockers=[] if count else [_("Alla som fått inbjudan har svarat.")],
            action=request.path,
            button=_("Skicka påminnelsen"),
            button_class="btn-primary",
            back_url=reverse("conferences:invitation", args=[self.invitation.pk]),
        )

    def post(self, request, pk):
        try:
            n = services.invitation_remind(invitation=self.invitation, actor=request.user)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(
                request,
                ngettext(
                    "En påminnelse skickas till %(n)s mottagare.",
                    "En påminnelse skickas till %(n)s mottagare.",
                    n,
                )
                % {"n": n},
            )
        return redirect(reverse("conferences:invitation", args=[self.invitation.pk]) + "#svar")


class NeedsView(ConferenceMixin, View):
    """Who needs what (accessibility): organisers only, in no export."""

    predicate = staticmethod(permissions.can_see_needs)

    def get(self, request, slug):
        return render(
            request,
            "conferences/needs.html",
            {
                "conference": self.conference,
                "rows": selectors.accessibility_needs(self.conference),
                "deleted": self.conference.sensitive_data_deleted_at is not None,
            },
        )


class CateringExportView(ConferenceMixin, View):
    """The caterer's summary as XLSX: aggregates only, never who asked for what."""

    def get(self, request, slug):
        catering = selectors.catering_summary(self.conference)
        rows = [
            [_("Bekräftade deltagare"), catering.expected],
            [_("Väntelista (ingår inte)"), catering.waiting],
            *[[name, n] for name, n in catering.diets],
            *[[_("Annan specialkost: %(text)s") % {"text": t}, n] for t, n in catering.other_diets],
            *[[_("Allergi: %(text)s") % {"text": t}, n] for t, n in catering.allergies],
        ]
        stamp = timezone.localdate().isoformat()
        return xlsx_response(
            f"fortaring-{self.conference.slug}-{stamp}.xlsx",
            [Sheet(str(_("Förtäring")), [str(_("Vad")), str(_("Antal"))], rows)],
        )


class CheckInOpenView(ConferenceMixin, View):
    """POST only (a GET is 405 for the managers); opening early is the förvaltare's (403)."""

    def post(self, request, slug):
        check(request.user, self.conference, predicate=permissions.can_open_checkin_early)
        try:
            services.checkin_open_early(conference=self.conference, actor=request.user)
        except ValidationError as error:
            flash_errors(request, error)
        else:
            messages.success(request, _("Incheckningen är öppnad i förväg."))
        return redirect("conferences:checkin", slug=slug)
