"""The escalation ladder (eskaleringstrappan) and its cases (domain.md §4).

The ladder is configuration data: ordered steps with a handling body, handler rules and a time
limit. A case snapshots the step it enters (``CaseStepPeriod``), so editing the ladder never
rewrites the history of an existing case.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.roles import Role
from core.uploads import UploadValidator
from escalation.validators import validate_no_personal_number

NO_PII = [validate_no_personal_number]

# Which kinds of party may stand against each other in a case: the agreement is between the
# region and the municipalities, so a case is always VGR against a municipality. Data, so a
# later agreement can widen it (pairs of agreements.Party.Kind values, order free).
PARTY_PAIRS: frozenset[frozenset[str]] = frozenset({frozenset({"region", "kommun"})})

ATTACHMENT_KINDS = ("pdf", "docx", "xlsx")
ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024


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


class TimeUnit(models.TextChoices):
    DAYS = "dagar", _("kalenderdagar")
    WORKING_DAYS = "arbetsdagar", _("arbetsdagar")


class LadderStep(models.Model):
    """One step of the ladder. ``order`` 1 is where every case starts."""

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


class ResolutionProposal(models.Model):
    """One side proposes how the case is resolved; the other side confirms or rejects it."""

    class Status(models.TextChoices):
        PENDING = "vantar", _("Väntar på svar")
        CONFIRMED = "bekraftad", _("Bekräftad")
        REJECTED = "avvisad", _("Avvisad")
        WITHDRAWN = "aterkallad", _("Återkallad")

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="proposals"
    )
    step_name = models.CharField(_("steg"), max_length=200)
    outcome = models.TextField(_("föreslaget utfall"), validators=NO_PII)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("föreslaget av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposing_party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("föreslagande part"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    proposed_at = models.DateTimeField(_("föreslaget"), default=timezone.now)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PENDING)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("besvarat av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answering_party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("svarande part"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("besvarat"), null=True, blank=True)
    answer_comment = models.TextField(_("kommentar till svaret"), blank=True, validators=NO_PII)

    class Meta:
        verbose_name = _("lösningsförslag")
        verbose_name_plural = _("lösningsförslag")
        ordering = ["case", "proposed_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(status="vantar"),
                name="resolutionproposal_one_pending_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.get_status_display()}"


class CasePause(models.Model):
    """A time the case was vilande: the working-day clock stood still from ``started_on`` to
    ``ended_on`` (exclusive); on resume the deadline moved by ``working_days``."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="pauses"
    )
    period = models.ForeignKey(
        CaseStepPeriod, verbose_name=_("period"), on_delete=models.CASCADE, related_name="+"
    )
    reason = models.TextField(_("skäl"), validators=NO_PII)
    started_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("satt som vilande av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    started_at = models.DateTimeField(_("vilande från"))
    started_on = models.DateField(_("vilande från datum"))
    resume_status = models.CharField(_("status före vilande"), max_length=20, choices=Case.Status)
    ended_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("startad igen av"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    ended_at = models.DateTimeField(_("startad igen"), null=True, blank=True)
    ended_on = models.DateField(_("startad igen datum"), null=True, blank=True)
    working_days = models.PositiveSmallIntegerField(_("vilande arbetsdagar"), default=0)

    class Meta:
        verbose_name = _("vilande period")
        verbose_name_plural = _("vilande perioder")
        ordering = ["case", "started_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["case"],
                condition=models.Q(ended_at__isnull=True),
                name="casepause_one_open_per_case",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.case_id}: {self.started_on}"


def attachment_path(instance, filename: str) -> str:
    # The stored name is not the user's: a random name, the real one kept in ``name``.
    import secrets

    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"eskalering/{instance.case_id}/{secrets.token_hex(16)}.{extension}"


class Attachment(models.Model):
    """A file on a case or on one of its comments. Served only through a view that checks
    that the user may read the case."""

    case = models.ForeignKey(
        Case, verbose_name=_("ärende"), on_delete=models.CASCADE, related_name="attachments"
    )
    event = models.ForeignKey(
        CaseEvent,
        verbose_name=_("kommentar"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="attachments",
    )
    file = models.FileField(
        _("fil"),
        upload_to=attachment_path,
        validators=[UploadValidator(kinds=ATTACHMENT_KINDS, max_bytes=ATTACHMENT_MAX_BYTES)],
    )
    name = models.CharField(_("filnamn"), max_length=200, validators=NO_PII)
    kind = models.CharField(_("filtyp"), max_length=10)
    size = models.PositiveIntegerField(_("storlek (byte)"))
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uppladdad av"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), default=timezone.now)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["case", "uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class CalendarToken(models.Model):
    """A user's private calendar-feed token. Regenerating it revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="escalation_calendar"
    )
    token = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kalenderadress")
        verbose_name_plural = _("kalenderadresser")

    def __str__(self) -> str:
        return f"{self.user}"
