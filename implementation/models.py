from django.db import models
from django.utils.translation import gettext_lazy as _


class Level(models.TextChoices):
    """The three levels that carry responsibility (domain.md §3)."""

    VERKSAMHET = "verksamhet", _("Verksamhet")
    FORVALTNING = "forvaltning", _("Förvaltning")
    REGIONOVERGRIPANDE = "regionovergripande", _("Regionövergripande")


class Unit(models.Model):
    """An organisational unit under a party: a förvaltning, a verksamhet under it, or a
    regionövergripande unit (the VGR-wide working group)."""

    party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        related_name="units",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("förvaltning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.CharField(_("nivå"), max_length=30, choices=Level)
    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn i adresser"), max_length=120)
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        ordering = ["party__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["party", "slug"], name="unit_unique_slug_per_party"),
            models.CheckConstraint(
                condition=~models.Q(level="verksamhet") | models.Q(parent__isnull=False),
                name="unit_verksamhet_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name
