"""Demo cases across steps, types, statuses and parties (de-identified, plausible texts).

``--scale small``: a few dozen cases; ``--scale full``: a few thousand. Cases are made through
the services (timeline, periods, handlers and audit as in real use), back-dated with their
``when`` arguments. A second run tops up to the target and duplicates nothing.
"""

import datetime as dt
import random

from django.utils import timezone

from accounts.models import User
from agreements.models import Agreement, Party
from core.refdata import LoadReport
from core.roles import Role
from escalation import services
from escalation.models import (
    Case,
    CaseContact,
    CaseHandler,
    CaseMailbox,
    CaseStepPeriod,
    Category,
    LadderStep,
)
from implementation.models import Unit

TARGET = {"small": 36, "full": 3000}

# kind, title, description, category slug (escalation.reference.CATEGORIES)
SUBJECTS = (
    (
        Case.Kind.AVVIKELSE,
        "Utskrivningsmeddelande kom efter hemgång",
        "Vid flera utskrivningar under perioden nådde meddelandet om utskrivning hemsjukvården "
        "först efter att patienten kommit hem. Hemsjukvården kunde inte planera första besöket.",
        "betalningsansvar-utskrivning",
    ),
    (
        Case.Kind.AVVIKELSE,
        "Läkarmedverkan i hemsjukvården uteblev",
        "Planerade läkarbesök i kommunal primärvård ställdes in utan ersättare vid upprepade "
        "tillfällen. Sjuksköterskorna saknade ordinationer att arbeta efter.",
        "lakaransvar",
    ),
    (
        Case.Kind.AVVIKELSE,
        "Läkemedelslista saknades vid överrapportering",
        "Aktuell läkemedelslista följde inte med vid överflyttning från slutenvården till "
        "korttidsboende. Rutinen för överrapportering följdes inte.",
        "hemsjukvard",
    ),
    (
        Case.Kind.TOLKNING,
        "Vem ansvarar för hjälpmedel efter utskrivning",
        "Parterna tolkar överenskommelsen olika när det gäller vem som förskriver och bekostar "
        "hjälpmedel som behövs direkt efter utskrivning.",
        "hemsjukvard",
    ),
    (
        Case.Kind.TOLKNING,
        "Betalningsansvar när vårdplan saknas",
        "Oenighet om när kommunens betalningsansvar inträder om samordnad individuell plan inte "
        "har upprättats före utskrivningsklar dag.",
        "betalningsansvar-utskrivning",
    ),
    (
        Case.Kind.TOLKNING,
        "Uppsökande tandvård i särskilt boende",
        "Oenighet om vilken part som ska ordna munhälsobedömning för personer som flyttat in i "
        "särskilt boende under pågående vårdperiod.",
        "munhalsa",
    ),
    (
        Case.Kind.TVIST,
        "Ersättning för vårddygn efter utskrivningsklar",
        "Parterna är oeniga om fakturerade vårddygn efter att patienten bedömts utskrivningsklar. "
        "Underlaget visar olika datum för utskrivningsklar.",
        "betalningsansvar-utskrivning",
    ),
    (
        Case.Kind.TVIST,
        "Ansvar för insatser vid samsjuklighet",
        "Tvist om vilken huvudman som ska ansvara för samordnade insatser för personer med "
        "psykisk funktionsnedsättning och skadligt bruk efter avslutad slutenvård.",
        "psykisk-funktionsnedsattning-beroende",
    ),
)

OUTCOMES = (
    "Parterna har enats om en gemensam rutin som gäller från nästa månad.",
    "Förvaltningarna har förtydligat ansvarsfördelningen i en gemensam skrivelse.",
    "Frågan är utredd och avvikelsen är åtgärdad; uppföljning sker i delregionen.",
)

REASONS = (
    "Enheterna har inte kunnat enas inom tidsgränsen.",
    "Frågan rör fler verksamheter än de inblandade och behöver lyftas.",
    "Åtgärderna har inte genomförts som överenskommet.",
)


# The VGR ärendeansvarig demo account (takes VGR's side when a case names no VGR unit).
CONTACT_ACCOUNT = (
    "arende-vgr",
    "Vera",
    "Vidén",
    "Ärendeansvarig för eskaleringsärenden, Västra Götalandsregionen",
)
MAILBOXES = {"vgr": "hos-arenden@demo.hosportalen.se"}
# party slug -> demo account appointed its ärendeansvarig
CONTACTS = {"vgr": "arende-vgr", "goteborg": "ia-goteborg", "boras": "ia-boras"}


def seed(*, scale: str, password: str, report: LoadReport) -> None:
    _contacts(password, report)
    target = TARGET.get(scale, TARGET["small"])
    existing = Case.objects.filter(is_demo=True).count()
    if existing >= target or not LadderStep.objects.exists():
        report.add("Eskaleringsärenden", False)
        return
    context = _context()
    if not Case.objects.filter(is_demo=True, title__startswith=BORAS_TITLE).exists():
        _boras_case(context, report)
        existing += 1
    if not Case.objects.filter(is_demo=True, title__startswith=GOTEBORG_TITLE).exists():
        _goteborg_cases(context, report)
        existing += 2
    rng = random.Random(2026 + existing)
    for index in range(existing, target):
        _random_case(rng, index, context, report)


def _contacts(password: str, report: LoadReport) -> None:
    """The VGR ärendeansvarig's account, the parties' ärendeansvariga and VGR's function
    address (created once; never changed afterwards)."""
    username, first, last, title = CONTACT_ACCOUNT
    vgr = Party.objects.filter(slug="vgr").first()
    if vgr is None:
        return
    if not User.objects.filter(username=username).exists():
        user = User(
            username=username,
            first_name=first,
            last_name=last,
            role=Role.IMPLEMENTERINGSANSVARIG,
            party=vgr,
            title=title,
            email=f"{username}@demo.hosportalen.se",
            is_demo=True,
        )
        user.set_password(password)
        user.save()
        report.add("Demokonton", True)
    parties = {p.slug: p for p in Party.objects.filter(slug__in=CONTACTS)}
    users = {u.username: u for u in User.objects.filter(username__in=CONTACTS.values())}
    for slug, username in CONTACTS.items():
        party, user = parties.get(slug), users.get(username)
        if party and user and user.party_id == party.pk:
            _, created = CaseContact.objects.get_or_create(party=party, user=user)
            report.add("Ärendeansvariga", created)
    for slug, email in MAILBOXES.items():
        if slug in parties:
            _, created = CaseMailbox.objects.get_or_create(
                party=parties[slug], defaults={"email": email}
            )
            report.add("Funktionsadresser för ärenden", created)


BORAS_TITLE = "Återkoppling om hemgångsplanering dröjer"
GOTEBORG_TITLE = "Läkarbesök i korttidsboende ställs in"


def _context() -> dict:
    vgr = Party.objects.get(slug="vgr")
    municipalities = list(Party.objects.municipalities().order_by("name"))
    users = {u.username: u for u in User.objects.filter(is_demo=True)}
    admin = users.get("admin") or User.objects.filter(is_superuser=True).first()
    units: dict[int, list[Unit]] = {}
    for unit in Unit.objects.order_by("pk"):
        units.setdefault(unit.party_id, []).append(unit)
    return {
        "vgr": vgr,
        "municipalities": municipalities,
        "users": users,
        "admin": admin,
        "units": units,
        "agreements": list(Agreement.objects.filter(generation=Agreement.Generation.NEW)),
        "categories": {c.slug: c for c in Category.objects.all()},
        "now": timezone.now(),
    }


def _actor_for(context: dict, party: Party) -> User:
    by_party = {
        u.party_id: u
        for u in sorted(context["users"].values(), key=lambda u: u.username, reverse=True)
        if u.party_id and u.role == Role.IMPLEMENTERINGSANSVARIG
    }
    return by_party.get(party.pk) or context["admin"]


def _boras_case(context: dict, report: LoadReport) -> None:
    """Borås against VGR, with Sahlgrenska's lead among the step-1 handlers."""
    boras = Party.objects.get(slug="boras")
    sahlgrenska = Unit.objects.filter(
        party=context["vgr"], slug="sahlgrenska-universitetssjukhuset"
    )
    actor = context["users"].get("ia-boras") or context["admin"]
    case = services.case_open(
        actor=actor,
        kind=Case.Kind.AVVIKELSE,
        title=BORAS_TITLE,
        description=(
            "Hemsjukvården i Borås får återkoppling om planerad hemgång först samma dag som "
            "patienten skrivs ut från Sahlgrenska. Gäller flera fall under hösten."
        ),
        agreement=next(a for a in context["agreements"] if a.slug == "ok-betalningsansvar-2027"),
        category=context["categories"].get("betalningsansvar-utskrivning"),
        reporting_party=boras,
        receiving_party=context["vgr"],
        receiving_unit=sahlgrenska.first(),
        is_demo=True,
        notify=False,
        when=context["now"] - dt.timedelta(days=12),
    )
    lead = context["users"].get("ia-sahlgrenska")
    if lead:
        # The implementation demo appoints her lead of Sahlgrenska; make sure of it here too.
        period = CaseStepPeriod.objects.get(case=case, ended_at__isnull=True)
        CaseHandler.objects.get_or_create(period=period, user=lead, case=case)
    report.add("Eskaleringsärenden", True)


def _goteborg_cases(context: dict, report: LoadReport) -> None:
    """Göteborg against VGR without a receiving unit: VGR's ärendeansvarig handles step 1 (the
    two-party walk starts here); and one vilande while it waits for a meeting."""
    goteborg = Party.objects.get(slug="goteborg")
    actor = context["users"].get("ia-goteborg")
    if actor is None:
        return
    agreement = next(a for a in context["agreements"] if a.slug == "ok-betalningsansvar-2027")
    services.case_open(
        actor=actor,
        kind=Case.Kind.AVVIKELSE,
        title=GOTEBORG_TITLE,
        description=(
            "Planerade läkarbesök på korttidsboendet ställs in med kort varsel utan att någon "
            "ersättare kommer. Sjuksköterskorna saknar ordinationer att arbeta efter."
        ),
        agreement=agreement,
        category=context["categories"].get("lakaransvar"),
        reporting_party=goteborg,
        receiving_party=context["vgr"],
        is_demo=True,
        notify=False,
        when=context["now"] - dt.timedelta(days=5),
    )
    paused = services.case_open(
        actor=actor,
        kind=Case.Kind.TOLKNING,
        title="Vem bekostar munhälsobedömning efter flytt till särskilt boende",
        description=(
            "Parterna tolkar överenskommelsen olika om vem som ordnar och bekostar "
            "munhälsobedömningen när en person flyttar in under en pågående vårdperiod."
        ),
        agreement=agreement,
        category=context["categories"].get("munhalsa"),
        reporting_party=goteborg,
        receiving_party=context["vgr"],
        is_demo=True,
        notify=False,
        when=context["now"] - dt.timedelta(days=20),
    )
    services.case_pause(
        case=paused,
        actor=actor,
        reason="Väntar på den delregionala ledningsgruppens möte där frågan står på dagordningen.",
        when=context["now"] - dt.timedelta(days=6),
    )
    report.add("Eskaleringsärenden", True)


def _random_case(rng: random.Random, index: int, context: dict, report: LoadReport) -> None:
    kind, title, description, category = SUBJECTS[index % len(SUBJECTS)]
    municipality = rng.choice(context["municipalities"])
    vgr = context["vgr"]
    reporting, receiving = (municipality, vgr) if rng.random() < 0.6 else (vgr, municipality)
    opened = context["now"] - dt.timedelta(days=rng.randint(1, 300), hours=rng.randint(0, 8))
    case = services.case_open(
        actor=_actor_for(context, reporting),
        kind=kind,
        title=f"{title} ({index + 1})",
        description=description,
        agreement=rng.choice(context["agreements"]),
        category=context["categories"].get(category),
        reporting_party=reporting,
        receiving_party=receiving,
        reporting_unit=_unit(rng, context, reporting),
        receiving_unit=_unit(rng, context, receiving),
        is_systemic=rng.random() < 0.2,
        diarienummer=f"HOS 2026-{index + 1:05d}" if rng.random() < 0.5 else "",
        is_demo=True,
        notify=False,
        when=opened,
    )
    _advance(rng, case, context, opened)
    report.add("Eskaleringsärenden", True)


def _unit(rng, context, party):
    units = context["units"].get(party.pk)
    return rng.choice(units) if units and rng.random() < 0.7 else None


def _advance(rng: random.Random, case: Case, context: dict, opened: dt.datetime) -> None:
    """Escalate a few steps, then maybe resolve or close, all in the past."""
    actor = context["admin"]
    when = opened
    top = LadderStep.objects.order_by("-order").values_list("order", flat=True).first()
    climbs = min(rng.choice((0, 0, 0, 1, 1, 2, 3, 4)), top - 1)
    for _step in range(climbs):
        when = when + dt.timedelta(days=rng.randint(10, 50))
        if when >= context["now"]:
            return
        case = services.case_escalate(
            case=case, actor=actor, reason=rng.choice(REASONS), when=when, notify=False
        )
    fate = rng.random()
    later = when + dt.timedelta(days=rng.randint(5, 40))
    if later >= context["now"] or fate < 0.55:
        return
    # The body (or the förvaltare on its behalf) records the decision that resolves the case.
    case = services.case_resolve(case=case, actor=actor, outcome=rng.choice(OUTCOMES), when=later)
    if fate > 0.8:
        closed = later + dt.timedelta(days=rng.randint(1, 20))
        if closed < context["now"]:
            services.case_close(case=case, actor=actor, when=closed)
