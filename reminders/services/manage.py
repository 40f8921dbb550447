"""What Förvaltare and users change: retrying a failed message, the reminder settings, and
a user's own preferences."""

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from core.audit import audit_actor, record
from core.outbox import outbox_retry_for
from reminders.audit import MessageAction, PreferenceAction, SettingsAction
from reminders.models import OPTIONAL_KINDS, Message, Preference, ReminderSettings
from reminders.services.dispatch import messages_enqueue
from reminders.workflow import MESSAGE_FLOW


def _json(value):
    return value if value is None or isinstance(value, str | int | bool | list) else str(value)


def message_retry(*, message: Message, actor) -> Message:
    """Send a failed message again (from the send log): the same outbox row, so nobody gets
    it twice."""
    if not MESSAGE_FLOW.allows("retry", message.status):
        raise ValidationError(_("Bara misslyckade utskick kan skickas igen."))
    with transaction.atomic(), audit_actor(actor):
        before = message.status
        message.attempts = 0
        if outbox_retry_for(Message, [message.pk]):
            message.status = MESSAGE_FLOW.target("retry", before)
            message.save(update_fields=["status", "attempts"])
        else:
            # Failed before the outbox existed: written to it now, like any open message.
            message.status = MESSAGE_FLOW.target("retry_unqueued", before)
            message.save(update_fields=["status", "attempts"])
            messages_enqueue(today=timezone.localdate())
            message.refresh_from_db()
        record(
            actor=actor,
            action=MessageAction.RETRIED,
            obj=message,
            data={"status": [before, message.status]},
        )
    return message


def settings_update(*, config: ReminderSettings, actor, data: dict) -> ReminderSettings:
    """Change lead times and sending rules (Förvaltare)."""
    changed = {}
    for name, value in data.items():
        before = getattr(config, name)
        if before != value:
            changed[name] = [_json(before), _json(value)]
        setattr(config, name, value)
    config.full_clean()
    if config.checklist_second_days >= config.checklist_first_days:
        raise ValidationError(
            {
                "checklist_second_days": _(
                    "Den sista påminnelsen måste komma närmare tidsgränsen än den första."
                )
            }
        )
    with transaction.atomic(), audit_actor(actor):
        config.save()
        record(actor=actor, action=SettingsAction.UPDATED, obj=config, data=changed)
    return config


def preference_update(
    *,
    user,
    actor,
    escalation_immediately: bool,
    opted_out: Iterable[str],
    hide_blocked: bool = False,
) -> Preference:
    """A user's own choices. Escalation deadlines cannot be opted out of."""
    opted = sorted(set(opted_out))
    unknown = [k for k in opted if k not in OPTIONAL_KINDS]
    if unknown:
        raise ValidationError(_("Påminnelser om tidsgränser i eskaleringen kan inte väljas bort."))
    with transaction.atomic(), audit_actor(actor):
        pref = Preference.objects.select_for_update().filter(user=user).first()
        pref = pref or Preference(user=user)
        before = {
            "escalation_immediately": pref.escalation_immediately,
            "opted_out": sorted(pref.opted_out or []),
            "hide_blocked": pref.hide_blocked,
        }
        pref.escalation_immediately = escalation_immediately
        pref.opted_out = opted
        pref.hide_blocked = hide_blocked
        pref.full_clean()
        pref.save()
        after = {
            "escalation_immediately": escalation_immediately,
            "opted_out": opted,
            "hide_blocked": hide_blocked,
        }
        record(
            actor=actor,
            action=PreferenceAction.UPDATED,
            obj=pref,
            data={k: [before[k], after[k]] for k in after if before[k] != after[k]},
        )
    return pref
