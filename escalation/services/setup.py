"""The förvaltare's set-up of the ladder (steps and their handler rules) and of the parties'
ärendeansvariga and function addresses, and a user's private calendar address."""

import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import override

from accounts.models import User
from agreements.models import Party
from core.audit import audit_actor, record
from escalation import permissions
from escalation.audit import CalendarAction, ContactAction, LadderAction
from escalation.models import CalendarToken, CaseContact, CaseMailbox, HandlerRule, LadderStep


# --- the parties' ärendeansvariga and function addresses ------------------------------------
@transaction.atomic
def contact_appoint(*, actor: User, party: Party, user: User) -> CaseContact:
    if not permissions.can_manage_contacts(actor):
        raise PermissionDenied
    if user.party_id != party.pk:
        raise ValidationError(
            {"user": _("Ärendeansvarig måste höra till parten %(party)s.") % {"party": party}}
        )
    if CaseContact.objects.filter(party=party, user=user).exists():
        raise ValidationError({"user": _("%(user)s är redan ärendeansvarig.") % {"user": user}})
    contact = CaseContact(party=party, user=user)
    contact.full_clean()
    with audit_actor(actor):
        contact.save()
        record(
            actor=actor,
            action=ContactAction.APPOINTED,
            obj=contact,
            data={"ärendeansvarig": str(user), "användare": user.pk},
        )
    return contact


@transaction.atomic
def contact_remove(*, actor: User, contact: CaseContact) -> None:
    if not permissions.can_manage_contacts(actor):
        raise PermissionDenied
    with audit_actor(actor):
        # Recorded on the party: the contact row is gone afterwards.
        record(
            actor=actor,
            action=ContactAction.REMOVED,
            obj=contact.party,
            data={"ärendeansvarig": str(contact.user), "användare": contact.user_id},
        )
        contact.delete()


@transaction.atomic
def mailbox_set(*, actor: User, party: Party, email: str) -> CaseMailbox | None:
    """Set (or, with an empty address, remove) a party's function address for cases."""
    if not permissions.can_manage_contacts(actor):
        raise PermissionDenied
    email = (email or "").strip()
    existing = CaseMailbox.objects.filter(party=party).first()
    before = existing.email if existing else ""
    with audit_actor(actor):
        if not email:
            if existing:
                record(
                    actor=actor,
                    action=ContactAction.MAILBOX_REMOVED,
                    obj=party,
                    data={"funktionsadress": [before, ""]},
                )
                existing.delete()
            return None
        mailbox = existing or CaseMailbox(party=party)
        mailbox.email = email
        mailbox.full_clean()
        mailbox.save()
        if email != before:
            record(
                actor=actor,
                action=ContactAction.MAILBOX_SET,
                obj=party,
                data={"funktionsadress": [before, email]},
            )
    return mailbox


# --- the ladder ---------------------------------------------------------------------------
LADDER_FIELDS = (
    "order",
    "name",
    "description",
    "body",
    "body_text",
    "time_limit",
    "time_unit",
    "warning_percent",
    "is_provisional",
)


def _plain(value):
    """A field's value as JSON (a foreign key as its id)."""
    return getattr(value, "pk", value)


@transaction.atomic
def ladder_step_save(*, actor: User, step: LadderStep | None = None, **fields) -> LadderStep:
    """Create or change a ladder step. Cases already on the step keep the limit and deadline
    they had when they entered it."""
    step = step or LadderStep()
    created = step.pk is None
    changes = {}
    for name, value in fields.items():
        if name not in LADDER_FIELDS:
            raise TypeError(name)
        field = LadderStep._meta.get_field(name)
        before = getattr(step, field.attname)
        if created or before != _plain(value):
            with override("sv"):  # the history's names, stored as they are
                changes[str(field.verbose_name)] = [None if created else before, _plain(value)]
        setattr(step, name, value)
    step.full_clean()
    with audit_actor(actor):
        step.save()
        action = LadderAction.STEP_CREATED if created else LadderAction.STEP_UPDATED
        record(actor=actor, action=action, obj=step, data=changes)
    return step


@transaction.atomic
def handler_rule_add(
    *, actor: User, step: LadderStep, kind: str, user: User | None = None, role: str = ""
) -> HandlerRule:
    rule = HandlerRule(step=step, kind=kind, user=user, role=role or "")
    if kind == HandlerRule.Kind.USER and user is None:
        raise ValidationError({"user": _("Välj en användare.")})
    role_kinds = (
        HandlerRule.Kind.PARTY_ROLE,
        HandlerRule.Kind.DELREGION_ROLE,
        HandlerRule.Kind.COUNTY_ROLE,
    )
    if kind in role_kinds and not role:
        raise ValidationError({"role": _("Välj en roll.")})
    if kind != HandlerRule.Kind.USER:
        rule.user = None
    if kind not in role_kinds:
        rule.role = ""
    rule.full_clean()
    with audit_actor(actor):
        rule.save()
        record(
            actor=actor,
            action=LadderAction.RULE_ADDED,
            obj=step,
            data={
                "regel": str(rule),
                "slag": rule.kind,
                "roll": rule.role,
                "användare": rule.user_id,
            },
        )
    return rule


@transaction.atomic
def handler_rule_remove(*, actor: User, rule: HandlerRule) -> None:
    with audit_actor(actor):
        # Recorded on the step: the rule row is gone afterwards.
        record(
            actor=actor,
            action=LadderAction.RULE_REMOVED,
            obj=rule.step,
            data={
                "regel": str(rule),
                "slag": rule.kind,
                "roll": rule.role,
                "användare": rule.user_id,
            },
        )
        rule.delete()


# --- calendar feed ------------------------------------------------------------------------
def calendar_token_get_or_create(*, user: User) -> CalendarToken:
    token = CalendarToken.objects.filter(user=user).first()
    if token:
        return token
    return calendar_token_regenerate(user=user)


@transaction.atomic
def calendar_token_regenerate(*, user: User) -> CalendarToken:
    """A new private address; the old one stops working at once."""
    token, _created = CalendarToken.objects.update_or_create(
        user=user,
        defaults={"token": secrets.token_urlsafe(32), "created_at": timezone.now()},
    )
    record(actor=user, action=CalendarAction.TOKEN, obj=token)  # never the token itself
    return token
