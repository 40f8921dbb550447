"""Parties, their federations and delregions, the agreements and the milestones.

Reference data (domain.md §1–2) is loaded by ``agreements.reference``; rows are editable by
the förvaltare afterwards and a re-load never overwrites them.
"""

from django.conf import settings
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


class AgreementQuerySet(models.QuerySet):
    def new(self):
        """The new agreement first, then its överenskommelser: what the parties decide on."""
        return self.filter(generation=Agreement.Generation.NEW).order_by(
            models.F("parent").asc(nulls_first=True), "order"
        )


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
    decision_deadline = models.DateField(
        _("sista dag för parternas beslut"),
        null=True,
        blank=True,
        help_text=_(
            "En part som inte har beslutat efter detta datum, och som inte har ett planerat "
            "beslutsdatum, räknas som försenad."
        ),
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        verbose_name = _("avtal")
        verbose_name_plural = _("avtal")
        ordering = ["-generation", "order"]

    def __str__(self) -> str:
        return self.short_title or self.title

    @property
    def is_new(self) -> bool:
        return self.generation == self.Generation.NEW

    @property
    def is_main(self) -> bool:
        return self.kind == self.Kind.AVTAL


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


class Decision(models.Model):
    """One party's decision on one agreement at one meeting (domain.md §1).

    The *current* status of a party for an agreement is its latest decision (by decision
    date); earlier decisions stay in the register as the history of the process.
    """

    class Body(models.TextChoices):
        KOMMUNFULLMAKTIGE = "kommunfullmaktige", _("Kommunfullmäktige")
        REGIONFULLMAKTIGE = "regionfullmaktige", _("Regionfullmäktige")
        KOMMUNSTYRELSEN = "kommunstyrelsen", _("Kommunstyrelsen")
        REGIONSTYRELSEN = "regionstyrelsen", _("Regionstyrelsen")
        NAMND = "namnd", _("Nämnd")
        OTHER = "annat", _("Annat organ")

    class Outcome(models.TextChoices):
        ADOPTED = "antaget", _("Antaget")
        REJECTED = "avslaget", _("Avslaget")
        POSTPONED = "uppskjutet", _("Bordlagt/uppskjutet")
        PENDING = "ej_beslutat", _("Ej beslutat")

    party = models.ForeignKey(
        Party, verbose_name=_("part"), on_delete=models.PROTECT, related_name="decisions"
    )
    agreement = models.ForeignKey(
        Agreement, verbose_name=_("avtal"), on_delete=models.PROTECT, related_name="decisions"
    )
    decided_on = models.DateField(_("beslutsdatum"))
    body = models.CharField(_("beslutande organ"), max_length=30, choices=Body)
    body_other = models.CharField(
        _("annat organ"),
        max_length=200,
        blank=True,
        help_text=_("Vilket organ som beslutade, när du har valt ”Annat organ”."),
    )
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome)
    planned_date = models.DateField(
        _("planerat beslutsdatum"),
        null=True,
        blank=True,
        help_text=_("Krävs när beslutet är bordlagt eller uppskjutet."),
    )
    reference = models.CharField(
        _("protokoll eller diarienummer"),
        max_length=200,
        blank=True,
        help_text=_("Till exempel ”KF 2026-04-20 § 45” eller ”KS 2025/0123”."),
    )
    note = models.TextField(_("anteckning"), blank=True, max_length=2000)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_at = models.DateTimeField(_("registrerat"), auto_now_add=True)
    updated_at = models.DateTimeField(_("senast ändrat"), auto_now=True)
    is_demo = models.BooleanField(_("demodata"), default=False)

    class Meta:
        verbose_name = _("beslut")
        verbose_name_plural = _("beslut")
        ordering = ["-decided_on", "party__name", "agreement__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "agreement", "decided_on"],
                name="decision_unique_party_agreement_date",
                violation_error_message=_(
                    "Det finns redan ett beslut för den här parten och det här avtalet samma datum."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(outcome="uppskjutet") | models.Q(planned_date__isnull=False),
                name="decision_postponed_has_planned_date",
                violation_error_message=_(
                    "Ange ett planerat beslutsdatum när beslutet skjuts upp."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(planned_date__isnull=True)
                | models.Q(planned_date__gt=models.F("decided_on")),
                name="decision_planned_after_decision",
                violation_error_message=_(
                    "Det planerade beslutsdatumet måste vara senare än beslutsdatumet."
                ),
            ),
        ]
        indexes = [models.Index(fields=["recorded_at"], name="decision_recorded_at")]

    def __str__(self) -> str:
        return f"{self.party} – {self.agreement} – {self.decided_on:%Y-%m-%d}"

    @property
    def body_label(self) -> str:
        if self.body == self.Body.OTHER and self.body_other:
            return self.body_other
        return self.get_body_display()

    def get_additional_data(self) -> dict:
        # Stored on every audit entry so that a party's history also shows decisions that
        # were later removed as wrongly registered.
        return {"party_id": self.party_id, "agreement_id": self.agreement_id}


def _document_path(instance: "AgreementDocument", filename: str) -> str:
    return f"avtal/{instance.agreement.slug}/{filename}"


class AgreementDocument(models.Model):
    """An agreement text or appendix: an uploaded PDF or a link to where it is published."""

    agreement = models.ForeignKey(
        Agreement, verbose_name=_("avtal"), on_delete=models.CASCADE, related_name="documents"
    )
    title = models.CharField(_("rubrik"), max_length=300)
    file = models.FileField(_("fil (PDF)"), upload_to=_document_path, blank=True)
    file_size = models.PositiveIntegerField(_("filstorlek"), null=True, blank=True)
    url = models.URLField(_("länk"), max_length=500, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tillagt av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    added_at = models.DateTimeField(_("tillagt"), auto_now_add=True)

    class Meta:
        verbose_name = _("avtalsdokument")
        verbose_name_plural = _("avtalsdokument")
        ordering = ["agreement", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(url=""))
                | (~models.Q(file="") & models.Q(url="")),
                name="document_file_xor_url",
                violation_error_message=_("Ladda upp en fil eller ange en länk, inte båda."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def is_link(self) -> bool:
        return not self.file
