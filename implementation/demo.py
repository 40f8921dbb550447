"""Demo data: invented municipal units, demo verksamheter in VGR, leads and plausible progress.

``small``: a few units per party. ``full``: the benchmark set — all 50 parties, over 2 000
units, a progress row for every unit × item pair (over 30 000) and over 200 000 log entries
spread over the past year. Everything is written with bulk_create in batches; a second run
creates nothing (units are looked up by party and slug, and only units created in this run
get leads and progress).
"""

import random
import time

from django.contrib.auth.hashers import make_password
from django.utils.text import slugify

from accounts.models import User
from agreements.models import Party
from core.refdata import LoadReport
from core.roles import Role
from implementation.demo_progress import BATCH, _create_progress
from implementation.models import (
    DevelopmentNeed,
    Level,
    MembershipRole,
    NeedStatus,
    Unit,
    UnitMembership,
)
from implementation.readiness import summaries

MUNICIPAL = {
    "Vård- och omsorgsförvaltningen": [
        "Hemsjukvård",
        "Särskilt boende",
        "Rehabilitering",
        "Korttidsboende",
        "Hemtjänst",
        "Nattpatrull",
        "Kommunal primärvård – sjuksköterskor",
        "Dagverksamhet för äldre",
        "Biståndsenheten",
    ],
    "Socialförvaltningen": [
        "Socialpsykiatri",
        "Beroendeenheten",
        "Öppenvård vuxna",
        "Boendestöd psykiatri",
        "Mottagningsenheten",
        "Barn och unga",
        "Familjehemsenheten",
        "Placeringsenheten",
        "Stödboende",
    ],
    "Förvaltningen för funktionsstöd": [
        "LSS-boenden",
        "Daglig verksamhet",
        "Personlig assistans",
        "Korttidsvistelse LSS",
        "Boendestöd funktionsstöd",
        "Avlösning och ledsagning",
        "Stödfamiljer",
        "Fritid funktionsstöd",
        "Habiliteringsstöd",
    ],
    "Barn- och utbildningsförvaltningen": [
        "Elevhälsans medicinska insats, grundskola",
        "Elevhälsans medicinska insats, gymnasium",
        "Anpassad skola",
        "Förskolan",
        "Fritidshem",
        "Kulturskolan",
        "Elevhälsans psykologer",
        "Skolsköterskor, norr",
        "Skolsköterskor, söder",
    ],
}
SMALL_MUNICIPAL = {
    "Vård- och omsorgsförvaltningen": ["Hemsjukvård", "Särskilt boende"],
    "Socialförvaltningen": ["Socialpsykiatri"],
}
GOTEBORG = {
    "Äldre samt vård- och omsorgsförvaltningen": [
        "Hemsjukvård Centrum",
        "Hemsjukvård Hisingen",
        "Korttidsboende Nordost",
    ],
}
BORAS = {"Vård- och äldreförvaltningen": ["Hemsjukvård Borås", "Rehabilitering Borås"]}
VGR_SMALL = {
    "Sahlgrenska Universitetssjukhuset": ["Akutmottagningen Sahlgrenska", "Geriatriken Mölndal"],
    "NU-sjukvården": ["Akutmottagningen NÄL"],
    "Närhälsan": ["Närhälsan Angered vårdcentral"],
}
VGR_SPECIALTIES = [
    "Akutmottagningen",
    "Geriatriken",
    "Medicinkliniken",
    "Ortopedkliniken",
    "Psykiatriska kliniken",
    "Rehabiliteringskliniken",
    "Palliativa enheten",
    "Infektionskliniken",
    "Kirurgkliniken",
    "Barn- och ungdomskliniken",
]
DEMO_LEADS = {"ia-goteborg": "goteborg", "ia-boras": "boras", "ia-sahlgrenska": "vgr"}


def seed(*, scale: str, password: str, report: LoadReport) -> None:
    started = time.monotonic()
    rng = random.Random(20261122)
    new_units = _create_units(scale, report)
    if not new_units:
        return
    leads = _appoint_leads(new_units, scale, report)
    _create_progress(new_units, leads, scale, rng, report)
    _create_needs(new_units, leads, rng, report)
    summaries.rebuild()  # the rows above were bulk-inserted, past the services
    seed.last_seconds = time.monotonic() - started  # read by the benchmark


# --- units -----------------------------------------------------------------------------------
def _plan(scale: str) -> dict[str, dict[str, list[str]]]:
    """party slug -> förvaltning name -> verksamhet names."""
    plan: dict[str, dict[str, list[str]]] = {}
    for party in Party.objects.municipalities():
        base = MUNICIPAL if scale == "full" else SMALL_MUNICIPAL
        plan[party.slug] = {name: list(kids) for name, kids in base.items()}
    plan["goteborg"] = {**GOTEBORG, **plan.get("goteborg", {})}
    plan["boras"] = {**BORAS, **plan.get("boras", {})}
    vgr = {name: list(kids) for name, kids in VGR_SMALL.items()}
    if scale == "full":
        forvaltningar = Unit.objects.filter(party__slug="vgr", level=Level.FORVALTNING)
        for forvaltning in forvaltningar:
            extra = [f"{s}, {forvaltning.name}" for s in VGR_SPECIALTIES]
            vgr[forvaltning.name] = vgr.get(forvaltning.name, []) + extra
    plan["vgr"] = vgr
    return plan


def _unique_names(names: list[str]) -> list[str]:
    seen: set[str] = set()
    return [n for n in names if not (n in seen or seen.add(n))]


def _create_units(scale: str, report: LoadReport) -> list[Unit]:
    """Create the planned units that do not exist yet; return the created ones."""
    plan = _plan(scale)
    parties = {p.slug: p for p in Party.objects.filter(slug__in=plan)}
    existing = {
        (u.party_id, u.slug): u for u in Unit.all_objects.filter(party__in=parties.values())
    }
    created_parents = []
    for slug, forvaltningar in plan.items():
        party = parties[slug]
        for name in forvaltningar:
            if (party.pk, slugify(name)) not in existing:
                created_parents.append(
                    Unit(
                        party=party,
                        level=Level.FORVALTNING,
                        name=name,
                        slug=slugify(name),
                        is_demo=True,
                    )
                )
    Unit.objects.bulk_create(created_parents, batch_size=BATCH)
    existing = {
        (u.party_id, u.slug): u for u in Unit.all_objects.filter(party__in=parties.values())
    }
    children = []
    for slug, forvaltningar in plan.items():
        party = parties[slug]
        for name, kids in forvaltningar.items():
            parent = existing[(party.pk, slugify(name))]
            for kid in _unique_names(kids):
                key = (party.pk, slugify(kid))
                if key not in existing:
                    unit = Unit(
                        party=party,
                        level=Level.VERKSAMHET,
                        name=kid,
                        slug=slugify(kid),
                        parent=parent,
                        is_demo=True,
                    )
                    existing[key] = unit
                    children.append(unit)
    Unit.objects.bulk_create(children, batch_size=BATCH)
    for _unit in created_parents + children:
        report.add("Demoenheter", True)
    created_ids = [u.pk for u in created_parents + children]
    new = list(Unit.objects.filter(pk__in=created_ids).select_related("party").order_by("pk"))
    # Reference units (Sahlgrenska, the working group) get demo progress once: only while
    # nothing has been logged on them.
    new += list(
        Unit.objects.filter(is_demo=False, progress__isnull=True)
        .select_related("party")
        .distinct()
        .order_by("pk")
    )
    return new


# --- leads -----------------------------------------------------------------------------------
def _appoint_leads(units: list[Unit], scale: str, report: LoadReport) -> dict[int, User]:
    """A lead for every förvaltning and most verksamheter (some are left without, on purpose)."""
    named = {u.username: u for u in User.objects.filter(username__in=DEMO_LEADS)}
    leads: dict[int, User] = {}
    special = {
        ("goteborg", "aldre-samt-vard-och-omsorgsforvaltningen"): "ia-goteborg",
        ("boras", "vard-och-aldreforvaltningen"): "ia-boras",
        ("vgr", "sahlgrenska-universitetssjukhuset"): "ia-sahlgrenska",
    }
    new_users = []
    for index, unit in enumerate(units):
        username = special.get((unit.party.slug, unit.slug))
        if username and username in named:
            leads[unit.pk] = named[username]
            continue
        if unit.level == Level.VERKSAMHET and index % 7 == 3:
            continue  # visible as "saknar implementeringsansvarig"
        if unit.level == Level.REGIONOVERGRIPANDE:
            continue
        user = User(
            username=f"demo-ia-{unit.party.slug}-{unit.pk}",
            first_name=rng_first(unit.pk),
            last_name=rng_last(unit.pk),
            email=f"demo-ia-{unit.party.slug}-{unit.pk}@demo.hosportalen.se",
            role=Role.IMPLEMENTERINGSANSVARIG,
            party=unit.party,
            title="Implementeringsansvarig",
            password=make_password(None),
            is_demo=True,
        )
        new_users.append(user)
        leads[unit.pk] = user
    existing = set(
        User.objects.filter(username__in=[u.username for u in new_users]).values_list(
            "username", flat=True
        )
    )
    User.objects.bulk_create([u for u in new_users if u.username not in existing], batch_size=BATCH)
    saved = {
        u.username: u for u in User.objects.filter(username__in=[u.username for u in new_users])
    }
    leads = {uid: saved.get(u.username, u) for uid, u in leads.items()}
    have = set(UnitMembership.objects.filter(unit_id__in=leads).values_list("unit_id", "user_id"))
    memberships = [
        UnitMembership(unit_id=uid, user=user, role=MembershipRole.LEAD, is_demo=True)
        for uid, user in leads.items()
        if (uid, user.pk) not in have
    ]
    UnitMembership.objects.bulk_create(memberships, batch_size=BATCH)
    for _membership in memberships:
        report.add("Demoansvariga", True)
    return leads


FIRST = [
    "Anna",
    "Erik",
    "Maria",
    "Lars",
    "Karin",
    "Johan",
    "Eva",
    "Anders",
    "Sara",
    "Per",
    "Lena",
    "Mikael",
    "Emma",
    "Fredrik",
    "Ingrid",
    "Ahmed",
    "Fatima",
    "Nils",
    "Linnea",
    "Omar",
]
LAST = [
    "Andersson",
    "Johansson",
    "Karlsson",
    "Nilsson",
    "Eriksson",
    "Larsson",
    "Olsson",
    "Persson",
    "Svensson",
    "Gustafsson",
    "Pettersson",
    "Jonsson",
    "Lindberg",
    "Hassan",
    "Lindqvist",
    "Berg",
    "Axelsson",
    "Holm",
    "Sandberg",
    "Ali",
]


def rng_first(seed: int) -> str:
    return FIRST[seed * 7 % len(FIRST)]


def rng_last(seed: int) -> str:
    return LAST[seed * 11 % len(LAST)]


def _create_needs(units, leads, rng, report) -> None:
    needs = []
    titles = [
        ("Rutin för samordnad individuell plan (SIP) behöver uppdateras", "Enhetschef"),
        ("Utbildning i eskaleringstrappan för nya medarbetare", "Verksamhetsutvecklare"),
        (
            "Gemensam rutin för läkemedelsgenomgångar med vårdcentralen",
            "Medicinskt ansvarig sjuksköterska",
        ),
        (
            "Tydligare kontaktvägar till regionens läkare i kommunal primärvård",
            "Implementeringsansvarig",
        ),
    ]
    for unit in units:
        if unit.level == Level.REGIONOVERGRIPANDE or rng.random() > 0.35:
            continue
        title, owner = rng.choice(titles)
        needs.append(
            DevelopmentNeed(
                unit=unit,
                title=title,
                owner=owner,
                status=rng.choice(NeedStatus.values),
                created_by=leads.get(unit.pk),
                is_demo=True,
            )
        )
    DevelopmentNeed.objects.bulk_create(needs, batch_size=BATCH)
    report.created["Demoutvecklingsbehov"] = report.created.get("Demoutvecklingsbehov", 0) + len(
        needs
    )
