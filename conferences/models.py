"""Dialogue conferences, their invitations with a dispatch log, and the registrations.

Business rules live in ``conferences.services``; the models hold the data and the invariants of
one row (constraints, choices).
"""

import datetime as dt
import secrets

from django.conf import settings
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadValidator


def new_token() -> str:
    return secrets.token_urlsafe(24)


class Conference(models.Model):
    class Kind(models.TextChoices):
        TJANSTEPERSONER = "tjanstepersoner", _("Dialogkonferens för tjänstepersoner")
        POLITIKER = "politiker", _("Dialogkonferens för politiker")
        BLANDAD = "blandad", _("Dialogkonferens för tjänstepersoner och politiker")
        DIGITAL = "digital", _("Digital konferens")
        STRATEGI = "strategi", _("Dialogkonferens om strategi")

    class Status(models.TextChoices):
        PLANERAD = "planerad", _("Planerad")
        INBJUDAN_SKICKAD = "inbjudan_skickad", _("Inbjudan skickad")
        FULLBOKAD = "fullbokad", _("Fullbokad")
        GENOMFORD = "genomford", _("Genomförd")
        INSTALLD = "installd", _("Inställd")

    slug = models.SlugField(_("kortnamn i adresser"), max_length=80, unique=True)
    title = models.CharField(_("rubrik"), max_length=200)
    kind = models.CharField(_("slag"), max_length=20, choices=Kind, default=Kind.BLANDAD)
    date = models.DateField(
        _("datum"), null=True, blank=True, help_text=_("Lämna tomt om datumet inte är bestämt.")
    )
    date_note = models.CharField(
        _("preliminär tidpunkt"),
        max_length=100,
        blank=True,
        help_text=_("Till exempel ”mars 2027” när datumet inte är bestämt."),
    )
    start_time = models.TimeField(_("starttid"), null=True, blank=True)
    end_time = models.TimeField(_("sluttid"), null=True, blank=True)
    duration_note = models.CharField(
        _("längd"), max_length=100, blank=True, help_text=_("Till exempel ”halvdag”.")
    )
    venue = models.CharField(_("plats"), max_length=200, blank=True)
    address = models.CharField(_("adress"), max_length=300, blank=True)
    online_url = models.URLField(_("länk till digitalt möte"), blank=True)
    target_group = models.TextField(_("målgrupp"), blank=True)
    capacity = models.PositiveIntegerField(
        _("antal platser"), null=True, blank=True, help_text=_("Lämna tomt för obegränsat.")
    )
    quota_per_organisation = models.PositiveIntegerField(
        _("högsta antal per organisation"),
        null=True,
        blank=True,
        help_text=_("Lämna tomt om varje organisation får anmäla hur många som helst."),
    )
    registration_opens = models.DateTimeField(_("anmälan öppnar"), null=True, blank=True)
    registration_closes = models.DateTimeField(
        _("sista anmälningsdag"),
        null=True,
        blank=True,
        help_text=_("Lämna tomt för att anmälan ska vara öppen till konferensens start."),
    )
    senders = models.TextField(_("avsändare"), blank=True)
    fika = models.BooleanField(_("fika serveras"), default=False)
    lunch = models.BooleanField(_("lunch serveras"), default=False)
    description = models.TextField(_("beskrivning"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.PLANERAD)
    organiser_email = models.EmailField(
        _("arrangörens adress"),
        blank=True,
        help_text=_("Hit skickas besked när konferensen blir fullbokad."),
    )
    retention_days = models.PositiveSmallIntegerField(
        _("dagar innan känsliga uppgifter raderas"),
        default=30,
        help_text=_(
            "Svar om kost, allergier och tillgänglighet raderas så här många dagar efter konferensen."
        ),
    )
    offer_hours = models.PositiveSmallIntegerField(
        _("timmar att tacka ja till en ledig plats"), default=48
    )
    sensitive_data_deleted_at = models.DateTimeField(
        _("känsliga uppgifter raderade"), null=True, blank=True, editable=False
    )
    capacity_notified_at = models.DateTimeField(null=True, blank=True, editable=False)
    # Cancelling: the status is "Inställd" at once, the e-mails go after a grace period in
    # which the registrar may undo it (conferences.services.conferences).
    cancelled_at = models.DateTimeField(_("inställd"), null=True, blank=True, editable=False)
    cancel_message = models.TextField(_("meddelande vid inställd konferens"), blank=True)
    cancel_previous_status = models.CharField(max_length=20, blank=True, editable=False)
    cancel_notified_at = models.DateTimeField(
        _("besked om inställd konferens skickat"), null=True, blank=True, editable=False
    )
    # A förvaltare may open check-in before the conference day (logged in the audit trail).
    checkin_opened_at = models.DateTimeField(
        _("incheckning öppnad i förväg"), null=True, blank=True, editable=False
    )
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)

    class Meta:
        verbose_name = _("konferens")
        verbose_name_plural = _("konferenser")
        ordering = [models.F("date").asc(nulls_last=True), "start_time", "title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_time__isnull=True)
                | models.Q(start_time__isnull=True)
                | models.Q(end_time__gt=models.F("start_time")),
                name="conference_end_after_start",
            ),
        ]

    def __str__(self) -> str:
        if self.date:
            return f"{self.title} {self.date:%Y-%m-%d}"
        return f"{self.title} ({self.date_note})" if self.date_note else self.title

    @property
    def starts_at(self) -> dt.datetime | None:
        if not self.date:
            return None
        return timezone.make_aware(dt.datetime.combine(self.date, self.start_time or dt.time(0)))

    @property
    def ends_at(self) -> dt.datetime | None:
        if not self.date:
            return None
        if self.end_time:
            return timezone.make_aware(dt.datetime.combine(self.date, self.end_time))
        return None

    @property
    def closes_at(self) -> dt.datetime | None:
        return self.registration_closes or self.starts_at

    @property
    def place(self) -> str:
        return ", ".join(p for p in (self.venue, self.address) if p) or self.online_url

    @property
    def catering(self) -> str:
        parts = [str(_("fika")) if self.fika else "", str(_("lunch")) if self.lunch else ""]
        return str(_(" och ")).join(p for p in parts if p)


class ProgrammeItem(models.Model):
    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="programme", verbose_name=_("konferens")
    )
    start_time = models.TimeField(_("starttid"), null=True, blank=True)
    end_time = models.TimeField(_("sluttid"), null=True, blank=True)
    title = models.CharField(_("programpunkt"), max_length=200)
    speakers = models.CharField(
        _("medverkande"), max_length=400, blank=True, help_text=_("Till exempel de som inleder.")
    )
    is_opening = models.BooleanField(_("inledning"), default=False)

    class Meta:
        verbose_name = _("programpunkt")
        verbose_name_plural = _("programpunkter")
        ordering = [models.F("start_time").asc(nulls_first=True), "id"]

    def __str__(self) -> str:
        return self.title


class PreMeeting(models.Model):
    """A förmöte: the openers meet before the conference to go through the script."""

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="pre_meetings",
        verbose_name=_("konferens"),
    )
    date = models.DateField(_("datum"))
    start_time = models.TimeField(_("starttid"), null=True, blank=True)
    end_time = models.TimeField(_("sluttid"), null=True, blank=True)
    place = models.CharField(_("plats eller länk"), max_length=300, blank=True)
    participants = models.CharField(_("deltagare"), max_length=400, blank=True)
    note = models.TextField(_("anteckning"), blank=True)

    class Meta:
        verbose_name = _("förmöte")
        verbose_name_plural = _("förmöten")
        ordering = ["date", "start_time", "id"]

    def __str__(self) -> str:
        return f"{self.conference} – {self.date:%Y-%m-%d}"


def _document_path(instance, filename: str) -> str:
    return f"konferenser/{instance.conference_id}/{secrets.token_hex(8)}-{filename}"


class ConferenceDocument(models.Model):
    """A document for the conference, e.g. the openers' script (manus). Served via a view."""

    conference = models.ForeignKey(
        Conference, on_delete=models.CASCADE, related_name="documents", verbose_name=_("konferens")
    )
    title = models.CharField(_("titel"), max_length=200)
    file = models.FileField(
        _("fil"),
        upload_to=_document_path,
        validators=[UploadValidator(kinds=("pdf", "docx"), max_bytes=15 * 1024 * 1024)],
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    uploaded_at = models.DateTimeField(_("uppladdad"), auto_now_add=True)

    class Meta:
        verbose_name = _("dokument")
        verbose_name_plural = _("dokument")
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title


class Invitation(models.Model):
    class Status(models.TextChoices):
        UTKAST = "utkast", _("Utkast")
        SKICKAS = "skickas", _("Skickas")
        SKICKAD = "skickad", _("Skickad")

    conference = models.ForeignKey(
        Conference,
        on_delete=models.PROTECT,
        related_name="invitations",
        verbose_name=_("konferens"),
    )
    subject = models.CharField(_("ämnesrad"), max_length=200)
    body = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.UTKAST)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("skapad av"),
    )
    created_at = models.DateTimeField(_("skapad"), auto_now_add=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    reminder_round = models.PositiveSmallIntegerField(_("påminnelser skickade"), default=0)
    reminded_at = models.DateTimeField(_("senast påmind"), null=True, blank=True)

    class Meta:
        verbose_name = _("inbjudan")
        verbose_name_plural = _("inbjudningar")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.subject


class Recipient(models.Model):
    """One recipient of one invitation, and the dispatch log of its e-mail.

    The unique constraint on (invitation, e-mail) and the claimed status change in
    ``conferences.services`` make sure that nobody gets the same invitation twice.
    """

    class Source(models.TextChoices):
        KOMMUNALFORBUND = "kommunalforbund", _("Kommunalförbund")
        VASTKOM = "vastkom", _("VästKom")
        KOMMUN = "kommun", _("Kommunens registrator")
        FORVALTNING = "forvaltning", _("VGR-förvaltning")
        LEDARE = "ledare", _("Implementeringsansvarig")
        IMPORT = "import", _("Importerad lista")

    class Status(models.TextChoices):
        VANTAR = "vantar", _("Inte köad")
        KOAD = "koad", _("Köad")
        SKICKAS = "skickas", _("Skickas")
        SKICKAD = "skickad", _("Skickad")
        MISSLYCKAD = "misslyckad", _("Misslyckades")
        SAKNAR_ADRESS = "saknar_adress", _("Saknar adress")

    invitation = models.ForeignKey(
        Invitation, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("inbjudan")
    )
    email = models.EmailField(_("e-postadress"), blank=True)
    name = models.CharField(_("namn"), max_length=200, blank=True)
    organisation = models.CharField(_("organisation"), max_length=200, blank=True)
    source = models.CharField(_("källa"), max_length=20, choices=Source)
    party = models.ForeignKey(
        "agreements.Party", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    unit = models.ForeignKey(
        "implementation.Unit", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    forward_note = models.BooleanField(_("med rekommendation att föra vidare"), default=False)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.VANTAR)
    attempts = models.PositiveSmallIntegerField(_("försök"), default=0)
    error = models.CharField(_("orsak"), max_length=500, blank=True)
    queued_at = models.DateTimeField(_("köad"), null=True, blank=True)
    sent_at = models.DateTimeField(_("skickad"), null=True, blank=True)
    # The batch that holds the row while it is "Skickas", and when it last showed it was alive:
    # a claim older than INVITATION_CLAIM_STALE_SECONDS may be taken over (the worker died).
    claim = models.UUIDField(null=True, blank=True, editable=False)
    claimed_at = models.DateTimeField(null=True, blank=True, editable=False)
    # The invitee's own answer through the decline link in the invitation.
    declined_at = models.DateTimeField(_("avböjde"), null=True, blank=True)
    # The last reminder round this recipient was reminded in (0: never).
    reminded_round = models.PositiveSmallIntegerField(_("påmind i omgång"), default=0)

    class Meta:
        verbose_name = _("mottagare")
        verbose_name_plural = _("mottagare")
        ordering = ["source", "organisation", "name", "email"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                "invitation",
                condition=~models.Q(email=""),
                name="recipient_unique_email_per_invitation",
            ),
            models.CheckConstraint(
                condition=~models.Q(email="") | models.Q(status="saknar_adress"),
                name="recipient_without_address_is_marked",
            ),
        ]
        indexes = [
            models.Index(fields=["invitation", "status"]),
            models.Index(fields=["claim"], name="recipient_claim"),
            # The recovery job's question: which invitations still have work left?
            models.Index(
                fields=["invitation"],
                condition=models.Q(status__in=["koad", "skickas"]),
                name="recipient_busy",
            ),
        ]

    def __str__(self) -> str:
        return self.email or self.organisation or self.name


class Registration(models.Model):
    class Role(models.TextChoices):
        POLITIKER = "politiker", _("Politiker")
        TJANSTEPERSON = "tjansteperson", _("Tjänsteperson")

    class Status(models.TextChoices):
        # Double opt-in: nothing is held until the address is confirmed from the e-mail.
        OBEKRAFTAD = "obekraftad", _("Väntar på bekräftelse av e-postadressen")
        BEKRAFTAD = "bekraftad", _("Bekräftad")
        VANTELISTA = "vantelista", _("På väntelistan")
        ERBJUDEN = "erbjuden", _("Erbjuden plats")
        AVBOKAD = "avbokad", _("Avbokad")
        UTGATT = "utgatt", _("Erbjudandet gick ut")

    conference = models.ForeignKey(
        Conference,
        on_delete=models.PROTECT,
        related_name="registrations",
        verbose_name=_("konferens"),
    )
    name = models.CharField(_("namn"), max_length=200)
    email = models.EmailField(_("e-postadress"))
    party = models.ForeignKey(
        "agreements.Party",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    organisation_other = models.CharField(_("annan organisation"), max_length=200, blank=True)
    unit = models.ForeignKey(
        "implementation.Unit",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("enhet"),
    )
    role = models.CharField(_("roll"), max_length=20, choices=Role)
    title = models.CharField(_("titel"), max_length=200, blank=True)

    class Diet(models.TextChoices):
        VEGETARISKT = "vegetariskt", _("Vegetariskt")
        VEGANSKT = "veganskt", _("Veganskt")
        LAKTOSFRITT = "laktosfritt", _("Laktosfritt")
        GLUTENFRITT = "glutenfritt", _("Glutenfritt")
        ANNAT = "annat", _("Annat")

    # Comma-separated codes of Diet; "annat" is described in ``diet``.
    diet_choices = models.CharField(_("specialkost"), max_length=100, blank=True)
    diet = models.CharField(_("annan specialkost"), max_length=300, blank=True)
    allergies = models.CharField(_("allergier"), max_length=300, blank=True)
    accessibility = models.CharField(_("behov av anpassning"), max_length=500, blank=True)
    consent_at = models.DateTimeField(_("godkände integritetsinformationen"))
    status = models.CharField(_("status"), max_length=20, choices=Status)
    joined_at = models.DateTimeField(_("anmäld"), default=timezone.now)
    offer_expires_at = models.DateTimeField(_("erbjudandet gäller till"), null=True, blank=True)
    cancelled_at = models.DateTimeField(_("avbokad"), null=True, blank=True)
    attended = models.BooleanField(_("närvarade"), default=False)
    attended_at = models.DateTimeField(_("närvaro registrerad"), null=True, blank=True)
    token = models.CharField(max_length=64, unique=True, default=new_token, editable=False)
    recipient = models.ForeignKey(
        Recipient, on_delete=models.SET_NULL, null=True, blank=True, related_name="registrations"
    )
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("anmälan")
        verbose_name_plural = _("anmälningar")
        ordering = ["joined_at", "id"]
        constraints = [
            models.UniqueConstraint(
                Lower("email"), "conference", name="registration_unique_email_per_conference"
            ),
            models.CheckConstraint(
                condition=~models.Q(status="erbjuden") | models.Q(offer_expires_at__isnull=False),
                name="registration_offer_has_expiry",
            ),
        ]
        indexes = [
            models.Index(fields=["conference", "status", "joined_at"]),
            models.Index(fields=["party"]),
        ]

    def __str__(self) -> str:
        return f"{self.name} – {self.conference}"

    @property
    def organisation(self) -> str:
        return self.party.name if self.party_id else self.organisation_other

    @property
    def holds_seat(self) -> bool:
        return self.status in (self.Status.BEKRAFTAD, self.Status.ERBJUDEN)


class ChecklistLink(models.Model):
    """A förvaltare's link between a conference and an implementation checklist item: attending
    the conference counts as evidence for the item (and marks it done for the attendee's unit)."""

    conference = models.ForeignKey(
        Conference,
        on_delete=models.CASCADE,
        related_name="checklist_links",
        verbose_name=_("konferens"),
    )
    responsibility = models.ForeignKey(
        "implementation.Responsibility",
        on_delete=models.CASCADE,
        related_name="conference_links",
        verbose_name=_("ansvar i checklistan"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    created_at = models.DateTimeField(_("kopplad"), auto_now_add=True)

    class Meta:
        verbose_name = _("koppling till checklistan")
        verbose_name_plural = _("kopplingar till checklistan")
        ordering = ["responsibility__phase__order", "responsibility__level", "responsibility__code"]
        constraints = [
            models.UniqueConstraint(
                fields=["conference", "responsibility"], name="checklist_link_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.conference} → {self.responsibility}"
