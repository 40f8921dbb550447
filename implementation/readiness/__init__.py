"""Readiness: the one definition of progress, its arithmetic and its maintained summaries.

- ``definition`` (pure Python, no database): what each status counts as, the counts of a set of
  unit × item pairs (``Stats``) and the two measures read from them. The headline everywhere
  (pages, exports, digests, the steering group's dashboard) is *andel klara*: items Klar out of
  the applicable items, where Ej aktuellt leaves the denominator ("42 av 168 klara, 25 %").
  The only other measure is *viktad framdrift* (Klar 100 %, Pågår 50 %, Ej påbörjad and Hinder
  0 %), shown only under that name with ``WEIGHTED_EXPLANATION`` beside it. Hinder never counts
  as progress in either.
- ``summaries``: ``ReadinessCount`` / ``ReadinessWeek`` kept in step with every progress write
  (``record``), recomputed by ``rebuild`` (``manage.py rebuild_readiness``).
- ``counts``: the applicable pairs of a set of units counted from the progress rows, per unit
  and per (unit, phase); a förvaltning rolled up with its verksamheter.
- ``county``: the county-wide figures per (party, level, phase) from the summaries, and their
  roll-ups by party, kommunalförbund, level and phase.
- ``heatmap``, ``drill``, ``history``, ``since``: the steering group's reads – rows × phases
  and × levels, the drill-down behind a cell, the weekly trends (today's state walked back
  with the logged deltas), and what changed since a day.

Everything else imports from here; nothing restates the arithmetic. This module imports only
``definition`` (the models import it); import the others as submodules
(``from implementation.readiness import heatmap``).
"""

from implementation.readiness.definition import (
    WEIGHTED_EXPLANATION,
    WEIGHTED_NAME,
    WEIGHTS,
    Stats,
    done_share_text,
    headline_text,
    status_vector,
    weight,
)

__all__ = [
    "WEIGHTED_EXPLANATION",
    "WEIGHTED_NAME",
    "WEIGHTS",
    "Stats",
    "done_share_text",
    "headline_text",
    "status_vector",
    "weight",
]
