"""Every non-trivial read of the escalation app, with bounded query counts.

:func:`cases_visible_to` is the one rule for who sees a case; lists, counts, exports, the
calendar feed and the detail page all start from it.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import (
    Count,
    Exists,
    F,
    IntegerField,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Window,
)
from django.db.models.functions import RowNumber
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from escalation import permissions
from escalation.models import (
    Attachment,
    Case,
    CaseContact,
    CaseEvent,
    CaseHandler,
    CaseMailbox,
    CasePause,
    CaseStepPeriod,
    LadderStep,
    ResolutionProposal,
)

COLUMN_LIMIT = 10  # cases drawn per ladder column (nearest deadline first); the rest: the list


def cases_visible_to(user) -> QuerySet[Case]:
    """The cases ``user`` may see, as the rule table says (``escalation.permissions``): the
    relations that read every case (förvaltare, styrgrupp, registrator), the two parties'
    members (leads, ärendeansvariga, the opener among them), the leads of the two units and
    their förvaltningar, and the handlers of every step the case has reached. Everyone else
    sees nothing."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return Case.objects.none()
    if permissions.sees_every_case(user):
        return Case.objects.all()
    handled = CaseHandler.objects.filter(case=OuterRef("pk"), user=user)
    contact = CaseContact.objects.filter(
        Q(party=OuterRef("reporting_party_id")) | Q(party=OuterRef("receiving_party_id")),
        user=user,
    )
    query = Q(Exists(handled)) | Q(Exists(contact)) | Q(opened_by=user)
    if user.party_id:
        # A lead of either unit or of its förvaltning (normally a party member anyway; kept
        # for a lead appointed across parties). An inline subquery: no extra round trip.
        led = _led_units(user)
        query |= Q(reporting_unit_id__in=led) | Q(receiving_unit_id__in=led)
        query |= Q(reporting_unit__parent_id__in=led) | Q(receiving_unit__parent_id__in=led)
        query |= Q(reporting_party_id=user.party_id) | Q(receiving_party_id=user.party_id)
    return Case.objects.filter(query)


def _led_units(user):
    from implementation.models import MembershipRole, UnitMembership

    return UnitMembership.objects.filter(
        user=user, role=MembershipRole.LEAD, is_active=True
    ).values("unit_id")


def case_facts(case: Case) -> permissions.CaseFacts:
    """What the rule table needs about ``case`` (three queries; see ``CaseFacts``)."""
    from implementation.selectors import leads_for_units

    current, earlier = set(), set()
    links = CaseHandler.objects.filter(case=case).values_list("user_id", "period__ended_at")
    for user_id, ended in links:
        (earlier if ended else current).add(user_id)
    earlier -= current
    unit_party = {}
    for unit in (case.reporting_unit, case.receiving_unit):
        if unit is not None:
            unit_party[unit.pk] = unit.party_id
            if unit.parent_id:
                unit_party[unit.parent_id] = unit.party_id
    leads: dict[int, set[int]] = {}
    if unit_party:
        for unit_id, users in leads_for_units(sorted(unit_party)).items():
            leads.setdefault(unit_party[unit_id], set()).update(u.pk for u in users)
    contacts: dict[int, set[int]] = {}
    for party_id, user_id in CaseContact.objects.filter(
        party_id__in=[case.reporting_party_id, case.receiving_party_id], user__is_active=True
    ).values_list("party_id", "user_id"):
        contacts.setdefault(party_id, set()).add(user_id)
    return permissions.CaseFacts(
        current_handlers=current, earlier_handlers=earlier, leads=leads, contacts=contacts
    )


def case_detail(*, user, pk: int) -> Case | None:
    """The case with everything its page shows, or None if ``user`` may not see it."""
    periods = CaseStepPeriod.objects.order_by("started_at", "pk").prefetch_related(
        Prefetch("handlers", queryset=_user_queryset())
    )
    events = CaseEvent.objects.select_related("actor").order_by("created_at", "pk")
    proposals = ResolutionProposal.objects.select_related(
        "proposed_by", "proposing_party", "answered_by", "answering_party"
    ).order_by("proposed_at", "pk")
    pauses = CasePause.objects.select_related("started_by", "ended_by").order_by("started_at")
    # Six joins and three small prefetches: PostgreSQL plans a join of eight or more tables
    # (or the visibility rule's ORs of subqueries) in 10-20 ms, several times the rest of the
    # page; this way each query plans in about a millisecond (bench: "eskalering: ärende").
    case = (
        Case.objects.select_related(
            "agreement",
            "reporting_party",
            "receiving_party",
            "reporting_unit",
            "receiving_unit",
            "opened_by",
        )
        .prefetch_related(
            "category",
            "delregion",
            Prefetch("current_step", queryset=LadderStep.objects.select_related("body")),
            Prefetch("periods", queryset=periods),
            Prefetch("events", queryset=events),
            Prefetch("proposals", queryset=proposals),
            Prefetch("pauses", queryset=pauses),
            # Every attachment of the case in one query, shared out below: the case's own
            # and each event's (two prefetches cost a query more on every page view).
            Prefetch(
                "attachments",
                queryset=Attachment.objects.select_related("uploaded_by").order_by("pk"),
                to_attr="all_attachments",
            ),
        )
        .filter(pk=pk)
        .first()
    )
    if case is None:
        return None
    by_event: dict[int | None, list[Attachment]] = {}
    for attachment in case.all_attachments:
        by_event.setdefault(attachment.event_id, []).append(attachment)
    case.case_attachments = by_event.get(None, [])
    for event in case.events.all():
        event.event_attachments = by_event.get(event.pk, [])
    # Whether ``user`` may see it: the rule table itself (escalation.permissions), on the facts
    # the page needs anyway (kept on the case for the view).
    case.facts = case_facts(case)
    if not permissions.allowed(user, case, permissions.Action.VIEW, case.facts):
        return None
    return case


def attachment_for(*, user, case_pk: int, pk: int) -> Attachment | None:
    """An attachment of a case ``user`` may read, or None (the download view's 404)."""
    return (
        Attachment.objects.filter(case__in=cases_visible_to(user), case_id=case_pk, pk=pk)
        .select_related("case")
        .first()
    )


def contacts_overview() -> list[dict]:
    """Every party with its ärendeansvariga and function address (the förvaltare's page)."""
    from agreements.models import Party

    contacts: dict[int, list] = {}
    for contact in CaseContact.objects.select_related("user").order_by(
        "user__first_name", "user__last_name"
    ):
        contacts.setdefault(contact.party_id, []).append(contact)
    mailboxes = {m.party_id: m for m in CaseMailbox.objects.all()}
    return [
        {"party": party, "contacts": contacts.get(party.pk, []), "mailbox": mailboxes.get(party.pk)}
        for party in Party.objects.agreement_parties().order_by("kind", "name")
    ]


def _user_queryset():
    from accounts.models import User

    return User.objects.select_related("party").order_by("first_name", "last_name")


# --- filters and lists --------------------------------------------------------------------
@dataclass
class CaseFilters:
    kind: str = ""
    agreement: int | None = None
    party: int | None = None
    delregion: int | None = None
    status: str = ""
    step: int | None = None
    overdue: bool = False
    active_only: bool = False
    handled_by_me: bool = False
    category: int | None = None


def _apply(qs: QuerySet[Case], filters: CaseFilters, user, today: dt.date) -> QuerySet[Case]:
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.agreement:
        qs = qs.filter(agreement_id=filters.agreement)
    if filters.party:
        qs = qs.filter(Q(reporting_party_id=filters.party) | Q(receiving_party_id=filters.party))
    if filters.delregion:
        qs = qs.filter(delregion_id=filters.delregion)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.step:
        qs = qs.filter(current_step_id=filters.step)
    if filters.category:
        qs = qs.filter(category_id=filters.category)
    if filters.active_only:
        qs = qs.filter(status__in=Case.ONGOING)
    if filters.overdue:
        qs = qs.filter(status__in=Case.ACTIVE, step_deadline__lt=today)
    if filters.handled_by_me:
        periods = CaseStepPeriod.objects.filter(ended_at__isnull=True, case=OuterRef("case_id"))
        mine = CaseHandler.objects.filter(
            case=OuterRef("pk"), user=user, period__in=periods.values("pk")
        )
        qs = qs.filter(Exists(mine))
    return qs


def case_list(*, user, filters: CaseFilters | None = None, today: dt.date | None = None):
    """The visible cases matching the filters, with what a row shows."""
    today = today or timezone.localdate()
    qs = _apply(cases_visible_to(user), filters or CaseFilters(), user, today)
    return qs.select_related("reporting_party", "receiving_party", "current_step").order_by(
        "step_deadline", "pk"
    )


def deadline_state(case: Case, today: dt.date) -> str:
    """ "overdue", "warning" or "" for an active case; "" for the others."""
    if case.status not in Case.ACTIVE:
        return ""
    if case.step_deadline < today:
        return "overdue"
    if case.step_warning_on <= today:
        return "warning"
    return ""


STATUS_CLASS = {
    Case.Status.OPEN: "status-info",
    Case.Status.ESCALATED: "status-warn",
    Case.Status.PAUSED: "status-neutral",
    Case.Status.RESOLVED: "status-ok",
    Case.Status.CLOSED: "status-neutral",
}


def _choice_labels(choices) -> dict[str, str]:
    """{value: label} in the active language, each label translated once (``get_X_display``
    per row re-translates every choice of the field)."""
    return {value: str(label) for value, label in choices}


def decorate(cases, today: dt.date) -> list[Case]:
    """Add what the templates show: deadline state and its label, the status badge's class
    and label, the kind's label, age in days, days left. Computed once here, so long lists
    render fast."""
    labels = {"overdue": _("Försenat"), "warning": _("Snart tidsgräns"), "": ""}
    classes = {"overdue": "status-bad", "warning": "status-warn", "": ""}
    kinds, statuses = _choice_labels(Case.Kind.choices), _choice_labels(Case.Status.choices)
    rows = list(cases)
    for case in rows:
        case.kind_label = kinds.get(case.kind, case.kind)
        case.status_label = statuses.get(case.status, case.status)
        case.deadline_state = deadline_state(case, today)
        case.deadline_label = labels[case.deadline_state]
        case.deadline_class = classes[case.deadline_state]
        case.status_class = STATUS_CLASS.get(case.status, "status-neutral")
        case.age_days = (today - timezone.localdate(case.opened_at)).days
        case.age_label = ngettext("%(n)s dag", "%(n)s dagar", case.age_days) % {"n": case.age_days}
        case.days_left = (case.step_deadline - today).days
    return rows


@dataclass
class Column:
    step: LadderStep
    cases: list[Case] = field(default_factory=list)
    total: int = 0
    overdue: int = 0
    warning: int = 0

    @property
    def hidden(self) -> int:
        return max(0, self.total - len(self.cases))


# What a ladder card shows (escalation_cards.case_card after decorate): loading only these
# keeps fifty cards cheap to build.
CARD_FIELDS = (
    "title",
    "kind",
    "status",
    "current_step_id",
    "step_deadline",
    "step_warning_on",
    "opened_at",
    "reporting_party__name",
    "receiving_party__name",
)


def ladder_overview(
    *, user, filters: CaseFilters | None = None, today: dt.date | None = None
) -> list[Column]:
    """The ladder as columns, each with the first ``COLUMN_LIMIT`` cases by deadline and the
    counts of all of them. Four queries whatever the number of cases."""
    today = today or timezone.localdate()
    filters = filters or CaseFilters()
    steps = list(LadderStep.objects.select_related("body").order_by("order"))
    columns = {step.pk: Column(step=step) for step in steps}
    base = _apply(cases_visible_to(user), filters, user, today)
    if not filters.status:
        base = base.filter(status__in=Case.ONGOING)
    counts = base.values("current_step_id").annotate(
        total=Count("pk"),
        overdue=Count("pk", filter=Q(status__in=Case.ACTIVE, step_deadline__lt=today)),
        warning=Count(
            "pk",
            filter=Q(status__in=Case.ACTIVE, step_deadline__gte=today, step_warning_on__lte=today),
        ),
    )
    for row in counts.order_by():
        column = columns.get(row["current_step_id"])
        if column:
            column.total, column.overdue, column.warning = (
                row["total"],
                row["overdue"],
                row["warning"],
            )
    # Rank without joins first (cheap over thousands of rows), then fetch the few shown. The
    # counts as window aggregates in the ranking query instead were measured slower on SQLite
    # (3.2 ms against 0.8 + 1.6 ms over 2 000 active cases): two window sorts.
    shown = (
        base.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("current_step_id")],
                order_by=[F("step_deadline").asc(), F("pk").asc()],
                output_field=IntegerField(),
            )
        )
        .filter(rank__lte=COLUMN_LIMIT)
        .values_list("pk", flat=True)
    )
    ranked = (
        Case.objects.filter(pk__in=list(shown))
        .select_related("reporting_party", "receiving_party")
        .only(*CARD_FIELDS)
        .order_by("step_deadline", "pk")
    )
    for case in decorate(ranked, today):
        if case.current_step_id in columns:
            columns[case.current_step_id].cases.append(case)
    return list(columns.values())


def case_export_rows(*, user, filters: CaseFilters | None = None, today=None):
    """Rows for the XLSX/CSV export of what the user may see (one query)."""
    today = today or timezone.localdate()
    headers = [
        "Ärende",
        "Diarienummer",
        "Typ",
        "Rubrik",
        "Överenskommelse",
        "Anmälande part",
        "Anmälande enhet",
        "Mottagande part",
        "Mottagande enhet",
        "Delregion",
        "Steg",
        "Status",
        "Steget påbörjat",
        "Tidsgräns",
        "Försenat",
        "Öppnat",
        "Ålder (dagar)",
        "Systemfel",
        "Utfall",
        "Beslut",
    ]
    qs = case_list(user=user, filters=filters, today=today).select_related(
        "agreement", "delregion", "reporting_unit", "receiving_unit"
    )
    rows = []
    for case in decorate(qs, today):
        rows.append(
            [
                case.reference,
                case.diarienummer,
                case.kind_label,
                case.title,
                str(case.agreement),
                str(case.reporting_party),
                str(case.reporting_unit or ""),
                str(case.receiving_party),
                str(case.receiving_unit or ""),
                str(case.delregion or ""),
                f"{case.step_order}. {case.current_step.name}",
                case.status_label,
                case.step_started_on,
                case.step_deadline,
                case.deadline_state == "overdue",
                case.opened_at,
                case.age_days,
                case.is_systemic,
                case.outcome,
                case.decision,
            ]
        )
    return headers, rows


def calendar_cases_for(user) -> QuerySet[Case]:
    """Active cases whose current step ``user`` handles (for the calendar feed)."""
    # "pk IN (the user's current handler links)": one pass over the user's links, not a
    # probe per active case.
    mine = CaseHandler.objects.filter(user=user, period__ended_at__isnull=True).values("case_id")
    return (
        Case.objects.filter(status__in=Case.ACTIVE, pk__in=mine)
        .select_related("reporting_party", "receiving_party", "current_step")
        .order_by("step_deadline", "pk")
    )


# --- the dashboard's figures are in escalation.figures ---------------------------------------
def ladder_with_rules() -> list[LadderStep]:
    return list(
        LadderStep.objects.select_related("body")
        .prefetch_related("rules__user__party")
        .order_by("order")
    )
