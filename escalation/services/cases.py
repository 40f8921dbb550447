"""Opening a case and the work on it while it stands on a step: comments, files, the case's
details, and escalation to the next step."""

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from agreements.models import Agreement, Party
from core.audit import audit_actor, record
from escalation import permissions
from escalation.attachments import check_attachment
from escalation.audit import CaseAction
from escalation.models import PARTY_PAIRS, Attachment, Case, CaseEvent, Category, LadderStep
from escalation.permissions import Action
from escalation.services.common import check, lock, require_text, timeline
from escalation.services.handlers import (
    end_current_period,
    enter_step,
    notify_period,
    save_period,
)
from escalation.workflow import TransitionError


def delregion_for(reporting: Party, receiving: Party):
    """The municipality's delregion; the reporting party's first when both are municipalities."""
    for party in (reporting, receiving):
        if party.kind == Party.Kind.KOMMUN and party.delregion_id:
            return party.delregion
    return None


def parties_may_meet(reporting: Party, receiving: Party) -> bool:
    """The agreement's rule (``escalation.models.PARTY_PAIRS``): VGR against a municipality."""
    return frozenset({reporting.kind, receiving.kind}) in PARTY_PAIRS


def _validate_units(case: Case) -> None:
    errors = {}
    if case.reporting_unit_id and case.reporting_unit.party_id != case.reporting_party_id:
        errors["reporting_unit"] = _("Enheten hör inte till den anmälande parten.")
    if case.receiving_unit_id and case.receiving_unit.party_id != case.receiving_party_id:
        errors["receiving_unit"] = _("Enheten hör inte till den mottagande parten.")
    if case.reporting_party_id == case.receiving_party_id:
        errors["receiving_party"] = _("Den mottagande parten måste vara en annan än den anmälande.")
    elif not parties_may_meet(case.reporting_party, case.receiving_party):
        errors["receiving_party"] = _(
            "Ett ärende i eskaleringstrappan gäller VGR och en kommun. Välj VGR eller en "
            "kommun som mottagande part, så att det blir en av varje."
        )
    if case.agreement_id and case.agreement.generation != Agreement.Generation.NEW:
        errors["agreement"] = _("Välj ett av de nya avtalen eller överenskommelserna.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def case_open(
    *,
    actor: User,
    kind: str,
    title: str,
    description: str,
    agreement: Agreement,
    reporting_party: Party,
    receiving_party: Party,
    category: Category | None = None,
    reporting_unit=None,
    receiving_unit=None,
    is_systemic: bool = False,
    diarienummer: str = "",
    is_demo: bool = False,
    when: dt.datetime | None = None,
    notify: bool = True,
) -> Case:
    """Open a case on step 1 of the ladder and tell step 1's handlers.

    ``when`` and ``notify=False`` are for imported and demo cases that happened in the past.
    """
    if not permissions.can_open_case(actor):
        raise PermissionDenied(_("Du kan inte öppna ärenden."))
    if not permissions.may_report_for_any_party(actor) and reporting_party.pk != actor.party_id:
        raise PermissionDenied(_("Du kan bara öppna ärenden för din egen part."))
    when = when or timezone.now()
    step = LadderStep.objects.order_by("order").first()
    if step is None:
        raise ValidationError(_("Eskaleringstrappan har inga steg ännu. Kontakta förvaltarna."))
    case = Case(
        kind=kind,
        title=(title or "").strip(),
        description=(description or "").strip(),
        agreement=agreement,
        category=category,
        reporting_party=reporting_party,
        reporting_unit=reporting_unit,
        receiving_party=receiving_party,
        receiving_unit=receiving_unit,
        delregion=delregion_for(reporting_party, receiving_party),
        is_systemic=is_systemic,
        diarienummer=(diarienummer or "").strip(),
        opened_by=actor,
        opened_at=when,
        status=Case.Status.OPEN,
        is_demo=is_demo,
    )
    period = enter_step(case=case, step=step, when=when)
    _validate_units(case)
    case.full_clean()
    with audit_actor(actor):
        case.save()
        period.case = case
        handlers = save_period(period)
        timeline(case, CaseEvent.Kind.OPENED, actor, case.description, when)
        record(
            actor=actor,
            action=CaseAction.OPENED,
            obj=case,
            data={
                "steg": step.order,
                "tidsgräns": case.step_deadline.isoformat(),
                "handläggare": len(handlers),
            },
        )
    if notify:
        notify_period(period)
    return case


def _attach(case: Case, actor: User, uploads, event: CaseEvent | None) -> list[Attachment]:
    saved = []
    for upload in uploads or ():
        kind = check_attachment(upload)
        attachment = Attachment(
            case=case,
            event=event,
            name=(upload.name or "bilaga")[-200:],
            kind=kind,
            size=upload.size,
            uploaded_by=actor,
        )
        attachment.file.save(upload.name, upload, save=False)
        attachment.full_clean()
        attachment.save()
        saved.append(attachment)
    return saved


@transaction.atomic
def case_comment(*, case: Case, actor: User, text: str, files=()) -> CaseEvent:
    """A comment, with optional attachments (PDF, DOCX, XLSX; checked for personnummer)."""
    case = lock(case)
    check(case, actor, Action.COMMENT)
    if files:
        check(case, actor, Action.ATTACH)
    text = require_text(text, _("Skriv en kommentar."), "text")
    with audit_actor(actor):
        event = timeline(case, CaseEvent.Kind.COMMENT, actor, text)
        saved = _attach(case, actor, files, event)
        record(
            actor=actor,
            action=CaseAction.COMMENTED,
            obj=case,
            data={"händelse": event.pk, "filer": [a.name for a in saved]},
        )
    return event


@transaction.atomic
def case_attach(*, case: Case, actor: User, files) -> list[Attachment]:
    """Attach files to the case itself."""
    case = lock(case)
    check(case, actor, Action.ATTACH)
    if not files:
        raise ValidationError({"files": _("Välj en fil att bifoga.")}, code="required")
    with audit_actor(actor):
        saved = _attach(case, actor, files, None)
        timeline(case, CaseEvent.Kind.ATTACHED, actor, ", ".join(a.name for a in saved))
        record(
            actor=actor,
            action=CaseAction.ATTACHED,
            obj=case,
            data={"filer": [a.name for a in saved]},
        )
    return saved


def _details(case: Case) -> dict:
    """The editable details as the history shows them: Swedish names and readable values,
    stored as they are (an audit row does not change with the reader's language)."""
    return {
        "diarienummer": case.diarienummer,
        "systemfel": "ja" if case.is_systemic else "nej",
        "ansvarsområde": str(case.category) if case.category_id else "",
    }


@transaction.atomic
def case_update_details(
    *,
    case: Case,
    actor: User,
    diarienummer: str,
    is_systemic: bool,
    category: Category | None | bool = False,
) -> Case:
    """Diarienummer, systemfel and (when given) the part of the agreement the case is about."""
    case = lock(case)
    check(case, actor, Action.EDIT_DETAILS)
    before = _details(case)
    case.diarienummer = (diarienummer or "").strip()
    case.is_systemic = bool(is_systemic)
    if category is not False:
        case.category = category
    after = _details(case)
    if before == after:
        return case
    case.full_clean()
    with audit_actor(actor):
        case.save()
        parts = [f"{_('Diarienummer')}: {case.diarienummer or '–'}"]
        parts.append(_("Systemfel: ja") if case.is_systemic else _("Systemfel: nej"))
        parts.append(f"{_('Ansvarsområde')}: {case.category or '–'}")
        timeline(case, CaseEvent.Kind.UPDATED, actor, "; ".join(parts))
        record(
            actor=actor,
            action=CaseAction.DETAILS_UPDATED,
            obj=case,
            data={
                name: [before[name], after[name]] for name in before if before[name] != after[name]
            },
        )
    return case


def next_step(case: Case) -> LadderStep | None:
    return LadderStep.objects.filter(order__gt=case.step_order).order_by("order").first()


@transaction.atomic
def case_escalate(
    *,
    case: Case,
    actor: User,
    reason: str,
    expected_step_id: int | None = None,
    when: dt.datetime | None = None,
    notify: bool = True,
) -> Case:
    """Raise the case to the next step: new period, new deadline, the new handlers are told.

    ``expected_step_id`` is the step the user saw; if the case has moved on since (or the form
    was tampered with), nothing happens and the user is told.
    """
    case = lock(case)
    target, _facts = check(case, actor, Action.ESCALATE)
    if expected_step_id is not None and int(expected_step_id) != case.current_step_id:
        raise TransitionError(
            _("Ärendet står inte längre på det steg du såg. Ladda om sidan och försök igen."),
            code="stale_step",
        )
    reason = require_text(reason, _("Ange varför ärendet eskaleras."), "reason")
    step = next_step(case)
    if step is None:
        raise TransitionError(
            _("Ärendet står redan på trappans högsta steg och kan inte eskaleras längre."),
            code="top_step",
        )
    now = when or timezone.now()
    before = (case.status, case.step_order)
    with audit_actor(actor):
        end_current_period(case, now)
        period = enter_step(case=case, step=step, when=now)
        case.status = target
        case.full_clean()
        case.save()
        handlers = save_period(period)
        timeline(case, CaseEvent.Kind.ESCALATED, actor, reason, now)
        record(
            actor=actor,
            action=CaseAction.ESCALATED,
            obj=case,
            data={
                "status": [before[0], case.status],
                "steg": [before[1], case.step_order],
                "tidsgräns": case.step_deadline.isoformat(),
                "handläggare": len(handlers),
            },
        )
    if notify:
        notify_period(period)
    return case
