"""Every non-trivial read of the bodies app (bounded queries)."""

import datetime as dt

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils import timezone

from agreements.models import JointBody
from bodies.models import AgendaItem, Issue, IssueMove, Meeting, Membership, Outcome
from bodies.permissions import Action, actions


def _current(on: dt.date | None = None) -> Q:
    on = on or timezone.localdate()
    return (Q(term_start__isnull=True) | Q(term_start__lte=on)) & (
        Q(term_end__isnull=True) | Q(term_end__gte=on)
    )


def current_members(body: JointBody, on: dt.date | None = None) -> list[Membership]:
    """The body's members whose term covers ``on`` (today), chair first."""
    order = {m: i for i, m in enumerate(Membership.Mandate.values)}
    rows = list(Membership.objects.filter(_current(on), body=body).select_related("user"))
    rows.sort(key=lambda m: (order.get(m.mandate, 99), m.name.casefold()))
    return rows


def member_recipients(body: JointBody) -> list[tuple[str, str]]:
    """(name, e-mail) of the body's current members who have an e-mail address (the member
    record's own address, else their portal account's), each address once, in name order.
    One query."""
    seen: set[str] = set()
    out: list[tuple[str, str]] = []
    for member in current_members(body):
        email = (member.email or (member.user.email if member.user_id else "") or "").strip()
        if not email or email.lower() in seen:
            continue
        seen.add(email.lower())
        out.append((member.name, email))
    return sorted(out, key=lambda pair: pair[0].casefold())


def bodies_for_select() -> list[JointBody]:
    """The joint bodies that have at least one current member, for a <select> (name order).
    One query."""
    today = timezone.localdate()
    return list(
        JointBody.objects.annotate(
            n_members=Count(
                "memberships",
                filter=(
                    Q(memberships__term_start__isnull=True) | Q(memberships__term_start__lte=today)
                )
                & (Q(memberships__term_end__isnull=True) | Q(memberships__term_end__gte=today)),
            )
        )
        .filter(n_members__gt=0)
        .order_by("name")
    )


# --- pages -----------------------------------------------------------------------------------
def bodies_with_counts() -> list[JointBody]:
    """Every joint body with its number of current members and meetings. One query."""
    today = timezone.localdate()
    return list(
        JointBody.objects.annotate(
            n_members=Count(
                "memberships",
                filter=(
                    Q(memberships__term_start__isnull=True) | Q(memberships__term_start__lte=today)
                )
                & (Q(memberships__term_end__isnull=True) | Q(memberships__term_end__gte=today)),
                distinct=True,
            ),
        ).order_by("name")
    )


def visible_meetings(user, body: JointBody) -> QuerySet[Meeting]:
    """The body's meetings the user may open: all of them with ``read_all``, the approved
    ones with ``read_record``, none otherwise."""
    allowed = actions(user, body)
    qs = Meeting.objects.filter(body=body).order_by("-date", "-pk")
    if Action.READ_ALL in allowed:
        return qs
    if Action.READ_RECORD in allowed:
        return qs.filter(state=Meeting.State.APPROVED)
    return qs.none()


def decisions_of(body: JointBody, *, limit: int | None = None) -> list[Outcome]:
    """Decisions and actions of the body, meeting ones and per capsulam, newest first. Only
    approved minutes' outcomes count for readers of the record (decisions of a meeting stand
    when its minutes are approved); per-capsulam decisions stand at once."""
    qs = (
        Outcome.objects.filter(body=body)
        .filter(Q(per_capsulam=True) | Q(item__meeting__state=Meeting.State.APPROVED))
        .select_related("item__meeting", "owner")
        .prefetch_related("agreed")
        .order_by("-decided_on", "-item__meeting__date", "item__order", "pk")
    )
    return list(qs[:limit] if limit else qs)


def meeting_detail(pk: int) -> Meeting:
    """A meeting with its body, participants, items and their outcomes. Five queries."""
    return (
        Meeting.objects.select_related("body", "approved_by", "created_by")
        .prefetch_related(
            "participants",
            Prefetch(
                "items",
                queryset=AgendaItem.objects.select_related("issue").prefetch_related(
                    Prefetch("outcomes", queryset=Outcome.objects.select_related("owner"))
                ),
            ),
        )
        .get(pk=pk)
    )


def issues_of(body: JointBody) -> QuerySet[Issue]:
    return (
        Issue.objects.filter(body=body).select_related("raised_by").order_by("-created_at", "-pk")
    )


def issue_detail(pk: int) -> Issue:
    return (
        Issue.objects.select_related("body", "raised_by", "created_by")
        .prefetch_related(
            Prefetch(
                "moves",
                queryset=IssueMove.objects.select_related("from_body", "to_body", "moved_by"),
            ),
            Prefetch("agenda_items", queryset=AgendaItem.objects.select_related("meeting")),
        )
        .get(pk=pk)
    )


def actions_for(user, *, open_only: bool = True) -> list[Outcome]:
    """The user's actions from joint bodies, soonest due first. One query."""
    qs = Outcome.objects.filter(kind=Outcome.Kind.ACTION, owner=user)
    if open_only:
        qs = qs.filter(done_at__isnull=True)
    return list(qs.select_related("body", "item__meeting").order_by("due_date", "pk")[:200])


def export_rows(body: JointBody) -> list[Outcome]:
    """Decisions and actions of a body for the XLSX (approved minutes and per capsulam)."""
    return [o for o in decisions_of(body) if o.kind != Outcome.Kind.INFORMATION]


# --- for the dashboard (hosavtal) --------------------------------------------------------------
STEERING_SLUG = "gemensam-styrgrupp"


def meeting_bodies() -> list[JointBody]:
    """The bodies a dashboard can count "since the last meeting" from (every body)."""
    return list(JointBody.objects.order_by("name"))


def body_by_slug(slug: str) -> JointBody | None:
    return JointBody.objects.filter(slug=slug).first()


def meeting_dates(body: JointBody | None) -> list[Meeting]:
    """A body's meetings (date, title, state) newest first, for "since the last meeting".
    One query; only the few columns the dashboard needs."""
    if body is None:
        return []
    return list(
        Meeting.objects.filter(body=body)
        .only("pk", "body_id", "date", "title", "note", "state", "start_time")
        .order_by("-date", "-pk")
    )


def dashboard_meeting(pk: int) -> Meeting | None:
    return Meeting.objects.select_related("body").filter(pk=pk).first()


def action_owner_candidates(body: JointBody) -> list:
    """Who an action can be given to: people with a membership of any joint body, and the
    portal's steering-group members, registrators, coordinators and förvaltare. One query."""
    from accounts.models import User
    from core.roles import Role

    return list(
        User.objects.filter(is_active=True)
        .filter(
            Q(body_memberships__isnull=False)
            | Q(role__in=(Role.STYRGRUPP, Role.FORVALTARE, Role.REGISTRATOR, Role.SAMORDNARE))
        )
        .distinct()
        .order_by("first_name", "last_name", "username")[:500]
    )


def meetings_of_slug(slug: str = "") -> tuple[JointBody | None, list[Meeting]]:
    """The body named by ``slug`` (the steering group by default) and its meetings, newest
    first, for "since the last meeting": one query (a second only for a body without
    meetings or an unknown slug)."""
    slug = slug or STEERING_SLUG
    meetings = list(
        Meeting.objects.filter(body__slug=slug)
        .select_related("body")
        .only("pk", "date", "title", "note", "state", "start_time", "body")
        .order_by("-date", "-pk")
    )
    if meetings:
        return meetings[0].body, meetings
    body = JointBody.objects.filter(slug__in={slug, STEERING_SLUG}).order_by("pk")
    found = {b.slug: b for b in body}
    chosen = found.get(slug) or found.get(STEERING_SLUG)
    if chosen is not None and chosen.slug != slug:
        return meetings_of_slug(STEERING_SLUG)
    return chosen, []
