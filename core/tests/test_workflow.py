import pytest

from core.workflow import Transition, TransitionError, Workflow

FLOW = Workflow(
    "möte",
    [
        Transition("hold", sources={"planned"}, target="held", label="Hålla"),
        Transition("cancel", sources={"planned", "held"}, target="cancelled", label="Ställa in"),
        Transition("edit", sources={"planned"}, label="Redigera"),
    ],
)


def test_named_actions():
    assert [t.action for t in FLOW.actions_from("planned")] == ["hold", "cancel", "edit"]
    assert FLOW.allows("hold", "planned") and not FLOW.allows("hold", "held")
    assert FLOW.target("cancel", "held") == "cancelled"
    assert FLOW.target("edit", "planned") == "planned"
    assert FLOW.moves_from("planned") == {"held", "cancelled"}
    with pytest.raises(TransitionError) as refused:
        FLOW.target("hold", "cancelled", state_label="Inställt")
    assert "Inställt" in str(refused.value) and "hålla" in str(refused.value)
    with pytest.raises(TransitionError):
        FLOW.target("fly", "planned")


def test_state_to_state_table():
    flow = Workflow.from_moves("framsteg", {"a": {"b"}, "b": {"a", "c"}, "c": set()})
    assert flow.may_move("a", "b") and flow.may_move("a", "a")
    assert not flow.may_move("a", "c") and not flow.may_move("c", "a")
    assert flow.moves_from("b") == {"a", "c"}
    with pytest.raises(TransitionError, match="från ”A” till ”C”"):
        flow.check_move("a", "c", labels={"a": "A", "c": "C"})


def test_an_action_declared_twice_is_refused():
    with pytest.raises(ValueError):
        Workflow("x", [Transition("a", sources={"s"}), Transition("a", sources={"t"})])
