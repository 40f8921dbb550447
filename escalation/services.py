"""Every write of the escalation app: keyword-only, explicit actor, atomic and audited.

A case moves through one table of transitions (``TRANSITIONS``: which actions a status
allows) and one rule table (``escalation.permissions.RULES``: who may do them). Every service
checks both before it writes, writes a ``CaseEvent`` on the case's timeline and is audited by
django-auditlog; a refused call raises and changes nothing.
"""

import datetime as dt
import logging
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from agreements.models import Agreement, Party
from core.audit import audit_actor
from escalation import permissions, selectors
from escalation.attachments import check_attachment
from escalation.models import (
    PARTY_PAIRS,
    Attachment,
    CalendarToken,
    Case,
    CaseContact,
    CaseEvent,
    CaseHandler,
    CaseMailbox,
    CasePause,
    CaseStepPeriod,
    Category,
    HandlerRule,
    LadderStep,
    ResolutionProposal,
)
from escalation.permissions import Action
from escalation.workdays import add_working_days, step_dates, working_days_between

logger = logging.getLogger(__name__)

Status = Case.Status

REOPEN_WITHIN_DAYS = 30

ONGOING = frozenset(Case.ONGOING)
RUNNING = frozenset(Case.ACTIVE)
WRITABLE = frozenset({Status.OPEN, Status.ESCALATED, Status.PAUSED, Status.RESOLVED})

# The workflow: action -> statuses it may start from. Where it leads: see each service.
TRANSITIONS: dict[str, frozenset[str]] = {
    Action.COMMENT: WRITABLE,
    Action.ATTACH: WRITABLE,
    Action.EDIT_DETAILS: WRITABLE,
    Action.ESCALATE: RUNNING,
    Action.PAUSE: RUNNING,
    Action.RESUME: frozenset({Status.PAUSED}),
    Action.PROPOSE: RUNNING,
    Action.ANSWER: RUNNING,
    Action.DECIDE: ONGOING,
    Action.REOPEN: frozenset({Status.RESOLVED}),
    Action.CLOSE: frozenset({Status.RESOLVED}),
    Action.CANCEL: ONGOING,
}


class TransitionError(ValidationError):
    """An action the case's status does not allow (Swedish message for the user)."""


def allowed_actions(case: Case) -> set[str]:
    """The actions the case's status allows (who may do them: ``permissions``)."""
    return {action for action, sources in TRANSITIONS.items() if case.status in sources}


def _check_transition(case: Case, action: str) -> None:
    if case.status in TRANSITIONS[action]:
        return
    status = case.get_status_display().lower()
    messages = {
        Action.ESCALATE: _("Ett ärende som är %(status)s kan inte eskaleras."),
        Action.PROPOSE: _("Ett ärende som är %(status)s kan inte få ett lösningsförslag."),
        Action.ANSWER: _("Ett ärende som är %(status)s har inget förslag att svara på."),
        Action.DECIDE: _("Ett ärende som är %(status)s kan inte få ett beslut registrerat."),
        Action.PAUSE: _("Ett ärende som är %(status)s kan inte sättas som vilande."),
        Action.RESUME: _("Bara ett vilande ärende kan startas igen; det här är %(status)s."),
        Action.REOPEN: _("Bara ett löst ärende kan återupptas; det här är %(status)s."),
        Action.CLOSE: _("Bara ett löst ärende kan avslutas; det här är %(status)s."),
        Action.CANCEL: _("Ärendet är redan %(status)s."),
    }
    message = messages.get(action, _("Ett avslutat ärende kan inte ändras."))
    raise TransitionError(message % {"status": status}, code="illegal_transition")


def _authorise(case: Case, actor: User, action: str) -> permissions.CaseFacts:
    """The rule table's verdict (``permissions.allowed``); raises PermissionDenied."""
    facts = selectors.case_facts(case)
    if not permissions.allowed(actor, case, action, facts):
        raise PermissionDenied(_("Du får inte göra det med det här ärendet."))
    return facts


def _require_text(value: str, message: str, field: str) -> str:
    value = (value or "").strip()
    if not value:
        raise ValidationError({field: message}, code="required")
    return value


def _lock(case: Case) -> Case:
    return (
        Case.objects.select_for_update(of=("self",))
        .select_related("reporting_unit", "receiving_unit", "current_step")
        .get(pk=case.pk)
    )


def long_date(day) -> str:
    """'1 februari 2027': dates in running text and messages."""
    return date_format(day, "DATE_FORMAT")


def deadline_explanation(period: CaseStepPeriod) -> str:
    """How a step's deadline was reached, in plain Swedish, e.g. "30 kalenderdagar – flyttad
    till närmaste arbetsdag (4 januari 2027)" or "… – förlängd med 4 arbetsdagar när ärendet
    var vilande"."""
    from escalation.models import TimeUnit

    text = period.limit_label
    if period.time_unit == TimeUnit.DAYS:
        raw = period.started_on + dt.timedelta(days=period.time_limit)
        unpaused = period.deadline
        if period.paused_working_days:
            # The deadline before the pauses: step back over the paused working days.
            _warning, unpaused = step_dates(
                period.started_on, period.time_limit, period.time_unit, 100
            )
        if unpaused != raw:
            text += " – " + _("flyttad till närmaste arbetsdag (%(date)s)") % {
                "date": long_date(unpaused)
            }
    if period.paused_working_days:
        text += " – " + ngettext(
            "förlängd med %(n)s arbetsdag när ärendet var vilande",
            "förlängd med %(n)s arbetsdagar när ärendet var vilande",
            period.paused_working_days,
        ) % {"n": period.paused_working_days}
    return text


# --- handlers -----------------------------------------------------------------------------
def _unit_leads(unit_ids: list[int]) -> set[int]:
    if not unit_ids:
        return set()
    from implementation.selectors import leads_for_units

    return {user.pk for users in leads_for_units(unit_ids).values() for user in users}


def step_handler_ids(*, step: LadderStep, case: Case) -> set[int]:
    """The users who handle ``case`` on ``step``: the step's rules, and for each party that
    the rules leave without a handler of its own, that party's ärendeansvariga (so both
    parties are always in the case, from step 1 and at every step after)."""
    return step_handlers(step=step, case=case)[0]


def step_handlers(*, step: LadderStep, case: Case) -> tuple[set[int], list[str]]:
    """(handler ids, function addresses to tell) of ``case`` on ``step``."""
    rules = list(step.rules.all())
    ids = {r.user_id for r in rules if r.kind == HandlerRule.Kind.USER}
    query = Q(pk__in=[])
    parties = [case.reporting_party_id, case.receiving_party_id]
    for rule in rules:
        if rule.kind == HandlerRule.Kind.PARTY_ROLE:
            query |= Q(role=rule.role, party_id__in=parties)
        elif rule.kind == HandlerRule.Kind.DELREGION_ROLE and case.delregion_id:
            query |= Q(role=rule.role, party__delregion_id=case.delregion_id)
        elif rule.kind == HandlerRule.Kind.COUNTY_ROLE:
            query |= Q(role=rule.role)
    ids |= set(User.objects.filter(query, is_active=True).values_list("pk", flat=True))
    kinds = {r.kind for r in rules}
    units = [u for u in (case.reporting_unit, case.receiving_unit) if u is not None]
    if HandlerRule.Kind.UNIT_LEADS in kinds:
        ids |= _unit_leads([u.pk for u in units])
    if HandlerRule.Kind.FORVALTNING_LEADS in kinds:
        # A verksamhet's förvaltning is its parent; a förvaltning is its own.
        ids |= _unit_leads(sorted({u.parent_id or u.pk for u in units}))
    handlers = list(
        User.objects.filter(pk__in=ids, is_active=True).values_list("pk", "party_id", "role")
    )
    covered = {party for _pk, party, role in handlers if role not in permissions.BODY_ROLES} & set(
        parties
    )
    missing = [p for p in parties if p not in covered]
    active = {pk for pk, _party, _role in handlers}
    mailboxes: list[str] = []
    if missing:
        active |= set(
            CaseContact.objects.filter(party_id__in=missing, user__is_active=True).values_list(
                "user_id", flat=True
            )
        )
        mailboxes = sorted(
            CaseMailbox.objects.filter(party_id__in=missing).values_list("email", flat=True)
        )
    return active, mailboxes


def _enter_step(*, case: Case, step: LadderStep, when: dt.datetime) -> CaseStepPeriod:
    day = timezone.localdate(when)
    warning, deadline = step_dates(day, step.time_limit, step.time_unit, step.warning_percent)
    case.current_step = step
    case.step_order = step.order
    case.step_started_on = day
    case.step_warning_on = warning
    case.step_deadline = deadline
    period = CaseStepPeriod(
        case=case,
        step=step,
        step_order=step.order,
        step_name=step.name,
        body_name=step.body_name,
        time_limit=step.time_limit,
        time_unit=step.time_unit,
        started_at=when,
        started_on=day,
        warning_on=warning,
        deadline=deadline,
    )
    return period


def _save_period(period: CaseStepPeriod) -> list[int]:
    ids, mailboxes = step_handlers(step=period.step, case=period.case)
    period.mailbox_emails = "\n".join(mailboxes)
    period.full_clean()
    period.save()
    CaseHandler.objects.bulk_create(
        [CaseHandler(period=period, user_id=uid, case=period.case) for uid in sorted(ids)],
        ignore_conflicts=True,
    )
    return sorted(ids)


def _end_current_period(case: Case, when: dt.datetime) -> None:
    CaseStepPeriod.objects.filter(case=case, ended_at__isnull=True).update(ended_at=when)


def _event(case: Case, kind: str, actor, text: str = "", when=None) -> CaseEvent:
    event = CaseEvent(
        case=case,
        kind=kind,
        actor=actor,
        text=text,
        step_name=f"{case.step_order}. {case.current_step.name}",
        created_at=when or timezone.now(),
    )
    event.full_clean()
    event.save()
    return event


def notify_period(period: CaseStepPeriod) -> int:
    """Put a notice to each handler of ``period`` (and to each function address it names)
    into the outbox, in the caller's transaction. The key names the fact — this handler,
    this step of this case — so each is told exactly once. Returns how many were added."""
    from django.conf import settings
    from django.urls import reverse
    from django.utils.translation import override

    from core.outbox import outbox_enqueue

    case = period.case
    url = settings.SITE_URL + reverse("escalation:detail", args=[case.pk])
    base = f"escalation:case:{case.pk}:period:{period.pk}"
    links = CaseHandler.objects.filter(period=period).select_related("user")
    recipients = [
        (f"{base}:handler:{link.user_id}", link.user.email, link.user)
        for link in links
        if link.user.email and link.user.is_active
    ]
    recipients += [
        (f"{base}:mailbox:{address}", address, None)
        for address in filter(None, period.mailbox_emails.splitlines())
    ]
    added = 0
    for key, address, user in recipients:
        with override("sv"):
            message = outbox_enqueue(
                key=key,
                to=[address],
                subject=_("Ärende %(ref)s har nått steget %(step)s")
                % {"ref": case.reference, "step": period.step_name},
                template="escalation/emails/step_entered",
                context={"case": case, "period": period, "user": user, "url": url},
                kind="escalation_step",
                related=case,
            )
        added += message is not None
    now = timezone.now()
    CaseHandler.objects.filter(period=period, notified_at__isnull=True).update(notified_at=now)
    if period.mailbox_emails:
        CaseStepPeriod.objects.filter(pk=period.pk, mailboxes_notified_at__isnull=True).update(
            mailboxes_notified_at=now
        )
    return added


def _notify_handlers(period: CaseStepPeriod) -> None:
    notify_period(period)


# --- cases --------------------------------------------------------------------------------
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
        status=Status.OPEN,
        is_demo=is_demo,
    )
    period = _enter_step(case=case, step=step, when=when)
    _validate_units(case)
    case.full_clean()
    with audit_actor(actor):
        case.save()
        period.case = case
        _save_period(period)
        _event(case, CaseEvent.Kind.OPENED, actor, case.description, when)
    if notify:
        _notify_handlers(period)
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
    case = _lock(case)
    _check_transition(case, Action.COMMENT)
    _authorise(case, actor, Action.COMMENT)
    if files:
        _authorise(case, actor, Action.ATTACH)
    text = _require_text(text, _("Skriv en kommentar."), "text")
    with audit_actor(actor):
        event = _event(case, CaseEvent.Kind.COMMENT, actor, text)
        _attach(case, actor, files, event)
    return event


@transaction.atomic
def case_attach(*, case: Case, actor: User, files) -> list[Attachment]:
    """Attach files to the case itself."""
    case = _lock(case)
    _check_transition(case, Action.ATTACH)
    _authorise(case, actor, Action.ATTACH)
    if not files:
        raise ValidationError({"files": _("Välj en fil att bifoga.")}, code="required")
    with audit_actor(actor):
        saved = _attach(case, actor, files, None)
        _event(case, CaseEvent.Kind.ATTACHED, actor, ", ".join(a.name for a in saved))
    return saved


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
    case = _lock(case)
    _check_transition(case, Action.ESCALATE)
    _authorise(case, actor, Action.ESCALATE)
    if expected_step_id is not None and int(expected_step_id) != case.current_step_id:
        raise TransitionError(
            _("Ärendet står inte längre på det steg du såg. Ladda om sidan och försök igen."),
            code="stale_step",
        )
    reason = _require_text(reason, _("Ange varför ärendet eskaleras."), "reason")
    step = next_step(case)
    if step is None:
        raise TransitionError(
            _("Ärendet står redan på trappans högsta steg och kan inte eskaleras längre."),
            code="top_step",
        )
    now = when or timezone.now()
    with audit_actor(actor):
        _end_current_period(case, now)
        period = _enter_step(case=case, step=step, when=now)
        case.status = Status.ESCALATED
        case.full_clean()
        case.save()
        _save_period(period)
        _event(case, CaseEvent.Kind.ESCALATED, actor, reason, now)
    if notify:
        _notify_handlers(period)
    return case


# --- resolution: proposed by one side, confirmed by the other, or decided by the body -----
def _resolve(case: Case, outcome: str, decision: str, now: dt.datetime) -> None:
    if case.status == Status.PAUSED:
        _close_pause(case, None, now, resume=False)
    case.status = Status.RESOLVED
    case.outcome = outcome
    case.decision = decision
    case.resolved_at = now
    case.full_clean()
    case.save()
    _end_current_period(case, now)


def _one_side(case: Case, actor: User, facts) -> int:
    sides = permissions.sides(actor, case, facts)
    if len(sides) != 1:
        raise PermissionDenied(
            _("Bara den som företräder en av parterna kan föreslå eller svara på en lösning.")
        )
    return next(iter(sides))


def pending_proposal(case: Case) -> ResolutionProposal | None:
    return case.proposals.filter(status=ResolutionProposal.Status.PENDING).first()


@transaction.atomic
def case_propose(
    *, case: Case, actor: User, outcome: str, when: dt.datetime | None = None
) -> ResolutionProposal:
    """One side proposes how the case is resolved. The case is resolved only when the other
    side confirms (``case_answer``) or the step's body records its decision."""
    case = _lock(case)
    _check_transition(case, Action.PROPOSE)
    facts = _authorise(case, actor, Action.PROPOSE)
    party_id = _one_side(case, actor, facts)
    outcome = _require_text(outcome, _("Beskriv den lösning du föreslår."), "outcome")
    if pending_proposal(case):
        raise TransitionError(
            _("Det finns redan ett lösningsförslag som väntar på svar från den andra parten."),
            code="proposal_pending",
        )
    now = when or timezone.now()
    proposal = ResolutionProposal(
        case=case,
        step_name=f"{case.step_order}. {case.current_step.name}",
        outcome=outcome,
        proposed_by=actor,
        proposing_party_id=party_id,
        proposed_at=now,
    )
    proposal.full_clean()
    with audit_actor(actor):
        proposal.save()
        _event(case, CaseEvent.Kind.PROPOSED, actor, outcome, now)
    return proposal


@transaction.atomic
def case_answer(
    *,
    case: Case,
    actor: User,
    accept: bool,
    comment: str = "",
    proposal_id: int | None = None,
    when: dt.datetime | None = None,
) -> ResolutionProposal:
    """The other side confirms the pending proposal (the case is resolved) or rejects it with
    a comment (the case goes on where it stands)."""
    case = _lock(case)
    _check_transition(case, Action.ANSWER)
    facts = _authorise(case, actor, Action.ANSWER)
    proposal = pending_proposal(case)
    if proposal is None or (proposal_id is not None and int(proposal_id) != proposal.pk):
        raise TransitionError(
            _("Förslaget har redan besvarats eller dragits tillbaka. Ladda om sidan."),
            code="stale_proposal",
        )
    party_id = _one_side(case, actor, facts)
    if party_id == proposal.proposing_party_id:
        raise PermissionDenied(
            _("Förslaget kommer från din egen part. Det är den andra parten som svarar på det.")
        )
    comment = (comment or "").strip()
    if not accept and not comment:
        raise ValidationError(
            {"comment": _("Skriv varför förslaget inte godtas.")}, code="required"
        )
    now = when or timezone.now()
    proposal.status = (
        ResolutionProposal.Status.CONFIRMED if accept else ResolutionProposal.Status.REJECTED
    )
    proposal.answered_by = actor
    proposal.answering_party_id = party_id
    proposal.answered_at = now
    proposal.answer_comment = comment
    proposal.full_clean()
    with audit_actor(actor):
        proposal.save()
        if accept:
            _resolve(case, proposal.outcome, case.decision, now)
            text = _("%(party)s bekräftade lösningen som %(proposer)s föreslog: %(outcome)s") % {
                "party": proposal.answering_party,
                "proposer": proposal.proposing_party,
                "outcome": proposal.outcome,
            }
            _event(case, CaseEvent.Kind.RESOLVED, actor, f"{text}\n\n{comment}".strip(), now)
        else:
            _event(case, CaseEvent.Kind.REJECTED, actor, comment, now)
    return proposal


@transaction.atomic
def case_resolve(
    *, case: Case, actor: User, outcome: str, decision: str = "", when: dt.datetime | None = None
) -> Case:
    """Record the decision of the body handling the current step (or the förvaltare's record
    of it), which resolves the case. ``outcome`` is what was decided, ``decision`` the body's
    formal decision (e.g. a minute's paragraph)."""
    case = _lock(case)
    _check_transition(case, Action.DECIDE)
    _authorise(case, actor, Action.DECIDE)
    outcome = _require_text(outcome, _("Beskriv vad organet beslutade."), "outcome")
    now = when or timezone.now()
    with audit_actor(actor):
        case.proposals.filter(status=ResolutionProposal.Status.PENDING).update(
            status=ResolutionProposal.Status.WITHDRAWN
        )
        _resolve(case, outcome, (decision or "").strip(), now)
        text = outcome if not case.decision else f"{outcome}\n\n{_('Beslut')}: {case.decision}"
        if case.current_step.body_name:
            text = f"{_('Beslut av')} {case.current_step.body_name}: {text}"
        _event(case, CaseEvent.Kind.RESOLVED, actor, text, now)
    return case


# --- pause ---------------------------------------------------------------------------------
@transaction.atomic
def case_pause(
    *, case: Case, actor: User, reason: str, when: dt.datetime | None = None
) -> CasePause:
    """Vilande: the clock stops (no deadline, warning or reminder runs) until resumed."""
    case = _lock(case)
    _check_transition(case, Action.PAUSE)
    _authorise(case, actor, Action.PAUSE)
    reason = _require_text(
        reason, _("Ange varför ärendet blir vilande, t.ex. att det väntar på ett möte."), "reason"
    )
    now = when or timezone.now()
    period = CaseStepPeriod.objects.get(case=case, ended_at__isnull=True)
    pause = CasePause(
        case=case,
        period=period,
        reason=reason,
        started_by=actor,
        started_at=now,
        started_on=timezone.localdate(now),
        resume_status=case.status,
    )
    pause.full_clean()
    with audit_actor(actor):
        pause.save()
        case.status = Status.PAUSED
        case.full_clean()
        case.save()
        _event(case, CaseEvent.Kind.PAUSED, actor, reason, now)
    return pause


def _close_pause(case: Case, actor, now: dt.datetime, *, resume: bool) -> CasePause | None:
    pause = CasePause.objects.select_for_update().filter(case=case, ended_at__isnull=True).first()
    if pause is None:
        return None
    today = timezone.localdate(now)
    pause.ended_by = actor
    pause.ended_at = now
    pause.ended_on = today
    pause.working_days = working_days_between(pause.started_on, today)
    pause.full_clean()
    pause.save()
    if resume:
        shift = pause.working_days
        period = pause.period
        if shift:
            period.deadline = add_working_days(period.deadline, shift)
            period.warning_on = min(period.deadline, add_working_days(period.warning_on, shift))
            period.paused_working_days += shift
            period.full_clean()
            period.save()
        case.step_deadline = period.deadline
        case.step_warning_on = period.warning_on
        case.status = pause.resume_status
    return pause


@transaction.atomic
def case_resume(*, case: Case, actor: User, when: dt.datetime | None = None) -> Case:
    """Start the clock again: the deadline moves by the working days the case was vilande."""
    case = _lock(case)
    _check_transition(case, Action.RESUME)
    _authorise(case, actor, Action.RESUME)
    now = when or timezone.now()
    with audit_actor(actor):
        pause = _close_pause(case, actor, now, resume=True)
        if pause is None:  # a paused case always has an open pause; repair rather than fail
            case.status = Status.ESCALATED if case.step_order > 1 else Status.OPEN
        case.full_clean()
        case.save()
        days = pause.working_days if pause else 0
        text = ngettext(
            "Ärendet var vilande %(n)s arbetsdag. Ny tidsgräns: %(date)s.",
            "Ärendet var vilande %(n)s arbetsdagar. Ny tidsgräns: %(date)s.",
            days,
        ) % {"n": days, "date": long_date(case.step_deadline)}
        _event(case, CaseEvent.Kind.RESUMED, actor, text, now)
    return case


def reopen_deadline(case: Case) -> dt.datetime | None:
    if case.resolved_at is None:
        return None
    return case.resolved_at + dt.timedelta(days=REOPEN_WITHIN_DAYS)


@transaction.atomic
def case_reopen(*, case: Case, actor: User, reason: str, notify: bool = True) -> Case:
    """Reopen a resolved case within 30 days, on the step where it was resolved, with a fresh
    period and deadline."""
    case = _lock(case)
    _check_transition(case, Action.REOPEN)
    _authorise(case, actor, Action.REOPEN)
    now = timezone.now()
    if now > reopen_deadline(case):
        raise TransitionError(
            _("Ett ärende kan bara återupptas inom %(days)s dagar från att det löstes.")
            % {"days": REOPEN_WITHIN_DAYS},
            code="reopen_too_late",
        )
    reason = _require_text(reason, _("Ange varför ärendet återupptas."), "reason")
    step = case.current_step
    with audit_actor(actor):
        period = _enter_step(case=case, step=step, when=now)
        first = LadderStep.objects.order_by("order").values_list("order", flat=True).first()
        case.status = Status.OPEN if step.order == first else Status.ESCALATED
        case.resolved_at = None
        case.full_clean()
        case.save()
        _save_period(period)
        _event(case, CaseEvent.Kind.REOPENED, actor, reason, now)
    if notify:
        _notify_handlers(period)
    return case


@transaction.atomic
def case_close(
    *, case: Case, actor: User, reason: str = "", when: dt.datetime | None = None
) -> Case:
    """Close the case for good. A resolved case: by either side (or the förvaltare). A case
    that was never resolved: only the förvaltare, with a reason (a duplicate, a mistake) —
    a party cannot end a dispute alone."""
    case = _lock(case)
    action = Action.CLOSE if case.status == Status.RESOLVED else Action.CANCEL
    _check_transition(case, action)
    _authorise(case, actor, action)
    reason = (reason or "").strip()
    if action == Action.CANCEL and not reason:
        raise ValidationError(
            {"reason": _("Ange varför ärendet avslutas utan att ha lösts.")}, code="required"
        )
    now = when or timezone.now()
    with audit_actor(actor):
        if case.status == Status.PAUSED:
            _close_pause(case, actor, now, resume=False)
        case.proposals.filter(status=ResolutionProposal.Status.PENDING).update(
            status=ResolutionProposal.Status.WITHDRAWN
        )
        case.status = Status.CLOSED
        case.closed_at = now
        case.full_clean()
        case.save()
        _end_current_period(case, now)
        _event(case, CaseEvent.Kind.CLOSED, actor, reason, now)
    return case


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
    case = _lock(case)
    _check_transition(case, Action.EDIT_DETAILS)
    _authorise(case, actor, Action.EDIT_DETAILS)
    before = (case.diarienummer, case.is_systemic, case.category_id)
    case.diarienummer = (diarienummer or "").strip()
    case.is_systemic = bool(is_systemic)
    if category is not False:
        case.category = category
    if before == (case.diarienummer, case.is_systemic, case.category_id):
        return case
    case.full_clean()
    with audit_actor(actor):
        case.save()
        parts = [f"{_('Diarienummer')}: {case.diarienummer or '–'}"]
        parts.append(_("Systemfel: ja") if case.is_systemic else _("Systemfel: nej"))
        parts.append(f"{_('Ansvarsområde')}: {case.category or '–'}")
        _event(case, CaseEvent.Kind.UPDATED, actor, "; ".join(parts))
    return case


@transaction.atomic
def handlers_sync_current(*, case: Case) -> int:
    """Add users who have come to match the current step's rules since the case entered it
    (new staff, a lead appointed later). Never removes anyone. Returns how many were added."""
    period = case.periods.filter(ended_at__isnull=True).select_related("step").first()
    if period is None or period.step is None:
        return 0
    wanted = step_handler_ids(step=period.step, case=case)
    have = set(CaseHandler.objects.filter(period=period).values_list("user_id", flat=True))
    new = wanted - have
    CaseHandler.objects.bulk_create(
        [CaseHandler(period=period, user_id=uid, case=case) for uid in sorted(new)],
        ignore_conflicts=True,
    )
    return len(new)


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
    return contact


@transaction.atomic
def contact_remove(*, actor: User, contact: CaseContact) -> None:
    if not permissions.can_manage_contacts(actor):
        raise PermissionDenied
    with audit_actor(actor):
        contact.delete()


@transaction.atomic
def mailbox_set(*, actor: User, party: Party, email: str) -> CaseMailbox | None:
    """Set (or, with an empty address, remove) a party's function address for cases."""
    if not permissions.can_manage_contacts(actor):
        raise PermissionDenied
    email = (email or "").strip()
    existing = CaseMailbox.objects.filter(party=party).first()
    with audit_actor(actor):
        if not email:
            if existing:
                existing.delete()
            return None
        mailbox = existing or CaseMailbox(party=party)
        mailbox.email = email
        mailbox.full_clean()
        mailbox.save()
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


@transaction.atomic
def ladder_step_save(*, actor: User, step: LadderStep | None = None, **fields) -> LadderStep:
    """Create or change a ladder step. Cases already on the step keep the limit and deadline
    they had when they entered it."""
    step = step or LadderStep()
    for name, value in fields.items():
        if name not in LADDER_FIELDS:
            raise TypeError(name)
        setattr(step, name, value)
    step.full_clean()
    with audit_actor(actor):
        step.save()
    return step


@transaction.atomic
def handler_rule_add(
    *, actor: User, step: LadderStep, kind: str, user: User | None = None, role: str = ""
) -> HandlerRule:
    rule = HandlerRule(step=step, kind=kind, user=user, role=role or "")
    if kind == HandlerRule.Kind.USER and user is None:
        raise ValidationError({"user": _("Välj en användare.")})
    if (
        kind
        in (
            HandlerRule.Kind.PARTY_ROLE,
            HandlerRule.Kind.DELREGION_ROLE,
            HandlerRule.Kind.COUNTY_ROLE,
        )
        and not role
    ):
        raise ValidationError({"role": _("Välj en roll.")})
    if kind != HandlerRule.Kind.USER:
        rule.user = None
    if kind in (
        HandlerRule.Kind.USER,
        HandlerRule.Kind.UNIT_LEADS,
        HandlerRule.Kind.FORVALTNING_LEADS,
    ):
        rule.role = ""
    rule.full_clean()
    with audit_actor(actor):
        rule.save()
    return rule


@transaction.atomic
def handler_rule_remove(*, actor: User, rule: HandlerRule) -> None:
    with audit_actor(actor):
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
    return token
