"""Deadline reminders: editable lead times, per-user preferences, one record per reminder and
one record per message sent (a daily digest or an immediate escalation notice).

Exactly once rests on two database constraints: a Reminder is unique per (recipient, object,
kind, due date, occurrence), and a daily Message is unique per (recipient, day). A message is
sent only by the worker that moved it from ``pending`` to ``sending`` in one UPDATE.
"""

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class Kind(models.TextChoices):
    CHECKLIST_FIRST = "checklist_first", _("Ansvar i checklistan: första påminnelsen")
    CHECKLIST_SECOND = "checklist_second", _("Ansvar i checklistan: sista påminnelsen")
    CHECKLIST_OVERDUE = "checklist_overdue", _("Ansvar i checklistan: försenat")
    CHECKLIST_OVERDUE_FORVALTNING = (
        "checklist_overdue_forvaltning",
        _("Ansvar i checklistan: länge försenat i en verksamhet (till förvaltningen)"),
    )
    ESCALATION_WARNING = "escalation_warning", _("Eskalering: tidsgränsen närmar sig")
    ESCALATION_OVERDUE = "escalation_overdue", _("Eskalering: tidsgränsen har passerats")
    CONFERENCE_NOT_REGISTERED = (
        "conference_not_registered",
        _("Konferens: anmälan stänger snart och du har inte anmält dig"),
    )
    CONFERENCE_UPCOMING = "conference_upcoming", _("Konferens: snart dags")
    CONFERENCE_FULL = "conference_full", _("Konferens: alla platser är tagna")
    ADOPTION_MISSING = "adoption_missing", _("Avtal: beslut saknas inför beslutsdagen")
    BODY_ACTION_NEW = "body_action_new", _("Gemensamt organ: ny åtgärd till dig")
    BODY_ACTION_FIRST = "body_action_first", _("Gemensamt organ: åtgärd, första påminnelsen")
    BODY_ACTION_SECOND = "body_action_second", _("Gemensamt organ: åtgärd, sista påminnelsen")
    BODY_ACTION_OVERDUE = "body_action_overdue", _("Gemensamt organ: åtgärden är försenad")


# Escalation deadlines cannot be opted out of, and may be sent immediately.
ESCALATION_KINDS = frozenset({Kind.ESCALATION_WARNING, Kind.ESCALATION_OVERDUE})
OPTIONAL_KINDS = tuple(k for k in Kind if k not in ESCALATION_KINDS)


class ReminderSettings(models.Model):
    """Lead times and sending rules, edited by Förvaltare. One row (pk=1)."""

    send_hour = models.PositiveSmallIntegerField(
        _("klockslag för dagens sammanställning"),
        default=7,
        validators=[MaxValueValidator(23)],
        help_text=_("Timme (0–23, svensk tid) då den dagliga sammanställningen skickas."),
    )
    catch_up_days = models.PositiveSmallIntegerField(
        _("dagar att ta igen"),
        default=3,
        validators=[MaxValueValidator(14)],
        help_text=_(
            "Om utskicket har stått still skickas påminnelser som skulle ha gått ut så här "
            "många dagar bakåt, om de fortfarande är aktuella."
        ),
    )
    checklist_first_days = models.PositiveSmallIntegerField(
        _("checklista: första påminnelsen, dagar före"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(120)],
    )
    checklist_second_days = models.PositiveSmallIntegerField(
        _("checklista: sista påminnelsen, dagar före"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    checklist_overdue_interval_days = models.PositiveSmallIntegerField(
        _("checklista: dagar mellan påminnelser när något är försenat"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    checklist_forvaltning_after_days = models.PositiveSmallIntegerField(
        _("checklista: förvaltningen påminns när något är försenat mer än (dagar)"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
    )
    escalation_overdue_interval_days = models.PositiveSmallIntegerField(
        _("eskalering: dagar mellan påminnelser när tidsgränsen har passerats"),
        default=7,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    conference_not_registered_days = models.PositiveSmallIntegerField(
        _("konferens: påminn inbjudna som inte anmält sig, dagar före sista anmälningsdag"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    conference_registrant_days = models.PositiveSmallIntegerField(
        _("konferens: påminn anmälda, dagar före konferensen"),
        default=2,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
    )
    adoption_days = models.PositiveSmallIntegerField(
        _("avtal: påminn om saknade beslut, dagar före beslutsdagen"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(180)],
    )
    stale_claim_minutes = models.PositiveSmallIntegerField(
        _("minuter innan ett avbrutet utskick tas upp igen"),
        default=30,
        validators=[MinValueValidator(1), MaxValueValidator(24 * 60)],
        help_text=_(
            "Ett meddelande som en arbetsprocess började skicka men aldrig blev klar med "
            "skickas av nästa körning efter så här lång tid."
        ),
    )

    class Meta:
        verbose_name = _("inställningar för påminnelser")
        verbose_name_plural = _("inställningar för påminnelser")

    def __str__(self) -> str:
        return str(_("Inställningar för påminnelser"))

    @classmethod
    def load(cls) -> "ReminderSettings":
        """The settings row, created with the defaults on first use."""
        obj, _created = cls.objects.get_or_create(pk=1)
        return obj


class Preference(models.Model):
    """How one user wants reminders. A missing row means the defaults: every kind, all of
    them in the daily digest."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="reminder_preference",
    )
    escalation_immediately = models.BooleanField(
        _("tidsgränser i eskaleringen direkt"),
        default=False,
        help_text=_(
            "Påminnelser om tidsgränser i eskaleringsärenden skickas så fort de upptäcks, "
            "i stället för i nästa dagliga sammanställning."
        ),
    )
    opted_out = models.JSONField(_("bortvalda påminnelser"), default=list, blank=True)
    hide_blocked = models.BooleanField(
        _("utelämna ansvar med rapporterat hinder"),
        default=False,
        help_text=_(
            "Ansvar där ett hinder redan är rapporterat tas inte med i påminnelserna. Annars "
            "visas de med orsaken i stället för som försenade."
        ),
    )
    updated_at = models.DateTimeField(_("senast ändrad"), auto_now=True)

    class Meta:
        verbose_name = _("val för påminnelser")
        verbose_name_plural = _("val för påminnelser")

    def __str__(self) -> str:
        return str(self.user)

    def wants(self, kind: str) -> bool:
        return kind in ESCALATION_KINDS or kind not in set(self.opted_out)


STATUS_CSS = {
    "pending": "status-info",
    "sending": "status-info",
    "sent": "status-ok",
    "failed": "status-bad",
    "skipped": "status-neutral",
}


class Message(models.Model):
    """One e-mail to one person: the day's digest, or an immediate escalation notice.

    This is the send log: status, attempts and the last error are kept for Förvaltare.
    Its moves are ``reminders.workflow.MESSAGE_FLOW``.
    """

    # Exception to the TextChoices convention: the stored values are English slugs from
    # before it; renaming them would need a data migration.
    class Kind(models.TextChoices):
        DAILY = "daily", _("Daglig sammanställning")
        IMMEDIATE = "immediate", _("Direkt (eskalering)")

    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar")
        SENDING = "sending", _("Skickas")
        SENT = "sent", _("Skickat")
        FAILED = "failed", _("Misslyckades")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottagare"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminder_messages",
    )
    recipient_key = models.CharField(_("mottagarnyckel"), max_length=260, editable=False)
    email = models.EmailField(_("e-postadress"), max_length=254)
    day = models.DateField(_("dag"))
    kind = models.CharField(_("sort"), max_length=20, choices=Kind)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    last_error = models.TextField(_("senaste fel"), blank=True)
    claimed_at = models.DateTimeField(_("påbörjat"), null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, editable=False)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapat"), default=timezone.now)

    class Meta:
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        ordering = ["-day", "-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_key", "day"],
                condition=models.Q(kind="daily"),
                name="reminders_one_digest_per_person_and_day",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "claimed_at"], name="reminders_msg_status"),
            models.Index(fields=["recipient", "-day"], name="reminders_msg_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.day:%Y-%m-%d} {self.email} ({self.get_kind_display()})"

    @property
    def status_css(self) -> str:
        return STATUS_CSS[self.status]


# The module-level names the app (and other apps) import.
MessageKind = Message.Kind
MessageStatus = Message.Status


class Reminder(models.Model):
    """One reminder to one person about one deadline of one object. Never sent twice. Its
    moves are ``reminders.workflow.REMINDER_FLOW``."""

    # Stored values are English slugs (see Message); the kinds (``Kind``, module level) are
    # shared with Preference.opted_out.
    class Status(models.TextChoices):
        PENDING = "pending", _("Väntar på utskick")
        SENT = "sent", _("Skickad")
        SKIPPED = "skipped", _("Inte skickad – bortvald")

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("mottagare"),
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="reminders",
    )
    # "u:<user id>" or "e:<address>": one key for people with and without an account.
    recipient_key = models.CharField(_("mottagarnyckel"), max_length=260, editable=False)
    email = models.EmailField(_("e-postadress"), max_length=254, blank=True)
    content_type = models.ForeignKey(
        ContentType, verbose_name=_("objekttyp"), on_delete=models.CASCADE
    )
    object_id = models.PositiveBigIntegerField(_("objekt"))
    # A second key for objects that fan out, e.g. the unit of a checklist item (0: none).
    scope_id = models.PositiveBigIntegerField(_("del av objekt"), default=0)
    kind = models.CharField(_("sort"), max_length=40, choices=Kind)
    due_date = models.DateField(_("tidsgräns"))
    # Repeated reminders about the same deadline (weekly when overdue): 0, 1, 2, …
    occurrence = models.PositiveSmallIntegerField(_("omgång"), default=0)
    send_on = models.DateField(_("ska skickas"))
    source = models.CharField(_("område"), max_length=60)
    title = models.CharField(_("text"), max_length=500)
    url = models.CharField(_("länk"), max_length=500, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    message = models.ForeignKey(
        Message,
        verbose_name=_("utskick"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reminders",
    )
    created_at = models.DateTimeField(_("skapad"), default=timezone.now)

    class Meta:
        verbose_name = _("påminnelse")
        verbose_name_plural = _("påminnelser")
        ordering = ["due_date", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    "recipient_key",
                    "content_type",
                    "object_id",
                    "scope_id",
                    "kind",
                    "due_date",
                    "occurrence",
                ],
                name="reminders_exactly_once",
            ),
        ]
        indexes = [
            models.Index(fields=["status", "message"], name="reminders_pending"),
            models.Index(fields=["recipient", "-send_on"], name="reminders_recipient"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.title}"

    @property
    def status_css(self) -> str:
        return STATUS_CSS[self.status]

    @property
    def is_escalation(self) -> bool:
        return self.kind in ESCALATION_KINDS


ReminderStatus = Reminder.Status


def user_key(user_id: int) -> str:
    return f"u:{user_id}"


def email_key(email: str) -> str:
    return f"e:{email.strip().lower()}"
