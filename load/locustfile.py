"""The load test's simulated people (Locust). Started by ``python -m load.run``.

Two kinds of user, weighted 3:1 (200 users: 150 leads, 50 registrants):

- ``Lead``: an implementation lead. Logs in through the login form, opens Min sida, then loops:
  opens one of their own unit's checklist items and changes its status through the item form
  (a legal transition, with a comment), or changes a status from Min sida through the htmx
  endpoint, or opens the unit page.
- ``Registrant``: anonymous. Each round is a new person who opens the public registration page
  of the load conference and registers with a unique name, e-mail and organisation.

Every response is checked: any status other than the expected one, a validation error or a
CSRF refusal is a failure. Each write is journalled (attempt, then ok) so that load.verify can
compare what the server confirmed with what is in the database.

The server runs with production settings behind a simulated TLS proxy: every request carries
``X-Forwarded-Proto: https`` (what the proxy adds), a same-origin Referer on POSTs (what a
browser sends; Django checks it on HTTPS), the client sends the Secure cookies over the
loopback connection, and it opens one connection per request, as the proxy would. Nothing in the server's settings is weakened.
"""

import itertools
import json
import os
import random
import uuid
from pathlib import Path

from locust import HttpUser, between, task
from requests.cookies import RequestsCookieJar

from load.html_forms import form_with, forms_of

PLAN = json.loads(Path(os.environ["LOAD_PLAN"]).read_text())
JOURNAL = open(os.environ["LOAD_JOURNAL"], "a", buffering=1, encoding="utf-8")  # noqa: SIM115
LEAD_WAIT = between(3, 10)
REGISTRANT_WAIT = between(3, 10)
_lead_numbers = itertools.count()


def why(response) -> str:
    """The status, and the client's error when there was no response at all (status 0)."""
    if response.status_code == 0:
        return f"inget svar ({response.error!r})"
    return f"status {response.status_code}"


def journal(**entry) -> None:
    JOURNAL.write(json.dumps(entry, ensure_ascii=False) + "\n")


# --- the simulated TLS proxy -----------------------------------------------------------------
class ProxiedCookieJar(RequestsCookieJar):
    """Keeps Secure cookies sendable to the loopback server, as the TLS proxy in front of it
    would (the server still marks them Secure; the client stands in for the proxy)."""

    def set_cookie(self, cookie, *args, **kwargs):
        cookie.secure = False
        return super().set_cookie(cookie, *args, **kwargs)


class PortalUser(HttpUser):
    abstract = True

    def on_start(self):
        self.client.cookies = ProxiedCookieJar()
        self.client.headers["X-Forwarded-Proto"] = "https"
        self.client.headers["Accept-Language"] = "sv"
        # One connection per request, as a proxy in front of gunicorn does by default (nginx
        # speaks HTTP/1.0 to its upstream). Kept-alive connections straight to gunicorn race
        # with its 2 s keep-alive timeout: a request sent just as gunicorn closes the idle
        # connection gets no answer at all (see load/README.md).
        self.client.headers["Connection"] = "close"

    def referer(self, path: str) -> dict:
        return {"Referer": f"https://{self.host.split('://', 1)[1].rstrip('/')}{path}"}

    def page(self, path: str, name: str) -> str | None:
        """GET a page; anything but 200 is a failure."""
        with self.client.get(path, name=name, allow_redirects=False, catch_response=True) as r:
            if r.status_code != 200:
                r.failure(f"{why(r)} (väntade 200) för {path}")
                return None
            return r.text

    def post(self, path: str, data: dict, name: str, referer: str, headers=None):
        return self.client.post(
            path,
            data=data,
            name=name,
            allow_redirects=False,
            catch_response=True,
            headers={**self.referer(referer), **(headers or {})},
        )


# --- implementation leads ----------------------------------------------------------------------
class Lead(PortalUser):
    weight = 3
    wait_time = LEAD_WAIT

    def on_start(self):
        super().on_start()
        leads = PLAN["leads"]
        self.account = leads[next(_lead_numbers) % len(leads)]
        self.unit_path = f"/genomforande/part/{self.account['party']}/{self.account['unit']}/"
        self.logged_in = self.login()
        if self.logged_in:
            self.page("/genomforande/min-sida/", "min sida")

    def login(self) -> bool:
        path = "/konto/logga-in/"
        html = self.page(path, "inloggning: sida")
        form = html and form_with(html, "username")
        if not form:
            return False
        data = {
            **form.fields,
            "username": self.account["username"],
            "password": self.account["password"],
        }
        with self.post(form.action or path, data, "inloggning: skicka", path) as r:
            location = r.headers.get("Location", "")
            if r.status_code != 302 or "logga-in" in location:
                r.failure(f"inloggningen misslyckades: {why(r)}")
                return False
        return True

    def _choose(self, current: str, offered: list[str]) -> str | None:
        allowed = [s for s in offered if s != current and s in PLAN["transitions"][current]]
        return random.choice(allowed) if allowed else None

    def _comment(self, status: str) -> str:
        return f"Lasttest {uuid.uuid4().hex[:8]}: status {status}."

    @task(6)
    def change_item(self):
        """Open one checklist item of the own unit and change its status through its form."""
        if not self.logged_in:
            return
        item = random.choice(PLAN["items"])
        path = f"{self.unit_path}ansvar/{item['code']}/"
        html = self.page(path, "ansvar: sida")
        form = html and form_with(html, "status")
        if not form:
            if html is not None:
                self._fail_page(path, "ingen statusformulär på ansvarets sida")
            return
        current = form.selected.get("status", "")
        after = self._choose(current, form.selects.get("status", []))
        if after is None:
            return
        data = {**form.fields, "status": after, "comment": self._comment(after)}
        key = {"unit": self.account["unit_id"], "item": item["id"], "before": current}
        entry = {**key, "after": after, "user": self.account["user_id"]}
        journal(kind="progress", phase="attempt", **entry)
        with self.post(form.action or path, data, "ansvar: spara", path) as r:
            location = r.headers.get("Location", "")
            if r.status_code != 302 or f"#ansvar-{item['code']}" not in location:
                r.failure(f"ändringen sparades inte: {why(r)}")
                return
            journal(kind="progress", phase="ok", **entry)
        self.page(location.split("#", 1)[0], "enhet: sida")

    @task(3)
    def quick_change(self):
        """Change a status from Min sida through the htmx endpoint, as the browser does."""
        if not self.logged_in:
            return
        path = "/genomforande/min-sida/"
        html = self.page(path, "min sida")
        if not html:
            return
        quick = [f for f in forms_of(html) if "/min-sida/status/" in f.hx_post]
        if not quick:
            return
        form = random.choice(quick)
        unit_id, item_id = (int(x) for x in form.hx_post.rstrip("/").split("/")[-2:])
        current = form.selected.get("status", "")
        after = self._choose(current, form.selects.get("status", []))
        if after is None:
            return
        data = {**form.fields, "status": after, "comment": self._comment(after)}
        entry = {
            "unit": unit_id,
            "item": item_id,
            "before": current,
            "after": after,
            "user": self.account["user_id"],
        }
        journal(kind="progress", phase="attempt", **entry)
        headers = {"HX-Request": "true", "HX-Current-URL": self.referer(path)["Referer"]}
        with self.post(form.hx_post, data, "min sida: spara (htmx)", path, headers) as r:
            if r.status_code != 200 or "alert-success" not in r.text or "alert-danger" in r.text:
                r.failure(f"snabbändringen sparades inte: {why(r)}")
                return
            journal(kind="progress", phase="ok", **entry)

    @task(1)
    def unit_page(self):
        if self.logged_in:
            self.page(self.unit_path, "enhet: sida")

    def _fail_page(self, path: str, why: str) -> None:
        self.environment.events.request.fire(
            request_type="GET",
            name="ansvar: sida",
            response_time=0,
            response_length=0,
            exception=AssertionError(f"{why}: {path}"),
            context={},
        )


# --- people registering for the conference ---------------------------------------------------
class Registrant(PortalUser):
    weight = 1
    wait_time = REGISTRANT_WAIT

    @task
    def register(self):
        """A new person (no cookies) registers for the load conference."""
        self.client.cookies.clear()
        path = f"/konferenser/anmalan/{PLAN['conference']['slug']}/"
        html = self.page(path, "anmälan: sida")
        form = html and form_with(html, "email")
        if not form:
            return
        token = uuid.uuid4().hex[:12]
        email = f"deltagare-{token}@lasttest.invalid"
        data = {
            **form.fields,
            "name": f"Deltagare {token}",
            "email": email,
            "party": "",
            "organisation_other": f"Lasttestorganisation {token}",
            "role": (form.radios.get("role") or [""])[0],
            "title": "Lasttest",
            "consent": "on",
        }
        journal(kind="registration", phase="attempt", email=email)
        with self.post(form.action or path, data, "anmälan: skicka", path) as r:
            location = r.headers.get("Location", "")
            if r.status_code != 302 or "/konferenser/avanmalan/" not in location:
                r.failure(f"anmälan sparades inte: {why(r)}")
                return
            journal(kind="registration", phase="ok", email=email)
        self.page(location, "anmälan: bekräftelse")
