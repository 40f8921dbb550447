"""The ladder as configuration data: its steps, who handles each step, and the parties'
standing contacts for cases (ärendeansvariga, function addresses), plus the categories a case
may be about (reference data)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from escalation.validators import validate_no_personal_number

NO_PII = [validate_no_personal_number]


class Category(models.Model):
    """A part of the agreement's division of responsibility a case is about (reference data),
    so the dashboard and the annual follow-up can show which parts cause disputes."""

    slug = models.SlugField(_("kortnamn"), unique=True)
    name = models.CharField(_("namn"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    is_active = models.BooleanField(_("används"), default=True)

    class Meta:
        verbose_name = _("ansvarsområde")
        verbose_name_plural = _("ansvarsområden")
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name


class CaseContact(models.Model):
    """A party's ärendeansvarig: takes the party's side of a case when no unit of the party is
    named (or the named unit has nobody on the step), from step 1 and at every step after."""

    party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("part"),
        on_delete=models.CASCADE,
        related_name="case_contacts",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ärendeansvarig"),
        on_delete=models.CASCADE,
        related_name="case_contact_for",
    )
    appointed_at = models.DateTimeField(_("utsedd"), default=timezone.now)

    class Meta:
        verbose_name = _("ärendeansvarig")
        verbose_name_plural = _("ärendeansvariga")
        ordering = ["party__name", "user__first_name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["party", "user"], name="casecontact_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.user} ({self.party})"


class CaseMailbox(models.Model):
    """A party's function address for cases (e.g. a shared registry mailbox): told, with the
    party's ärendeansvariga, whenever they take the party's side of a case."""

    party = models.OneToOneField(
        "agreements.Party",
        verbose_name=_("part"),
        on_delete=models.CASCADE,
        related_name="case_mailbox",
    )
    email = models.EmailField(_("funktionsadress"))

    class Meta:
        verbose_name = _("funktionsadress för ärenden")
        verbose_name_plural = _("funktionsadresser för ärenden")
        ordering = ["party__name"]

    def __str__(self) -> str:
        return f"{self.party}: {self.email}"


class LadderStep(models.Model):
    """One step of the ladder. ``order`` 1 is where every case starts."""

    class TimeUnit(models.TextChoices):
        DAYS = "dagar", _("kalenderdagar")
        WORKING_DAYS = "arbetsdagar", _("arbetsdagar")

    order = models.PositiveSmallIntegerField(_("steg"), unique=True)
    name = models.CharField(_("namn"), max_length=200, validators=NO_PII)
    description = models.TextField(_("beskrivning"), blank=True, validators=NO_PII)
    body = models.ForeignKey(
        "agreements.JointBody",
        verbose_name=_("hanterande organ"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="ladder_steps",
    )
    body_text = models.CharField(
        _("hanterande organ (fritext)"),
        max_length=200,
        blank=True,
        help_text=_("Används när organet inte finns bland de gemensamma organen."),
    )
    time_limit = models.IntegerField(
        _("tidsgräns"),
        validators=[MinValueValidator(1, _("Tidsgränsen måste vara minst 1."))],
    )
    time_unit = models.CharField(
        _("tidsenhet"), max_length=20, choices=TimeUnit, default=TimeUnit.DAYS
    )
    warning_percent = models.PositiveSmallIntegerField(
        _("varning vid (% av tidsgränsen)"),
        default=75,
        validators=[MinValueValidator(1), MaxValueValidator(100)],
    )
    is_provisional = models.BooleanField(
        _("preliminär"),
        default=True,
        help_text=_("Preliminär – ska stämmas av mot det undertecknade avtalet."),
    )

    class Meta:
        verbose_name = _("steg i eskaleringstrappan")
        verbose_name_plural = _("steg i eskaleringstrappan")
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(time_limit__gt=0), name="ladderstep_time_limit_positive"
            ),
            models.CheckConstraint(
                condition=models.Q(warning_percent__gte=1, warning_percent__lte=100),
                name="ladderstep_warning_percent_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.order}. {self.name}"

    @property
    def body_name(self) -> str:
        if self.body_id:
            return self.body.name
        return self.body_text

    @property
    def limit_label(self) -> str:
        return f"{self.time_limit} {self.get_time_unit_display()}"


# The unit of a step's time limit, also snapshotted on each period (``CaseStepPeriod``).
TimeUnit = LadderStep.TimeUnit


class HandlerRule(models.Model):
    """Who handles a step: named users, a role in the involved parties, in the delregion,
    county-wide, or the leads of the involved units."""

    class Kind(models.TextChoices):
        USER = "anvandare", _("Namngiven användare")
        PARTY_ROLE = "part", _("Roll hos de inblandade parterna")
        DELREGION_ROLE = "delregion", _("Roll inom delregionen")
        COUNTY_ROLE = "lanet", _("Roll i hela länet")
        UNIT_LEADS = "enheter", _("Implementeringsansvariga för de inblandade enheterna")
        FORVALTNING_LEADS = (
            "forvaltningar",
            _("Implementeringsansvariga för de inblandade enheternas förvaltningar"),
        )

    step = models.ForeignKey(
        LadderStep, verbose_name=_("steg"), on_delete=models.CASCADE, related_name="rules"
    )
    kind = models.CharField(_("slag"), max_length=20, choices=Kind)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("användare"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
    )
    role = models.CharField(_("roll"), max_length=30, choices=Role, blank=True)

    class Meta:
        verbose_name = _("hanterarregel")
        verbose_name_plural = _("hanterarregler")
        ordering = ["step__order", "kind", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(kind="anvandare", user__isnull=False, role="")
                    | models.Q(kind__in=["enheter", "forvaltningar"], user__isnull=True, role="")
                    | (
                        models.Q(kind__in=["part", "delregion", "lanet"], user__isnull=True)
                        & ~models.Q(role="")
                    )
                ),
                name="handlerrule_fields_match_kind",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.USER:
            return f"{self.user}"
        if self.kind in (self.Kind.UNIT_LEADS, self.Kind.FORVALTNING_LEADS):
            return str(self.get_kind_display())
        return f"{self.get_role_display()} – {self.get_kind_display().lower()}"
