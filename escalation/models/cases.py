"""A case and its clock: the case itself (its status and the step it stands on), its time on
each step (``CaseStepPeriod``, a snapshot of the step as it was), the handlers of each period
and the timeline of events."""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from escalation.models.ladder import NO_PII, Category, LadderStep, TimeUnit

# Which kinds of party may stand against each other in a case: the agreement is between the
# region and the municipalities, so a case is always VGR against a municipality. Data, so a
# later agreement can widen it (pairs of agreements.Party.Kind values, order free).
PARTY_PAIRS: frozenset[frozenset[str]] = frozenset({frozenset({"region", "kommun"})})


class Case(models.Model):
    class Kind(models.TextChoices):
        AVVIKELSE = "avvikelse", _("Avvikelse i samverkan")
        TOLKNING = "tolkning", _("Oenighet om tolkning av avtal")
        TVIST = "tvist", _("Tvist")

    class Status(models.TextChoices):
        OPEN = "oppen", _("Öppen")
        ESCALATED = "eskalerad", _("Eskalerad")
        PAUSED = "vilande", _("Vilande")
        RESOLVED = "lost", _("Löst")
        CLOSED = "avslutad", _("Avslutad")

    # The clock runs (deadlines, warnings and reminders count) only in these.
    ACTIVE = (Status.OPEN, Status.ESCALATED)
    # Still under way: the active ones and the paused ones.
    ONGOING = (Status.OPEN, Status.ESCALATED, Status.PAUSED)

    kind = models.CharField(_("typ"), max_length=20, choices=Kind)
    title = models.CharField(_("rubrik"), max_length=200, validators=NO_PII)
    description = models.TextField(_("beskrivning (avidentifierad)"), validators=NO_PII)
    agreement = models.ForeignKey(
        "agreements.Agreement",
        verbose_name=_("överenskommelse"),
        on_delete=models.PROTECT,
        related_name="escalation_cases",
    )
    category = models.ForeignKey(
        Category,
        verbose_name=_("ansvarsområde"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    reporting_party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("anmälande part"),
        on_delete=models.PROTECT,
        related_name="reported_cases",
    )
    reporting_unit = models.ForeignKey(
        "implementation.Unit",
        verbose_name=_("anmälande enhet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reported_cases",
    )
    receiving_party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("mottagande part"),
        on_delete=models.PROTECT,
        related_name="received_cases",
    )
    receiving_unit = models.ForeignKey(
        "implementation.Unit",
        verbose_name=_("mottagande enhet"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="received_cases",
    )
    delregion = models.ForeignKey(
        "agreements.Delregion",
        verbose_name=_("delregion"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="escalation_cases",
    )
    is_systemic = models.BooleanField(_("systemfel"), default=False)
    diarienummer = models.CharField(_("diarienummer"), max_length=60, blank=True)
    current_step = models.ForeignKey(
        LadderStep,
        verbose_name=_("aktuellt steg"),
        on_delete=models.PROTECT,
        related_name="cases",
    )
    step_order = models.PositiveSmallIntegerField(_("stegnummer"))
    step_started_on = models.DateField(_("steget påbörjat"))
    step_warning_on = models.DateField(_("varning från"))
    step_deadline = models.DateField(_("tidsgräns för steget"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.OPEN)
    outcome = models.TextField(_("utfall"), blank=True, validators=NO_PII)
    decision = models.TextField(_("beslut"), blank=True, validators=NO_PII)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("öppnat av"),
        on_delete=models.PROTECT,
        related_name="opened_cases",
    )
    opened_at = models.DateTimeField(_("öppnat"), default=timezone.now)
    resolved_at = models.DateTimeField(_("löst"), null=True, blank=True)
    closed_at = models.DateTimeField(_("avslutat"), null=True, blank=True)
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("ärende")
        verbose_name_plural = _("ärenden")
        ordering = ["step_deadline", "pk"]
        indexes = [
            models.Index(fields=["status", "step_deadline"]),
            # The lists' order (nearest deadline first): a page of 50 reads 50 index entries.
            models.Index(fields=["step_deadline", "id"], name="esk_case_deadline_idx"),
            # The ladder overview counts and ranks active cases per step from the index alone.
            models.Index(
                fields=["status", "current_step", "step_deadline", "step_warning_on"],
                name="esk_case_ladder_idx",
            ),
            models.Index(fields=["reporting_party", "status"]),
            models.Index(fields=["receiving_party", "status"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(reporting_party=models.F("receiving_party")),
                name="case_parties_differ",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.reference} {self.title}"

    @property
    def reference(self) -> str:
        return f"ESK-{self.pk}"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE

    @property
    def is_paused(self) -> bool:
        return self.status == self.Status.PAUSED


class CaseStepPeriod(models.Model):
    """A case's time on one step, with the step as it was when the case entered it."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="periods"
    )
    step = models.ForeignKey(
        LadderStep,
        verbose_name=_("steg"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="periods",
    )
    step_order = models.PositiveSmallIntegerField(_("stegnummer"))
    step_name = models.CharField(_("steg"), max_length=200)
    body_name = models.CharField(_("hanterande organ"), max_length=200, blank=True)
    time_limit = models.PositiveSmallIntegerField(_("tidsgräns"))
    time_unit = models.CharField(_("tidsenhet"), max_length=20, choices=TimeUnit)
    started_at = models.DateTimeField(_("påbörjat"))
    started_on = models.DateField(_("påbörjat datum"))
    warning_on = models.DateField(_("varning från"))
    deadline = models.DateField(_("tidsgräns"))
    ended_at = models.DateTimeField(_("avslutat"), null=True, blank=True)
    paused_working_days = models.PositiveSmallIntegerField(_("vilande arbetsdagar"), default=0)
    mailbox_emails = models.TextField(
        _("funktionsadresser som får besked"),
        blank=True,
        help_text=_("De parters funktionsadresser som tar ärendet på steget, en per rad."),
    )
    mailboxes_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    handlers = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handläggare"),
        through="CaseHandler",
        related_name="handled_periods",
    )

    class Meta:
        verbose_name = _("period på ett steg")
        verbose_name_plural = _("perioder på steg")
        ordering = ["case", "started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_at__isnull=True),
                name="casestepperiod_one_current_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.step_order}. {self.step_name}"

    def days_spent(self, now=None) -> int:
        end = self.ended_at or now or timezone.now()
        return max(0, (end - self.started_at).days)

    @property
    def limit_label(self) -> str:
        return f"{self.time_limit} {self.get_time_unit_display()}"


class CaseHandler(models.Model):
    """A user who handles a case on one step (resolved from the step's rules on entry)."""

    period = models.ForeignKey(CaseStepPeriod, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="handler_links")
    notified_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("handläggare")
        verbose_name_plural = _("handläggare")
        constraints = [
            models.UniqueConstraint(fields=["period", "user"], name="casehandler_unique"),
        ]
        indexes = [models.Index(fields=["user", "case"])]

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.period_id}"


class CaseEvent(models.Model):
    """One entry on a case's timeline."""

    class Kind(models.TextChoices):
        OPENED = "oppnat", _("Öppnat")
        COMMENT = "kommentar", _("Kommentar")
        ESCALATED = "eskalerat", _("Eskalerat")
        # Resolved: the other side confirmed a proposal, or the step's body decided.
        RESOLVED = "lost", _("Löst")
        REOPENED = "aterupptaget", _("Återupptaget")
        CLOSED = "avslutat", _("Avslutat")
        UPDATED = "andrat", _("Uppgifter ändrade")
        PROPOSED = "forslag", _("Lösning föreslagen")
        REJECTED = "avvisat", _("Lösning avvisad")
        PAUSED = "vilande", _("Satt som vilande")
        RESUMED = "aterstartat", _("Klockan startad igen")
        ATTACHED = "bilaga", _("Bilaga tillagd")

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="events"
    )
    kind = models.CharField(_("händelse"), max_length=20, choices=Kind)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("av"),
        on_delete=models.PROTECT,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tid"), default=timezone.now)
    text = models.TextField(_("text"), blank=True, validators=NO_PII)
    step_name = models.CharField(_("steg"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("händelse")
        verbose_name_plural = _("händelser")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_kind_display()}"
