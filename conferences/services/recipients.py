"""An invitation's recipients: the chosen groups' functional addresses and leads, an imported
list, or pasted addresses. Duplicates are skipped, those without an address are listed as such
(never silently dropped), and every bad row or line of a list is reported before anything is
added."""

import re
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.translation import gettext as _

from agreements.models import Federation, JointBody, Party
from conferences import selectors
from conferences.audit import InvitationAction, RecipientAction
from conferences.models import Conference, Invitation, Recipient
from core.audit import audit_actor, record, record_many
from core.tabular import RowReport, TableError, read_table

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


class PasteRejected(Exception):
    """Pasted addresses with bad lines; nothing was added. ``lines``: Swedish, per line."""

    def __init__(self, lines: list[str]):
        super().__init__("; ".join(lines))
        self.lines = lines


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


def _add(invitation: Invitation, rows: list[Recipient], *, actor, how: str) -> AddResult:
    """Add the new rows (one INSERT) and record them: one event per recipient and one on the
    invitation with the counts."""
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
    created = Recipient.objects.bulk_create(to_create)
    record_many(
        actor=actor,
        action=RecipientAction.ADDED,
        objs=created,
        data=lambda r: {"how": how, "source": r.source},
    )
    record(
        actor=actor,
        action=InvitationAction.RECIPIENTS_ADDED,
        obj=invitation,
        data={
            "how": how,
            "added": result.added,
            "duplicates": result.duplicates,
            "without_address": len(result.without_address),
        },
    )
    return result


def _check_draftable(invitation: Invitation) -> None:
    if invitation.conference.status == Conference.Status.INSTALLD:
        raise ValidationError(_("Konferensen är inställd. Inbjudan kan inte skickas."))


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
        return _add(
            invitation,
            _candidates(set(groups), list(levels)),
            actor=actor,
            how="grupper: " + ", ".join(sorted(groups)),
        )


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
        return _add(invitation, recipients, actor=actor, how="import")


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
        return _add(invitation, rows, actor=actor, how="inklistrade")
