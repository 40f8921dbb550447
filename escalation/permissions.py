"""Who may see and do what with the ladder and its cases: ONE rule table.

A user stands in one or more *relations* to a case (:func:`relations`); ``RULES`` says what
each relation allows; :func:`allowed` is the one helper every view, service and list uses. The
table is tested as one parametrised test (``escalation/tests/test_rules.py``): relation ×
action → allowed, and each cell is walked through the real views with the database compared
before and after a refused POST (``security/tests/test_escalation_rules.py``).

Relations (a user can have several; what any of them allows is allowed):

- ``forvaltare``: the system's förvaltare (superusers count).
- ``unit_lead``: a lead of the reporting or receiving unit, or of that unit's förvaltning.
- ``case_contact``: an ärendeansvarig of one of the two parties (appointed per party by the
  förvaltare; stands in for the coordinators of the onboarding work).
- ``opener``: the person who opened the case, while still a member of the reporting party.
- ``side_handler``: a handler of the step the case stands on now, who belongs to one of the
  two parties (a lead the step's rules made a handler).
- ``body_handler``: a handler of the current step who is not on either side — the step's body
  (styrgrupp, SRO, the delregion's group, a named person): records the body's decision.
- ``earlier_handler``: handled an earlier step. Reads the case; does not comment — the step is
  over, and what such a person still has to say goes through the side they belong to.
- ``party_member``: anyone else in one of the two parties (e.g. a VGR lead of another
  förvaltning). Reads; does not act.
- ``styrgrupp``, ``registrator``: read every case; act only as current handlers.
- ``outsider``: none of the above. Sees nothing (404).

Actions: ``view``, ``download`` (attachments), ``comment``, ``attach``, ``edit_details``
(diarienummer, systemfel, ansvarsområde), ``escalate``, ``pause``, ``resume``, ``propose`` (a
resolution), ``answer`` (confirm or reject the other side's proposal), ``decide`` (record the
current body's decision, which resolves the case), ``reopen``, ``close`` (a resolved case),
``cancel`` (close a case that was never resolved: administrative, förvaltare only).

Beyond the table: the case's status decides which actions exist at all
(``escalation.workflow.CASE_FLOW``), ``propose`` needs a side and ``answer`` the *other*
side than the proposal's (:func:`sides`), so no party resolves a case alone.

Views name these rules through ``core.permissions.permission_required_for``: :func:`may` turns
an action of the table into a view predicate ``(user, case) -> bool``.
"""

from enum import StrEnum

from core.roles import Role, has_role
from escalation.models import Case


class Rel(StrEnum):
    FORVALTARE = "forvaltare"
    UNIT_LEAD = "unit_lead"
    CASE_CONTACT = "case_contact"
    OPENER = "opener"
    SIDE_HANDLER = "side_handler"
    BODY_HANDLER = "body_handler"
    EARLIER_HANDLER = "earlier_handler"
    PARTY_MEMBER = "party_member"
    STYRGRUPP = "styrgrupp"
    REGISTRATOR = "registrator"
    OUTSIDER = "outsider"


class Action(StrEnum):
    VIEW = "view"
    DOWNLOAD = "download"
    COMMENT = "comment"
    ATTACH = "attach"
    EDIT_DETAILS = "edit_details"
    ESCALATE = "escalate"
    PAUSE = "pause"
    RESUME = "resume"
    PROPOSE = "propose"
    ANSWER = "answer"
    DECIDE = "decide"
    REOPEN = "reopen"
    CLOSE = "close"
    CANCEL = "cancel"


A = Action
READ = frozenset({A.VIEW, A.DOWNLOAD})
WORK = READ | {A.COMMENT, A.ATTACH, A.EDIT_DETAILS, A.ESCALATE, A.PAUSE, A.RESUME}
SIDE = WORK | {A.PROPOSE, A.ANSWER, A.REOPEN, A.CLOSE}

RULES: dict[Rel, frozenset[Action]] = {
    Rel.FORVALTARE: WORK | {A.DECIDE, A.REOPEN, A.CLOSE, A.CANCEL},
    Rel.UNIT_LEAD: SIDE,
    Rel.CASE_CONTACT: SIDE,
    Rel.OPENER: SIDE,
    Rel.SIDE_HANDLER: SIDE,
    Rel.BODY_HANDLER: WORK | {A.DECIDE},
    Rel.EARLIER_HANDLER: READ,
    Rel.PARTY_MEMBER: READ,
    Rel.STYRGRUPP: READ,
    Rel.REGISTRATOR: READ,
    Rel.OUTSIDER: frozenset(),
}

# Relations through which a user acts for a party (and so can propose or answer).
SIDE_RELATIONS = frozenset({Rel.UNIT_LEAD, Rel.CASE_CONTACT, Rel.OPENER, Rel.SIDE_HANDLER})
# Roles that speak for a joint body, not for their party, when they handle a step.
BODY_ROLES = (Role.STYRGRUPP, Role.REGISTRATOR)


class CaseFacts:
    """What :func:`relations` needs to know about a case beyond its own columns, read once per
    page (``escalation.selectors.case_facts``): the current and earlier handlers, the leads of
    the two units and their förvaltningar per party, the parties' ärendeansvariga."""

    def __init__(
        self,
        *,
        current_handlers: set[int],
        earlier_handlers: set[int],
        leads: dict[int, set[int]],
        contacts: dict[int, set[int]],
    ):
        self.current_handlers = current_handlers
        self.earlier_handlers = earlier_handlers
        self.leads = leads  # party id -> user ids
        self.contacts = contacts  # party id -> user ids


def _active(user) -> bool:
    return bool(getattr(user, "is_authenticated", False) and user.is_active)


def relations(user, case, facts: CaseFacts) -> frozenset[Rel]:
    if not _active(user):
        return frozenset({Rel.OUTSIDER})
    parties = (case.reporting_party_id, case.receiving_party_id)
    found = set()
    if has_role(user, Role.FORVALTARE):
        found.add(Rel.FORVALTARE)
    if has_role(user, Role.STYRGRUPP):
        found.add(Rel.STYRGRUPP)
    if has_role(user, Role.REGISTRATOR):
        found.add(Rel.REGISTRATOR)
    if any(user.pk in facts.leads.get(p, ()) for p in parties):
        found.add(Rel.UNIT_LEAD)
    if any(user.pk in facts.contacts.get(p, ()) for p in parties):
        found.add(Rel.CASE_CONTACT)
    if user.pk == case.opened_by_id and user.party_id == case.reporting_party_id:
        found.add(Rel.OPENER)
    if user.pk in facts.current_handlers:
        on_side = user.party_id in parties and user.role not in BODY_ROLES
        found.add(Rel.SIDE_HANDLER if on_side else Rel.BODY_HANDLER)
    elif user.pk in facts.earlier_handlers:
        found.add(Rel.EARLIER_HANDLER)
    if user.party_id in parties:
        found.add(Rel.PARTY_MEMBER)
    return frozenset(found or {Rel.OUTSIDER})


def actions_for(rels) -> frozenset[Action]:
    result: set[Action] = set()
    for rel in rels:
        result |= RULES[rel]
    return frozenset(result)


def allowed(user, case, action: Action | str, facts: CaseFacts) -> bool:
    """The one check: may ``user`` do ``action`` on ``case`` (status aside)?"""
    return Action(action) in actions_for(relations(user, case, facts))


def may(action: Action):
    """The table's verdict on ``action`` as a view predicate ``(user, case) -> bool`` for
    ``core.permissions``. The case carries its facts (``escalation.selectors.case_detail``
    reads them with the page)."""

    def predicate(user, case) -> bool:
        return allowed(user, case, action, case.facts)

    predicate.__name__ = f"may_{action}"
    return predicate


can_view = may(Action.VIEW)


def can_close(user, case) -> bool:
    """Closing a resolved case (``close``) or cancelling one that never was (``cancel``)."""
    action = Action.CLOSE if case.status == Case.Status.RESOLVED else Action.CANCEL
    return allowed(user, case, action, case.facts)


def can_download(user, attachment) -> bool:
    """An attachment is read by those who may read its case."""
    return allowed(user, attachment.case, Action.DOWNLOAD, attachment.case.facts)


def sides(user, case, facts: CaseFacts) -> set[int]:
    """The parties ``user`` acts for in ``case`` (ids; empty for the body and the förvaltare)."""
    if not _active(user):
        return set()
    result = set()
    for party in (case.reporting_party_id, case.receiving_party_id):
        if user.pk in facts.leads.get(party, ()) or user.pk in facts.contacts.get(party, ()):
            result.add(party)
    if user.pk == case.opened_by_id and user.party_id == case.reporting_party_id:
        result.add(case.reporting_party_id)
    if (
        user.pk in facts.current_handlers
        and user.party_id in (case.reporting_party_id, case.receiving_party_id)
        and user.role not in BODY_ROLES
    ):
        result.add(user.party_id)
    return result


# --- outside a case ------------------------------------------------------------------------
def can_manage_ladder(user) -> bool:
    return has_role(user, Role.FORVALTARE)


def can_manage_step(user, _step_or_rule) -> bool:
    """A ladder step or one of its rules: the förvaltare (as :func:`can_manage_ladder`)."""
    return can_manage_ladder(user)


def can_manage_contacts(user) -> bool:
    """Appointing the parties' ärendeansvariga and function addresses: the förvaltare."""
    return has_role(user, Role.FORVALTARE)


def can_manage_contact(user, _contact) -> bool:
    """One appointed ärendeansvarig: the förvaltare (as :func:`can_manage_contacts`)."""
    return can_manage_contacts(user)


def sees_every_case(user) -> bool:
    """The relations that read every case whatever their party (see ``RULES``)."""
    return has_role(user, Role.FORVALTARE, Role.STYRGRUPP, Role.REGISTRATOR)


def can_open_case(user) -> bool:
    """Any user who belongs to a party may raise a case on its behalf; a förvaltare may
    register one for any party. Styrgrupp and registrator do not raise cases."""
    if not _active(user):
        return False
    if has_role(user, Role.FORVALTARE):
        return True
    return bool(user.party_id) and not has_role(user, Role.STYRGRUPP, Role.REGISTRATOR)


def may_report_for_any_party(user) -> bool:
    return has_role(user, Role.FORVALTARE)
