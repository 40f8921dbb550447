"""Joint documents, their versions, remiss rounds, the backing register and dispatches.

- ``Document`` (kind: riktlinje, strategi, material, pressmeddelande, annat) has immutable
  ``DocumentVersion`` rows (utkast, remissversion, slutlig) with files (``VersionFile``). A
  version that has been sent (on remiss or in a dispatch) is locked: ``sent_at`` is set and the
  services refuse every change; a new version is a new row.
- ``RemissRound``: one version out on remiss to ``RemissRecipient`` rows (a party, a
  kommunalförbund or a joint body), each with its answer.
- ``Backing``: a party's decision to back ("ställa sig bakom") a version. The latest decision
  per party counts; the version "gäller" when every agreement party has backed it.
- ``Dispatch``: a general mailing (utskick) to ``DispatchRecipient`` rows, each of whom may
  confirm receipt, forwarding and registration from the mail.
"""

import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadValidator

FILE_KINDS = ("pdf", "docx", "xlsx")
# 10 MB as escalation attachments: an Office file may then unpack to at most 40 MB.
MAX_FILE_BYTES = 10 * 1024 * 1024


def validate_file(upload) -> None:
    UploadValidator(kinds=FILE_KINDS, max_bytes=MAX_FILE_BYTES)(upload)


def _upload_to(folder: str):
    def path(instance, filename: str) -> str:
        safe = "".join(c for c in filename if c.isalnum() or c in "._-")[-80:] or "fil"
        return f"dokument/{folder}/{secrets.token_hex(8)}-{safe}"

    return path


def version_file_path(instance, filename):
    return _upload_to("versioner")(instance, filename)


def answer_file_path(instance, filename):
    return _upload_to("remissvar")(instance, filename)


def attachment_path(instance, filename):
    return _upload_to("utskick")(instance, filename)


class Document(models.Model):
    class Kind(models.TextChoices):
        GUIDELINE = "riktlinje", _("Riktlinje")
        STRATEGY = "strategi", _("Strategi")
        MATERIAL = "material", _("Material")
        PRESS = "pressmeddelande", _("Pressmeddelande")
        OTHER = "annat", _("Annat")

    title = models.CharField(_("titel"), max_length=300)
    kind = models.CharField(_("slag"), max_length=20, choices=Kind)
    description = models.TextField(_("beskrivning"), blank=True, max_length=5000)
    agreements = models.ManyToManyField(
        "agreements.Agreement", verbose_name=_("avtal"), blank=True, related_name="+"
    )
    responsibilities = models.ManyToManyField(
        "implementation.Responsibility",
        verbose_name=_("punkter i checklistan"),
        blank=True,
        related_name="+",
    )
    backing_required = models.BooleanField(
        _("kräver att alla parter ställer sig bakom"),
        default=False,
        help_text=_("Dokumentet gäller först när alla 50 parter har ställt sig bakom det."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapat"), auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("gemensamt dokument")
        verbose_name_plural = _("gemensamma dokument")
        ordering = ["title"]

    def __str__(self) -> str:
        return self.title


class DocumentVersion(models.Model):
    class Stage(models.TextChoices):
        DRAFT = "utkast", _("Utkast")
        REMISS = "remissversion", _("Remissversion")
        FINAL = "slutlig", _("Slutlig version")

    document = models.ForeignKey(
        Document, verbose_name=_("dokument"), on_delete=models.PROTECT, related_name="versions"
    )
    number = models.PositiveSmallIntegerField(_("versionsnummer"))
    stage = models.CharField(_("skede"), max_length=20, choices=Stage)
    note = models.TextField(_("kommentar"), blank=True, max_length=2000)
    checked_on = models.DateField(_("granskad"), null=True, blank=True)
    backing_deadline = models.DateField(_("sista dag att ställa sig bakom"), null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("version")
        verbose_name_plural = _("versioner")
        ordering = ["document", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["document", "number"], name="docversion_unique")
        ]

    def __str__(self) -> str:
        return f"{self.document} v{self.number} ({self.get_stage_display()})"

    @property
    def locked(self) -> bool:
        return self.sent_at is not None


class VersionFile(models.Model):
    version = models.ForeignKey(
        DocumentVersion, on_delete=models.PROTECT, related_name="files", verbose_name=_("version")
    )
    file = models.FileField(_("fil"), upload_to=version_file_path, validators=[validate_file])
    name = models.CharField(_("filnamn"), max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fil")
        verbose_name_plural = _("filer")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RemissRound(models.Model):
    version = models.ForeignKey(
        DocumentVersion,
        verbose_name=_("version"),
        on_delete=models.PROTECT,
        related_name="remiss_rounds",
    )
    title = models.CharField(_("rubrik"), max_length=300)
    opens_on = models.DateField(_("remisstiden börjar"))
    deadline = models.DateField(_("sista svarsdag"))
    message = models.TextField(_("följebrev"), blank=True, max_length=5000)
    reference = models.CharField(_("vår referens"), max_length=100, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("remissomgång")
        verbose_name_plural = _("remissomgångar")
        ordering = ["-deadline", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(deadline__gte=models.F("opens_on")),
                name="remiss_deadline_after_open",
            )
        ]

    def __str__(self) -> str:
        return self.title


class RemissRecipient(models.Model):
    class Answer(models.TextChoices):
        STATEMENT = "yttrande", _("Yttrande")
        NO_OBJECTION = "inget_att_invanda", _("Inget att invända")

    round = models.ForeignKey(
        RemissRound, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("remiss")
    )
    party = models.ForeignKey(
        "agreements.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    federation = models.ForeignKey(
        "agreements.Federation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.ForeignKey(
        "agreements.JointBody", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("remissinstans"), max_length=200)
    email = models.EmailField(_("e-postadress"), blank=True)
    answer = models.CharField(_("svar"), max_length=20, choices=Answer, blank=True)
    text = models.TextField(_("yttrande"), blank=True, max_length=20000)
    answered_at = models.DateTimeField(_("svar mottaget"), null=True, blank=True)
    answered_by_link = models.BooleanField(_("svarat via länken"), default=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reminders = models.PositiveSmallIntegerField(_("påminnelser"), default=0)

    class Meta:
        verbose_name = _("remissinstans")
        verbose_name_plural = _("remissinstanser")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["round", "name"], name="remissrecipient_unique"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def answered(self) -> bool:
        return self.answered_at is not None

    @property
    def late(self) -> bool:
        deadline = self.round.deadline
        if self.answered_at is not None:
            return timezone.localdate(self.answered_at) > deadline
        return timezone.localdate() > deadline


class RemissAnswerFile(models.Model):
    """A file that came with an answer; a later answer adds its own (the earlier stay)."""

    recipient = models.ForeignKey(
        RemissRecipient, on_delete=models.CASCADE, related_name="files", verbose_name=_("svar")
    )
    file = models.FileField(_("fil"), upload_to=answer_file_path, validators=[validate_file])
    name = models.CharField(_("filnamn"), max_length=200)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("fil till remissvar")
        verbose_name_plural = _("filer till remissvar")
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return self.name


class Backing(models.Model):
    """One party's decision on whether it backs a version (the latest per party counts)."""

    class Outcome(models.TextChoices):
        BACKED = "bakom", _("Ställer sig bakom")
        NOT_BACKED = "inte_bakom", _("Ställer sig inte bakom")
        POSTPONED = "bordlagt", _("Bordlagt")

    version = models.ForeignKey(
        DocumentVersion,
        on_delete=models.PROTECT,
        related_name="backings",
        verbose_name=_("version"),
    )
    party = models.ForeignKey(
        "agreements.Party", on_delete=models.PROTECT, related_name="+", verbose_name=_("part")
    )
    body = models.CharField(_("beslutande organ"), max_length=200)
    decided_on = models.DateField(_("beslutsdatum"))
    outcome = models.CharField(_("utfall"), max_length=20, choices=Outcome)
    reference = models.CharField(_("diarienummer"), max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("ställningstagande")
        verbose_name_plural = _("ställningstaganden")
        ordering = ["-decided_on", "-pk"]
        indexes = [models.Index(fields=["version", "party"], name="backing_version_party")]

    def __str__(self) -> str:
        return f"{self.party} – {self.get_outcome_display()}"


class Dispatch(models.Model):
    """A general mailing: subject, text, attachments and an audience."""

    class Audience(models.TextChoices):
        FEDERATIONS = "forbund", _("Kommunalförbunden (med uppmaning att sända vidare)")
        REGISTRARS = "registratorer", _("Kommunernas registratorer")
        FORVALTNINGAR = "forvaltningar", _("VGR:s förvaltningar")
        LEADS = "ledare", _("Implementeringsansvariga per nivå")
        BODY = "organ", _("Ett organs ledamöter")
        ATTENDEES = "deltagare", _("En konferens deltagare")
        NO_SHOWS = "uteblivna", _("En konferens uteblivna")

    subject = models.CharField(_("ämne"), max_length=200)
    text = models.TextField(_("text"), max_length=20000)
    reference = models.CharField(_("vår referens"), max_length=100, blank=True)
    forward_note = models.TextField(
        _("uppmaning till kommunalförbunden"),
        blank=True,
        max_length=2000,
        default=_("Vi rekommenderar att ni sänder detta vidare till respektive medlemskommun."),
    )
    audiences = models.JSONField(_("mottagargrupper"), default=list, blank=True)
    levels = models.JSONField(_("nivåer"), default=list, blank=True)
    body = models.ForeignKey(
        "agreements.JointBody",
        verbose_name=_("organ"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    conference = models.ForeignKey(
        "conferences.Conference",
        verbose_name=_("konferens"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    version = models.ForeignKey(
        DocumentVersion,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="dispatches",
        verbose_name=_("dokumentversion"),
    )
    sent_at = models.DateTimeField(_("skickat"), null=True, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    is_demo = models.BooleanField(default=False, editable=False)

    class Meta:
        verbose_name = _("utskick")
        verbose_name_plural = _("utskick")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject

    @property
    def our_reference(self) -> str:
        return self.reference or f"HoS-U-{self.pk}"


class DispatchAttachment(models.Model):
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("bilaga"), upload_to=attachment_path, validators=[validate_file])
    name = models.CharField(_("filnamn"), max_length=200)

    class Meta:
        verbose_name = _("bilaga")
        verbose_name_plural = _("bilagor")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class DispatchRecipient(models.Model):
    dispatch = models.ForeignKey(Dispatch, on_delete=models.CASCADE, related_name="recipients")
    audience = models.CharField(max_length=20, choices=Dispatch.Audience)
    name = models.CharField(_("mottagare"), max_length=200)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    email = models.EmailField(_("e-postadress"))
    federation = models.ForeignKey(
        "agreements.Federation", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    party = models.ForeignKey(
        "agreements.Party", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    confirmed_at = models.DateTimeField(_("mottaget"), null=True, blank=True)
    forwarded_to = models.TextField(_("vidarebefordrat till"), blank=True, max_length=2000)
    forwarded_at = models.DateTimeField(null=True, blank=True)
    registered_dnr = models.CharField(_("diarienummer"), max_length=100, blank=True)
    registered_at = models.DateTimeField(null=True, blank=True)
    reminders = models.PositiveSmallIntegerField(_("påminnelser"), default=0)

    class Meta:
        verbose_name = _("mottagare av utskick")
        verbose_name_plural = _("mottagare av utskick")
        ordering = ["audience", "organisation", "name"]
        constraints = [
            models.UniqueConstraint(
                fields=["dispatch", "email"], name="dispatchrecipient_unique_email"
            )
        ]

    def __str__(self) -> str:
        return f"{self.name} <{self.email}>"
