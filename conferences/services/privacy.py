"""Deleting the health-related answers (diet, allergies, accessibility) after a conference."""

import datetime as dt

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from conferences.audit import ConferenceAction, RegistrationAction
from conferences.models import Conference, Registration
from core.audit import audit_actor, record, record_many


def conferences_due_for_purge(today: dt.date):
    """Conferences whose retention period has run out and whose answers remain."""
    candidates = Conference.objects.filter(
        date__isnull=False, sensitive_data_deleted_at__isnull=True, date__lt=today
    )
    return [c for c in candidates if c.date + dt.timedelta(days=c.retention_days) <= today]


def sensitive_data_purge(*, now: dt.datetime | None = None) -> int:
    """Delete diet, allergy and accessibility answers ``retention_days`` after each conference.

    Idempotent: a conference is purged once and then stamped; a second run does nothing. The
    stamp on the conference is the audit entry (actor: the system). The answers themselves are
    excluded from the audit trail, so no copy of them survives there.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    cleared = 0
    for conference in conferences_due_for_purge(today):
        with transaction.atomic(), audit_actor(None):
            locked = Conference.objects.select_for_update().get(pk=conference.pk)
            if locked.sensitive_data_deleted_at:
                continue
            answered = list(
                Registration.objects.filter(conference=locked).filter(
                    ~Q(diet="") | ~Q(diet_choices="") | ~Q(allergies="") | ~Q(accessibility="")
                )
            )
            Registration.objects.filter(pk__in=[r.pk for r in answered]).update(
                diet="", diet_choices="", allergies="", accessibility=""
            )
            cleared += len(answered)
            locked.sensitive_data_deleted_at = now
            locked.save(update_fields=["sensitive_data_deleted_at"])
            # Which rows were cleared, never what they said.
            record_many(actor=None, action=RegistrationAction.SENSITIVE_PURGED, objs=answered)
            record(
                actor=None,
                action=ConferenceAction.SENSITIVE_PURGED,
                obj=locked,
                data={"registrations": len(answered)},
            )
    return cleared
