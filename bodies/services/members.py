"""Writes of a body's member list (kept, never deleted: a term is ended)."""

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from agreements.models import JointBody
from bodies.audit import MemberAction
from bodies.models import Membership
from bodies.permissions import Action
from bodies.services._common import changes, json_value, need, save
from core.audit import record

MEMBER_FIELDS = (
    "user",
    "name",
    "email",
    "political_party",
    "represents",
    "mandate",
    "term_start",
    "term_end",
)


@transaction.atomic
def member_save(
    *, actor, body: JointBody, member: Membership | None = None, **fields
) -> Membership:
    need(actor, body, Action.MEMBERS)
    member = member or Membership(body=body)
    if member.body_id != body.pk:
        raise PermissionDenied
    changed = changes(member, MEMBER_FIELDS, fields)
    if not member.name and member.user_id:
        member.name = member.user.get_full_name() or member.user.username
    save(actor, member)
    record(actor=actor, action=MemberAction.SAVED, obj=member, data=changed)
    return member


@transaction.atomic
def member_end(*, actor, member: Membership, on: dt.date | None = None) -> Membership:
    """End a membership's term (kept for the record, never deleted)."""
    need(actor, member.body, Action.MEMBERS)
    on = on or timezone.localdate()
    before = member.term_end
    member.term_end = max(on, member.term_start) if member.term_start else on
    save(actor, member)
    record(
        actor=actor,
        action=MemberAction.ENDED,
        obj=member,
        data={"term_end": [json_value(before), json_value(member.term_end)]},
    )
    return member
