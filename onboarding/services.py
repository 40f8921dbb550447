"""Every write of onboarding: invitations (create, resend, revoke, accept) and the import of a
party's organisation. Keyword-only, explicit actor, atomic, audited; e-mail through the
outbox inside the transaction with a stable key (one invitation mail per person and sending).

Units and appointments are written through ``implementation.services`` (never here).
"""

import datetime as dt
import hashlib
import unicodedata
from dataclasses import dataclass, field

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from core.audit import audit_actor
from core.outbox import Draft, outbox_enqueue_many
from core.roles import Role
from core.tabular import RowReport, TableError, read_table
from core.uploads import UploadValidator
from implementation import services as unit_services
from implementation.models import Level, MembershipRole, Unit, UnitMembership
from onboarding.models import ImportBatch, Invitation, InvitedRole, new_token, token_hash

INVITATION_DAYS = 14
IMPORT_VALIDATOR = UploadValidator(kinds=("xlsx", "csv"), max_bytes=5 * 1024 * 1024)

# The import template's columns (Swedish headers; read_table lower-cases them).
COL_LEVEL, COL_UNIT, COL_PARENT = "Nivå", "Enhet", "Förvaltning"
COL_FIRST, COL_LAST, COL_EMAIL, COL_ROLE = "Förnamn", "Efternamn", "E-post", "Roll i enheten"
COLUMNS = (COL_LEVEL, COL_UNIT, COL_PARENT, COL_FIRST, COL_LAST, COL_EMAIL, COL_ROLE)
ROLE_WORDS = {"ansvarig": MembershipRole.LEAD, "medlem": MembershipRole.MEMBER}


def _key(value: str) -> str:
    return unicodedata.normalize("NFC", " ".join(value.split())).lower()


# --- invitations ----------------------------------------------------------------------------
def _invitation_url(token: str) -> str:
    # One reverse for a whole import (thousands of links); the token is URL-safe base64.
    pattern = reverse("onboarding:accept", args=["__token__"])
    return settings.SITE_URL + pattern.replace("__token__", token)


def _draft(invitation: Invitation, token: str, roles, inviter) -> Draft:
    return Draft(
        key=f"onboarding:invitation:{invitation.pk}:{invitation.sent_count}",
        to=[invitation.email],
        subject=_("Du är inbjuden till HoS-portalen"),
        template="onboarding/emails/invitation",
        context={
            "invitation": invitation,
            "roles": list(roles),
            "url": _invitation_url(token),
            "inviter": str(inviter) if inviter else _("Portalens förvaltare"),
        },
        kind="onboarding_invitation",
        related=invitation,
    )


def _check_person(*, email: str, party) -> None:
    """A person belongs to one party: refuse an e-mail known under another party."""
    other = User.objects.filter(email__iexact=email).exclude(party=party).first()
    if other is not None:
        raise ValidationError(
            _("%(email)s har redan ett konto hos %(party)s; en person hör till en part.")
            % {"email": email, "party": other.party or _("ingen part")}
        )
    pending = (
        Invitation.objects.filter(email__iexact=email, used_at=None, revoked_at=None)
        .exclude(party=party)
        .select_related("party")
        .first()
    )
    if pending is not None:
        raise ValidationError(
            _("%(email)s är redan inbjuden av %(party)s; en person hör till en part.")
            % {"email": email, "party": pending.party}
        )


def _new_invitation(*, actor, email, first_name, last_name, party, role, now) -> tuple:
    token, hashed = new_token()
    invitation = Invitation(
        email=email,
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        party=party,
        role=role,
        token_hash=hashed,
        invited_by=actor,
        created_at=now,
        last_sent_at=now,
        expires_at=now + dt.timedelta(days=INVITATION_DAYS),
    )
    # The token is 256 random bits (the unique index still guards it); party and inviter are
    # the caller's own objects: validate the fields, not their existence again.
    invitation.full_clean(exclude=["party", "invited_by", "token_hash"], validate_constraints=False)
    invitation.save()
    return invitation, token


@dataclass
class InviteResult:
    invitation: Invitation | None = None
    appointed_user: User | None = None
    already_invited: bool = False


def invite(
    *,
    actor,
    email: str,
    first_name: str,
    last_name: str,
    party,
    unit: Unit | None = None,
    unit_role: str = MembershipRole.LEAD,
    role: str = Role.IMPLEMENTERINGSANSVARIG,
) -> InviteResult:
    """Invite one person. An existing account of the party is appointed at once (no mail);
    an open invitation gets the unit added (no second mail: use resend)."""
    email = email.strip()
    try:
        validate_email(email)
    except ValidationError as error:
        raise ValidationError({"email": [_("Ange en giltig e-postadress.")]}) from error
    if unit is not None and unit.party_id != party.pk:
        raise ValidationError(_("Enheten hör inte till %(party)s.") % {"party": party})
    _check_person(email=email, party=party)
    with transaction.atomic(), audit_actor(actor):
        user = User.objects.filter(email__iexact=email, party=party).first()
        if user is not None:
            if unit is not None:
                unit_services.membership_appoint(unit=unit, user=user, role=unit_role, actor=actor)
            return InviteResult(appointed_user=user)
        invitation = (
            Invitation.objects.select_for_update()
            .filter(email__iexact=email, used_at=None, revoked_at=None)
            .first()
        )
        if invitation is not None:
            if unit is not None:
                InvitedRole.objects.update_or_create(
                    invitation=invitation, unit=unit, defaults={"role": unit_role}
                )
            return InviteResult(invitation=invitation, already_invited=True)
        invitation, token = _new_invitation(
            actor=actor,
            email=email,
            first_name=first_name,
            last_name=last_name,
            party=party,
            role=role,
            now=timezone.now(),
        )
        roles = []
        if unit is not None:
            roles.append(
                InvitedRole.objects.create(invitation=invitation, unit=unit, role=unit_role)
            )
        outbox_enqueue_many([_draft(invitation, token, roles, actor)])
    return InviteResult(invitation=invitation)


def invitation_resend(*, invitation: Invitation, actor) -> Invitation:
    """A new link (the old one stops working), valid for another INVITATION_DAYS days."""
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if not invitation.is_open:
            raise ValidationError(_("Inbjudan är redan accepterad eller återkallad."))
        token, hashed = new_token()
        now = timezone.now()
        invitation.token_hash = hashed
        invitation.sent_count += 1
        invitation.last_sent_at = now
        invitation.expires_at = now + dt.timedelta(days=INVITATION_DAYS)
        invitation.save()
        roles = invitation.roles.select_related("unit")
        outbox_enqueue_many([_draft(invitation, token, roles, actor)])
    return invitation


def invitation_revoke(*, invitation: Invitation, actor) -> Invitation:
    with transaction.atomic(), audit_actor(actor):
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        if invitation.used_at:
            raise ValidationError(_("Inbjudan är redan accepterad; inaktivera kontot i stället."))
        if invitation.revoked_at is None:
            invitation.revoked_at = timezone.now()
            invitation.save(update_fields=["revoked_at"])
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    if not token or len(token) > 100:
        return None
    return Invitation.objects.select_related("party").filter(token_hash=token_hash(token)).first()


def refusal(invitation: Invitation | None) -> str:
    """Why a link cannot be used (Swedish), or "" if it can."""
    if invitation is None:
        return _(
            "Länken är ogiltig. Den kan ha ersatts av en nyare inbjudan; använd länken i det "
            "senaste e-brevet eller be den som bjöd in dig att skicka en ny."
        )
    if invitation.revoked_at:
        return _("Inbjudan har återkallats. Be den som bjöd in dig om en ny om det är fel.")
    if invitation.used_at:
        return _(
            "Länken har redan använts och kontot är skapat. Logga in som vanligt; har du glömt "
            "lösenordet kan du återställa det från inloggningssidan."
        )
    if invitation.expires_at <= timezone.now():
        return _(
            "Länken har gått ut. Be den som bjöd in dig (din samordnare) att skicka inbjudan igen."
        )
    return ""


def _free_username(email: str) -> str:
    base = email.lower()[:140]
    name, number = base, 2
    while User.objects.filter(username=name).exists():
        name, number = f"{base}-{number}", number + 1
    return name


def invitation_accept(
    *, invitation: Invitation, password: str | None = None, email_verified_by_idp: bool = False
) -> User:
    """Create the invited person's account (with the password, or none when they sign in
    through their IdP) and appoint them to the invited units. One use only."""
    with transaction.atomic():
        invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
        message = refusal(invitation)
        if message:
            raise ValidationError(message)
        _check_person(email=invitation.email, party=invitation.party)
        if User.objects.filter(email__iexact=invitation.email).exists():
            raise ValidationError(_("Det finns redan ett konto med den e-postadressen."))
        user = User(
            username=_free_username(invitation.email),
            email=invitation.email,
            first_name=invitation.first_name,
            last_name=invitation.last_name,
            party=invitation.party,
            role=invitation.role,
        )
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        with audit_actor(invitation.invited_by):
            user.full_clean()
            user.save()
            for invited in invitation.roles.select_related("unit", "unit__party"):
                unit_services.membership_appoint(
                    unit=invited.unit, user=user, role=invited.role, actor=invitation.invited_by
                )
            invitation.used_at = timezone.now()
            invitation.user = user
            invitation.save(update_fields=["used_at", "user"])
    return user


def match_invitation(identity) -> User | None:
    """The SSO hook (``accounts.sso.matching.register_matcher``): a first sign-in whose IdP
    vouches for the e-mail of an open invitation creates that person's account."""
    if not (identity.email and identity.email_verified):
        return None
    invitation = Invitation.objects.filter(
        email__iexact=identity.email,
        used_at=None,
        revoked_at=None,
        expires_at__gt=timezone.now(),
    ).first()
    if invitation is None:
        return None
    return invitation_accept(invitation=invitation, password=None, email_verified_by_idp=True)


# --- the import of a party's organisation ----------------------------------------------------
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


def _check_units(party, rows: list[dict], report: RowReport) -> None:
    existing = {
        _key(u.name): u
        for u in Unit.objects.filter(party=party)
        .select_related("parent")
        .only("pk", "name", "level", "parent__name")
    }
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
        if unit is not None and (
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
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    return ImportBatch.objects.create(
        party=party,
        uploaded_by=actor,
        filename=(upload.name or "")[:255],
        sha256=digest.hexdigest(),
        rows=checked.rows,
        summary=checked.plan,
    )


def apply_import(*, batch: ImportBatch, actor) -> dict:
    """Confirm: all or nothing. Checks the rows again against today's data (the portal may
    have changed since the dry run), then creates the missing units, appoints known people
    and invites new ones (one mail per new person). A second run changes nothing."""
    if batch.uploaded_by_id != actor.pk:
        raise ValidationError(_("Bara den som laddade upp filen kan bekräfta importen."))
    party = batch.party
    rows = batch.rows
    report = RowReport()
    _check_units(party, rows, report)
    _check_people(party, rows, report)
    if not report.ok:
        raise ValidationError(report.lines())
    counts = {"units": 0, "appointed": 0, "invited": 0, "roles_added": 0}
    now = timezone.now()
    with transaction.atomic(), audit_actor(actor):
        batch = ImportBatch.objects.select_for_update().get(pk=batch.pk)
        if batch.applied_at:
            raise ValidationError(_("Importen är redan genomförd."))
        units = {_key(u.name): u for u in Unit.objects.filter(party=party)}
        for level in (Level.FORVALTNING, Level.REGIONOVERGRIPANDE, Level.VERKSAMHET):
            wanted: dict[str, tuple] = {}
            for r in rows:
                key = _key(r["unit"])
                if r["level"] == level and key not in units and key not in wanted:
                    parent = units[_key(r["parent"])] if level == Level.VERKSAMHET else None
                    wanted[key] = (level, r["unit"], parent)
            created = unit_services.units_create_many(
                party=party, units=list(wanted.values()), actor=actor
            )
            units.update({_key(u.name): u for u in created})
            counts["units"] += len(created)
        users = {_key(u.email): u for u in User.objects.filter(party=party).exclude(email="")}
        invitations = {
            _key(i.email): i
            for i in Invitation.objects.filter(party=party, used_at=None, revoked_at=None)
        }
        active = set(
            UnitMembership.objects.filter(unit__party=party, is_active=True).values_list(
                "unit_id", "user_id", "role"
            )
        )
        invited_roles = set(
            InvitedRole.objects.filter(invitation__in=list(invitations.values())).values_list(
                "invitation_id", "unit_id"
            )
        )
        # New people: one invitation each (inserted together), their units after.
        fresh: dict[str, tuple[Invitation, str]] = {}
        for r in rows:
            key = _key(r["email"]) if r["email"] else ""
            if key and key not in users and key not in invitations and key not in fresh:
                token, hashed = new_token()
                invitation = Invitation(
                    email=r["email"],
                    first_name=r["first"],
                    last_name=r["last"],
                    party=party,
                    role=Role.IMPLEMENTERINGSANSVARIG,
                    token_hash=hashed,
                    invited_by=actor,
                    created_at=now,
                    last_sent_at=now,
                    expires_at=now + dt.timedelta(days=INVITATION_DAYS),
                )
                invitation.full_clean(
                    exclude=["party", "invited_by", "token_hash"], validate_constraints=False
                )
                fresh[key] = (invitation, token)
        created = Invitation.objects.bulk_create([i for i, _t in fresh.values()], batch_size=500)
        unit_services.audit_created(created, actor=actor)
        counts["invited"] = len(created)
        new_tokens = {invitation.pk: token for invitation, token in fresh.values()}
        invitations.update({key: invitation for key, (invitation, _t) in fresh.items()})
        new_roles: list[InvitedRole] = []
        for r in rows:
            if not r["email"]:
                continue
            key, unit = _key(r["email"]), units[_key(r["unit"])]
            user = users.get(key)
            if user is not None:
                if (unit.pk, user.pk, r["role"]) not in active:
                    unit_services.membership_appoint(
                        unit=unit, user=user, role=r["role"], actor=actor
                    )
                    active.add((unit.pk, user.pk, r["role"]))
                    counts["appointed"] += 1
                continue
            invitation = invitations[key]
            if (invitation.pk, unit.pk) not in invited_roles:
                new_roles.append(InvitedRole(invitation=invitation, unit=unit, role=r["role"]))
                invited_roles.add((invitation.pk, unit.pk))
                if invitation.pk not in new_tokens:
                    counts["roles_added"] += 1
        new_roles = InvitedRole.objects.bulk_create(new_roles, batch_size=500)
        unit_services.audit_created(new_roles, actor=actor)
        if new_tokens:
            roles_of: dict[int, list] = {}
            for invited in new_roles:
                roles_of.setdefault(invited.invitation_id, []).append(invited)
            outbox_enqueue_many(
                [
                    _draft(
                        invitation,
                        new_tokens[invitation.pk],
                        roles_of.get(invitation.pk, []),
                        actor,
                    )
                    for invitation in created
                ]
            )
        batch.applied_at = timezone.now()
        batch.summary = counts
        batch.save(update_fields=["applied_at", "summary"])
    return counts


__all__ = ["TableError"]


# --- the Förvaltare's user page -------------------------------------------------------------
def user_update(*, user: User, actor) -> User:
    """Role, party, förbund scope, title and active flag of an account (audited)."""
    with transaction.atomic(), audit_actor(actor):
        user.full_clean(exclude=["password", "username"])
        user.save(update_fields=["role", "party", "federation", "title", "is_active"])
    return user


# --- housekeeping ------------------------------------------------------------------------------
BATCH_KEEP_DAYS = 7


def import_batches_prune(*, now=None) -> int:
    """Checked import files hold names and e-mails: a dry run never confirmed is deleted after
    BATCH_KEEP_DAYS days, and a confirmed one keeps its counts but loses its rows."""
    now = now or timezone.now()
    limit = now - dt.timedelta(days=BATCH_KEEP_DAYS)
    deleted, _ = ImportBatch.objects.filter(applied_at=None, created_at__lt=limit).delete()
    emptied = ImportBatch.objects.filter(applied_at__lt=limit).exclude(rows=[]).update(rows=[])
    return deleted + emptied
