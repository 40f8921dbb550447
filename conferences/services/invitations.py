"""Invitations: the text, the recipients, and sending them exactly once.

Each recipient row is the dispatch log of one e-mail, and the rows are the real queue: Celery
messages only say "look at these ids now", so a lost message (broker down or restarted empty)
delays e-mails but never loses them — ``invitations_to_recover`` (a beat job) finds them.

A recipient is sent at most once per invitation because (1) the database refuses a second row
with the same address, and (2) a batch claims its rows in one atomic ``UPDATE … WHERE status =
'koad' OR (status = 'skickas' AND claimed_at < stale)`` before any e-mail goes out, so a batch
task that runs twice, or two workers at once, can never both send one; and (3) each message the
SMTP server accepts is recorded at once (see ``_Claim.flush``), so a batch that takes over the
claim of a dead worker sends only what that worker had not got accepted.
"""

import datetime as dt
import logging
import smtplib
import uuid
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import get_connection
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Federation, JointBody, Party
from conferences import selectors
from conferences.models import Conference, Invitation, Recipient
from core.audit import audit_actor
from core.tabular import RowReport, TableError, read_table

logger = logging.getLogger(__name__)

R = Recipient.Status
FORWARD_TEXT = "Till kommunalförbunden med rekommendation om att föra vidare till respektive kommun"

GROUPS = ("kommunalforbund", "kommuner", "forvaltningar", "ledare")


class ImportRejected(Exception):
    """The uploaded list had bad rows; nothing was imported."""

    def __init__(self, report: RowReport | None = None, message: str = ""):
        super().__init__(message)
        self.report = report
        self.message = message

    def lines(self) -> list[str]:
        return [self.message] if self.message else self.report.lines()


def invitation_default_text(conference: Conference) -> tuple[str, str]:
    """Subject and body prefilled from the conference, like the source invitation."""
    subject = _("Inbjudan: %(title)s") % {"title": conference.title}
    body = render_to_string(
        "conferences/email/invitation_default_body.txt", {"conference": conference}
    ).strip()
    return subject, body


def _check_draftable(invitation: Invitation) -> None:
    if invitation.conference.status == Conference.Status.INSTALLD:
        raise ValidationError(_("Konferensen är inställd. Inbjudan kan inte skickas."))


def invitation_create(*, conference: Conference, subject: str, body: str, actor) -> Invitation:
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation(conference=conference, subject=subject, body=body, created_by=actor)
        _check_draftable(invitation)
        invitation.full_clean()
        invitation.save()
    return invitation


def invitation_update(*, invitation: Invitation, subject: str, body: str, actor) -> Invitation:
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.recipients.exclude(status__in=(R.VANTAR, R.SAKNAR_ADRESS)).exists():
            raise ValidationError(
                _("Inbjudan har redan börjat skickas och texten kan inte ändras längre.")
            )
        invitation.subject, invitation.body = subject, body
        invitation.full_clean()
        invitation.save()
    return invitation


@dataclass
class AddResult:
    added: int = 0
    duplicates: int = 0
    without_address: list[str] = field(default_factory=list)


def _candidates(groups: set[str], levels: list[str]) -> list[Recipient]:
    rows: list[Recipient] = []
    if "kommunalforbund" in groups:
        for federation in Federation.objects.order_by("order"):
            rows.append(
                Recipient(
                    email=federation.email,
                    organisation=federation.name,
                    source=Recipient.Source.KOMMUNALFORBUND,
                    forward_note=True,
                )
            )
        for body in JointBody.objects.filter(slug="vastkom"):
            rows.append(
                Recipient(
                    email=body.email,
                    organisation=body.name,
                    source=Recipient.Source.VASTKOM,
                    forward_note=True,
                )
            )
    if "kommuner" in groups:
        for party in Party.objects.municipalities().order_by("name"):
            rows.append(
                Recipient(
                    email=party.registry_email,
                    organisation=party.name,
                    party=party,
                    source=Recipient.Source.KOMMUN,
                )
            )
    if "forvaltningar" in groups:
        rows += _lead_rows(selectors.vgr_forvaltningar(), Recipient.Source.FORVALTNING)
    if "ledare" in groups and levels:
        rows += _lead_rows(selectors.units_of_levels(levels), Recipient.Source.LEDARE)
    return rows


def _lead_rows(units, source: str) -> list[Recipient]:
    leads = selectors.leads_by_unit([u.pk for u in units])
    rows = []
    for unit in units:
        people = leads.get(unit.pk, [])
        if not people:
            rows.append(
                Recipient(organisation=unit.name, party=unit.party, unit=unit, source=source)
            )
        for person in people:
            rows.append(
                Recipient(
                    email=person.email,
                    name=person.name,
                    organisation=unit.name,
                    party=unit.party,
                    unit=unit,
                    source=source,
                )
            )
    return rows


def _add(invitation: Invitation, rows: list[Recipient]) -> AddResult:
    result = AddResult()
    existing = {
        e.lower() for e in invitation.recipients.exclude(email="").values_list("email", flat=True)
    }
    missing = set(invitation.recipients.filter(email="").values_list("source", "organisation"))
    to_create = []
    for row in rows:
        row.invitation = invitation
        row.email = row.email.strip().lower()
        if not row.email:
            key = (row.source, row.organisation)
            if key not in missing:
                missing.add(key)
                row.status = R.SAKNAR_ADRESS
                to_create.append(row)
                result.without_address.append(row.organisation)
            continue
        if row.email in existing:
            result.duplicates += 1
            continue
        existing.add(row.email)
        to_create.append(row)
        result.added += 1
    Recipient.objects.bulk_create(to_create)
    return result


def _check_open_for_recipients(invitation: Invitation) -> None:
    _check_draftable(invitation)
    if invitation.conference.status == Conference.Status.GENOMFORD:
        raise ValidationError(_("Konferensen är genomförd."))


def recipients_add_groups(
    *, invitation: Invitation, groups: set[str], levels: list[str] = (), actor
) -> AddResult:
    """Add the functional addresses and leads of the chosen groups; duplicates are skipped and
    those without an address are listed as such (never silently dropped)."""
    unknown = set(groups) - set(GROUPS)
    if unknown or not groups:
        raise ValidationError(_("Välj minst en grupp av mottagare."))
    if "ledare" in groups and not levels:
        raise ValidationError(_("Välj vilka nivåer av implementeringsansvariga som ska bjudas in."))
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_recipients(invitation)
        return _add(invitation, _candidates(set(groups), list(levels)))


def _import_rows(rows) -> tuple[list[Recipient], RowReport]:
    report = RowReport()
    seen: dict[str, int] = {}
    parties = {p.name.lower(): p for p in Party.objects.all()}
    out = []
    for row in rows:
        email = row.values.get("e-post", "").strip().lower()
        name = row.values.get("namn", "")
        organisation = row.values.get("organisation", "")
        if not email:
            report.add(row.number, _("e-postadress saknas."))
            continue
        try:
            validate_email(email)
        except ValidationError:
            report.add(
                row.number, _("”%(email)s” är ingen giltig e-postadress.") % {"email": email}
            )
            continue
        if email in seen:
            report.add(
                row.number,
                _("%(email)s finns redan på rad %(row)s.") % {"email": email, "row": seen[email]},
            )
            continue
        if len(name) > 200 or len(organisation) > 200:
            report.add(row.number, _("namn och organisation får vara högst 200 tecken."))
            continue
        seen[email] = row.number
        out.append(
            Recipient(
                email=email,
                name=name,
                organisation=organisation,
                party=parties.get(organisation.lower()),
                source=Recipient.Source.IMPORT,
            )
        )
    return out, report


def recipients_import(*, invitation: Invitation, upload, actor) -> AddResult:
    """Import people from an XLSX/CSV file with the columns e-post, namn, organisation.

    Every bad row is reported; nothing is imported unless every row is valid.
    """
    try:
        rows = read_table(upload, required=["e-post"], optional=["namn", "organisation"])
    except TableError as error:
        raise ImportRejected(message=str(error)) from error
    recipients, report = _import_rows(rows)
    if not report.ok:
        raise ImportRejected(report)
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_recipients(invitation)
        return _add(invitation, recipients)


def recipient_remove(*, recipient: Recipient, actor) -> None:
    with transaction.atomic(), audit_actor(actor):
        recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
        if recipient.status not in (R.VANTAR, R.SAKNAR_ADRESS):
            raise ValidationError(_("En mottagare som redan fått inbjudan kan inte tas bort."))
        recipient.delete()


def _enqueue_dispatch(invitation_id: int) -> None:
    """Start the dispatch; if the broker cannot take it, log and leave the rows queued.

    The recipients are already "Köad" in the database, which is the real queue: the recovery
    job (``conferences.tasks.invitations_recover``, every few minutes) dispatches whatever is
    still queued, so a broker outage delays the e-mails but never loses them, and never breaks
    the user's request.
    """
    from conferences.tasks import invitation_dispatch

    try:
        invitation_dispatch.apply_async((invitation_id,), retry=False)
    except Exception:  # any broker failure: the recovery job picks it up
        logger.warning(
            "Utskicket av inbjudan %s kunde inte köas (meddelandekön svarar inte); "
            "återhämtningsjobbet skickar det senare.",
            invitation_id,
            exc_info=True,
        )


def _dispatch_after_commit(invitation_id: int) -> None:
    transaction.on_commit(lambda: _enqueue_dispatch(invitation_id))


def invitation_send(*, invitation: Invitation, actor) -> int:
    """Queue every recipient not yet sent to and start sending in the background.

    A re-send therefore reaches only those who have not been sent the invitation.
    """
    now = timezone.now()
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_recipients(invitation)
        queued = invitation.recipients.filter(status=R.VANTAR).update(status=R.KOAD, queued_at=now)
        pending = invitation.recipients.filter(status=R.KOAD).count()
        if not pending:
            raise ValidationError(_("Det finns ingen mottagare som inte redan har fått inbjudan."))
        invitation.status = Invitation.Status.SKICKAS
        invitation.save(update_fields=["status"])
        _conference_invited(invitation.conference, actor)
        _dispatch_after_commit(invitation.pk)
    return queued


def _conference_invited(conference: Conference, actor) -> None:
    if conference.status == Conference.Status.PLANERAD:
        conference.status = Conference.Status.INBJUDAN_SKICKAD
        conference.save(update_fields=["status"])


def invitation_retry_failed(*, invitation: Invitation, actor) -> int:
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_recipients(invitation)
        queued = invitation.recipients.filter(status=R.MISSLYCKAD).update(
            status=R.KOAD, queued_at=timezone.now(), error=""
        )
        if not queued:
            raise ValidationError(_("Det finns inga misslyckade utskick att försöka igen."))
        invitation.status = Invitation.Status.SKICKAS
        invitation.save(update_fields=["status"])
        _dispatch_after_commit(invitation.pk)
    return queued


# --- Sending -------------------------------------------------------------------------------
#
# The database row is the queue; Celery only carries "look at these ids now". A batch:
#
# 1. claims its rows in ONE UPDATE (``koad`` → ``skickas`` with a fresh claim token and
#    ``claimed_at``; rows whose claim went stale are claimable again);
# 2. loads what it claimed in ONE query;
# 3. sends over ONE SMTP connection, message by message;
# 4. after each accepted message, ONE UPDATE marks it sent and renews the claim of the rest
#    of the batch (``mark_every`` messages per statement; see ``invitation_send_batch``);
# 5. records every refusal with the server's answer in ONE UPDATE at the end.


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.INVITATION_CLAIM_STALE_SECONDS)


def _claimable(now: dt.datetime) -> Q:
    """Queued, or held by a batch that has shown no sign of life for too long (its worker
    died: the claim is renewed after every message, so a live batch never looks stale)."""
    return Q(status=R.KOAD) | Q(status=R.SKICKAS, claimed_at__lt=now - _stale_after())


@dataclass
class BatchResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0  # recorded as "Misslyckades": the registrar retries them
    requeued: list[int] = field(default_factory=list)  # transient refusals, queued again
    lost_claim: bool = False  # another batch took over the rest (see invitation_send_batch)


def _describe(error: Exception) -> tuple[str, bool]:
    """The server's answer for the log, and whether trying again later may help (4xx, a
    broken connection) rather than not (5xx, a bad address, a bug)."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        answers = list(error.recipients.values())
        text = "; ".join(f"{code} {_text(reply)}" for code, reply in answers)
        transient = bool(answers) and all(400 <= code < 500 for code, _reply in answers)
        return f"{type(error).__name__}: {text}", transient
    if isinstance(error, smtplib.SMTPResponseException):
        text = f"{type(error).__name__}: {error.smtp_code} {_text(error.smtp_error)}"
        return text, 400 <= error.smtp_code < 500
    return f"{type(error).__name__}: {error}", isinstance(error, OSError)


def _text(reply) -> str:
    return reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)


def _keeps_connection(error: Exception) -> bool:
    """After a refusal the SMTP session is reset and usable; after anything else it may not
    be, so the next message gets a fresh connection."""
    return isinstance(error, (smtplib.SMTPRecipientsRefused, smtplib.SMTPResponseException))


def _close_quietly(connection) -> None:
    try:
        connection.close()
    except Exception:  # closing a broken connection may fail; nothing to save
        logger.debug("SMTP-anslutningen kunde inte stängas snyggt", exc_info=True)


class _Claim:
    """The rows one batch holds, and the statements that record what happened to them."""

    def __init__(self, token: uuid.UUID, rows: list[Recipient], mark_every: int):
        self.token, self.held, self.mark_every = token, len(rows), mark_every
        self.renewed_at = rows[0].claimed_at
        self.attempts = {row.pk: row.attempts for row in rows}
        self.pending: list[int] = []  # accepted by the server, not yet recorded
        self.sent = 0
        self.lost = False

    def accepted(self, pk: int) -> None:
        self.pending.append(pk)
        if len(self.pending) >= self.mark_every:
            self.flush()

    def flush(self) -> None:
        """ONE statement: the accepted rows become "Skickad" (and, every fifth of the stale
        time, the claim on the rest of the batch is renewed in the same statement).

        This statement closes the only at-least-once window: a worker that dies after the
        server accepted a message and before this UPDATE leaves that row claimed, and the
        batch that takes the stale claim over sends it again. With ``mark_every=1`` the window
        is one message wide and contains nothing but this statement.
        """
        if not self.pending:
            return
        now = timezone.now()
        ours = Recipient.objects.filter(claim=self.token, status=R.SKICKAS)
        if now - self.renewed_at < _stale_after() / 5:
            # A single-row update; nobody can have taken rows over since the last renewal.
            done = ours.filter(pk__in=self.pending).update(status=R.SKICKAD, sent_at=now, error="")
            self._check(done, len(self.pending))
        else:
            done = Q(pk__in=self.pending)
            still_ours = ours.update(
                status=Case(When(done, then=Value(R.SKICKAD)), default=F("status")),
                sent_at=Case(When(done, then=Value(now)), default=F("sent_at")),
                error=Case(When(done, then=Value("")), default=F("error")),
                claimed_at=now,
            )
            self.renewed_at = now
            self._check(still_ours, self.held)
        self.held -= len(self.pending)
        self.sent += len(self.pending)
        self.pending = []

    def _check(self, found: int, expected: int) -> None:
        if found < expected:
            # Our claim went stale and another batch took rows over: stop, never race it.
            logger.error(
                "Utskicksomgång %s har tappat %s av sina mottagare; avbryter.",
                self.token,
                expected - found,
            )
            self.lost = True

    def record_failures(self, failures: dict[int, tuple[str, bool]], result: BatchResult) -> None:
        """ONE statement: refused rows get the server's answer; a transient refusal is queued
        again until it has had INVITATION_MAX_ATTEMPTS tries."""
        if not failures:
            return
        limit = settings.INVITATION_MAX_ATTEMPTS
        whens_status, whens_error = [], []
        for pk, (text, transient) in failures.items():
            again = transient and self.attempts.get(pk, limit) < limit
            whens_status.append(When(pk=pk, then=Value(R.KOAD if again else R.MISSLYCKAD)))
            whens_error.append(When(pk=pk, then=Value(text[:500])))
            if again:
                result.requeued.append(pk)
            else:
                result.failed += 1
        Recipient.objects.filter(pk__in=list(failures), claim=self.token, status=R.SKICKAS).update(
            status=Case(*whens_status, default=F("status")),
            error=Case(*whens_error, default=F("error")),
            queued_at=timezone.now(),
            claimed_at=None,
        )


def invitation_send_batch(
    invitation_id: int, recipient_ids: list[int], *, mark_every: int | None = None
) -> BatchResult:
    """Send the invitation to those of ``recipient_ids`` that this call can claim.

    Safe to run twice, at once on two workers, or again after a worker died: the claim is one
    ``UPDATE … WHERE status = 'koad' OR (status = 'skickas' AND claimed_at < stale)``, so two
    batches never hold the same row, and a row is only sent by the batch that holds it.

    Queries: claim 1, load 1, one per ``mark_every`` accepted messages, failures 1, status 2 —
    with ``mark_every >= len(recipient_ids)`` a batch makes the same few queries whatever its
    size. ``mark_every`` defaults to INVITATION_MARK_SENT_EVERY (1): exactly once even when
    the worker is killed in the middle of a batch, at one short UPDATE per message; a larger
    value trades that for fewer statements (a killed batch may then re-send up to that many).
    All messages of the batch go over one SMTP connection.
    """
    from conferences.emails import invitation_message

    mark_every = max(1, mark_every or settings.INVITATION_MARK_SENT_EVERY)
    now = timezone.now()
    token = uuid.uuid4()
    result = BatchResult()
    result.claimed = (
        Recipient.objects.filter(invitation_id=invitation_id, pk__in=list(recipient_ids))
        .filter(_claimable(now))
        .update(status=R.SKICKAS, claim=token, claimed_at=now, attempts=F("attempts") + 1)
    )
    if result.claimed:
        rows = list(
            Recipient.objects.filter(claim=token, status=R.SKICKAS)
            .select_related("invitation__conference")
            .order_by("pk")
        )
        claim = _Claim(token, rows, mark_every)
        failures = _send_over_one_connection(rows, claim, invitation_message)
        claim.flush()
        claim.record_failures(failures, result)
        result.sent, result.lost_claim = claim.sent, claim.lost
    invitation_refresh_status(invitation_id)
    return result


def _send_over_one_connection(rows, claim: _Claim, build) -> dict[int, tuple[str, bool]]:
    failures: dict[int, tuple[str, bool]] = {}
    connection = get_connection(fail_silently=False)
    is_open = False
    for index, row in enumerate(rows):
        if claim.lost:
            break
        try:
            if not is_open:
                connection.open()
                is_open = True
        except Exception as error:  # noqa: BLE001 - no server: every row left gets the reason
            reason = _describe(error)
            failures.update({left.pk: reason for left in rows[index:]})
            break
        try:
            message = build(row)
            message.connection = connection
            connection.send_messages([message])
        except Exception as error:  # noqa: BLE001 - logged on the row; retried or shown
            failures[row.pk] = _describe(error)
            logger.warning("Inbjudan till mottagare %s kunde inte skickas: %s", row.pk, error)
            if not _keeps_connection(error):
                _close_quietly(connection)
                is_open = False
            continue
        claim.accepted(row.pk)
    if is_open:
        _close_quietly(connection)
    return failures


def invitation_dispatch(invitation_id: int) -> list[list[int]]:
    """The ids still to send (queued, or claimed by a dead batch), in batches."""
    from conferences.tasks import BATCH_SIZE

    ids = list(
        Recipient.objects.filter(invitation_id=invitation_id)
        .filter(_claimable(timezone.now()))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    return [ids[start : start + BATCH_SIZE] for start in range(0, len(ids), BATCH_SIZE)]


def invitations_to_recover(*, now: dt.datetime | None = None) -> list[int]:
    """Invitations with work left that nobody is doing: rows queued for longer than the
    stale time (their dispatch message was lost, e.g. the broker was down or restarted
    empty) or claimed by a batch whose worker died. Also closes invitations that are done."""
    now = now or timezone.now()
    limit = now - _stale_after()
    ids = list(
        Recipient.objects.filter(
            Q(status=R.KOAD, queued_at__lt=limit)
            | Q(status=R.KOAD, queued_at__isnull=True)
            | Q(status=R.SKICKAS, claimed_at__lt=limit)
        )
        .order_by("invitation_id")
        .values_list("invitation_id", flat=True)
        .distinct()
    )
    finished = Invitation.objects.filter(status=Invitation.Status.SKICKAS).exclude(
        Exists(Recipient.objects.filter(invitation=OuterRef("pk"), status__in=(R.KOAD, R.SKICKAS)))
    )
    finished.update(status=Invitation.Status.SKICKAD, sent_at=now)
    return ids


def invitation_refresh_status(invitation_id: int) -> None:
    """Mark the invitation sent when nothing is queued or being sent any more."""
    busy = Recipient.objects.filter(
        invitation_id=invitation_id, status__in=(R.KOAD, R.SKICKAS)
    ).exists()
    if not busy:
        Invitation.objects.filter(pk=invitation_id, status=Invitation.Status.SKICKAS).update(
            status=Invitation.Status.SKICKAD, sent_at=timezone.now()
        )
