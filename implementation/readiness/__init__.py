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

Everything else imports from here; nothing restates the arithmetic.
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
