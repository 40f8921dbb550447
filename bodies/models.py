"""Joint bodies' members, meetings, issue log, outcomes (decisions and actions).

The body itself is ``agreements.JointBody`` (VästKom, SRO, VVG, styrgrupp, arbetsgrupp,
referensgrupp); everything here hangs off it. A meeting moves through one transition table
(``bodies.workflow.MEETING_FLOW``); approved (justerade) minutes are read-only.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

PER_CAPSULAM = _("beslut per capsulam")


class Membership(models.Model):
    """A member of a joint body: a portal user or a named person (e.g. a politician)."""

    class Mandate(models.TextChoices):
        ORDFORANDE = "ordforande", _("Ordförande")
        VICE = "vice_ordforande", _("Vice ordförande")
        LEDAMOT = "ledamot", _("Ledamot")
        SEKRETERARE = "sekreterare", _("Sekreterare")

    body = models.ForeignKey(
        "agreements.JointBody",
        verbose_name=_("organ"),
        on_delete=models.CASCADE,
        related_name="memberships",
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("konto i portalen"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="body_memberships",
    )
    name = models.CharField(_("namn"), max_length=200)
    email = models.EmailField(_("e-post"), blank=True)
    political_party = models.CharField(
        _("politiskt parti"), max_length=60, blank=True, help_text=_("Till exempel S, M eller C.")
    )
    represents = models.CharField(
        _("företräder"),
        max_length=200,
        blank=True,
        help_text=_("Part, förbund eller nämnd som ledamoten företräder."),
    )
    mandate = models.CharField(
        _("uppdrag"), max_length=20, choices=Mandate, default=Mandate.LEDAMOT
    )
    term_start = models.DateField(_("mandatperiod från"), null=True, blank=True)
    term_end = models.DateField(_("mandatperiod till"), null=True, blank=True)
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("ledamot")
        verbose_name_plural = _("ledamöter")
        ordering = ["body", "mandate", "name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(term_end__isnull=True)
                | Q(term_start__isnull=True)
                | Q(term_end__gte=models.F("term_start")),
                name="membership_term_order",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.get_mandate_display()})"

    def is_current(self, on=None) -> bool:
        on = on or timezone.localdate()
        return (self.term_start is None or self.term_start <= on) and (
            self.term_end is None or self.term_end >= on
        )


class Meeting(models.Model):
    """A meeting of a joint body. States: utkast → kallad → genomförd → justerad."""

    class State(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        CALLED = "kallad", _("Kallat")
        HELD = "genomford", _("Genomfört")
        APPROVED = "justerad", _("Justerat")

    body = models.ForeignKey(
        "agreements.JointBody",
        verbose_name=_("organ"),
        on_delete=models.PROTECT,
        related_name="meetings",
    )
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("starttid"), null=True, blank=True)
    end_time = models.TimeField(_("sluttid"), null=True, blank=True)
    title = models.CharField(_("rubrik"), max_length=200, blank=True)
    place = models.CharField(_("plats"), max_length=200, blank=True)
    link = models.URLField(_("möteslänk"), blank=True, max_length=500)
    premeeting_notes = models.TextField(_("förmöte"), blank=True, max_length=5000)
    note = models.TextField(_("anteckning"), blank=True, max_length=5000)
    state = models.CharField(_("status"), max_length=20, choices=State, default=State.DRAFT)
    approved_at = models.DateTimeField(_("justerat"), null=True, blank=True, editable=False)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("justerat av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("möte")
        verbose_name_plural = _("möten")
        ordering = ["-date", "-start_time", "-pk"]
        indexes = [models.Index(fields=["body", "date"], name="meeting_body_date")]
        constraints = [
            models.UniqueConstraint(fields=["body", "date"], name="meeting_body_date_unique"),
            models.CheckConstraint(
                condition=Q(end_time__isnull=True)
                | Q(start_time__isnull=True)
                | Q(end_time__gt=models.F("start_time")),
                name="meeting_time_order",
            ),
        ]

    def __str__(self) -> str:
        label = self.title or str(_("Möte"))
        return f"{label} {self.date.isoformat()}"

    @property
    def is_locked(self) -> bool:
        return self.state == self.State.APPROVED

    @property
    def approver_name(self) -> str:
        user = self.approved_by
        return (user.get_full_name() or user.username) if user else ""


class Participant(models.Model):
    """A called member of a meeting and whether they attended."""

    class Attendance(models.TextChoices):
        UNKNOWN = "", _("Ej angivet")
        PRESENT = "narvarande", _("Närvarande")
        ABSENT = "forhinder", _("Förhinder")

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="participants"
    )
    membership = models.ForeignKey(
        Membership,
        verbose_name=_("ledamot"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="participations",
    )
    name = models.CharField(_("namn"), max_length=200)
    role_note = models.CharField(_("roll"), max_length=200, blank=True)
    attendance = models.CharField(
        _("närvaro"), max_length=20, choices=Attendance, default=Attendance.UNKNOWN, blank=True
    )

    class Meta:
        verbose_name = _("kallad")
        verbose_name_plural = _("kallade")
        ordering = ["meeting", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "membership"],
                condition=Q(membership__isnull=False),
                name="participant_unique_member",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Issue(models.Model):
    """A question in the issue log (frågelogg), with both parties' perspectives."""

    class Status(models.TextChoices):
        NEW = "ny", _("Ny")
        PREPARING = "beredning", _("Beredning")
        ON_AGENDA = "pa_dagordning", _("På dagordning")
        ANSWERED = "besvarad", _("Besvarad")
        DEFERRED = "uppskjuten", _("Uppskjuten till nästa mandatperiod")

    body = models.ForeignKey(
        "agreements.JointBody",
        verbose_name=_("ligger hos"),
        on_delete=models.PROTECT,
        related_name="issues",
    )
    title = models.CharField(_("fråga"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True, max_length=5000)
    raised_by_label = models.CharField(
        _("väckt av"),
        max_length=200,
        help_text=_("Arbetsgruppen eller den part som väcker frågan."),
    )
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("kontaktperson"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="raised_body_issues",
    )
    municipal_perspective = models.TextField(_("kommunalt perspektiv"), blank=True, max_length=5000)
    regional_perspective = models.TextField(_("regionalt perspektiv"), blank=True, max_length=5000)
    economic = models.BooleanField(
        _("ekonomisk fråga"),
        default=False,
        help_text=_("Ekonomiska frågor kräver ett skriftligt underlag med båda perspektiven."),
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)
    answer = models.TextField(_("svar"), blank=True, max_length=5000)
    answered_at = models.DateTimeField(_("besvarad"), null=True, blank=True, editable=False)
    created_at = models.DateTimeField(_("registrerad"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("fråga i frågeloggen")
        verbose_name_plural = _("frågelogg")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class IssueMove(models.Model):
    """An issue moved from one body to another (its history)."""

    issue = models.ForeignKey(
        Issue, verbose_name=_("fråga"), on_delete=models.CASCADE, related_name="moves"
    )
    from_body = models.ForeignKey(
        "agreements.JointBody",
        verbose_name=_("från"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    to_body = models.ForeignKey(
        "agreements.JointBody",
        verbose_name=_("till"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField(_("motivering"), max_length=500, blank=True)
    moved_at = models.DateTimeField(_("flyttad"), default=timezone.now)
    moved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("flyttad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("flytt av fråga")
        verbose_name_plural = _("flyttar av frågor")
        ordering = ["issue", "moved_at", "pk"]

    def __str__(self) -> str:
        return f"{self.from_body} → {self.to_body}"


class AgendaItem(models.Model):
    """An item on a meeting's agenda, in order."""

    meeting = models.ForeignKey(
        Meeting, verbose_name=_("möte"), on_delete=models.CASCADE, related_name="items"
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=1)
    title = models.CharField(_("punkt"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True, max_length=5000)
    issue = models.ForeignKey(
        Issue,
        verbose_name=_("fråga i frågeloggen"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="agenda_items",
    )

    class Meta:
        verbose_name = _("dagordningspunkt")
        verbose_name_plural = _("dagordningspunkter")
        ordering = ["meeting", "order", "pk"]

    def __str__(self) -> str:
        return f"{self.order}. {self.title}"


class Outcome(models.Model):
    """What an agenda item led to: information, a decision or an action. A decision without
    a meeting (per capsulam) has no item but a body, a date and the members who agreed."""

    class Kind(models.TextChoices):
        INFORMATION = "information", _("Information")
        DECISION = "beslut", _("Beslut")
        ACTION = "atgard", _("Åtgärd")

    body = models.ForeignKey(
        "agreements.JointBody",
        verbose_name=_("organ"),
        on_delete=models.PROTECT,
        related_name="outcomes",
    )
    item = models.ForeignKey(
        AgendaItem,
        verbose_name=_("dagordningspunkt"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="outcomes",
    )
    kind = models.CharField(_("slag"), max_length=20, choices=Kind)
    text = models.TextField(_("text"), max_length=5000)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("ansvarig"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="body_actions",
    )
    due_date = models.DateField(_("klart senast"), null=True, blank=True)
    done_at = models.DateTimeField(_("klar"), null=True, blank=True)
    per_capsulam = models.BooleanField(_("per capsulam"), default=False)
    decided_on = models.DateField(_("beslutsdatum"), null=True, blank=True)
    agreed = models.ManyToManyField(
        Membership, verbose_name=_("ledamöter som instämt"), blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("registrerad"), default=timezone.now, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("registrerat av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("utfall")
        verbose_name_plural = _("utfall")
        ordering = ["item__order", "pk"]
        indexes = [
            models.Index(fields=["owner", "due_date"], name="outcome_owner_due"),
            models.Index(fields=["body", "kind"], name="outcome_body_kind"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(per_capsulam=False, item__isnull=False)
                | Q(per_capsulam=True, item__isnull=True, kind="beslut", decided_on__isnull=False),
                name="outcome_item_or_per_capsulam",
            ),
            models.CheckConstraint(
                condition=Q(kind="atgard") | Q(owner__isnull=True, due_date__isnull=True),
                name="outcome_owner_only_for_actions",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.text[:60]}"

    @property
    def owner_name(self) -> str:
        user = self.owner
        return (user.get_full_name() or user.username) if user else "–"

    @property
    def date(self):
        if self.per_capsulam:
            return self.decided_on
        return self.item.meeting.date if self.item_id else None


class CalendarToken(models.Model):
    """A user's private address of the calendar feed of their actions. Regenerating it
    revokes the old address."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="bodies_calendar"
    )
    token = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("kalenderadress för åtgärder")
        verbose_name_plural = _("kalenderadresser för åtgärder")

    def __str__(self) -> str:
        return f"{self.user}"
