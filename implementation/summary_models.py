"""The readiness summary tables: ``Progress`` summed per party, level and item, and the
progress log's deltas summed per party and week.

Models of the ``implementation`` app (imported by ``implementation.models``), kept in step by
``implementation.readiness.summaries``; ``manage.py rebuild_readiness`` recomputes them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _

from implementation.models import Level


class ReadinessCount(models.Model):
    """How many of a party's units of one level have an item in each counted status, and the
    sum of the percentages those statuses imply (a missing row: all Ej påbörjad).

    A summary of ``Progress`` so that county-wide readiness reads ~2 600 rows instead of
    ~40 000. Kept in step by ``implementation.readiness.summaries`` in the same transaction as every
    progress write; ``manage.py rebuild_readiness`` recomputes it from scratch. Retired items
    and items of another level are filtered when reading, so retiring an item needs no update.
    """

    party = models.ForeignKey("agreements.Party", on_delete=models.CASCADE, related_name="+")
    level = models.CharField(max_length=30, choices=Level)
    responsibility = models.ForeignKey(
        "implementation.Responsibility", on_delete=models.CASCADE, related_name="+"
    )
    done = models.IntegerField(default=0)
    excluded = models.IntegerField(default=0)
    blocked = models.IntegerField(default=0)
    in_progress = models.IntegerField(default=0)
    points = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("beredskap (summering)")
        verbose_name_plural = _("beredskap (summering)")
        constraints = [
            models.UniqueConstraint(
                fields=["party", "level", "responsibility"], name="readinesscount_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.party_id}/{self.level}/{self.responsibility_id}"


class ReadinessWeek(models.Model):
    """The progress log's deltas summed per party and week (Monday, Swedish time), over the
    active items only: what the weekly readiness history walks back with.

    Kept in step by ``implementation.readiness.summaries`` in the same transaction as the log entry (and as
    retiring or restoring an item); ``manage.py rebuild_readiness`` recomputes it.
    """

    party = models.ForeignKey("agreements.Party", on_delete=models.CASCADE, related_name="+")
    week = models.DateField()
    done_delta = models.IntegerField(default=0)
    excluded_delta = models.IntegerField(default=0)
    points_delta = models.IntegerField(default=0)

    class Meta:
        verbose_name = _("beredskap per vecka (summering)")
        verbose_name_plural = _("beredskap per vecka (summering)")
        constraints = [
            models.UniqueConstraint(fields=["party", "week"], name="readinessweek_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.party_id}/{self.week}"
