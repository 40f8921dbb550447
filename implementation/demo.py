"""Demo data: invented municipal units, demo verksamheter in VGR, leads and plausible progress.

``small``: a few units per party. ``full``: the benchmark set — all 50 parties, over 2 000
units, a progress row for every unit × item pair (over 30 000) and over 200 000 log entries
spread over the past year. Everything is written with bulk_create in batches; a second run
creates nothing (units are looked up by party and slug, and only units created in this run
get leads and progress).
"""

import datetime as dt
import random
import time
from collections import defaultdict

from django.contrib.auth.hashers import make_password
from django.db import connection
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import User
from agreements.models import Party
from core.refdata import LoadReport
from core.roles import Role
from implementation.models import (
    TRANSITIONS,
    DevelopmentNeed,
    Level,
    MembershipRole,
    NeedStatus,
    Progress,
    ProgressLog,
    Responsibility,
    Status,
    Unit,
    UnitMembership,
)
from implementation.readiness import summaries

BATCH = 5000

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
COMMENTS = [
    "Diskuterat på arbetsplatsträffen.",
    "Rutinen är på remiss hos enhetscheferna.",
    "Avstämt med förvaltningens implementeringsgrupp.",
    "Väntar på material från den regionala arbetsgruppen.",
    "Utbildning genomförd för sjuksköterskorna.",
    "Tagit fram ett första utkast.",
    "Följs upp på nästa ledningsgruppsmöte.",
    "Klart och förankrat i ledningsgruppen.",
]
BLOCKERS = [
    "Saknar resurser under semesterperioden.",
    "Oklart vem som äger frågan mellan förvaltningarna.",
    "Väntar på beslut i nämnden.",
]
NOT_APPLICABLE = ["Verksamheten berörs inte av avtalet i denna del.", "Hanteras av förvaltningen."]


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
    existing = {(u.party_id, u.slug): u for u in Unit.objects.filter(party__in=parties.values())}
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
    existing = {(u.party_id, u.slug): u for u in Unit.objects.filter(party__in=parties.values())}
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


# --- progress and its log --------------------------------------------------------------------
def _target_status(item: Responsibility, today: dt.date, rng: random.Random) -> str | None:
    """A plausible status for the item today (None: nothing logged yet)."""
    roll = rng.random()
    due = item.due_date
    if due and due < today:
        table = [
            (0.72, Status.KLAR),
            (0.84, Status.PAGAR),
            (0.90, Status.HINDER),
            (0.95, Status.EJ_AKTUELLT),
        ]
    elif item.phase.starts_on and item.phase.starts_on <= today:
        table = [
            (0.30, Status.KLAR),
            (0.65, Status.PAGAR),
            (0.75, Status.HINDER),
            (0.78, Status.EJ_AKTUELLT),
        ]
    else:
        table = [(0.12, Status.PAGAR)]
    for limit, status in table:
        if roll < limit:
            return status
    return None


def _path(final: str, rng: random.Random, extra: int) -> list[str]:
    """Statuses a row passed through on its way to ``final`` (each step an allowed move)."""
    route = {
        Status.PAGAR: [Status.PAGAR],
        Status.KLAR: [Status.PAGAR, Status.KLAR],
        Status.HINDER: [Status.PAGAR, Status.HINDER],
        Status.EJ_AKTUELLT: [Status.EJ_AKTUELLT],
    }[final]
    steps = list(route)
    # Comments without a status change make up the rest of the history.
    for _ in range(extra):
        steps.insert(
            rng.randrange(len(steps) + 1) if final != Status.EJ_AKTUELLT else len(steps), None
        )
    return steps


def _create_progress(units, leads, scale, rng, report) -> None:
    today = timezone.localdate()
    now = timezone.now()
    items_by_level = defaultdict(list)
    for item in Responsibility.objects.filter(is_active=True).select_related("phase"):
        items_by_level[item.level].append(item)
    year_ago = now - dt.timedelta(days=365)
    rows, logs_for_row = [], []
    for unit in units:
        author = leads.get(unit.pk) or leads.get(unit.parent_id)
        for item in items_by_level[unit.level]:
            final = _target_status(item, today, rng)
            if final is None:
                if scale == "full":
                    rows.append(Progress(unit=unit, responsibility=item, updated_at=year_ago))
                    logs_for_row.append([])
                continue
            extra = rng.randint(7, 12) if scale == "full" else rng.randint(0, 1)
            entries = _entries(unit, item, final, author, rng, extra, now)
            last_change = max(e[LOG_AT] for e in entries if e[LOG_BEFORE] != e[LOG_AFTER])
            rows.append(
                Progress(
                    unit=unit,
                    responsibility=item,
                    status=final,
                    next_step=rng.choice(
                        ["", "", "Följa upp på nästa APT.", "Förankra i ledningsgruppen."]
                    ),
                    blocker_reason=_blocker_reason(entries) if final == Status.HINDER else "",
                    status_changed_at=last_change,
                    updated_at=entries[-1][LOG_AT],
                    updated_by=author,
                )
            )
            logs_for_row.append(entries)
    Progress.objects.bulk_create(rows, batch_size=BATCH)
    if rows and rows[0].pk is None:  # a database that does not return ids from bulk inserts
        ids = {
            (u, r): pk
            for pk, u, r in Progress.objects.filter(unit__in=units).values_list(
                "pk", "unit_id", "responsibility_id"
            )
        }
        for row in rows:
            row.pk = ids[(row.unit_id, row.responsibility_id)]
    logs = [
        (progress.pk, *entry)
        for progress, entries in zip(rows, logs_for_row, strict=True)
        for entry in entries
    ]
    _insert_log(logs)
    report.created["Demoframsteg"] = report.created.get("Demoframsteg", 0) + len(rows)
    report.created["Demologganteckningar"] = report.created.get("Demologganteckningar", 0) + len(
        logs
    )


# The log is the bulk of the benchmark set (over 200 000 rows). It is written with plain
# executemany: Django's bulk_create spends most of its time preparing each of the millions of
# values one by one. Column order of the tuples built by _entries (after progress_id):
LOG_COLUMNS = (
    "progress_id",
    "unit_id",
    "responsibility_id",
    "responsibility_title",
    "status_before",
    "status_after",
    "comment",
    "author_id",
    "created_at",
    "done_delta",
    "excluded_delta",
    "points_delta",
)
LOG_BEFORE, LOG_AFTER, LOG_COMMENT, LOG_AT = 3, 4, 5, 7  # indexes in an _entries tuple


def _blocker_reason(entries: list[tuple]) -> str:
    """The comment that set Hinder, as ``services.progress_update`` keeps it."""
    return next(
        (
            e[LOG_COMMENT]
            for e in reversed(entries)
            if e[LOG_AFTER] == Status.HINDER and e[LOG_COMMENT]
        ),
        "",
    )


def _insert_log(logs: list[tuple]) -> None:
    quote = connection.ops.quote_name
    table = quote(ProgressLog._meta.db_table)
    columns = ", ".join(quote(c) for c in LOG_COLUMNS)
    sql = f"INSERT INTO {table} ({columns}) VALUES ({', '.join(['%s'] * len(LOG_COLUMNS))})"
    adapt = connection.ops.adapt_datetimefield_value
    at = LOG_COLUMNS.index("created_at")
    with connection.cursor() as cursor:
        for start in range(0, len(logs), BATCH):
            batch = [
                (*row[:at], adapt(row[at]), *row[at + 1 :]) for row in logs[start : start + BATCH]
            ]
            cursor.executemany(sql, batch)


def _deltas(before: str, after: str) -> tuple[int, int, int]:
    """Same arithmetic as ProgressLog.set_deltas (kept in step by a test)."""
    entry = ProgressLog(status_before=before, status_after=after)
    entry.set_deltas()
    return entry.done_delta, entry.excluded_delta, entry.points_delta


_DELTAS: dict[tuple[str, str], tuple[int, int, int]] = {}


def _entries(unit, item, final, author, rng, extra, now) -> list[tuple]:
    """The log of one row as tuples (see LOG_COLUMNS), oldest first."""
    steps = _path(final, rng, extra)
    times = sorted(
        now - dt.timedelta(days=rng.uniform(1, 360), minutes=rng.randint(0, 600)) for _ in steps
    )
    status = Status.EJ_PABORJAD
    author_id = author.pk if author else None
    entries = []
    for step, at in zip(steps, times, strict=True):
        after = status if step is None else step
        if after != status and after not in TRANSITIONS[status]:
            after = status
        if after == Status.HINDER:
            comment = rng.choice(BLOCKERS)
        elif after == Status.EJ_AKTUELLT and after != status:
            comment = rng.choice(NOT_APPLICABLE)
        else:
            comment = rng.choice(COMMENTS)
        key = (status, after)
        if key not in _DELTAS:
            _DELTAS[key] = _deltas(status, after)
        entries.append(
            (unit.pk, item.pk, item.title, status, after, comment, author_id, at, *_DELTAS[key])
        )
        status = after
    return entries


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
