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
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View

from conferences import emails, selectors, services
from conferences.forms import RegistrationForm, UnitChoice
from conferences.models import Conference, Recipient, Registration
from conferences.services.registrations import ACTIVE, registration_closed_reason
from conferences.views.base import add_form_errors, error_messages
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
        form = RegistrationForm(initial=initial, units=_units())
        return render(request, self.template, self.context(form))

    def post(self, request, slug):
        form = RegistrationForm(request.POST, units=_units())
        if registration_closed_reason(self.conference):
            return render(request, self.template, self.context(form), status=400)
        if form.is_valid():
            data = form.cleaned_data
            try:
                registration = services.registration_create(
                    conference=self.conference,
                    recipient=self.recipient,
                    **data,
                )
            except ValidationError as error:
                add_form_errors(form, error)
            else:
                if registration.status == Registration.Status.BEKRAFTAD:
                    messages.success(
                        request,
                        _("Tack! Du är anmäld. En bekräftelse har skickats till %(email)s.")
                        % {"email": registration.email},
                    )
                else:
                    messages.info(
                        request,
                        _(
                            "Konferensen är fullbokad. Du står på väntelistan och får ett "
                            "mejl om en plats blir ledig."
                        ),
                    )
                return redirect("conferences:manage", token=emails.manage_token(registration))
        return render(request, self.template, self.context(form), status=400)


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
            return self.refuse(_("Anmälan finns inte längre."))
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
class RegistrationCancelView(_ManageMixin, View):
    def post(self, request, token):
        try:
            services.registration_cancel(registration=self.registration)
        except ValidationError as error:
            for message in error_messages(error):
                messages.error(request, message)
        else:
            messages.success(request, _("Din anmälan är avbokad."))
        return redirect("conferences:manage", token=token)


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
