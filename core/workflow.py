"""One type for every transition table in the portal.

A stateful model (a case, a meeting, a conference, a progress row, an invitation…) declares
its moves as one :class:`Workflow` next to its status choices. Services ask the workflow
whether an action is allowed and where it leads; views ask it which actions to offer. There is
no other place a status may change.

Two shapes of table occur and both are this type:

* **named actions** (``Transition("escalate", sources={"open"}, target="escalated")``): the
  user does something ("eskalera", "justera"), which moves the object from any of ``sources``
  to ``target``; ``target=None`` means the action is allowed there but keeps the state
  (e.g. editing the agenda only while a meeting is planned);
* **state to state** (:meth:`Workflow.from_moves`): the user picks the next status from a list,
  and the action's name is the target state itself.
"""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _


class TransitionError(ValidationError):
    """A move the table does not allow (shown to the user as a form error)."""


@dataclass(frozen=True)
class Transition:
    action: str
    sources: frozenset[str]
    target: str | None = None
    label: str = ""

    def __init__(self, action: str, *, sources: Iterable[str], target: str | None = None, label=""):
        object.__setattr__(self, "action", action)
        object.__setattr__(self, "sources", frozenset(sources))
        object.__setattr__(self, "target", target)
        object.__setattr__(self, "label", label or action)

    def leads_from(self, state: str) -> str:
        """The state after this action taken in ``state``."""
        return state if self.target is None else self.target


@dataclass(frozen=True)
class Workflow:
    """The allowed moves of one kind of object, by action name (in declaration order)."""

    name: str
    transitions: tuple[Transition, ...]
    _by_action: dict[str, Transition] = field(init=False, repr=False, compare=False)

    def __init__(self, name: str, transitions: Iterable[Transition]):
        object.__setattr__(self, "name", name)
        object.__setattr__(self, "transitions", tuple(transitions))
        by_action = {}
        for transition in self.transitions:
            if transition.action in by_action:
                raise ValueError(f"{name}: action {transition.action!r} declared twice")
            by_action[transition.action] = transition
        object.__setattr__(self, "_by_action", by_action)

    @classmethod
    def from_moves(
        cls,
        name: str,
        moves: Mapping[str, Iterable[str]],
        *,
        labels: Mapping[str, str] | None = None,
    ) -> "Workflow":
        """A state-to-state table (``{state: next states}``); each action is named after its
        target state and allowed from every state that may move there."""
        sources: dict[str, set[str]] = {}
        for state, targets in moves.items():
            for target in targets:
                sources.setdefault(target, set()).add(state)
        labels = labels or {}
        return cls(
            name,
            [
                Transition(target, sources=froms, target=target, label=labels.get(target, target))
                for target, froms in sources.items()
            ],
        )

    # --- questions ------------------------------------------------------------------------
    def __contains__(self, action: str) -> bool:
        return action in self._by_action

    def __getitem__(self, action: str) -> Transition:
        return self._by_action[action]

    def actions(self) -> list[str]:
        return list(self._by_action)

    def allows(self, action: str, state: str) -> bool:
        transition = self._by_action.get(action)
        return transition is not None and state in transition.sources

    def actions_from(self, state: str) -> list[Transition]:
        """What may be done in ``state``, in declaration order."""
        return [t for t in self.transitions if state in t.sources]

    def moves_from(self, state: str) -> set[str]:
        """The other states reachable from ``state`` in one step."""
        return {t.target for t in self.actions_from(state) if t.target not in (None, state)}

    def may_move(self, before: str, after: str) -> bool:
        """True when ``after`` is ``before`` or one step away (state-to-state tables)."""
        return after == before or after in self.moves_from(before)

    def target(self, action: str, state: str, *, state_label: str | None = None) -> str:
        """The state ``action`` leads to from ``state``; :class:`TransitionError` when the
        table does not allow it (a Swedish message naming the current state)."""
        transition = self._by_action.get(action)
        if transition is None:
            raise TransitionError(
                _("Okänd åtgärd: %(action)s.") % {"action": action}, code="unknown_action"
            )
        if state not in transition.sources:
            raise TransitionError(
                _("Det går inte att %(action)s när status är ”%(status)s”.")
                % {"action": str(transition.label).lower(), "status": state_label or state},
                code="illegal_transition",
            )
        return transition.leads_from(state)

    def check_move(self, before: str, after: str, *, labels: Mapping[str, str] | None = None):
        """Raise :class:`TransitionError` unless ``before → after`` is allowed (or no move)."""
        if not self.may_move(before, after):
            labels = labels or {}
            raise TransitionError(
                _("Status kan inte ändras från ”%(before)s” till ”%(after)s”.")
                % {"before": labels.get(before, before), "after": labels.get(after, after)},
                code="illegal_transition",
            )
