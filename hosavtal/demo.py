"""Demo data of the project itself (found by seed_demo): the steering group's meetings."""

from hosavtal.dashboard.demo import seed

__all__ = ["seed"]
