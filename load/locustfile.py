"""The load test's simulated people (Locust). Started by ``python -m load.run``.

Two kinds of user, weighted 3:1 (200 users: 150 leads, 50 registrants):

- ``Lead``: an implementation lead. Logs in through the login form, opens Min sida, then loops:
  opens one of their own unit's checklist items and changes its status through the item form
  (a legal transition, with a comment), or changes a status from Min sida through the htmx
  endpoint, or opens the unit page.
- ``Registrant``: anonymous. Each round is a new person (no cookies, a client address of their
  own) who opens the public registration page of the load conference, registers with a unique
  name, e-mail and organisation and gets the "Titta i din e-post" page (double opt-in, issue
  #17: nothing is held yet). Four in five then read their e-mail, open its confirmation link
  and confirm (POST from that page); the rest never do, and must hold no seat. The e-mail is
  read where the portal wrote it: the outbox row for that address (``Mailbox``).

Every response is checked: any status other than the expected one, a validation error or a
CSRF refusal is a failure. Each write is journalled (attempt, then ok) so that load.verify can
compare what the server confirmed with what is in the database.

The server runs with production settings behind a simulated TLS proxy: every request carries
``X-Forwarded-Proto: https`` and ``X-Forwarded-For: <the client's address>`` (what the proxy
adds; the server trusts one proxy), a same-origin Referer on POSTs (what a browser sends;
Django checks it on HTTPS), the client sends the Secure cookies over the loopback connection,
and it opens one connection per request, as the proxy would. Nothing in the server's settings
is weakened: the per-address limits on public POSTs and registrations stay as deployed.
"""

import ipaddress
import itertools
import json
import os
import random
import re
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import gevent
from gevent.lock import Semaphore
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
# Client addresses, from the range set aside for benchmarks (RFC 2544, 198.18.0.0/15): the
# lower half for the municipalities' offices (their leads share one address per municipality,
# as behind an office's NAT), the upper half one per registering person.
_OFFICES = ipaddress.ip_address("198.18.0.1")
_PEOPLE = ipaddress.ip_address("198.19.0.1")


def office_address(party: str) -> str:
    parties = sorted({lead["party"] for lead in PLAN["leads"]})
    return str(_OFFICES + parties.index(party))


def registrant_address(n: int) -> str:
    return str(_PEOPLE + n % 65000)


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
        # What the proxy adds: the address it received the request from (set per user below).
        # The server trusts exactly one proxy (AXES_PROXY_COUNT=1), so its per-address limits
        # see these addresses, as in production behind nginx.
        self.client.headers["X-Forwarded-For"] = registrant_address(0)

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
        self.client.headers["X-Forwarded-For"] = office_address(self.account["party"])
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
SITE_URL = os.environ.get("LOAD_SITE_URL", "").rstrip("/")
# The personal link in the confirmation e-mail: SITE_URL + /konferenser/avanmalan/<signed>/.
CONFIRM_LINK = re.compile(r"https?://\S+?/konferenser/avanmalan/[^/\s]+/")
# Every fifth person registers but never clicks the link in the e-mail (it expires unconfirmed);
# the first four always confirm, so that even a short run exercises confirmation.
NEVER_CONFIRM_EVERY = 5
_registrant_numbers = itertools.count(1)


class Mailbox:
    """The registrants' mailbox: the outbox row the server wrote for an address.

    The web process only queues e-mail (``core.outbox``; no worker sends in the load run), so
    the row is the message exactly as it would be sent: its text carries the link. One
    connection for all simulated people (psycopg cooperates with gevent); a lookup takes well
    under a millisecond and is not counted as a request to the portal."""

    def __init__(self):
        self._conn = None
        self._lock = Semaphore()

    def confirmation_link(self, email: str) -> tuple[str | None, int]:
        """The confirmation link of the newest mail to ``email`` and how many such mails."""
        import psycopg

        mail = PLAN["mail"]
        with self._lock:
            if self._conn is None:
                self._conn = psycopg.connect(os.environ["DATABASE_URL"], autocommit=True)
            rows = self._conn.execute(
                f'SELECT text FROM "{mail["table"]}" WHERE kind = %s AND "to" @> %s::jsonb '
                "ORDER BY id DESC",
                [mail["confirm_kind"], json.dumps([email])],
            ).fetchall()
        if not rows:
            return None, 0
        found = CONFIRM_LINK.search(rows[0][0])
        return (found.group(0) if found else None), len(rows)


MAILBOX = Mailbox()


class Registrant(PortalUser):
    weight = 1
    wait_time = REGISTRANT_WAIT

    @task
    def register(self):
        """A new person (no cookies, an address of their own) registers, reads the e-mail,
        opens its link and confirms (most of them: some never do)."""
        self.client.cookies.clear()
        number = next(_registrant_numbers)
        self.client.headers["X-Forwarded-For"] = registrant_address(number)
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
            if r.status_code != 302 or not location.endswith(f"{path}kolla-mejlen/"):
                r.failure(f"anmälan sparades inte: {why(r)} {location}".strip())
                return
            journal(kind="registration", phase="ok", email=email)
        if self.page(location, "anmälan: kolla mejlen") is None:
            return
        if number % NEVER_CONFIRM_EVERY == 0:
            return  # never opens the e-mail: the registration must hold nothing
        link = self.read_mail(email)
        if link is None:
            return
        gevent.sleep(random.uniform(1, 3))  # opens the mail, clicks the link
        self.confirm(email, link)

    def read_mail(self, email: str) -> str | None:
        link, count = MAILBOX.confirmation_link(email)
        problem = None
        if count != 1:
            problem = f"{count} bekräftelsemejl till adressen (väntade exakt ett)"
        elif link is None:
            problem = "ingen bekräftelselänk i mejlet"
        elif not link.startswith(f"{SITE_URL}/"):
            problem = f"länken i mejlet börjar inte med SITE_URL ({SITE_URL}): {link}"
        if problem:
            self.environment.events.request.fire(
                request_type="E-POST",
                name="anmälan: mejlet",
                response_time=0,
                response_length=0,
                exception=AssertionError(f"{problem}: {email}"),
                context={},
            )
            return None
        return urlsplit(link).path

    def confirm(self, email: str, path: str) -> None:
        """The page the link opens, its confirm button (POST), then the registration's page."""
        html = self.page(path, "anmälan: personlig sida")
        form = html and next((f for f in forms_of(html) if f.action.endswith("/bekrafta/")), None)
        if not form:
            if html is not None:
                self._fail("anmälan: personlig sida", f"ingen bekräftaknapp på {path}")
            return
        journal(kind="confirmation", phase="attempt", email=email)
        with self.post(form.action, form.fields, "anmälan: bekräfta", path) as r:
            location = r.headers.get("Location", "")
            if r.status_code != 302 or location != path:
                r.failure(f"bekräftelsen gick inte igenom: {why(r)} {location}".strip())
                return
        html = self.page(path, "anmälan: personlig sida")
        if html is None:
            return
        if "Din anmälan är bekräftad" in html:
            outcome = "plats"
        elif "Du står på väntelistan" in html:
            outcome = "vantelista"
        else:
            self._fail("anmälan: bekräfta", f"inget besked om plats efter bekräftelsen: {path}")
            return
        journal(kind="confirmation", phase="ok", email=email, outcome=outcome)

    def _fail(self, name: str, message: str) -> None:
        self.environment.events.request.fire(
            request_type="POST" if "bekräfta" in name else "GET",
            name=name,
            response_time=0,
            response_length=0,
            exception=AssertionError(message),
            context={},
        )
