"""Conference attendance as evidence for the implementation checklist (filled in below)."""


def attendance_recorded(*, registration, actor) -> int:
    return 0
