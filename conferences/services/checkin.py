"""Check-in on the conference day (or earlier, once a förvaltare opened it); attendance may
mark checklist items done (``conferences.evidence_link``)."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from conferences import evidence_link
from conferences.audit import RegistrationAction
from conferences.models import Conference, Registration
from conferences.workflow import REGISTRATION_FLOW
from core.audit import audit_actor, record


def checkin_closed_reason(conference: Conference, today: dt.date | None = None) -> str:
    """Why check-in is not open; empty on the conference day or when a förvaltare opened it."""
    today = today or timezone.localdate()
    if conference.status == Conference.Status.INSTALLD:
        return _("Konferensen är inställd.")
    if conference.checkin_opened_at:
        return ""
    if not conference.date:
        return _("Konferensen har inget datum ännu.")
    if conference.date != today:
        from core.templatetags.portal import datum

        return _("Incheckningen är öppen på konferensdagen, %(day)s.") % {
            "day": datum(conference.date)
        }
    return ""


def registration_set_attended(*, registration: Registration, attended: bool, actor) -> Registration:
    """Check a participant in (or out) on the day; attendance may mark checklist items done."""
    with transaction.atomic(), audit_actor(actor):
        registration = Registration.objects.select_for_update().get(pk=registration.pk)
        if not REGISTRATION_FLOW.allows("checka_in", registration.status):
            raise ValidationError(_("Bara bekräftade deltagare kan markeras som närvarande."))
        reason = checkin_closed_reason(registration.conference)
        if reason:
            raise ValidationError(reason)
        if registration.attended == attended:
            return registration
        registration.attended = attended
        registration.attended_at = timezone.now() if attended else None
        registration.save()
        record(
            actor=actor,
            action=RegistrationAction.CHECKED_IN if attended else RegistrationAction.CHECKED_OUT,
            obj=registration,
            data={"attended": [not attended, attended]},
        )
        if attended:
            evidence_link.attendance_recorded(registration=registration, actor=actor)
    return registration
