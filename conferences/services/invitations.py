"""Invitations: the text, the recipients, and sending them exactly once.

Each recipient row is the dispatch log of one e-mail. Sending: ``invitation_send`` queues the
recipients ("Köad") in the registrar's request; a task then writes their e-mails to the outbox
(core.outbox) in batches — one render per recipient would stall the request — and the outbox
sends them, exactly once each: the outbox key is the recipient, and the outbox claims, sends
and records every message. The recipient's status follows its outbox row in the same
transaction (``_outbox_result``). A lost task (broker down) delays e-mails but never loses
them: ``invitations_to_recover`` (a beat job) finds queued recipients with no outbox row.
"""

import datetime as dt
import logging
import re
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from agreements.models import Federation, JointBody, Party
from conferences import selectors
from conferences.emails import INVITATION_KIND, invitations_enqueue
from conferences.models import Conference, Invitation, Recipient
from core.audit import audit_actor
from core.models import OutboxMessage
from core.outbox import outbox_listen, outbox_retry_for, outbox_without
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


def _check_subject(subject: str) -> None:
    if any(c in subject for c in "\r\n\u2028\u2029"):
        raise ValidationError({"subject": _("Skriv ämnesraden på en rad, utan radbrytningar.")})


def invitation_create(*, conference: Conference, subject: str, body: str, actor) -> Invitation:
    _check_subject(subject)
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation(conference=conference, subject=subject, body=body, created_by=actor)
        _check_draftable(invitation)
        invitation.full_clean()
        invitation.save()
    return invitation


def invitation_update(*, invitation: Invitation, subject: str, body: str, actor) -> Invitation:
    _check_subject(subject)
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


ORG_SUFFIXES = (" kommun", " stad", " municipality", " region")


def _org_key(name: str) -> str:
    key = " ".join(name.lower().split())
    for suffix in ORG_SUFFIXES:
        if key.endswith(suffix):
            key = key[: -len(suffix)].strip()
    # "Göteborgs stad" / "Borås stad": the genitive s before the suffix.
    return key


def party_lookup() -> dict:
    """Organisation names as people write them → the party: "Skövde kommun", "skövde",
    "Göteborgs Stad" all find their party (one query)."""
    lookup = {}
    for party in Party.objects.all():
        for variant in (party.name, getattr(party, "short_name", "") or ""):
            if variant:
                key = _org_key(variant)
                lookup.setdefault(key, party)
                if key.endswith("s"):
                    lookup.setdefault(key[:-1], party)
    return lookup


def match_party(organisation: str, lookup: dict):
    if not organisation.strip():
        return None
    key = _org_key(organisation)
    return lookup.get(key) or (lookup.get(key[:-1]) if key.endswith("s") else None)


def _import_rows(rows) -> tuple[list[Recipient], RowReport]:
    report = RowReport()
    seen: dict[str, int] = {}
    parties = party_lookup()
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
                party=match_party(organisation, parties),
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


class PasteRejected(Exception):
    """Pasted addresses with bad lines; nothing was added. ``lines``: Swedish, per line."""

    def __init__(self, lines: list[str]):
        super().__init__("; ".join(lines))
        self.lines = lines


PASTE_MAX_LINES = 2000
NAMED = re.compile(r"^\s*\"?(?P<name>[^<>\"]*?)\"?\s*<(?P<email>[^<>\s]+)>\s*$")


def parse_pasted(text: str) -> tuple[list[tuple[str, str]], list[str]]:
    """``Namn <adress>`` or a bare address, one per line (commas and semicolons between
    several on one line too). Returns (name, address) pairs and the Swedish error per line."""
    pairs, errors, seen = [], [], {}
    lines = text.splitlines()
    if len(lines) > PASTE_MAX_LINES:
        return [], [_("Högst %(n)s rader åt gången.") % {"n": PASTE_MAX_LINES}]
    for number, line in enumerate(lines, start=1):
        for part in re.split(r"[;,](?![^<]*>)", line):
            part = part.strip()
            if not part:
                continue
            match = NAMED.match(part)
            name, email = (match["name"].strip(), match["email"]) if match else ("", part)
            email = email.strip().lower()
            try:
                validate_email(email)
            except ValidationError:
                errors.append(
                    _("Rad %(n)s: ”%(text)s” är ingen giltig e-postadress.")
                    % {"n": number, "text": part[:80]}
                )
                continue
            if len(name) > 200:
                errors.append(_("Rad %(n)s: namnet är längre än 200 tecken.") % {"n": number})
                continue
            if email in seen:
                errors.append(
                    _("Rad %(n)s: %(email)s finns redan på rad %(first)s.")
                    % {"n": number, "email": email, "first": seen[email]}
                )
                continue
            seen[email] = number
            pairs.append((name, email))
    if not pairs and not errors:
        errors.append(_("Klistra in minst en e-postadress."))
    return pairs, errors


def recipients_paste(*, invitation: Invitation, text: str, actor) -> AddResult:
    """Add pasted addresses; one bad line and nothing is added (every error is listed)."""
    pairs, errors = parse_pasted(text)
    if errors:
        raise PasteRejected(errors)
    rows = [Recipient(email=e, name=n, source=Recipient.Source.IMPORT) for n, e in pairs]
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_recipients(invitation)
        return _add(invitation, rows)


def recipient_decline(*, recipient: Recipient, actor=None) -> Recipient:
    """The invitee declines through the link in the invitation (idempotent)."""
    from conferences.models import Registration
    from conferences.services.registrations import ACTIVE

    with transaction.atomic(), audit_actor(actor):
        recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
        conference = recipient.invitation.conference
        if Registration.objects.filter(
            conference=conference, email__iexact=recipient.email, status__in=ACTIVE
        ).exists():
            raise ValidationError(
                _("Du är redan anmäld. Vill du inte komma, avboka med länken i bekräftelsemejlet.")
            )
        if recipient.declined_at is None:
            recipient.declined_at = timezone.now()
            recipient.save(update_fields=["declined_at"])
    return recipient


REMIND_AGAIN_AFTER = dt.timedelta(hours=1)


def invitation_remind(*, invitation: Invitation, actor) -> int:
    """ "Påminn dem som inte svarat": one reminder round. Each recipient who was sent the
    invitation and has not answered (registered, declined) gets one e-mail, keyed by the round
    (exactly once). A second click within an hour starts no new round. Returns how many."""
    from conferences.emails import reminders_enqueue

    now = timezone.now()
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_recipients(invitation)
        if invitation.reminded_at and now - invitation.reminded_at < REMIND_AGAIN_AFTER:
            raise ValidationError(
                _("En påminnelse skickades nyss. Vänta minst en timme innan nästa.")
            )
        targets = list(selectors.not_answered(invitation))
        if not targets:
            raise ValidationError(_("Alla som fått inbjudan har svarat."))
        invitation.reminder_round += 1
        invitation.reminded_at = now
        invitation.save(update_fields=["reminder_round", "reminded_at"])
        Recipient.objects.filter(pk__in=[r.pk for r in targets]).update(
            reminded_round=invitation.reminder_round
        )
        reminders_enqueue(targets, round_number=invitation.reminder_round)
        logger.info(
            "Påminnelse %s för inbjudan %s: %s mottagare.",
            invitation.reminder_round,
            invitation.pk,
            len(targets),
        )
    return len(targets)


def recipient_remove(*, recipient: Recipient, actor) -> None:
    with transaction.atomic(), audit_actor(actor):
        recipient = Recipient.objects.select_for_update().get(pk=recipient.pk)
        if recipient.status not in (R.VANTAR, R.SAKNAR_ADRESS):
            raise ValidationError(_("En mottagare som redan fått inbjudan kan inte tas bort."))
        recipient.delete()


def _enqueue_dispatch(invitation_id: int) -> None:
    """Start writing the e-mails; if the broker cannot take it, log and leave the rows queued.

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
    transaction.on_commit(lambda: _enqueue_dispatch(invitation_id), robust=True)


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
    """Send the failed e-mails again (the same outbox rows: nobody gets a second copy)."""
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        _check_open_for_recipients(invitation)
        failed = list(
            invitation.recipients.filter(status=R.MISSLYCKAD).values_list("pk", flat=True)
        )
        if not failed:
            raise ValidationError(_("Det finns inga misslyckade utskick att försöka igen."))
        Recipient.objects.filter(pk__in=failed).update(
            status=R.KOAD, queued_at=timezone.now(), error=""
        )
        outbox_retry_for(Recipient, failed)
        invitation.status = Invitation.Status.SKICKAS
        invitation.save(update_fields=["status"])
        _dispatch_after_commit(invitation.pk)  # any without an outbox row yet
    return len(failed)


# --- Sending -------------------------------------------------------------------------------

ENQUEUE_CHUNK = 500


def _unwritten(invitation_id: int):
    """Queued recipients whose e-mail is not in the outbox yet."""
    queued = Recipient.objects.filter(invitation_id=invitation_id, status=R.KOAD)
    return outbox_without(Recipient, queued)


def invitation_dispatch(invitation_id: int) -> int:
    """Write the e-mails of the queued recipients to the outbox, ``ENQUEUE_CHUNK`` per
    transaction; the outbox sends each chunk after its commit. Safe to run twice: the outbox
    key is the recipient. Returns how many rows were written."""
    written = 0
    while True:
        with transaction.atomic():
            chunk = list(
                _unwritten(invitation_id)
                .select_related("invitation__conference")
                .order_by("pk")[:ENQUEUE_CHUNK]
            )
            if not chunk:
                break
            written += len(invitations_enqueue(chunk))
    invitation_refresh_status(invitation_id)
    return written


_OUTBOX_TO_RECIPIENT = {
    OutboxMessage.State.SENT: R.SKICKAD,
    OutboxMessage.State.FAILED: R.MISSLYCKAD,
    OutboxMessage.State.PENDING: R.KOAD,  # a transient refusal: tried again later
}


def _outbox_result(ids: list[int], state: str, answer: str, at: dt.datetime) -> None:
    """The recipient's log follows its outbox row (same transaction as the row's UPDATE)."""
    fields = {"status": _OUTBOX_TO_RECIPIENT[state]}
    if state == OutboxMessage.State.SENT:
        fields.update(sent_at=at, error="")
    else:
        fields.update(sent_at=None, error=answer[:500])
    Recipient.objects.filter(pk__in=ids).update(**fields)


def _outbox_batch_done(ids: list[int]) -> None:
    invitation_ids = set(
        Recipient.objects.filter(pk__in=ids).values_list("invitation_id", flat=True).distinct()
    )
    for invitation_id in sorted(invitation_ids):
        invitation_refresh_status(invitation_id)


outbox_listen(
    INVITATION_KIND,
    _outbox_result,
    _outbox_batch_done,
    tables={Recipient._meta.db_table: '"sent_at"'},
)


def _stale_after() -> dt.timedelta:
    return dt.timedelta(seconds=settings.INVITATION_CLAIM_STALE_SECONDS)


def invitations_to_recover(*, now: dt.datetime | None = None) -> list[int]:
    """Invitations with queued recipients whose e-mail is still not in the outbox after the
    stale time (the dispatch task was lost: the broker was down or restarted empty, or the
    worker died). Also closes invitations that are done."""
    now = now or timezone.now()
    limit = now - _stale_after()
    waiting = outbox_without(
        Recipient,
        Recipient.objects.filter(
            Q(status=R.KOAD, queued_at__lt=limit) | Q(status=R.KOAD, queued_at__isnull=True)
        ),
    )
    ids = list(waiting.order_by("invitation_id").values_list("invitation_id", flat=True).distinct())
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
