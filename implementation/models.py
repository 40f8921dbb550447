"""Units, phases, responsibilities, leads and the progress log (domain.md §3).

The allowed status changes live in ``implementation.workflow`` (one Workflow per status table);
what a status counts as in the readiness figures lives in ``implementation.readiness``
(``STATUS_POINTS`` is its weights table); the readiness summary tables in
``implementation.summary_models``.

Choices: ``Progress.Status``, ``DevelopmentNeed.Status`` and ``UnitMembership.Role`` follow the
house convention (nested, named for the field); they are also module-level ``Status``,
``NeedStatus`` and ``MembershipRole`` (the same classes), the names the other apps import.
``Level`` stays module-level: three models share it.
"""

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from core.uploads import UploadValidator
from core.workflow import Transition, Workflow
from implementation.readiness.definition import WEIGHTS, log_deltas


class Level(models.TextChoices):
    """The three levels that carry responsibility (domain.md §3)."""

    VERKSAMHET = "verksamhet", _("Verksamhet")
    FORVALTNING = "forvaltning", _("Förvaltning")
    REGIONOVERGRIPANDE = "regionovergripande", _("Regionövergripande")


class UnitQuerySet(models.QuerySet):
    def current(self):
        return self.filter(retired_at=None)

    def retired(self):
        return self.exclude(retired_at=None)


class CurrentUnitManager(models.Manager.from_queryset(UnitQuerySet)):
    """``Unit.objects``: the current units only (retired ones leave every list, picker and
    figure). History, backups and old links read ``Unit.all_objects``; a foreign key
    (``case.unit``) resolves through the base manager, retired or not."""

    def get_queryset(self):
        return super().get_queryset().filter(retired_at=None)


class Unit(models.Model):
    """An organisational unit under a party: a förvaltning, a verksamhet under it, or a
    regionövergripande unit (the VGR-wide working group). Retired (``retired_at``), never
    deleted: its history stays readable, it leaves everything current (issue #19)."""

    party = models.ForeignKey(
        "agreements.Party",
        verbose_name=_("part"),
        on_delete=models.PROTECT,
        related_name="units",
    )
    parent = models.ForeignKey(
        "self",
        verbose_name=_("förvaltning"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
    )
    level = models.CharField(_("nivå"), max_length=30, choices=Level)
    name = models.CharField(_("namn"), max_length=200)
    slug = models.SlugField(_("kortnamn i adresser"), max_length=120)
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)
    retired_at = models.DateTimeField(_("avvecklad"), null=True, blank=True, editable=False)
    retired_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("avvecklad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    retired_reason = models.TextField(_("skäl till avvecklingen"), blank=True, editable=False)

    objects = CurrentUnitManager()
    all_objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("enhet")
        verbose_name_plural = _("enheter")
        base_manager_name = "all_objects"
        ordering = ["party__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["party", "slug"], name="unit_unique_slug_per_party"),
            models.CheckConstraint(
                condition=~models.Q(level="verksamhet") | models.Q(parent__isnull=False),
                name="unit_verksamhet_has_parent",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def lifecycle(self) -> str:
        """The unit's state in ``UNIT_LIFECYCLE`` (derived from ``retired_at``)."""
        return "retired" if self.retired_at else "current"


# A unit's lifecycle (issue #19): retired instead of deleted, restored by the Förvaltare.
UNIT_LIFECYCLE = Workflow(
    "enhet",
    [
        Transition("retire", sources={"current"}, target="retired", label=_("Avveckla")),
        Transition("restore", sources={"retired"}, target="current", label=_("Återställa")),
    ],
)


class Phase(models.Model):
    """Step 1 and the four phases of domain.md §3. Dates are assumptions: editable."""

    code = models.SlugField(_("kod"), max_length=20, unique=True)
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)
    name = models.CharField(_("namn"), max_length=200)
    short_name = models.CharField(_("kort namn"), max_length=60)
    description = models.TextField(_("beskrivning"), blank=True)
    starts_on = models.DateField(_("börjar"), null=True, blank=True)
    ends_on = models.DateField(_("slutar"), null=True, blank=True)

    class Meta:
        verbose_name = _("fas")
        verbose_name_plural = _("faser")
        ordering = ["order"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(starts_on__isnull=True)
                | models.Q(ends_on__isnull=True)
                | models.Q(ends_on__gte=models.F("starts_on")),
                name="phase_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return self.short_name


class Responsibility(models.Model):
    """One checklist item: a single action of a level in a phase.

    Progress is logged against it; the log copies its title, so editing or retiring the item
    never rewrites history.
    """

    code = models.SlugField(_("kod"), max_length=80, unique=True)
    phase = models.ForeignKey(
        Phase, verbose_name=_("fas"), on_delete=models.PROTECT, related_name="responsibilities"
    )
    level = models.CharField(_("nivå"), max_length=30, choices=Level)
    title = models.CharField(_("rubrik"), max_length=300)
    description = models.TextField(_("beskrivning"), blank=True)
    due_date = models.DateField(
        _("klart senast"),
        null=True,
        blank=True,
        help_text=_("Lämnas tomt: fasens slutdatum."),
    )
    is_active = models.BooleanField(
        _("aktiv"),
        default=True,
        help_text=_(
            "Ett avvecklat ansvar visas inte i checklistorna men dess historik finns kvar."
        ),
    )
    order = models.PositiveSmallIntegerField(_("ordning"), default=0)

    class Meta:
        verbose_name = _("ansvar")
        verbose_name_plural = _("ansvar")
        ordering = ["phase__order", "level", "order", "code"]
        indexes = [models.Index(fields=["level", "is_active"], name="resp_level_active")]

    def __str__(self) -> str:
        return self.title


class MembershipRole(models.TextChoices):
    LEAD = "lead", _("Implementeringsansvarig")
    MEMBER = "member", _("Medlem i implementeringsgruppen")


class UnitMembership(models.Model):
    """A person appointed to a unit's implementation: its lead or a member of its group."""

    Role = MembershipRole

    unit = models.ForeignKey(
        Unit, verbose_name=_("enhet"), on_delete=models.CASCADE, related_name="memberships"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("person"),
        on_delete=models.CASCADE,
        related_name="unit_memberships",
    )
    role = models.CharField(_("roll"), max_length=10, choices=MembershipRole)
    is_active = models.BooleanField(_("aktiv"), default=True)
    created_at = models.DateTimeField(_("utsedd"), default=timezone.now)
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("uppdrag i enhet")
        verbose_name_plural = _("uppdrag i enheter")
        ordering = ["role", "user__first_name", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["unit", "user"], name="membership_unique_per_unit"),
        ]
        indexes = [models.Index(fields=["user", "is_active"], name="membership_user_active")]

    def __str__(self) -> str:
        return f"{self.user} – {self.unit} ({self.get_role_display()})"


class Status(models.TextChoices):
    EJ_PABORJAD = "ej_paborjad", _("Ej påbörjad")
    PAGAR = "pagar", _("Pågår")
    HINDER = "hinder", _("Hinder")
    KLAR = "klar", _("Klar")
    EJ_AKTUELLT = "ej_aktuellt", _("Ej aktuellt")


# The weighted measure's percentage per status (``implementation.readiness``; None: Ej aktuellt,
# outside the denominator).
STATUS_POINTS: dict[str, int | None] = WEIGHTS


EVIDENCE_VALIDATOR = UploadValidator(kinds=("pdf", "docx", "xlsx"), max_bytes=10 * 1024 * 1024)


class Progress(models.Model):
    """The state of one item in one unit. A missing row means Ej påbörjad."""

    Status = Status

    unit = models.ForeignKey(
        Unit, verbose_name=_("enhet"), on_delete=models.CASCADE, related_name="progress"
    )
    responsibility = models.ForeignKey(
        Responsibility, verbose_name=_("ansvar"), on_delete=models.PROTECT, related_name="progress"
    )
    status = models.CharField(
        _("status"), max_length=20, choices=Status, default=Status.EJ_PABORJAD
    )
    next_step = models.TextField(_("nästa steg"), blank=True)
    blocker_reason = models.TextField(
        _("orsak till hinder"),
        blank=True,
        help_text=_("Kommentaren när ansvaret fick status Hinder; tom när det inte har hinder."),
    )
    status_changed_at = models.DateTimeField(_("status ändrad"), null=True, blank=True)
    updated_at = models.DateTimeField(_("senast ändrad"), default=timezone.now)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("senast ändrad av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("framsteg")
        verbose_name_plural = _("framsteg")
        constraints = [
            models.UniqueConstraint(
                fields=["unit", "responsibility"], name="progress_unique_unit_item"
            ),
        ]
        indexes = [
            models.Index(fields=["status", "status_changed_at"], name="progress_status_changed"),
            models.Index(fields=["updated_at"], name="progress_updated"),
            # Covers the roll-ups of a set of units (status per unit and item, no table reads).
            models.Index(
                fields=["unit", "responsibility", "status"], name="progress_unit_item_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.unit} – {self.responsibility_id}: {self.get_status_display()}"

    @property
    def points(self) -> int | None:
        return STATUS_POINTS[self.status]


class Evidence(models.Model):
    """A named file or link that shows an item's work in a unit. An item has any number.

    Added and removed only through ``services`` (each in the item's log); a removed file is
    deleted from storage once the transaction has committed.
    """

    progress = models.ForeignKey(
        Progress, verbose_name=_("framsteg"), on_delete=models.CASCADE, related_name="evidence"
    )
    name = models.CharField(_("namn"), max_length=200)
    file = models.FileField(
        _("fil"),
        upload_to="genomforande/underlag/%Y/%m/",
        blank=True,
        max_length=300,
        validators=[EVIDENCE_VALIDATOR],
    )
    url = models.URLField(_("länk"), max_length=500, blank=True)
    added_at = models.DateTimeField(_("tillagt"), default=timezone.now)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("tillagt av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("underlag")
        verbose_name_plural = _("underlag")
        ordering = ["added_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(file="") & ~models.Q(url=""))
                | (~models.Q(file="") & models.Q(url="")),
                name="evidence_file_or_link",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_file(self) -> bool:
        return bool(self.file)


class ProgressLog(models.Model):
    """One dated entry in an item's log: a status change and/or a comment, with its author.

    ``responsibility_title`` keeps the item's title as it was. The deltas let the weekly
    readiness history be summed in the database (one query) instead of replayed row by row.
    """

    progress = models.ForeignKey(
        Progress, verbose_name=_("framsteg"), on_delete=models.CASCADE, related_name="log"
    )
    unit = models.ForeignKey(
        Unit, verbose_name=_("enhet"), on_delete=models.CASCADE, related_name="progress_log"
    )
    responsibility = models.ForeignKey(
        Responsibility, verbose_name=_("ansvar"), on_delete=models.PROTECT, related_name="log"
    )
    responsibility_title = models.CharField(_("ansvarets rubrik då"), max_length=300)
    status_before = models.CharField(_("status före"), max_length=20, choices=Status)
    status_after = models.CharField(_("status efter"), max_length=20, choices=Status)
    comment = models.TextField(_("kommentar"), blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("tidpunkt"), default=timezone.now)
    done_delta = models.SmallIntegerField(default=0, editable=False)
    excluded_delta = models.SmallIntegerField(default=0, editable=False)
    points_delta = models.SmallIntegerField(default=0, editable=False)

    class Meta:
        verbose_name = _("logganteckning")
        verbose_name_plural = _("logganteckningar")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["created_at"], name="progresslog_created"),
            models.Index(fields=["progress", "-created_at"], name="progresslog_progress"),
            # A unit's latest entries (the recent log on the unit page and Min sida).
            models.Index(fields=["unit", "-created_at", "-id"], name="progresslog_unit_created"),
        ]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d} {self.responsibility_title}"

    @property
    def changed_status(self) -> bool:
        return self.status_before != self.status_after

    def set_deltas(self) -> None:
        """The change this entry makes to done / excluded counts and to progress points."""
        self.done_delta, self.excluded_delta, self.points_delta = log_deltas(
            self.status_before, self.status_after
        )


class NeedStatus(models.TextChoices):
    IDENTIFIERAT = "identifierat", _("Identifierat")
    PAGAR = "pagar", _("Pågår")
    HANTERAT = "hanterat", _("Hanterat")
    AVSLUTAT = "avslutat", _("Avslutat utan åtgärd")


class DevelopmentNeed(models.Model):
    """An utvecklingsbehov a unit has seen and handles (domain.md §3, phases 2 and 4)."""

    Status = NeedStatus

    unit = models.ForeignKey(
        Unit, verbose_name=_("enhet"), on_delete=models.CASCADE, related_name="needs"
    )
    responsibility = models.ForeignKey(
        Responsibility,
        verbose_name=_("hör till ansvar"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="needs",
    )
    title = models.CharField(_("rubrik"), max_length=200)
    description = models.TextField(_("beskrivning"), blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=NeedStatus, default=NeedStatus.IDENTIFIERAT
    )
    owner = models.CharField(
        _("ägare"),
        max_length=200,
        help_text=_("Vem som driver behovet, t.ex. en person eller en funktion."),
    )
    due_date = models.DateField(_("planerat klart"), null=True, blank=True)
    created_at = models.DateTimeField(_("skapat"), default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("skapat av"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    is_demo = models.BooleanField(_("demodata"), default=False, editable=False)

    class Meta:
        verbose_name = _("utvecklingsbehov")
        verbose_name_plural = _("utvecklingsbehov")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title


# The readiness summary tables are models of this app kept in their own module; imported here so
# that ``implementation.models`` stays the one place to import them from.
from implementation.summary_models import ReadinessCount, ReadinessWeek  # noqa: E402, F401
