"""Script payloads in every free-text field of the domain models are shown escaped.

The data set of the URL sweep is built with a payload in every text it fills in; then every
free-text field (CharField/TextField without choices, enumerated from ``apps.get_models()`` so
a new field is covered without touching this file) gets the payload appended in every row,
through the ORM, past the forms' validators (escaping must not depend on them). Every HTML
page of the URL table is rendered for several actors, the htmx partials, the Django admin's
lists and forms, and the HTML parts of e-mails; the raw payload never appears, the escaped
form does.
"""

import pytest
from django.apps import apps
from django.db import models, transaction
from django.db.models import F, Value
from django.db.models.functions import Concat, Substr
from django.test import Client
from django.urls import reverse
from django.utils.html import escape

from hosavtal.composition import APP_ORDER
from security.tests import world as world_module
from security.tests.test_url_sweep import ACCESS
from security.tests.urls_for import url_for
from security.tests.world import ACTORS

PAYLOADS = ["<script>alert(1)</script>", '"><img src=x onerror=alert(1)>']
PAYLOAD = "".join(PAYLOADS)
ESCAPED = escape(PAYLOADS[0])
DOMAIN_APPS = set(APP_ORDER)
# Text fields that are never shown as text to anyone (and why).
NOT_SHOWN = {
    "accounts.User.password": "a password hash",
    "core.Heartbeat.name": "the name of a periodic job, written by the system, never shown",
    "escalation.CalendarToken.token": "a random secret made by the system, part of a URL",
    "accounts.User.hsa_id": "unique per person (one payload in every row would collide); "
    "written by the IdP's sign-in, shown only in Django admin",
    "escalation.Attachment.kind": "the file type the upload check sniffed (pdf, docx, xlsx), "
    "written by the system, never typed",
}


def text_fields():
    """(model, field) for every free-text field of the domain models."""
    for model in apps.get_models():
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        for field in model._meta.concrete_fields:
            if not isinstance(field, (models.CharField, models.TextField)):
                continue
            if isinstance(field, (models.SlugField, models.EmailField, models.URLField)):
                continue  # their validators reject the payload: see the test below
            if field.choices or not field.editable:
                continue
            if f"{model._meta.label}.{field.name}" in NOT_SHOWN:
                continue
            yield model, field


def poison_every_text_field():
    """Append the payload to every row, keeping within max_length (PostgreSQL enforces it):
    a field too short for both payloads gets the first one only."""
    for model, field in text_fields():
        limit = field.max_length or 10_000
        payload = PAYLOAD if limit >= len(PAYLOAD) else PAYLOADS[0]
        assert limit >= len(payload), f"{model._meta.label}.{field.name} är för kort"
        room = limit - len(payload)
        model._default_manager.update(
            **{field.name: Concat(Substr(F(field.name), 1, room), Value(payload))}
        )


@pytest.fixture(scope="module")
def xss_world(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock(), transaction.atomic():
        built = world_module.build(text=PAYLOAD)
        from core.models import AccessibilityReport

        AccessibilityReport.objects.create(
            name="Anmälare", email="a@kommun.test", page_url="/", description="Fel"
        )
        poison_every_text_field()
        yield built
        transaction.set_rollback(True)


@pytest.fixture
def xss_clients(xss_world, db):
    made = {"anon": Client()}
    for actor in ACTORS[1:]:
        made[actor] = Client()
        made[actor].force_login(xss_world.users[actor])
    return made


def assert_escaped(response, where: str) -> bool:
    """No raw payload in an HTML response; True if the escaped payload is there."""
    if not response.get("Content-Type", "").startswith("text/html"):
        return False
    html = response.content.decode()
    for raw in PAYLOADS:
        assert raw not in html, f"{where}: oescapad payload {raw!r}"
    assert "onerror=alert(1)>" not in html, where
    return ESCAPED in html


pytestmark = pytest.mark.xdist_group(name="security-xss")


def test_every_text_field_holds_the_payload(xss_world, db):
    """Coverage: each free-text field has at least one row carrying the payload, so every
    page showing that field is tested. A new model without rows here fails this test."""
    empty = [
        f"{model._meta.label}.{field.name}"
        for model, field in text_fields()
        if not model._default_manager.filter(**{f"{field.name}__contains": PAYLOADS[0]}).exists()
    ]
    assert not empty, f"fält utan rader med payload (lägg till i security/tests/world.py): {empty}"


def test_fields_left_out_reject_the_payload():
    """Slug, e-mail and URL fields are left out above: their validators refuse markup."""
    from django.core.exceptions import ValidationError

    for field in (models.SlugField(), models.EmailField(), models.URLField()):
        with pytest.raises(ValidationError):
            field.clean(f"a{PAYLOAD}", None)


VIEWERS = ("anon", "own", "registrator", "forvaltare")
# Pages that must show the escaped payload (the data set's objects are on them).
MUST_SHOW = {
    "agreements:agreement_detail",
    "agreements:party_detail",
    "implementation:unit",
    "implementation:progress",
    "implementation:need_edit",
    "escalation:detail",
    "escalation:list",
    "conferences:detail",
    "conferences:participants",
    "conferences:register",
    "conferences:invitation",
    "reminders:index",
    "dashboard:index",
    "dashboard:meetings",
}


@pytest.mark.parametrize("name", sorted(ACCESS))
def test_pages_show_the_payload_escaped(name, xss_world, xss_clients):
    url = url_for(name, xss_world.obj)
    shown = False
    for actor in VIEWERS:
        response = xss_clients[actor].get(url)
        shown |= assert_escaped(response, f"GET {url} som {actor}")
    if name in MUST_SHOW:
        assert shown, f"{url}: den escapade payloaden syns inte – testet prövar inget"


def test_htmx_partials_escape(xss_world, xss_clients):
    o = xss_world.obj
    hx = {"HTTP_HX_REQUEST": "true"}
    partials = [
        (
            "own",
            reverse("implementation:quick_status", args=[o.verksamhet.pk, o.item.pk]),
            {"status": "klar", "comment": "Klart"},
        ),
        ("registrator", url_for("conferences:checkin_toggle", o), {"attended": "1"}),
        ("registrator", url_for("conferences:invitation_progress", o), None),
    ]
    shown = 0
    for actor, url, data in partials:
        savepoint = transaction.savepoint()
        try:
            client = xss_clients[actor]
            response = client.post(url, data, **hx) if data else client.get(url, **hx)
            assert response.status_code == 200, url
            shown += assert_escaped(response, f"htmx {url}")
        finally:
            transaction.savepoint_rollback(savepoint)
    assert shown >= 2


def test_admin_lists_and_forms_escape(xss_world, xss_clients, db):
    from django.contrib import admin

    staff = Client()
    staff.force_login(xss_world.users["forvaltare"].__class__.objects.create_superuser("s-x"))
    shown = 0
    for model in admin.site._registry:
        if model._meta.app_label not in DOMAIN_APPS:
            continue
        info = (model._meta.app_label, model._meta.model_name)
        changelist = staff.get(reverse("admin:{}_{}_changelist".format(*info)))
        assert changelist.status_code == 200, info
        shown += assert_escaped(changelist, f"admin {info}")
        first = model._default_manager.first()
        if first is not None:
            change = staff.get(reverse("admin:{}_{}_change".format(*info), args=[first.pk]))
            assert change.status_code == 200, info
            assert_escaped(change, f"admin {info} {first.pk}")
    assert shown >= 10


def test_email_html_parts_escape(xss_world, db):
    """The HTML part of every kind of conference mail and of the accessibility report, as the
    outbox renders and stores it."""
    import datetime as dt

    from conferences import emails
    from core.models import AccessibilityReport
    from core.outbox import render_message

    o = xss_world.obj
    at = dt.datetime(2026, 10, 1, 9, tzinfo=dt.UTC)
    drafts = [
        emails.registration_draft(o.registration, "bekraftad", at=at),
        emails.registration_draft(o.registration, "avbokad", at=at),
        emails.invitation_draft(o.recipient),
    ]
    rendered = [render_message(d.template, d.context)[1] for d in drafts]
    rendered.append(
        render_message(
            "emails/accessibility_report", {"report": AccessibilityReport.objects.get()}
        )[1]
    )
    for html in rendered:
        for raw in PAYLOADS:
            assert raw not in html
        assert ESCAPED in html
