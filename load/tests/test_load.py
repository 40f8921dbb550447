"""The load test: its checks (fast, on the embedded defaults) and its short forms (real services).

The short forms start gunicorn on PostgreSQL: 200 simulated users for 20 seconds, then 12 users
for 25 seconds, in which registrants always get through the whole double opt-in (issue #17).
They run in the serial `services` pass of `make test` (DATABASE_URL and CELERY_BROKER_URL set; a
load database named there, hos_load_*, is used as is; LOAD_PORT picks the port, 8031 default).
"""

import datetime as dt
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conferences import services
from conferences.models import Registration
from conferences.tests.factories import ConferenceFactory, RegistrationFactory
from implementation.models import Level, Progress, ProgressLog, Responsibility, Status
from implementation.services import progress_update
from implementation.tests.factories import UnitFactory
from load import html_forms, run, verify

ROOT = Path(__file__).resolve().parents[2]


# --- the pieces, fast ------------------------------------------------------------------------
def test_percentile_reads_locusts_histogram():
    times = {"10": 50, "20": 45, "900": 5}
    assert run.percentile(times, 100, 0.5) == 10
    assert run.percentile(times, 100, 0.95) == 20
    assert run.percentile(times, 100, 0.96) == 900
    assert run.percentile({}, 0, 0.95) is None


def test_summary_adds_a_total_row_with_the_error_rate():
    entries = [
        {"name": "b", "method": "POST", "num_requests": 4, "num_failures": 1,
         "max_response_time": 300, "response_times": {"100": 3, "300": 1}},
        {"name": "a", "method": "GET", "num_requests": 6, "num_failures": 0,
         "max_response_time": 50, "response_times": {"50": 6}},
    ]  # fmt: skip
    rows = run.summarise(entries)
    assert [r["name"] for r in rows] == ["a", "b", "Totalt"]
    assert rows[1]["error_rate"] == 0.25
    assert rows[-1] == {
        "name": "Totalt", "method": "", "requests": 10, "failures": 1, "error_rate": 0.1,
        "median_ms": 50, "p95_ms": 300, "max_ms": 300,
    }  # fmt: skip


def test_server_times_come_from_the_access_log_per_request_type(tmp_path):
    log = tmp_path / "access.log"
    log.write_text(
        "GET /konto/logga-in/ 200 12\n"
        "POST /konto/logga-in/ 302 310\n"
        "GET /konto/logga-in/ 200 30\n"
        "POST /genomforande/min-sida/status/4/9/ 200 80\n"
        "GET /genomforande/part/ale/lasttest-forvaltning-001/ansvar/steg-1/ 200 40\n"
        "GET /konferenser/anmalan/lasttest-konferens/kolla-mejlen/ 200 7\n"
        "GET /konferenser/avanmalan/abc:def/ 200 9\n"
        "POST /konferenser/avanmalan/abc:def/bekrafta/ 302 21\n"
        "GET /static/css/portal.css 200 1\n"
        "a line gunicorn wrote\n"
    )
    times = run.server_times(log)
    assert times["inloggning: sida"] == [12, 30]
    assert times["inloggning: skicka"] == [310]
    assert times["min sida: spara (htmx)"] == [80]
    assert times["ansvar: sida"] == [40]
    assert times["anmälan: kolla mejlen"] == [7]
    assert times["anmälan: personlig sida"] == [9]
    assert times["anmälan: bekräfta"] == [21]
    assert sorted(times["Totalt"]) == [7, 9, 12, 21, 30, 40, 80, 310]
    rows = [{"name": "inloggning: sida"}, {"name": "enhet: sida"}]
    run.add_server_times(rows, times)
    assert rows[0]["server_median_ms"] == 12 and rows[0]["server_p95_ms"] == 30
    assert rows[1]["server_median_ms"] is None


def test_database_must_be_postgresql_and_named_for_the_load_test(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5433/hosavtal")
    assert run.database_url(None) == "postgres://u@db.example:5433/hos_load"
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5433/hos_load_h")
    assert run.database_url(None) == "postgres://u@db.example:5433/hos_load_h"
    with pytest.raises(SystemExit, match="PostgreSQL"):
        run.database_url("sqlite:///x.sqlite3")
    with pytest.raises(SystemExit, match="hos_load"):
        run.database_url("postgres://postgres@127.0.0.1/hosavtal")


def test_form_parser_reads_hidden_fields_selected_status_and_radios():
    html = """<form method="post" data-hx-post="/genomforande/min-sida/status/4/9/">
      <input type="hidden" name="csrfmiddlewaretoken" value="abc">
      <select name="status"><option value="ej_paborjad">Ej</option>
        <option value="pagar" selected>Pågår</option><option value="klar">Klar</option></select>
      <input type="radio" name="role" value="politiker"><input type="radio" name="role" value="x">
      <input type="checkbox" name="consent"><textarea name="comment"></textarea>
    </form>"""
    form = html_forms.form_with(html, "status")
    assert form.hx_post == "/genomforande/min-sida/status/4/9/"
    assert form.fields == {"csrfmiddlewaretoken": "abc", "status": "pagar", "comment": ""}
    assert form.selects["status"] == ["ej_paborjad", "pagar", "klar"]
    assert form.selected == {"status": "pagar"}
    assert form.radios == {"role": ["politiker", "x"]}
    assert html_forms.form_with(html, "username") is None


@pytest.fixture
def load_conference(reference_data):
    conference = ConferenceFactory(capacity=2)
    return conference, {"conference": {"id": conference.pk, "capacity": 2}, "leads": []}


def _registered(conference, email):
    """As the public form does it: unconfirmed, with its confirmation e-mail in the outbox."""
    return services.registration_create(
        conference=conference,
        name="Deltagare",
        email=email,
        role=Registration.Role.TJANSTEPERSON,
        consent=True,
        organisation_other="Lasttest",
        confirmed=False,
    )


def _journal(email, *, confirmed=None):
    entries = [
        {"kind": "registration", "phase": "attempt", "email": email},
        {"kind": "registration", "phase": "ok", "email": email},
    ]
    if confirmed:
        entries += [
            {"kind": "confirmation", "phase": "attempt", "email": email},
            {"kind": "confirmation", "phase": "ok", "email": email, "outcome": confirmed},
        ]
    return entries


@pytest.mark.django_db
def test_verify_accepts_double_opt_in_with_seats_a_waiting_list_and_unconfirmed(load_conference):
    conference, plan = load_conference
    for email in ("a@x.test", "b@x.test", "c@x.test", "d@x.test"):
        _registered(conference, email)
    for email in ("b@x.test", "a@x.test", "c@x.test"):  # seats in the order of confirmation
        services.registration_confirm(registration=Registration.objects.get(email=email))
    journal = [
        *_journal("a@x.test", confirmed="plats"),
        *_journal("b@x.test", confirmed="plats"),
        *_journal("c@x.test", confirmed="vantelista"),
        *_journal("d@x.test"),  # never opened the e-mail
    ]
    result = verify.check_registrations(plan, journal)
    assert result["problems"] == []
    assert (result["seats_taken"], result["waiting_list"], result["unconfirmed"]) == (2, 1, 1)
    assert (result["succeeded"], result["confirmed"], result["confirmed_seat"]) == (4, 3, 2)


@pytest.mark.django_db
def test_verify_finds_an_exceeded_capacity_a_lost_and_an_unknown_registration(load_conference):
    conference, plan = load_conference
    for email in ("a@x.test", "b@x.test", "stranger@x.test"):
        RegistrationFactory(conference=conference, email=email)
    journal = [
        *_journal("a@x.test", confirmed="plats"),
        *_journal("b@x.test", confirmed="plats"),
        *_journal("lost@x.test"),
    ]
    result = verify.check_registrations(plan, journal)
    assert not result["capacity_respected"]
    assert result["lost"] == ["lost@x.test"]
    assert result["problems"] == [
        "3 platser tagna av 2: kapaciteten överskreds",
        "1 kvitterade anmälningar saknas i databasen",
        "1 anmälningar från adresser som aldrig skickades",
        # the stranger holds a seat without ever confirming
        "1 anmälningar som aldrig bekräftades har plats eller står i kö",
        # the factory writes no e-mail: neither a link nor an answer is in the outbox
        "2 anmälningar fick inte exakt ett mejl per händelse",
    ]


@pytest.mark.django_db
def test_verify_finds_a_lost_confirmation_a_seat_without_one_and_seats_out_of_order(
    load_conference,
):
    conference, plan = load_conference
    for email in ("a@x.test", "b@x.test", "c@x.test", "d@x.test"):
        _registered(conference, email)
    for email in ("a@x.test", "b@x.test", "c@x.test"):
        services.registration_confirm(registration=Registration.objects.get(email=email))
    journal = [
        *_journal("a@x.test", confirmed="plats"),
        *_journal("b@x.test", confirmed="plats"),
        *_journal("c@x.test", confirmed="vantelista"),
        *_journal("d@x.test", confirmed="plats"),  # acknowledged, yet not in the database
    ]
    assert verify.check_registrations(plan, journal)["problems"] == [
        "1 kvitterade bekräftelser syns inte i databasen"
    ]
    # The waiting person confirmed before a seat holder, and an unconfirmed one got a seat.
    Registration.objects.filter(email="c@x.test").update(
        joined_at=Registration.objects.get(email="a@x.test").joined_at - dt.timedelta(seconds=1)
    )
    Registration.objects.filter(email="a@x.test").update(status=Registration.Status.OBEKRAFTAD)
    Registration.objects.filter(email="d@x.test").update(status=Registration.Status.BEKRAFTAD)
    journal = [*journal[:12], *_journal("d@x.test")]  # d never confirmed
    result = verify.check_registrations(plan, journal)
    assert result["lost_confirmations"] == ["a@x.test"]
    assert result["unconfirmed_holding"] == ["d@x.test"]
    assert "platserna gick inte i bekräftelseordning" in result["problems"]


@pytest.mark.django_db
def test_verify_finds_a_confirmed_progress_change_missing_from_the_log(reference_data, lead):
    from agreements.models import Party

    unit = UnitFactory(party=Party.objects.get(slug="goteborg"), level=Level.FORVALTNING)
    item = Responsibility.objects.filter(level=Level.FORVALTNING, is_active=True).first()
    progress_update(unit=unit, responsibility=item, actor=lead, status=Status.PAGAR, comment="x")
    plan = {"leads": [{"unit_id": unit.pk}]}

    def change(before, after, phase):
        return {"kind": "progress", "phase": phase, "unit": unit.pk, "item": item.pk,
                "before": before, "after": after, "user": lead.pk}  # fmt: skip

    saved = [change("ej_paborjad", "pagar", p) for p in ("attempt", "ok")]
    assert verify.check_progress(plan, saved)["problems"] == []
    lost = [*saved, change("pagar", "klar", "attempt"), change("pagar", "klar", "ok")]
    result = verify.check_progress(plan, lost)
    assert result["problems"] == ["1 bekräftade ändringar saknas i loggen"]
    assert result["lost"] == [[unit.pk, item.pk, "pagar", "klar", lead.pk]]
    ProgressLog.objects.all().delete()
    Progress.objects.update(status=Status.KLAR)
    result = verify.check_progress(plan, [])
    assert result["logged"] == 0 and result["problems"] == []


# --- the short form against gunicorn and PostgreSQL ------------------------------------------
def _load_run(tmp_path, *args: str) -> tuple[dict, str]:
    out = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    port = os.environ.get("LOAD_PORT", "8031")  # 8031-8039: one per person running it
    command = [sys.executable, "-m", "load.run", *args, "--port", port, "--out", str(out)]
    with subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    ) as process:
        try:
            stdout, stderr = process.communicate(timeout=300)
        except subprocess.TimeoutExpired:
            process.terminate()  # load.run stops its gunicorn on SIGTERM
            stdout, stderr = process.communicate(timeout=60)
            pytest.fail(f"the load run took over 300 s:\n{stdout[-4000:]}{stderr[-4000:]}")
    assert process.returncode == 0, stdout[-4000:] + stderr[-4000:]
    result = json.loads(out.read_text())
    assert result["ok"] and result["problems"] == []
    assert result["requests"] > 0 and result["failures"] == 0 and result["error_rate"] == 0
    assert result["p95_ms"] is not None and result["p95_ms"] >= result["median_ms"]
    assert "Lasttestet godkänt" in stdout
    return result, stdout


def _seats_hold(registrations: dict, capacity: int) -> int:
    """Double opt-in: only confirmed registrations hold anything; every confirmed row beyond the
    seats waits, no seat stays empty while someone waits, the rest hold nothing."""
    assert registrations["capacity"] == capacity and registrations["capacity_respected"]
    holding = registrations["seats_taken"] + registrations["waiting_list"]
    assert registrations["seats_taken"] == min(capacity, holding)
    assert registrations["unconfirmed"] == registrations["rows"] - holding
    # (A confirmation still in flight when Locust stops may take a seat unacknowledged.)
    assert registrations["confirmed_seat"] <= registrations["seats_taken"]
    # None may be lost, and every row must come from a submitted form.
    assert registrations["submitted"] >= registrations["rows"] >= registrations["succeeded"]
    assert registrations["confirm_attempts"] >= holding >= registrations["confirmed"]
    return holding


def test_short_load_run_has_no_errors_respects_capacity_and_loses_no_write(real_services, tmp_path):
    """The short form of issue #9: 200 users for 20 s. 150 logins first cost about 45 s of
    processor time (PBKDF2) on two cores, so how far registrants get depends on the machine."""
    result, _ = _load_run(
        tmp_path, "--users", "200", "--spawn-rate", "100", "--duration", "20", "--capacity", "5"
    )
    names = {row["name"] for row in result["rows"]}
    assert {"inloggning: sida", "anmälan: sida", "Totalt"} <= names
    _seats_hold(result["registrations"], 5)
    assert result["registrations"]["submitted"] > 0
    assert result["progress"]["lost"] == []


def test_small_load_run_confirms_from_the_email_seats_then_waiting_list(real_services, tmp_path):
    """Few users, so that registrants get through the whole double opt-in every time: the form,
    "Titta i din e-post", the link from the outbox, confirm; two seats, then the waiting list."""
    result, stdout = _load_run(
        tmp_path, "--users", "12", "--spawn-rate", "12", "--duration", "25", "--capacity", "2"
    )
    names = {row["name"] for row in result["rows"]}
    assert {"anmälan: kolla mejlen", "anmälan: personlig sida", "anmälan: bekräfta"} <= names
    registrations = result["registrations"]
    holding = _seats_hold(registrations, 2)
    assert registrations["confirmed"] > 0 and holding > 0
    assert registrations["seats_taken"] >= min(2, registrations["confirmed"])
    assert registrations["confirmed_seat"] > 0
    assert f"servern kvitterade {registrations['succeeded']} av" in stdout


@pytest.mark.django_db
def test_per_address_limits_see_the_simulated_proxys_addresses(client, settings, load_conference):
    """Why the load server keeps its registration limits: behind the one trusted proxy
    (AXES_PROXY_COUNT=1, as load.run sets it) the limit counts X-Forwarded-For's address, so
    one address is stopped after a burst while many people, each with their own, are not."""
    import uuid

    settings.TRUSTED_PROXY_COUNT = 1
    conference, _ = load_conference
    path = f"/konferenser/anmalan/{conference.slug}/"
    office = f"198.18.{uuid.uuid4().int % 250}.{uuid.uuid4().int % 250 + 1}"  # fresh counts

    def register(address):
        token = uuid.uuid4().hex[:10]
        data = {"name": f"Deltagare {token}", "email": f"{token}@lasttest.invalid",
                "organisation_other": "Lasttest", "role": Registration.Role.TJANSTEPERSON,
                "consent": "on"}  # fmt: skip
        return client.post(path, data, HTTP_X_FORWARDED_FOR=address).status_code

    block = uuid.uuid4().int % 250
    people = [f"198.19.{block}.{n + 1}" for n in range(12)]
    assert [register(a) for a in people] == [302] * 12  # 12 people, 12 addresses
    statuses = [register(office) for _ in range(11)]  # a script behind one address
    assert statuses[:10] == [302] * 10 and statuses[10] == 429
    assert Registration.objects.filter(status=Registration.Status.OBEKRAFTAD).count() == 22
