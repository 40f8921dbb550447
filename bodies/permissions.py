"""Who may see and do what with a joint body: ONE rule table.

A user stands in one or more *relations* to a body (:func:`relations`); ``RULES`` says what
each relation allows; :func:`allowed` is the one helper every view, service and list uses.
Tested as a table in ``bodies/tests/test_permissions.py`` and walked through the real URLs by
``security/tests/parts/bodies.py``.

Relations:

- ``forvaltare``: the system's förvaltare (superusers count): everything, every body.
- ``secretary``: a current membership of the body with the mandate *sekreterare*: keeps the
  body's meetings, agenda, outcomes, issue log and members.
- ``member``: any other current membership of the body linked to the user: reads everything
  of the body and raises issues.
- ``steering``: role Styrgrupp, for the joint steering group's body only: reads it, adds and
  edits its meeting dates and notes (issue #19 point 5).
- ``politiker``: role Politiker: reads every body, its decisions and approved minutes.
- ``public``: any signed-in user, for SRO and the reference group: their decisions and
  approved minutes.
- ``signed_in``: any signed-in user: the body's page (name, members, approved minutes list).

Actions: ``view`` (body page), ``read_record`` (decisions, approved minutes, print/PDF/XLSX),
``read_all`` (draft/called/held meetings, issue log, actions), ``edit_dates`` (create a
meeting, change its date, title and notes), ``edit`` (everything of a meeting, outcomes,
per-capsulam decisions, the issue log), ``members`` (keep the member list), ``raise`` (raise an
issue in the log).

Beyond the table: the meeting's state decides which edits exist at all
(``bodies.workflow.MEETING_FLOW`` / ``MEETING_EDITS``) — approved minutes are read-only for everyone.
"""

from enum import StrEnum

from django.utils import timezone

from core.roles import Role, has_role

STEERING_SLUG = "gemensam-styrgrupp"
PUBLIC_SLUGS = frozenset({"sro", "politisk-referensgrupp"})
SECRETARY = "sekreterare"


class Rel(StrEnum):
    FORVALTARE = "forvaltare"
    SECRETARY = "secretary"
    MEMBER = "member"
    STEERING = "steering"
    POLITIKER = "politiker"
    PUBLIC = "public"
    SIGNED_IN = "signed_in"


class Action(StrEnum):
    VIEW = "view"
    READ_RECORD = "read_record"
    READ_ALL = "read_all"
    EDIT_DATES = "edit_dates"
    EDIT = "edit"
    MEMBERS = "members"
    RAISE = "raise"


A = Action
READ = frozenset({A.VIEW, A.READ_RECORD, A.READ_ALL})

RULES: dict[Rel, frozenset[Action]] = {
    Rel.FORVALTARE: frozenset(Action),
    Rel.SECRETARY: READ | {A.EDIT_DATES, A.EDIT, A.MEMBERS, A.RAISE},
    Rel.MEMBER: READ | {A.RAISE},
    Rel.STEERING: READ | {A.EDIT_DATES, A.RAISE},
    Rel.POLITIKER: frozenset({A.VIEW, A.READ_RECORD}),
    Rel.PUBLIC: frozenset({A.VIEW, A.READ_RECORD}),
    Rel.SIGNED_IN: frozenset({A.VIEW}),
}


def _mandates(user, body) -> set[str]:
    """The mandates of the user's current memberships of the body (cached per request on the
    user object: one query per user, not one per body)."""
    cache = getattr(user, "_body_mandates", None)
    if cache is None:
        from bodies.models import Membership

        today = timezone.localdate()
        cache = {}
        for body_id, mandate, start, end in Membership.objects.filter(user=user).values_list(
            "body_id", "mandate", "term_start", "term_end"
        ):
            if (start is None or start <= today) and (end is None or end >= today):
                cache.setdefault(body_id, set()).add(mandate)
        user._body_mandates = cache
    return cache.get(body.pk, set())


def relations(user, body) -> set[Rel]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    rels = {Rel.SIGNED_IN}
    if has_role(user, Role.FORVALTARE):
        rels.add(Rel.FORVALTARE)
    mandates = _mandates(user, body)
    if SECRETARY in mandates:
        rels.add(Rel.SECRETARY)
    if mandates - {SECRETARY}:
        rels.add(Rel.MEMBER)
    if body.slug == STEERING_SLUG and has_role(user, Role.STYRGRUPP):
        rels.add(Rel.STEERING)
    if has_role(user, Role.POLITIKER):
        rels.add(Rel.POLITIKER)
    if body.slug in PUBLIC_SLUGS:
        rels.add(Rel.PUBLIC)
    return rels


def actions(user, body) -> frozenset[Action]:
    out: set[Action] = set()
    for rel in relations(user, body):
        out |= RULES[rel]
    return frozenset(out)


def allowed(user, body, action: Action | str) -> bool:
    return Action(action) in actions(user, body)


def can_see_meeting(user, meeting) -> bool:
    """Approved minutes need ``read_record``; any earlier state ``read_all``."""
    from bodies.models import Meeting

    need = A.READ_RECORD if meeting.state == Meeting.State.APPROVED else A.READ_ALL
    return allowed(user, meeting.body, need)


def can_complete(user, outcome) -> bool:
    """An action's owner (or whoever edits the body) marks it done."""
    if outcome.kind != "atgard":
        return False
    return (outcome.owner_id is not None and outcome.owner_id == getattr(user, "pk", None)) or (
        allowed(user, outcome.body, A.EDIT)
    )


# --- predicates for the views (core.permissions: ``see`` → 404, ``predicate`` → 403) -------
def _body_of(obj):
    """The body an object of the app belongs to (a body, meeting, item, outcome, issue…)."""
    for path in ("meeting", "item"):
        if hasattr(obj, f"{path}_id") and getattr(obj, f"{path}_id", None) is not None:
            return _body_of(getattr(obj, path))
    return getattr(obj, "body", obj)


def may(action: Action | str):
    """The predicate ``allowed(user, <the object's body>, action)``."""
    action = Action(action)

    def predicate(user, obj) -> bool:
        return allowed(user, _body_of(obj), action)

    predicate.__name__ = f"may_{action.value}"
    return predicate


def owns_an_action(user, meeting) -> bool:
    """An action's owner reads the meeting that gave it (the e-mail and Min sida link to it),
    even without being a member of the body (the meeting's items and outcomes prefetched)."""
    return any(o.owner_id == user.pk for item in meeting.items.all() for o in item.outcomes.all())


def can_read_meeting(user, meeting) -> bool:
    return can_see_meeting(user, meeting) or owns_an_action(user, meeting)


def can_see_meeting_of(user, obj) -> bool:
    """For an agenda item, outcome or participant row: may the user see its meeting?"""
    meeting = obj.meeting if hasattr(obj, "meeting_id") else obj.item.meeting
    return can_see_meeting(user, meeting)


def can_read_issue(user, issue) -> bool:
    """The body's readers, and whoever raised the issue."""
    return allowed(user, issue.body, A.READ_ALL) or issue.raised_by_id == getattr(user, "pk", None)
