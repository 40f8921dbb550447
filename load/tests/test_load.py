"""The load test: its checks (fast, on the embedded defaults) and its short form (real services).

The short form starts gunicorn on PostgreSQL and runs 200 simulated users for 20 seconds; it runs
in the serial `services` pass of `make test` (DATABASE_URL and CELERY_BROKER_URL set).
"""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

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
        "GET /static/css/portal.css 200 1\n"
        "a line gunicorn wrote\n"
    )
    times = run.server_times(log)
    assert times["inloggning: sida"] == [12, 30]
    assert times["inloggning: skicka"] == [310]
    assert times["min sida: spara (htmx)"] == [80]
    assert times["ansvar: sida"] == [40]
    assert sorted(times["Totalt"]) == [12, 30, 40, 80, 310]
    rows = [{"name": "inloggning: sida"}, {"name": "enhet: sida"}]
    run.add_server_times(rows, times)
    assert rows[0]["server_median_ms"] == 12 and rows[0]["server_p95_ms"] == 30
    assert rows[1]["server_median_ms"] is None


def test_database_must_be_postgresql_and_named_for_the_load_test(monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u@db.example:5433/hosavtal")
    assert run.database_url(None) == "postgres://u@db.example:5433/hos_load"
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


def _reg(email, phase="ok"):
    return {"kind": "registration", "phase": phase, "email": email}


@pytest.mark.django_db
def test_verify_accepts_a_full_conference_with_a_waiting_list(load_conference):
    conference, plan = load_conference
    RegistrationFactory(conference=conference, email="a@x.test")
    RegistrationFactory(conference=conference, email="b@x.test")
    RegistrationFactory(
        conference=conference, email="c@x.test", status=Registration.Status.VANTELISTA
    )
    journal = [_reg(e, p) for e in ("a@x.test", "b@x.test", "c@x.test") for p in ("attempt", "ok")]
    result = verify.check_registrations(plan, journal)
    assert result["problems"] == []
    assert (result["seats_taken"], result["waiting_list"], result["succeeded"]) == (2, 1, 3)


@pytest.mark.django_db
def test_verify_finds_an_exceeded_capacity_a_lost_and_an_unknown_registration(load_conference):
    conference, plan = load_conference
    for email in ("a@x.test", "b@x.test", "stranger@x.test"):
        RegistrationFactory(conference=conference, email=email)
    journal = [_reg("a@x.test"), _reg("b@x.test"), _reg("lost@x.test")]
    result = verify.check_registrations(plan, journal)
    assert not result["capacity_respected"]
    assert result["lost"] == ["lost@x.test"]
    assert result["problems"] == [
        "3 platser tagna av 2: kapaciteten överskreds",
        "1 bekräftade anmälningar saknas i databasen",
        "1 anmälningar från adresser som aldrig skickades",
    ]


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
def test_short_load_run_has_no_errors_respects_capacity_and_loses_no_write(real_services, tmp_path):
    out = tmp_path / "result.json"
    env = {k: v for k, v in os.environ.items() if k != "DJANGO_SETTINGS_MODULE"}
    command = [sys.executable, "-m", "load.run", "--users", "200", "--spawn-rate", "100",
               "--duration", "20", "--capacity", "5", "--out", str(out)]  # fmt: skip
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
    names = {row["name"] for row in result["rows"]}
    assert {"inloggning: sida", "anmälan: sida", "Totalt"} <= names
    assert result["p95_ms"] is not None and result["p95_ms"] >= result["median_ms"]
    registrations = result["registrations"]
    assert registrations["capacity_respected"]
    # Few seats, so that the waiting list is used even on a slow machine: every row beyond the
    # seats waits, and no seat stays empty while someone waits.
    assert registrations["capacity"] == 5
    assert registrations["seats_taken"] == min(5, registrations["rows"])
    assert registrations["waiting_list"] == registrations["rows"] - registrations["seats_taken"]
    # How many got through depends on the machine (150 logins hash passwords first); none may
    # be lost, and every row must come from a submitted form.
    assert registrations["submitted"] >= registrations["rows"] >= registrations["succeeded"]
    assert registrations["submitted"] > 0
    assert result["progress"]["lost"] == []
    assert "Lasttestet godkänt" in stdout
