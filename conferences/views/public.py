"""The public pages: registering, and changing or cancelling through the signed personal link.

They expose the conference's public information and the registrant's own registration,
nothing else.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core import signing
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from conferences import emails, selectors, services
from conferences.forms import RegistrationForm, UnitChoice
from conferences.models import Conference, Recipient, Registration
from conferences.services.registrations import ACTIVE, registration_closed_reason
from conferences.views.base import (
    EMAIL_RATE,
    REGISTER_BURST_RATE,
    add_form_errors,
    client_address,
    error_messages,
    rate_limited,
)
from core import fragments


def _public_conference(slug: str) -> Conference:
    return get_object_or_404(Conference.objects.prefetch_related("programme"), slug=slug)


def _units() -> list[UnitChoice]:
    """Every förvaltning and verksamhet for the form's list: plain rows, not model instances,
    kept per data version (core.fragments): thousands of them on every visit to the public
    page, and a new or renamed unit is an audited change."""
    from implementation.models import Level, Unit

    def rows() -> list[tuple]:
        return list(
            Unit.objects.filter(level__in=(Level.FORVALTNING, Level.VERKSAMHET))
            .order_by("party__kind", "party__name", "name")
            .values_list("pk", "name", "party_id", "party__name")
        )

    return [UnitChoice(*row) for row in fragments.cached("registration-units", (), rows)]


def _recipient_from(request, conference) -> Recipient | None:
    token = request.GET.get("inbjudan") or request.POST.get("inbjudan")
    if not token:
        return None
    try:
        pk = emails.recipient_id_from_token(token)
    except (signing.BadSignature, ValueError):
        return None  # a broken invitation link still lets the person register
    return (
        Recipient.objects.select_related("invitation", "party", "unit")
        .filter(pk=pk, invitation__conference=conference)
        .first()
    )


@method_decorator(login_not_required, name="dispatch")
class RegistrationCreateView(View):
    template = "conferences/public/register.html"

    def dispatch(self, request, *args, **kwargs):
        self.conference = _public_conference(kwargs["slug"])
        self.recipient = _recipient_from(request, self.conference)
        return super().dispatch(request, *args, **kwargs)

    def context(self, form):
        return {
            "conference": self.conference,
            "programme": list(self.conference.programme.all()),
            "form": form,
            "closed_reason": registration_closed_reason(self.conference),
            "invitation_token": self.request.GET.get("inbjudan")
            or self.request.POST.get("inbjudan", ""),
            "full": self._full(),
        }

    def _full(self) -> bool:
        c = self.conference
        if c.capacity is None:
            return False
        return c.registrations.filter(status__in=(ACTIVE[0], ACTIVE[1])).count() >= c.capacity

    def get(self, request, slug):
        initial = {}
        personal = (Recipient.Source.IMPORT, Recipient.Source.LEDARE, Recipient.Source.FORVALTNING)
        if self.recipient and self.recipient.source in personal:
            initial = {
                "name": self.recipient.name,
                "email": self.recipient.email,
                "party": self.recipient.party_id,
                "organisation_other": ""
                if self.recipient.party_id
                else self.recipient.organisation,
                "unit": self.recipient.unit_id,
            }
        form = RegistrationForm(initial=initial, units=_units(), units_url=self._units_url())
        return render(request, self.template, self.context(form))

    def _units_url(self) -> str:
        return reverse("conferences:units", args=[self.conference.slug])

    def post(self, request, slug):
        limited = rate_limited(
            request,
            group="register-burst",
            value=client_address(request),
            rate=REGISTER_BURST_RATE,
        )
        if limited:
            return limited
        form = RegistrationForm(request.POST, units=_units(), units_url=self._units_url())
        if registration_closed_reason(self.conference):
            return render(request, self.template, self.context(form), status=400)
        if form.is_valid():
            data = form.cleaned_data
            limited = rate_limited(
                request, group="register-email", value=data["email"], rate=EMAIL_RATE
            )
            if limited:
                return limited
            try:
                # Double opt-in: nothing is held until the address is confirmed from the
                # e-mail, and the personal link goes only there (never to this page).
                services.registration_create(
                    conference=self.conference,
                    recipient=self.recipient,
                    confirmed=False,
                    **data,
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                return redirect("conferences:check_email", slug=self.conference.slug)
        return render(request, self.template, self.context(form), status=400)


@method_decorator(login_not_required, name="dispatch")
class UnitOptionsView(View):
    """The unit field for the chosen organisation (htmx swaps it in when it changes)."""

    def get(self, request, slug):
        get_object_or_404(Conference, slug=slug)
        form = RegistrationForm(initial={"party": request.GET.get("party")}, units=_units())
        return render(request, "conferences/public/_unit_field.html", {"form": form})


@method_decorator(login_not_required, name="dispatch")
class CheckEmailView(View):
    """After the form: only "check your e-mail" — never the personal link."""

    def get(self, request, slug):
        conference = get_object_or_404(Conference, slug=slug)
        return render(request, "conferences/public/check_email.html", {"conference": conference})


class _ManageMixin:
    """Resolves the signed link to the registration, or shows a clear Swedish message."""

    def dispatch(self, request, *args, **kwargs):
        try:
            token = emails.registration_token_from_link(kwargs["token"])
        except signing.SignatureExpired:
            return self.refuse(
                _(
                    "Länken har slutat gälla. Kontakta arrangören om du behöver ändra eller "
                    "avboka din anmälan."
                )
            )
        except signing.BadSignature:
            return self.refuse(
                _(
                    "Länken är ogiltig. Kontrollera att du har kopierat hela länken från "
                    "bekräftelsemejlet."
                )
            )
        self.registration = (
            Registration.objects.select_related("conference", "party", "unit")
            .filter(token=token)
            .first()
        )
        if self.registration is None:
            # A cancelled, replaced or reopened registration has a new token: old links end.
            return self.refuse(
                _(
                    "Den här länken fungerar inte längre. Anmälan har avbokats eller gjorts om, "
                    "och då skickas en ny länk till e-postadressen. Använd länken i det senaste "
                    "mejlet, eller anmäl dig på nytt på konferensens sida."
                )
            )
        return super().dispatch(request, *args, **kwargs)

    def refuse(self, message: str):
        return render(
            self.request, "conferences/public/link_error.html", {"message": message}, status=400
        )

    def page(self, form=None, status=200):
        registration = self.registration
        conference = registration.conference
        if form is None:
            form = RegistrationForm(
                initial={
                    "name": registration.name,
                    "party": registration.party_id,
                    "organisation_other": registration.organisation_other,
                    "role": registration.role,
                    "title": registration.title,
                    "diet": registration.diet,
                    "diet_choices": [c for c in registration.diet_choices.split(",") if c],
                    "allergies": registration.allergies,
                    "accessibility": registration.accessibility,
                    "unit": registration.unit_id,
                },
                units=_units(),
                for_change=True,
            )
        return render(
            self.request,
            "conferences/public/manage.html",
            {
                "registration": registration,
                "conference": conference,
                "form": form,
                "token": self.kwargs["token"],
                "changeable": _changeable(registration),
                "position": _position(registration),
            },
            status=status,
        )


def _changeable(registration) -> bool:
    conference = registration.conference
    if registration.status not in ACTIVE or conference.status in (
        Conference.Status.INSTALLD,
        Conference.Status.GENOMFORD,
    ):
        return False
    return not (conference.date and conference.date < timezone.localdate())


def _position(registration) -> int | None:
    """The place in the waiting list, 1 for the next in line."""
    if registration.status != Registration.Status.VANTELISTA:
        return None
    ahead = Q(joined_at__lt=registration.joined_at) | Q(
        joined_at=registration.joined_at, id__lte=registration.id
    )
    return (
        selectors.waiting_list(registration.conference)
        .filter(ahead, status=Registration.Status.VANTELISTA)
        .count()
    )


@method_decorator(login_not_required, name="dispatch")
class RegistrationManageView(_ManageMixin, View):
    def get(self, request, token):
        return self.page()

    def post(self, request, token):
        form = RegistrationForm(request.POST, units=_units(), for_change=True)
        if form.is_valid():
            try:
                services.registration_update(registration=self.registration, **form.cleaned_data)
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                messages.success(request, _("Dina ändringar är sparade."))
                return redirect("conferences:manage", token=token)
        return self.page(form, status=400)


@method_decorator(login_not_required, name="dispatch")
class RegistrationConfirmView(_ManageMixin, View):
    """The owner of the address confirms the registration (POST from the page the e-mail's
    link opens: a mail scanner following the link confirms nothing)."""

    def post(self, request, token):
        limited = rate_limited(
            request, group="confirm-email", value=self.registration.email, rate=EMAIL_RATE
        )
        if limited:
            return limited
        try:
            registration = services.registration_confirm(registration=self.registration)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            if registration.status == Registration.Status.BEKRAFTAD:
                messages.success(request, _("Tack! Din anmälan är bekräftad. Välkommen!"))
            else:
                messages.info(
                    request,
                    _(
                        "Konferensen är fullbokad. Du står på väntelistan och får ett mejl om "
                        "en plats blir ledig."
                    ),
                )
        return redirect("conferences:manage", token=token)


@method_decorator(login_not_required, name="dispatch")
class RegistrationCancelView(_ManageMixin, View):
    """Asks first (GET: the confirmation page), cancels on POST."""

    def get(self, request, token):
        registration = self.registration
        if not _changeable(registration):
            return redirect("conferences:manage", token=token)
        lines = [
            _("Vill du avboka din anmälan till %(title)s?")
            % {"title": registration.conference.title},
        ]
        if registration.holds_seat:
            lines.append(
                _(
                    "Din plats går då till nästa person på väntelistan. Det går inte att ångra, "
                    "men du kan anmäla dig igen om det finns platser kvar."
                )
            )
        return render(
            request,
            "conferences/confirm.html",
            {
                "heading": _("Avboka din anmälan"),
                "lines": lines,
                "action": request.path,
                "button": _("Ja, avboka min anmälan"),
                "back_url": reverse("conferences:manage", args=[token]),
            },
        )

    def post(self, request, token):
        limited = rate_limited(
            request, group="cancel-email", value=self.registration.email, rate=EMAIL_RATE
        )
        if limited:
            return limited
        try:
            services.registration_cancel(registration=self.registration)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
            return redirect("conferences:manage", token=token)
        # The registration has a new token now: this link ends here.
        return render(
            request,
            "conferences/public/message.html",
            {
                "heading": _("Din anmälan är avbokad"),
                "lines": [
                    _("Du får en bekräftelse på avbokningen med e-post."),
                ],
                "again_url": reverse(
                    "conferences:register", args=[self.registration.conference.slug]
                ),
            },
        )


@method_decorator(login_not_required, name="dispatch")
class DeclineView(View):
    """The invitee's one-click decline from the invitation: a page that asks, a POST that
    declines. The link is the signed recipient id of the invitation."""

    def dispatch(self, request, *args, **kwargs):
        try:
            pk = emails.recipient_id_from_token(kwargs["token"])
        except (signing.BadSignature, ValueError):
            pk = None
        self.recipient = (
            Recipient.objects.select_related("invitation__conference")
            .filter(pk=pk)
            .exclude(email="")
            .first()
            if pk
            else None
        )
        if self.recipient is None:
            return render(
                request,
                "conferences/public/link_error.html",
                {
                    "message": _(
                        "Länken fungerar inte. Kontrollera att du har kopierat hela länken från "
                        "inbjudan."
                    )
                },
                status=400,
            )
        return super().dispatch(request, *args, **kwargs)

    def get(self, request, token):
        conference = self.recipient.invitation.conference
        if self.recipient.declined_at:
            return self._done(status=200)
        return render(
            request,
            "conferences/confirm.html",
            {
                "heading": _("Tacka nej till %(title)s") % {"title": conference.title},
                "lines": [
                    _(
                        "Vill du tacka nej till inbjudan? Arrangören får veta att du inte "
                        "kommer, och du får inga påminnelser om den här inbjudan."
                    )
                ],
                "action": request.path,
                "button": _("Ja, jag tackar nej"),
                "button_class": "btn-primary",
                "back_label": _("Jag vill hellre anmäla mig"),
                "back_url": reverse("conferences:register", args=[conference.slug]),
            },
        )

    def post(self, request, token):
        limited = rate_limited(
            request, group="decline-email", value=self.recipient.email, rate=EMAIL_RATE
        )
        if limited:
            return limited
        try:
            services.recipient_decline(recipient=self.recipient)
        except ValidationError as error:
            return render(
                request,
                "conferences/public/message.html",
                {"heading": _("Du är redan anmäld"), "lines": error_messages(error)},
                status=400,
            )
        return self._done()

    def _done(self, status=200):
        conference = self.recipient.invitation.conference
        return render(
            self.request,
            "conferences/public/message.html",
            {
                "heading": _("Tack för ditt svar"),
                "lines": [
                    _(
                        "Du har tackat nej till %(title)s. Ändrar du dig kan du anmäla dig så "
                        "länge anmälan är öppen."
                    )
                    % {"title": conference.title}
                ],
                "again_url": reverse("conferences:register", args=[conference.slug]),
            },
            status=status,
        )


@method_decorator(login_not_required, name="dispatch")
class RegistrationAcceptView(_ManageMixin, View):
    def post(self, request, token):
        try:
            services.registration_accept_offer(registration=self.registration)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Platsen är din. Välkommen!"))
        return redirect("conferences:manage", token=token)


@method_decorator(login_not_required, name="dispatch")
class ConferenceIcsView(View):
    def get(self, request, slug):
        conference = get_object_or_404(Conference, slug=slug)
        if not conference.date:
            raise Http404
        content = emails.conference_ics(
            conference, cancelled=conference.status == Conference.Status.INSTALLD
        )
        response = HttpResponse(content, content_type="text/calendar; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{conference.slug}.ics"'
        return response
