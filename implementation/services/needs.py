"""Development needs (utvecklingsbehov) of a unit: create and edit, the status moving along
``NEED_FLOW``."""

import datetime as dt

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from core.audit import audit_actor, record
from implementation.audit import NeedAction, stored
from implementation.models import DevelopmentNeed, NeedStatus, Responsibility, Unit
from implementation.workflow import NEED_FLOW


def _fields(need: DevelopmentNeed) -> dict:
    return {
        "rubrik": need.title,
        "ägare": need.owner,
        "beskrivning": need.description,
        "planerat klart": need.due_date.isoformat() if need.due_date else None,
        "status": stored(NeedStatus(need.status).label),
        "hör till ansvar": need.responsibility.title if need.responsibility_id else None,
    }


def need_create(
    *,
    unit: Unit,
    actor,
    title: str,
    owner: str,
    description: str = "",
    due_date: dt.date | None = None,
    responsibility: Responsibility | None = None,
) -> DevelopmentNeed:
    if responsibility is not None and responsibility.level != unit.level:
        raise ValidationError(_("Ansvaret gäller inte för enheten."))
    with transaction.atomic(), audit_actor(actor):
        need = DevelopmentNeed(
            unit=unit,
            title=title.strip(),
            owner=owner.strip(),
            description=description.strip(),
            due_date=due_date,
            responsibility=responsibility,
            created_by=actor,
        )
        need.full_clean()
        need.save()
        data = {key: value for key, value in _fields(need).items() if value}
        record(actor=actor, action=NeedAction.CREATED, obj=need, data=data)
    return need


def need_update(
    *,
    need: DevelopmentNeed,
    actor,
    title: str,
    owner: str,
    description: str,
    due_date: dt.date | None,
    status: str,
    responsibility: Responsibility | None = None,
) -> DevelopmentNeed:
    if status not in NeedStatus.values:
        raise ValidationError(_("Okänd status: %(status)s.") % {"status": status})
    if not NEED_FLOW.may_move(need.status, status):
        raise ValidationError(
            _("Status kan inte ändras från %(before)s till %(after)s.")
            % {"before": NeedStatus(need.status).label, "after": NeedStatus(status).label}
        )
    if responsibility is not None and responsibility.level != need.unit.level:
        raise ValidationError(_("Ansvaret gäller inte för enheten."))
    with transaction.atomic(), audit_actor(actor):
        before = _fields(need)
        need.title, need.owner = title.strip(), owner.strip()
        need.description, need.due_date = description.strip(), due_date
        need.status, need.responsibility = status, responsibility
        need.full_clean()
        need.save()
        after = _fields(need)
        data = {key: [before[key], after[key]] for key in before if before[key] != after[key]}
        record(actor=actor, action=NeedAction.UPDATED, obj=need, data=data)
    return need
