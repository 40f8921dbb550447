"""Demo meetings of the joint steering group, so that "since the last meeting" has a meeting
to start from. Dated relative to today (every five weeks), marked ``is_demo``; a second run
adds nothing. The meetings are ``bodies.Meeting`` rows, written by ``bodies.demo``."""

from bodies import demo as bodies_demo
from core.refdata import LoadReport

OFFSETS_DAYS = (-70, -35, -14, 21)


def seed(*, scale: str, password: str, report: LoadReport) -> None:
    bodies_demo.seed_steering_meetings(OFFSETS_DAYS, report=report)
