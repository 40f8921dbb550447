"""Every URL pattern, every actor: nothing readable or writable beyond the rules.

ACCESS (security/tests/access_table.py) is the one table of who may do what. Columns (actors): anonymous, the lead of
the owning party (Göteborg: appointed lead of the förvaltning that owns the verksamhet, and
the reporter of the escalation case), the lead of ANOTHER party (Borås), registrator,
styrgrupp, förvaltare. Codes:

- ``L``: redirected to the login page (anonymous users only);
- ``R``: redirected elsewhere (a logged-in user sent on, e.g. from the login page);
- a number: that status code;
- ``ok`` (POST only): the actor may write here; the POST runs in a savepoint that is rolled
  back, and must not be refused (no 403/404/405, no server error);
- ``-``: not posted (the accounts pages: logging in and out and changing one's own password
  are every user's own business and covered by Django's tests).

Every POST not marked ``ok`` is made with a plausible payload and must leave the database
exactly as it was: the number of rows of every model and the audit trail (a hash of every
row of the tables the data set touches). A URL pattern missing from the table fails
``test_every_url_pattern_is_in_the_table``.
"""

import hashlib

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.db.models import Max
from django.shortcuts import resolve_url
from django.test import Client
from django.urls import reverse

from security.tests import parts
from security.tests.sweep import ADMIN_PREFIX, all_patterns
from security.tests.urls_for import url_for
from security.tests.world import ACTORS, BASE_ACTORS, PDF

# The tests sharing the module's data set run in two groups, one per xdist worker (make test
# runs --dist loadgroup), so that each worker builds the data set once.
GROUP_A = pytest.mark.xdist_group(name="security-sweep-a")
GROUP_B = pytest.mark.xdist_group(name="security-sweep-b")


from security.tests.access_table import ACCESS, UNTRACKED  # noqa: E402
from security.tests.rules import TEXT, Rule  # noqa: E402


def portal_patterns():
    return [
        (name, route) for name, route, _p in all_patterns() if not route.startswith(ADMIN_PREFIX)
    ]


def database_state() -> str:
    """A hash of every row of every model (but sessions, login throttling and the static
    permission tables); of the audit trail, its size and newest entry."""
    digest = hashlib.sha256()
    for model in apps.get_models():
        label = model._meta.label_lower
        if label in UNTRACKED or model._meta.proxy:
            continue
        manager = model._default_manager
        if label == "auditlog.logentry":
            rows = [manager.count(), manager.aggregate(newest=Max("pk"))["newest"]]
        else:
            rows = list(manager.order_by("pk").values_list())
        digest.update(label.encode())
        digest.update(repr(rows).encode())
    return digest.hexdigest()


def test_every_url_pattern_is_in_the_table():
    names = {name for name, _route in portal_patterns()}
    assert all(names), "every portal URL pattern must have a name"
    missing = sorted(names - ACCESS.keys())
    stale = sorted(ACCESS.keys() - names)
    assert not missing, (
        f"URL-mönster utan rad i ACCESS (security/tests/test_url_sweep.py): {missing}"
    )
    assert not stale, f"rader i ACCESS utan URL-mönster: {stale}"


# The VGR lead of another förvaltning (the last actor, an ia-sahlgrenska-like user) has no
# column of its own in the rows above: it is answered as the lead of another party
# ("other"), except where being VGR's matters, where it is answered as another VGR person
# without a role there (the registrator's column) — unless a row gives a seventh code.
VGR_LEAD_AS_REGISTRATOR = ("escalation:",)  # the sweep's case is Göteborg → VGR
VGR_LEAD_AS_LEAD = {"escalation:create"}  # a lead may open a case, whatever the party


def expected(name: str, rule: Rule) -> tuple[str, str]:
    """The row's codes for every actor in ACTORS."""
    out = []
    for column, spec in enumerate((rule.get, rule.post)):
        codes = spec.split()
        if len(codes) == len(BASE_ACTORS) - 1:
            as_vgr = name.startswith(VGR_LEAD_AS_REGISTRATOR) and name not in VGR_LEAD_AS_LEAD
            codes.append(codes[3] if as_vgr else codes[2])
        for extra in parts.EXTRA_ACTORS:
            if extra.name in rule.extra:
                codes.append(rule.extra[extra.name][column])
            else:
                codes.append(codes[ACTORS.index(extra.like)])
        out.append(" ".join(codes))
    return out[0], out[1]


def test_the_table_is_well_formed():
    for name, rule in ACCESS.items():
        for spec in expected(name, rule):
            codes = spec.split()
            assert len(codes) == len(ACTORS), name
            assert all(c in {"L", "R", "ok", "-"} or c.isdigit() for c in codes), name
        assert "ok" not in rule.get.split(), name


def login_url() -> str:
    return resolve_url(settings.LOGIN_URL)


def status_code(response) -> str:
    """The response in the table's codes."""
    if response.status_code == 302:
        return "L" if response["Location"].startswith(login_url()) else "R"
    return str(response.status_code)


# Data that only some actors may read, and the marker text that gives it away on a page.
SECRETS = {
    # the case: its sides, and those who read every case (escalation.permissions.RULES)
    # The case is Göteborg → VGR: VGR's people on its side read it, the Sahlgrenska lead too.
    "Sweep-ärende": {"own", "registrator", "styrgrupp", "forvaltare", "vgr_lead"},
    "Anna Andersson": {"registrator", "forvaltare"},  # a participant's name
    "Sweep-allergi": {"registrator", "forvaltare"},  # a participant's allergies
    "mottagare@kommun.test": {"registrator", "forvaltare"},  # an invitation's recipient
    "Sweep-påminnelse": {"own", "forvaltare"},  # one's own reminders
}
BASE_SECRETS = dict(SECRETS)
for _extra in parts.EXTRA_ACTORS:  # an extra actor reads the base markers it is said to see
    for _marker in _extra.sees:
        SECRETS[_marker] = SECRETS[_marker] | {_extra.name}
SECRETS.update(parts.secrets())

# Pages whose address is itself the secret (a signed personal link, a calendar token):
# whoever holds the link sees what it is for.
SECRET_LINKS = {"conferences:manage", "conferences:cancel", "conferences:accept", "escalation:feed"}


def leaked(name: str, actor: str, response) -> list[str]:
    if name in SECRET_LINKS or response.status_code != 200:
        return []
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
    else:
        body = response.content
    text = body.decode("utf-8", "replace")
    return [
        marker for marker, allowed in SECRETS.items() if actor not in allowed and marker in text
    ]


def _params():
    for name in ACCESS:
        rule = ACCESS[name]
        marks = [GROUP_A if name < "escalation" else GROUP_B]
        if rule.xfail:
            marks.append(pytest.mark.xfail(strict=True, reason=rule.xfail))
        yield pytest.param(name, marks=marks, id=name)


def _payload(name, rule, world):
    payload = rule.payload(world.obj) if callable(rule.payload) else rule.payload
    data = dict(payload or {})
    if name == "conferences:document_add":
        from django.core.files.uploadedfile import SimpleUploadedFile

        data["file"] = SimpleUploadedFile("program.pdf", PDF, "application/pdf")
    return data


@pytest.mark.parametrize("name", list(_params()))
def test_access(name, world, clients):
    rule = ACCESS[name]
    url = url_for(name, world.obj)
    seen, leaks = [], []
    for actor in ACTORS:
        response = clients[actor].get(url)
        seen.append(status_code(response))
        leaks += [f"{actor}: {marker}" for marker in leaked(name, actor, response)]
    assert not leaks, f"GET {url} visar sådant aktören inte får se: {leaks}"

    get_codes, post_codes = expected(name, rule)
    before = database_state()
    for actor, code in zip(ACTORS, post_codes.split(), strict=True):
        if code in {"ok", "-"}:
            seen.append(code)
            continue
        seen.append(status_code(clients[actor].post(url, _payload(name, rule, world))))
    assert database_state() == before, f"POST {url}: en obehörig ändrade databasen"
    observed = (" ".join(seen[: len(ACTORS)]), " ".join(seen[len(ACTORS) :]))
    assert observed == (get_codes, post_codes), f"{url}: sett {observed}, aktörer {ACTORS}"

    for actor, code in zip(ACTORS, post_codes.split(), strict=True):
        if code != "ok":
            continue
        savepoint = transaction.savepoint()
        try:
            response = clients[actor].post(url, _payload(name, rule, world))
            assert response.status_code not in {403, 404, 405}, f"POST {url} som {actor}"
            assert response.status_code < 500, f"POST {url} som {actor}"
        finally:
            transaction.savepoint_rollback(savepoint)


@GROUP_A
def test_the_hash_sees_a_change(world, db):
    """The no-change check is able to fail: one changed field changes the state."""
    before = database_state()
    world.obj.need.title = "Ändrad"
    world.obj.need.save()
    assert database_state() != before


# --- CSRF ----------------------------------------------------------------------------------
CSRF_WRITES = [
    ("agreements:decision_delete", "forvaltare"),
    ("implementation:progress", "own"),
    ("escalation:comment", "own"),
    ("conferences:status", "registrator"),
    ("dashboard:meeting_create", "forvaltare"),
    ("conferences:register", "anon"),
    ("accessibility", "anon"),
]


@GROUP_A
@pytest.mark.parametrize(("name", "actor"), CSRF_WRITES)
def test_post_without_csrf_token_is_refused(name, actor, world, db):
    client = Client(enforce_csrf_checks=True)
    if actor != "anon":
        client.force_login(world.users[actor])
    before = database_state()
    response = client.post(url_for(name, world.obj), ACCESS[name].payload or {})
    assert response.status_code == 403
    assert database_state() == before


@GROUP_A
def test_post_with_csrf_token_passes_the_check(world, db):
    """The refusal above is CSRF's doing: the same POST with the token is let through."""
    client = Client(enforce_csrf_checks=True)
    client.force_login(world.users["own"])
    url = url_for("escalation:comment", world.obj)
    client.get(url_for("escalation:detail", world.obj))
    token = client.cookies[settings.CSRF_COOKIE_NAME].value
    response = client.post(url, {"text": TEXT, "csrfmiddlewaretoken": token})
    assert response.status_code == 302


# --- the Django admin ------------------------------------------------------------------------
def admin_urls():
    """A concrete URL for every admin pattern (dummy ids: the staff check comes first)."""
    from django.urls import NoReverseMatch

    labels = sorted({m._meta.app_label for m in apps.get_models()})
    for name, route, pattern in all_patterns():
        if not route.startswith(ADMIN_PREFIX):
            continue
        if name == "admin:":  # the unnamed catch-all: /<path:object_id>/ redirects
            yield name, "/" + route.replace("<path:object_id>", "1")
            continue
        groups = pattern.pattern.regex.groupindex
        kwargs = dict.fromkeys(groups, "1")
        tried = [kwargs] + [{**kwargs, "app_label": label} for label in labels]
        for attempt in tried:
            try:
                yield name, reverse(name, kwargs=attempt)
                break
            except NoReverseMatch:
                continue
        else:
            raise AssertionError(f"ingen URL för {route}")


@GROUP_B
def test_the_admin_requires_staff(world, clients):
    admin_login = reverse("admin:login")
    urls = [url for name, url in admin_urls() if name not in {"admin:login", "admin:logout"}]
    assert len(urls) > 100
    # Staff status is the admin's only gate: the anonymous user, a lead and the most
    # privileged non-staff user (a förvaltare) stand for every actor.
    for actor in ("anon", "own", "forvaltare"):
        client = clients[actor]
        for url in urls:
            for method in (client.get, client.post) if actor != "own" else (client.get,):
                response = method(url)
                assert response.status_code in {302, 404}, (actor, url, response.status_code)
                if response.status_code == 302:
                    assert response["Location"].startswith(admin_login) or response[
                        "Location"
                    ].startswith(login_url()), (actor, url)
    staff = Client()
    staff.force_login(world.users["forvaltare"].__class__.objects.create_superuser("s-admin"))
    assert staff.get(reverse("admin:index")).status_code == 200


# --- object-level writes across parties ------------------------------------------------------
@GROUP_B
def test_a_lead_cannot_reach_another_partys_objects_through_own_urls(world, clients):
    """The Göteborg lead aims at Borås objects: by id, under an own unit's URL, or by naming
    Borås in a form. Every attempt is refused and nothing changes."""
    o, own = world.obj, clients["own"]
    before = database_state()
    attempts = [
        (
            reverse("implementation:quick_status", args=[o.boras_forvaltning.pk, o.item.pk]),
            {"status": "klar", "comment": TEXT},
            403,
        ),
        (
            url_for("implementation:member_end", o).replace(
                f"/{o.membership.pk}/", f"/{o.boras_membership.pk}/"
            ),
            {},
            404,
        ),
        (
            url_for("implementation:need_edit", o).replace(
                f"/{o.need.pk}/", f"/{o.boras_need.pk}/"
            ),
            {"title": TEXT, "status": "pagar"},
            404,
        ),
        (
            reverse(
                "implementation:unit_edit", args=[o.other_party.slug, o.boras_forvaltning.slug]
            ),
            {"name": TEXT},
            403,
        ),
        (
            url_for("implementation:members", o),
            {"user": world.users["other"].pk, "role": "member"},
            200,
        ),
    ]
    for url, data, expected in attempts:
        assert own.post(url, data).status_code == expected, url
    assert database_state() == before


@GROUP_B
def test_a_lead_cannot_open_a_case_in_another_partys_name(world, clients):
    from escalation.models import Case

    o = world.obj
    response = clients["other"].post(
        reverse("escalation:create"),
        {
            "kind": "avvikelse",
            "title": TEXT,
            "description": TEXT,
            "agreement": o.case.agreement_id,
            "category": o.case.category_id,
            "reporting_party": o.party.pk,
            "receiving_party": o.case.receiving_party_id,
        },
    )
    assert response.status_code == 302, response.content[:2000]
    case = Case.objects.get(title=TEXT)
    assert case.reporting_party == o.other_party
    assert case.opened_by == world.users["other"]


@GROUP_B
def test_the_secrets_are_shown_to_those_who_may_see_them(world, clients):
    """The leak check above is able to fail: each marker is on a page its readers get."""
    pages = {
        "Sweep-ärende": ("own", "escalation:list"),
        "Anna Andersson": ("registrator", "conferences:participants"),
        "Sweep-allergi": ("registrator", "conferences:catering"),
        "mottagare@kommun.test": ("registrator", "conferences:invitation"),
        "Sweep-påminnelse": ("own", "reminders:index"),
    }
    assert pages.keys() == BASE_SECRETS.keys()
    for marker, (actor, name) in pages.items():
        response = clients[actor].get(url_for(name, world.obj))
        assert marker in response.content.decode(), (marker, name)
        assert leaked(name, "anon", response) != [], marker


# --- links that carry the right -----------------------------------------------------------
@GROUP_B
def test_a_forged_or_unsigned_personal_link_is_refused(world):
    """The change/cancel link is signed: the bare registration token or a tampered signature
    opens nothing, and cancelling through it changes nothing."""
    from conferences.emails import manage_token

    token = world.obj.registration.token
    signed = manage_token(world.obj.registration)
    client = Client()
    before = database_state()
    for bad in [token, signed[:-2] + ("AA" if not signed.endswith("AA") else "BB")]:
        page = client.get(reverse("conferences:manage", args=[bad]))
        assert page.status_code in {400, 404}
        assert "Anna Andersson" not in page.content.decode()
        assert client.post(reverse("conferences:cancel", args=[bad])).status_code in {400, 404}
    assert database_state() == before
    assert client.get(reverse("escalation:feed", args=["fel-token"])).status_code == 404


@GROUP_B
@pytest.mark.parametrize("target", ["https://angripare.example/", "//angripare.example/"])
def test_login_does_not_redirect_off_site(world, make_user, target):
    user = make_user(username="s-inloggning")
    response = Client().post(
        reverse("accounts:login") + f"?next={target}",
        {"username": user.username, "password": "losenord-for-test-123"},
    )
    assert response.status_code == 302
    assert "angripare" not in response["Location"]
