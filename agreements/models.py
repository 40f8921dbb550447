"""Parties, their federations and delregions, the agreements and the milestones.

Reference data (domain.md §1–2) is loaded by ``agreements.reference``; rows are editable by
the förvaltare afterwards and a re-load never overwrites them.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Federation(models.Model):
    """A kommunalförbund (GR, Fyrbodal, Boråsregionen Sjuhärad, Skaraborg)."""

    slug = models.SlugField(_("kortnamn i adresser"), unique=True)
    name = models.CharField(_("namn"), max_length=200)
    short_name = models.CharField(_("förkortning"), max_length=50)
    email = models.EmailField(_("funktionsadress (registrator)"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("kommunalförbund")
        verbose_name_plural = _("kommunalförbund")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class JointBody(models.Model):
    """A joint body: VästKom, SRO, VVG, the joint steering group, the working group, …"""

    class Kind(models.TextChoices):
        SAMORGANISATION = "samorganisation", _("Samorganisation")
        POLITISKT = "politiskt", _("Politiskt organ")
        TJANSTEPERSONER = "tjanstepersoner", _("Tjänstepersonsorgan")

    slug = models.SlugField(_("kortnamn i adresser"), unique=True)
    name = models.CharField(_("namn"), max_length=200)
    short_name = models.CharField(_("förkortning"), max_length=50, blank=True)
    kind = models.CharField(_("slag"), max_length=30, choices=Kind)
    description = models.TextField(_("beskrivning"), blank=True)
    email = models.EmailField(_("funktionsadress"), blank=True)

    class Meta:
        verbose_name = _("gemensamt organ")
        verbose_name_plural = _("gemensamma organ")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.short_name or self.name


class Delregion(models.Model):
    """A delregional vårdsamverkan area, used to group municipalities (editable)."""

    slug = models.SlugField(_("kortnamn i adresser"), unique=True)
    name = models.CharField(_("namn"), max_length=200)
    note = models.TextField(_("anmärkning"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("delregion")
        verbose_name_plural = _("delregioner")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class PartyQuerySet(models.QuerySet):
    def agreement_parties(self):
        """VGR and the 49 municipalities: the parties to the agreement."""
        return self.filter(is_agreement_party=True)

    def municipalities(self):
        return self.filter(kind=Party.Kind.KOMMUN, is_agreement_party=True)


class Party(models.Model):
    """VGR or a municipality. Kungsbacka is stored (it receives GR's mailings) but is not a
    party to the agreement: ``is_agreement_party`` is False for it."""

    class Kind(models.TextChoices):
        REGION = "region", _("Region")
        KOMMUN = "kommun", _("Kommun")

    slug = models.SlugField(_("kortnamn i adresser"), unique=True)
    name = models.CharField(_("namn"), max_length=200)
    kind = models.CharField(_("slag"), max_length=10, choices=Kind)
    is_agreement_party = models.BooleanField(_("part i avtalet"), default=True)
    federation = models.ForeignKey(
        Federation,
        verbose_name=_("kommunalförbund"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    delregion = models.ForeignKey(
        Delregion,
        verbose_name=_("delregion"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="parties",
    )
    delregion_uncertain = models.BooleanField(
        _("delregion ej bekräftad"),
        default=False,
        help_text=_("Markerar att tillhörigheten är ett antagande som behöver bekräftas."),
    )
    registry_email = models.EmailField(_("registratorns adress"), blank=True)

    objects = PartyQuerySet.as_manager()

    class Meta:
        verbose_name = _("part")
        verbose_name_plural = _("parter")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind="kommun") | models.Q(federation__isnull=True),
                name="party_region_has_no_federation",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_region(self) -> bool:
        return self.kind == self.Kind.REGION


class Agreement(models.Model):
    """The agreement or one of its överenskommelser (new), or an old one being replaced."""

    class Kind(models.TextChoices):
        AVTAL = "avtal", _("Hälso- och sjukvårdsavtal")
        OVERENSKOMMELSE = "overenskommelse", _("Överenskommelse")

    class Generation(models.TextChoices):
        NEW = "ny", _("Nytt")
        OLD = "gammalt", _("Tidigare")

    slug = models.SlugField(_("kortnamn i adresser"), unique=True)
    kind = models.CharField(_("slag"), max_length=20, choices=Kind)
    generation = models.CharField(_("generation"), max_length=10, choices=Generation)
    title = models.CharField(_("titel"), max_length=400)
    short_title = models.CharField(_("kort titel"), max_length=120)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("huvudavtal"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sub_agreements",
    )
    replaces = models.ForeignKey(
        "self",
        verbose_name=_("ersätter"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaced_by",
    )
    valid_from = models.DateField(_("gäller från"), null=True, blank=True)
    valid_to = models.DateField(_("gäller till och med"), null=True, blank=True)
    decided_on = models.DateField(_("beslutat av regionfullmäktige"), null=True, blank=True)
    terminated_on = models.DateField(_("uppsagt"), null=True, blank=True)
    description = models.TextField(_("beskrivning"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("avtal")
        verbose_name_plural = _("avtal")
        ordering = ["-generation", "order"]

    def __str__(self) -> str:
        return self.short_title or self.title


class Milestone(models.Model):
    """A dated event of the decision process and the implementation (domain.md §1)."""

    class Precision(models.TextChoices):
        DAY = "dag", _("Dag")
        MONTH = "manad", _("Månad")

    slug = models.SlugField(_("kortnamn i adresser"), unique=True)
    date = models.DateField(_("datum"))
    end_date = models.DateField(_("slutdatum"), null=True, blank=True)
    precision = models.CharField(
        _("precision"), max_length=10, choices=Precision, default=Precision.DAY
    )
    title = models.CharField(_("händelse"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)

    class Meta:
        verbose_name = _("milstolpe")
        verbose_name_plural = _("milstolpar")
        ordering = ["date", "slug"]

    def __str__(self) -> str:
        return f"{self.date:%Y-%m-%d} {self.title}"
