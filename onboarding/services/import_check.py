"""The import's dry run: read the party's file, check every row against the file itself and
today's data, and say what confirming would change. Writes nothing but the checked batch."""

import hashlib
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import record
from core.tabular import RowReport, read_table
from core.uploads import UploadValidator
from implementation.models import Level, MembershipRole, Unit
from onboarding.audit import ImportAction
from onboarding.models import ImportBatch, Invitation
from onboarding.services.common import _key

IMPORT_VALIDATOR = UploadValidator(kinds=("xlsx", "csv"), max_bytes=5 * 1024 * 1024)

# The import template's columns (Swedish headers; read_table lower-cases them).
COL_LEVEL, COL_UNIT, COL_PARENT = "Nivå", "Enhet", "Förvaltning"
COL_FIRST, COL_LAST, COL_EMAIL, COL_ROLE = "Förnamn", "Efternamn", "E-post", "Roll i enheten"
COLUMNS = (COL_LEVEL, COL_UNIT, COL_PARENT, COL_FIRST, COL_LAST, COL_EMAIL, COL_ROLE)
ROLE_WORDS = {"ansvarig": MembershipRole.LEAD, "medlem": MembershipRole.MEMBER}


@dataclass
class Checked:
    """A checked file: the per-row report and the rows (plain data, kept in an ImportBatch)."""

    report: RowReport = field(default_factory=RowReport)
    rows: list[dict] = field(default_factory=list)
    plan: dict = field(default_factory=dict)


LEVEL_WORDS = {_key(str(label)): value for value, label in Level.choices} | {
    value: value for value in Level.values
}


def _parse_rows(rows, report: RowReport) -> list[dict]:
    parsed = []
    for row in rows:
        v = row.values
        level_text = v.get(_key(COL_LEVEL), "")
        level = LEVEL_WORDS.get(_key(level_text))
        name = " ".join(v.get(_key(COL_UNIT), "").split())
        parent = " ".join(v.get(_key(COL_PARENT), "").split())
        first = " ".join(v.get(_key(COL_FIRST), "").split())
        last = " ".join(v.get(_key(COL_LAST), "").split())
        email = v.get(_key(COL_EMAIL), "").strip()
        role_text = _key(v.get(_key(COL_ROLE), "")) or "ansvarig"
        n = row.number
        if level is None:
            report.add(
                n,
                _("Nivån ”%(level)s” finns inte; skriv Förvaltning eller Verksamhet.")
                % {"level": level_text}
                if level_text
                else _("Nivå saknas; skriv Förvaltning eller Verksamhet."),
            )
        if not name:
            report.add(n, _("Enhetens namn saknas."))
        elif len(name) > 200:
            report.add(n, _("Enhetens namn är längre än 200 tecken."))
        if level == Level.VERKSAMHET and not parent:
            report.add(n, _("En verksamhet måste ha en förvaltning (kolumnen Förvaltning)."))
        if level and level != Level.VERKSAMHET and parent:
            report.add(n, _("Bara verksamheter har en förvaltning; lämna kolumnen tom."))
        role = ROLE_WORDS.get(role_text)
        if role is None:
            report.add(
                n,
                _("Rollen ”%(role)s” finns inte; skriv Ansvarig eller Medlem.")
                % {"role": v.get(_key(COL_ROLE), "")},
            )
        if email or first or last:
            if not email:
                report.add(n, _("E-postadress saknas för %(name)s.") % {"name": f"{first} {last}"})
            else:
                try:
                    validate_email(email)
                except ValidationError:
                    report.add(
                        n, _("E-postadressen ”%(email)s” är inte giltig.") % {"email": email}
                    )
            if not (first and last):
                report.add(n, _("Förnamn och efternamn behövs för den som bjuds in."))
            if len(first) > 150 or len(last) > 150:
                report.add(n, _("Förnamn och efternamn får vara högst 150 tecken."))
        parsed.append(
            {
                "row": n,
                "level": level or "",
                "unit": name,
                "parent": parent,
                "first": first,
                "last": last,
                "email": email,
                "role": role or MembershipRole.LEAD,
            }
        )
    return parsed


def _known_units(party) -> dict[str, Unit]:
    """The party's units by name, retired ones too (a current unit wins a shared name)."""
    units = (
        Unit.all_objects.filter(party=party)
        .select_related("parent")
        .only("pk", "name", "level", "retired_at", "parent__name")
    )
    known: dict[str, Unit] = {}
    for unit in units:
        key = _key(unit.name)
        if key not in known or known[key].retired_at:
            known[key] = unit
    return known


def _retired_text(unit: Unit) -> str:
    return date_format(localtime(unit.retired_at), "j F Y")


def _check_units(party, rows: list[dict], report: RowReport) -> None:
    existing = _known_units(party)
    declared: dict[str, dict] = {}
    for r in rows:
        if not (r["unit"] and r["level"]):
            continue
        key = _key(r["unit"])
        first = declared.setdefault(key, r)
        if first is not r and (
            first["level"] != r["level"] or _key(first["parent"]) != _key(r["parent"])
        ):
            report.add(
                r["row"],
                _("Enheten ”%(unit)s” står med annan nivå eller förvaltning på rad %(row)s.")
                % {"unit": r["unit"], "row": first["row"]},
            )
        unit = existing.get(key)
        if unit is not None and unit.retired_at:
            report.add(
                r["row"],
                _(
                    "Enheten ”%(unit)s” är avvecklad (sedan %(date)s). Be förvaltaren återställa "
                    "den, eller ge den nya enheten ett annat namn."
                )
                % {"unit": r["unit"], "date": _retired_text(unit)},
            )
        elif unit is not None and (
            unit.level != r["level"]
            or (r["level"] == Level.VERKSAMHET and _key(unit.parent.name) != _key(r["parent"]))
        ):
            report.add(
                r["row"],
                _(
                    "Enheten ”%(unit)s” finns redan i portalen med en annan nivå eller "
                    "förvaltning; ändra den på organisationssidan, inte genom importen."
                )
                % {"unit": r["unit"]},
            )
    _check_parents(rows, declared, existing, report)


def _check_parents(rows, declared: dict, existing: dict, report: RowReport) -> None:
    for r in rows:
        if r["level"] != Level.VERKSAMHET or not r["parent"]:
            continue
        key = _key(r["parent"])
        parent = declared.get(key)
        known = existing.get(key)
        if parent is None and known is None:
            report.add(
                r["row"],
                _(
                    "Förvaltningen ”%(parent)s” finns varken i filen eller i portalen; lägg "
                    "till en rad för den med nivån Förvaltning."
                )
                % {"parent": r["parent"]},
            )
        elif (parent or {}).get("level", Level.FORVALTNING) != Level.FORVALTNING or (
            known is not None and known.level != Level.FORVALTNING
        ):
            report.add(r["row"], _("”%(parent)s” är ingen förvaltning.") % {"parent": r["parent"]})
        elif parent is None and known.retired_at:
            report.add(
                r["row"],
                _("Förvaltningen ”%(parent)s” är avvecklad (sedan %(date)s).")
                % {"parent": r["parent"], "date": _retired_text(known)},
            )


def _check_people(party, rows: list[dict], report: RowReport) -> None:
    seen: dict[str, dict] = {}
    units_of: dict[tuple[str, str], int] = {}
    emails = {_key(r["email"]) for r in rows if r["email"]}
    for r in rows:
        if not r["email"]:
            continue
        key = _key(r["email"])
        first = seen.setdefault(key, r)
        if first is not r and (_key(first["first"]), _key(first["last"])) != (
            _key(r["first"]),
            _key(r["last"]),
        ):
            report.add(
                r["row"],
                _(
                    "E-postadressen %(email)s står redan på rad %(row)s med ett annat namn; "
                    "en e-postadress hör till en person."
                )
                % {"email": r["email"], "row": first["row"]},
            )
        pair = (key, _key(r["unit"]))
        if pair in units_of:
            report.add(
                r["row"],
                _("%(email)s står redan för samma enhet på rad %(row)s (dubblett).")
                % {"email": r["email"], "row": units_of[pair]},
            )
        units_of.setdefault(pair, r["row"])
    if not emails:
        return
    # The e-mails of the file known under another party: one query per 500 addresses.
    others: dict[str, str] = {}
    emails_list = sorted(emails)
    for start in range(0, len(emails_list), 500):
        chunk = emails_list[start : start + 500]
        for email, party_name in (
            User.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=chunk)
            .exclude(party=party)
            .values_list("email", "party__name")
        ):
            others[_key(email)] = party_name or _("ingen part")
        for email, party_name in (
            Invitation.objects.annotate(lower_email=Lower("email"))
            .filter(lower_email__in=chunk, used_at=None, revoked_at=None)
            .exclude(party=party)
            .values_list("email", "party__name")
        ):
            others.setdefault(_key(email), party_name)
    for r in rows:
        other = others.get(_key(r["email"])) if r["email"] else None
        if other:
            report.add(
                r["row"],
                _(
                    "%(email)s hör redan till %(party)s i portalen; en person kan bara höra "
                    "till en part."
                )
                % {"email": r["email"], "party": other},
            )


def check_import(*, party, upload) -> Checked:
    """The dry run: every error with its row; writes nothing. Raises TableError (the file as a
    whole) or ValidationError (wrong type, too large)."""
    IMPORT_VALIDATOR(upload)
    upload.seek(0)
    rows = read_table(
        upload, required=[_key(c) for c in COLUMNS[:3]], optional=[_key(c) for c in COLUMNS[3:]]
    )
    checked = Checked()
    checked.rows = _parse_rows(rows, checked.report)
    _check_units(party, checked.rows, checked.report)
    _check_people(party, checked.rows, checked.report)
    checked.plan = plan_import(party=party, rows=checked.rows) if checked.report.ok else {}
    return checked


def plan_import(*, party, rows: list[dict]) -> dict:
    """What confirming would change (counts), read-only."""
    existing = {_key(n) for n in Unit.objects.filter(party=party).values_list("name", flat=True)}
    new_units = {_key(r["unit"]) for r in rows} - existing
    emails = {_key(r["email"]) for r in rows if r["email"]}
    known = {_key(e) for e in User.objects.filter(party=party).values_list("email", flat=True)}
    invited = {
        _key(e)
        for e in Invitation.objects.filter(party=party, used_at=None, revoked_at=None).values_list(
            "email", flat=True
        )
    }
    return {
        "units": len(new_units),
        "people_new": len(emails - known - invited),
        "people_known": len(emails & (known | invited)),
    }


def store_batch(*, party, actor, upload, checked: Checked) -> ImportBatch:
    """Keep a checked file's rows (owned by the uploader) until it is confirmed."""
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    with transaction.atomic():
        batch = ImportBatch.objects.create(
            party=party,
            uploaded_by=actor,
            filename=(upload.name or "")[:255],
            sha256=digest.hexdigest(),
            rows=checked.rows,
            summary=checked.plan,
        )
        record(
            actor=actor,
            action=ImportAction.CHECKED,
            obj=batch,
            data={
                "rader": len(checked.rows),
                "nya enheter": checked.plan.get("units", 0),
                "nya personer": checked.plan.get("people_new", 0),
            },
        )
    return batch
