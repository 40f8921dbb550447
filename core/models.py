from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AccessibilityReport(models.Model):
    """A problem with accessibility reported through the accessibility statement page."""

    class Status(models.TextChoices):
        NEW = "ny", _("Ny")
        HANDLED = "hanterad", _("Hanterad")

    created_at = models.DateTimeField(_("inkom"), auto_now_add=True)
    name = models.CharField(_("namn"), max_length=200, blank=True)
    email = models.EmailField(_("e-postadress"), blank=True)
    page_url = models.CharField(_("sida det gäller"), max_length=500, blank=True)
    description = models.TextField(_("beskrivning av problemet"), max_length=5000)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.NEW)

    class Meta:
        verbose_name = _("rapport om tillgänglighetsproblem")
        verbose_name_plural = _("rapporter om tillgänglighetsproblem")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.page_url or ''}".strip()


class Heartbeat(models.Model):
    """Last time a named background process proved it was alive."""

    name = models.CharField(max_length=50, unique=True)
    beat_at = models.DateTimeField()

    class Meta:
        verbose_name = _("livstecken")
        verbose_name_plural = _("livstecken")

    def __str__(self) -> str:
        return f"{self.name} {self.beat_at:%Y-%m-%d %H:%M}"


class OutboxMessage(models.Model):
    """One outgoing e-mail, written in the same transaction as the change that causes it.

    Written only by the system (``core.outbox``), so no field is editable in a form.

    The row is the queue and the send log: ``core.outbox`` claims it, sends it and records the
    server's answer. ``key`` names the fact that caused the mail, so one fact mails once.
    """

    class State(models.TextChoices):
        PENDING = "vantar", _("Väntar")
        SENDING = "skickas", _("Skickas")
        SENT = "skickad", _("Skickad")
        FAILED = "misslyckad", _("Misslyckades")

    key = models.CharField(_("nyckel"), max_length=255, unique=True, editable=False)
    kind = models.CharField(_("slag"), max_length=50, editable=False)
    to = models.JSONField(_("mottagare"), default=list, editable=False)
    reply_to = models.JSONField(_("svarsadress"), default=list, blank=True, editable=False)
    subject = models.CharField(_("ämne"), max_length=500, editable=False)
    text = models.TextField(_("text"), editable=False)
    html = models.TextField(_("html"), blank=True, editable=False)
    # [{"filename": …, "content": base64, "mimetype": …}]
    attachments = models.JSONField(_("bilagor"), default=list, blank=True, editable=False)
    state = models.CharField(_("status"), max_length=12, choices=State, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    next_attempt_at = models.DateTimeField(_("nästa försök"))
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    last_answer = models.TextField(_("serverns senaste svar"), blank=True, editable=False)
    related_type = models.ForeignKey(
        "contenttypes.ContentType", null=True, blank=True, on_delete=models.SET_NULL
    )
    related_id = models.PositiveBigIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True)

    class Meta:
        verbose_name = _("utgående e-brev")
        verbose_name_plural = _("utgående e-brev")
        indexes = [
            models.Index(fields=["state", "next_attempt_at"], name="core_outbox_due"),
            models.Index(fields=["claim"], name="core_outbox_claim"),
            models.Index(fields=["related_type", "related_id"], name="core_outbox_related"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.key}"


class AuditEvent(models.Model):
    """One thing that happened to the domain data, said in the app's own words.

    Written only by ``core.audit.record`` / ``record_many``, inside the service's transaction
    (bulk paths included: a queryset ``update()`` or ``bulk_create`` records one event per
    object in one INSERT). django-auditlog's row diffs stay beside it for ``save()``.
    """

    at = models.DateTimeField(_("när"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("vem"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("händelse"), max_length=100)
    content_type = models.ForeignKey("contenttypes.ContentType", on_delete=models.CASCADE)
    object_pk = models.CharField(max_length=64)
    object_repr = models.CharField(_("objekt"), max_length=200)
    data = models.JSONField(_("uppgifter"), default=dict, blank=True)

    class Meta:
        verbose_name = _("händelse i ändringshistoriken")
        verbose_name_plural = _("händelser i ändringshistoriken")
        indexes = [
            models.Index(fields=["content_type", "object_pk", "-at"], name="core_audit_object"),
            models.Index(fields=["action", "-at"], name="core_audit_action"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_repr}"


class DataVersion(models.Model):
    """A counter of changes to domain data: bumped in the same transaction as every audit
    event, read with one primary-key lookup. The fragment cache (``core.fragments``) is keyed
    on it, so a cached page part is exactly as fresh as a new render."""

    value = models.PositiveBigIntegerField(default=0)

    class Meta:
        verbose_name = _("dataversion")
        verbose_name_plural = _("dataversion")

    def __str__(self) -> str:
        return str(self.value)
