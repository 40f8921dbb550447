"""The project's own models. The steering group's meeting dates moved to ``bodies.Meeting``
(migration 0002 copied every row), so the dashboard reads meetings of every body through
``bodies.selectors``."""
