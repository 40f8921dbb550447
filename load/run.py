"""`make load`: 200 simulated users against gunicorn on PostgreSQL; error rate, seats, lost writes.

    python -m load.run [--users 200] [--spawn-rate 50] [--duration 60] [--db-url URL]

1. Prepares the PostgreSQL database ``hos_load`` (on the server of $DATABASE_URL, or
   postgres://postgres@127.0.0.1:5432): migrates it, loads reference and demo data once, creates
   the load leads (each with a unit of their own), resets their progress and a load conference
   with few seats (load.setup).
2. Starts gunicorn on 127.0.0.1:8031 with production settings (DJANGO_ENV=production, a fresh
   SECRET_KEY, collected static files) behind a simulated TLS proxy (see load/locustfile.py),
   Celery's file-system broker (the web process only queues; no worker needed) and e-mail to a
   folder, all under var/load/.
3. Runs Locust headless, bounded in time (load/locustfile.py: leads, and registrants who
   confirm from the e-mail in the outbox), as the one trusted proxy (AXES_PROXY_COUNT=1,
   a client address per simulated person in X-Forwarded-For).
4. Stops gunicorn and checks the database against what the server confirmed (load.verify).

Prints a table per request type and writes load/results/<UTC time>.json and latest.json. Exit
code 1 when any request failed, the capacity was exceeded or a confirmed write is missing.
"""

import argparse
import csv
import json
import math
import os
import re
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "load" / "results"
WORK = ROOT / "var" / "load"
DEFAULT_SERVER = "postgres://postgres@127.0.0.1:5432"
DB_NAME = "hos_load"
LEAD_WEIGHT, REGISTRANT_WEIGHT = 3, 1


def database_url(explicit: str | None) -> str:
    if explicit:
        url = explicit
    else:
        base = os.environ.get("DATABASE_URL") or DEFAULT_SERVER
        parts = urlsplit(base)
        # A load database named in DATABASE_URL (hos_load_*) is used as is: one per person.
        name = parts.path.strip("/")
        url = f"{parts.scheme}://{parts.netloc}/{name if name.startswith(DB_NAME) else DB_NAME}"
    scheme = urlsplit(url).scheme
    if not scheme.startswith("postgres"):
        raise SystemExit(f"Lasttestet kräver PostgreSQL, inte {scheme}: ange --db-url.")
    if not urlsplit(url).path.strip("/").startswith(DB_NAME):
        raise SystemExit(f"Databasen för lasttestet ska heta {DB_NAME} eller {DB_NAME}_*.")
    return url


def ensure_database(url: str) -> None:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.strip("/")
    server = f"postgresql://{parts.netloc}/postgres"
    with psycopg.connect(server, autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def base_env(url: str) -> dict:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "CELERY_", "EMAIL_", "CACHE_", "SECURE_"))
    }
    env.update(
        DATABASE_URL=url,
        DJANGO_SETTINGS_MODULE="hosavtal.settings",
        VAR_DIR=str(WORK),
        LOG_LEVEL="WARNING",
    )
    return env


def server_env(env: dict, port: int) -> dict:
    """Production settings as deployed; only what a real deployment sets comes from here."""
    return {
        **env,
        "DJANGO_ENV": "production",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Locust stands in for the one TLS proxy in front of gunicorn, and like it sends the
        # client's address in X-Forwarded-For: each simulated person or office has its own, so
        # the per-address limits (PUBLIC_POST_RATE, CONFERENCE_REGISTER_BURST_RATE, axes) stay
        # as deployed instead of being relaxed for many people behind one loopback address.
        "AXES_PROXY_COUNT": "1",
        "SITE_URL": f"https://127.0.0.1:{port}",
        "STATIC_ROOT": str(static_root()),
    }


def static_fingerprint() -> str:
    """Changes whenever a static source file (ours, an app's or a vendored one) changes.

    Content, not modification times, so that a fresh clone (CI) finds the same fingerprint.
    """
    import hashlib

    digest = hashlib.sha256((ROOT / "requirements.txt").read_bytes())  # packages' own files
    roots = [ROOT / "static", *ROOT.glob("*/static"), ROOT / "node_modules" / "bootstrap" / "dist"]
    roots.append(ROOT / "node_modules" / "htmx.org" / "dist")
    for root in sorted(roots):
        for path in sorted(root.rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()[:16]


def static_root() -> Path:
    """Collected (compressed, hashed) static files, kept between runs while nothing changed.

    Collected once per fingerprint, outside the work tree (a fresh clone in CI reuses it), and
    without compression (load/collect_settings.py): the server's unchanged production
    settings read the same manifest.
    """
    cache = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "hosportalen-load"
    return cache / f"static-{static_fingerprint()}"


def run(cmd: list[str], env: dict, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(cmd, env=env, cwd=ROOT, check=True, **kwargs)


def port_in_use(port: int) -> bool:
    import socket

    with socket.socket() as probe:
        return probe.connect_ex(("127.0.0.1", port)) == 0


def wait_until_up(port: int, process: subprocess.Popen, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/konto/logga-in/", headers={"X-Forwarded-Proto": "https"}
    )
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(
                f"gunicorn avslutades (kod {process.returncode}); se {WORK}/gunicorn.log"
            )
        try:
            with urllib.request.urlopen(request, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    raise SystemExit(f"gunicorn svarade inte på port {port} inom {timeout:.0f} s")


def server_cpu_seconds(pid: int) -> float | None:
    """Processor time (user + system) gunicorn's workers have used so far."""
    try:
        import psutil

        workers = psutil.Process(pid).children()
        return round(sum(sum(w.cpu_times()[:2]) for w in workers), 1)
    except Exception:  # noqa: BLE001 - a figure for the report, never a reason to fail
        return None


def percentile(times: dict[str, int], count: int, q: float) -> float | None:
    """The q-quantile from Locust's histogram of response times (ms -> count)."""
    if not count:
        return None
    target = math.ceil(q * count)
    seen = 0
    for ms, n in sorted(((float(k), v) for k, v in times.items())):
        seen += n
        if seen >= target:
            return ms
    return None


def summarise(entries: list[dict]) -> list[dict]:
    rows, total_times, total = [], {}, {"requests": 0, "failures": 0, "max": 0.0}
    for e in sorted(entries, key=lambda e: e["name"]):
        n = e["num_requests"]
        rows.append(
            {
                "name": e["name"],
                "method": e["method"],
                "requests": n,
                "failures": e["num_failures"],
                "error_rate": e["num_failures"] / n if n else 0.0,
                "median_ms": percentile(e["response_times"], n, 0.5),
                "p95_ms": percentile(e["response_times"], n, 0.95),
                "max_ms": e["max_response_time"] if n else None,
            }
        )
        for ms, count in e["response_times"].items():
            total_times[ms] = total_times.get(ms, 0) + count
        total["requests"] += n
        total["failures"] += e["num_failures"]
        total["max"] = max(total["max"], e["max_response_time"] or 0)
    n = total["requests"]
    rows.append(
        {
            "name": "Totalt",
            "method": "",
            "requests": n,
            "failures": total["failures"],
            "error_rate": total["failures"] / n if n else 0.0,
            "median_ms": percentile(total_times, n, 0.5),
            "p95_ms": percentile(total_times, n, 0.95),
            "max_ms": total["max"] if n else None,
        }
    )
    return rows


# Request types as the locustfile names them, from the server's access log (method, path).
REQUEST_TYPES = [
    ("POST", re.compile(r"^/genomforande/min-sida/status/"), "min sida: spara (htmx)"),
    ("GET", re.compile(r"^/genomforande/min-sida/$"), "min sida"),
    ("GET", re.compile(r"^/genomforande/part/[^/]+/[^/]+/ansvar/[^/]+/$"), "ansvar: sida"),
    ("POST", re.compile(r"^/genomforande/part/[^/]+/[^/]+/ansvar/[^/]+/$"), "ansvar: spara"),
    ("GET", re.compile(r"^/genomforande/part/[^/]+/[^/]+/$"), "enhet: sida"),
    ("GET", re.compile(r"^/konto/logga-in/$"), "inloggning: sida"),
    ("POST", re.compile(r"^/konto/logga-in/$"), "inloggning: skicka"),
    ("GET", re.compile(r"^/konferenser/anmalan/[^/]+/$"), "anmälan: sida"),
    ("POST", re.compile(r"^/konferenser/anmalan/[^/]+/$"), "anmälan: skicka"),
    ("GET", re.compile(r"^/konferenser/anmalan/[^/]+/kolla-mejlen/$"), "anmälan: kolla mejlen"),
    ("GET", re.compile(r"^/konferenser/avanmalan/[^/]+/$"), "anmälan: personlig sida"),
    ("POST", re.compile(r"^/konferenser/avanmalan/[^/]+/bekrafta/$"), "anmälan: bekräfta"),
]
ACCESS_FORMAT = "%(m)s %(U)s %(s)s %(M)s"


def server_times(access_log: Path) -> dict[str, list[float]]:
    """Time inside gunicorn per request type (ms, from its access log): no queueing in it."""
    times: dict[str, list[float]] = {}
    if not access_log.exists():
        return times
    for line in access_log.read_text(encoding="utf-8", errors="replace").splitlines():
        parts = line.split()
        if len(parts) != 4:
            continue
        method, path, _status, ms = parts
        for want, pattern, name in REQUEST_TYPES:
            if method == want and pattern.match(path):
                times.setdefault(name, []).append(float(ms))
                times.setdefault("Totalt", []).append(float(ms))
                break
    return times


def add_server_times(rows: list[dict], times: dict[str, list[float]]) -> None:
    for row in rows:
        found = sorted(times.get(row["name"], []))
        n = len(found)
        row["server_median_ms"] = found[math.ceil(0.5 * n) - 1] if n else None
        row["server_p95_ms"] = found[math.ceil(0.95 * n) - 1] if n else None


def _ms(value) -> str:
    return "–" if value is None else f"{value:.0f}"


def print_table(rows: list[dict]) -> None:
    header = (
        f"{'förfrågan':<32} {'antal':>7} {'fel':>5} {'felandel':>9} "
        f"{'median ms':>10} {'p95 ms':>8} {'max ms':>8} {'server median':>14} {'server p95':>11}"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        if row["name"] == "Totalt":
            print("-" * len(header))
        print(
            f"{(row['method'] + ' ' + row['name']).strip():<32} {row['requests']:>7} "
            f"{row['failures']:>5} {row['error_rate'] * 100:>8.2f}% {_ms(row['median_ms']):>10} "
            f"{_ms(row['p95_ms']):>8} {_ms(row['max_ms']):>8} "
            f"{_ms(row.get('server_median_ms')):>14} {_ms(row.get('server_p95_ms')):>11}"
        )


def read_failures(path: Path) -> list[dict]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as f:
        return [
            {"name": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])}
            for r in csv.DictReader(f)
        ]


def server_errors(log: Path) -> list[str]:
    """Tracebacks the server logged (Django logs every 500 on django.request)."""
    if not log.exists():
        return []
    lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
    return [line for line in lines if "ERROR" in line or "Traceback" in line][:50]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--spawn-rate", type=float, default=50)
    parser.add_argument("--duration", type=int, default=60, help="sekunder")
    parser.add_argument("--db-url", help=f"PostgreSQL-databasen (standard: {DB_NAME})")
    parser.add_argument("--capacity", type=int, default=40, help="platser på lastkonferensen")
    parser.add_argument("--port", type=int, default=8031)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--out", type=Path, help="resultatfil (standard: load/results/<tid>.json)")
    args = parser.parse_args()
    if not 8031 <= args.port <= 8039:
        raise SystemExit("Lasttestet använder bara portarna 8031–8039.")

    if port_in_use(args.port):
        raise SystemExit(
            f"Port {args.port} används redan (en gammal lastserver?): stoppa den först."
        )
    # SIGTERM (e.g. a test's timeout) ends the run through the finally below: gunicorn stops too.
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("Lasttestet avbröts (SIGTERM)."))
    started = time.monotonic()
    load_before = os.getloadavg()[0]
    url = database_url(args.db_url)
    WORK.mkdir(parents=True, exist_ok=True)
    for stale in (
        "celery",
        "mail",
        "journal.jsonl",
        "locust.json",
        "access.log",
        "locust_failures.csv",
        "checks.json",
    ):
        path = WORK / stale
        shutil.rmtree(path) if path.is_dir() else path.unlink(missing_ok=True)
    plan_path, journal_path = WORK / "plan.json", WORK / "journal.jsonl"
    checks_path, locust_json = WORK / "checks.json", WORK / "locust.json"
    leads = math.ceil(args.users * LEAD_WEIGHT / (LEAD_WEIGHT + REGISTRANT_WEIGHT)) + 1

    print(f"Förbereder databasen {urlsplit(url).path.strip('/')}…", flush=True)
    ensure_database(url)
    env = base_env(url)
    py = sys.executable
    run([py, "-m", "load.setup", "--leads", str(leads), "--capacity", str(args.capacity),
         "--plan", str(plan_path)], env)  # fmt: skip
    senv = server_env(env, args.port)
    collected = Path(senv["STATIC_ROOT"])
    if not (collected / "staticfiles.json").exists():
        print("Samlar ihop statiska filer (en gång per ändring)…", flush=True)
        for old in collected.parent.glob("static-*"):
            shutil.rmtree(old, ignore_errors=True)
        collect_env = {**senv, "DJANGO_SETTINGS_MODULE": "load.collect_settings"}
        run([py, "manage.py", "collectstatic", "--noinput", "-v0"], collect_env)
    prepared = time.monotonic() - started

    gunicorn_cmd = [
        py, "-m", "gunicorn", "hosavtal.wsgi:application",
        "--bind", f"127.0.0.1:{args.port}",
        "--workers", str(args.workers), "--worker-class", "gthread", "--threads", str(args.threads),
        "--timeout", "120", "--graceful-timeout", "10", "--backlog", "2048", "--no-control-socket",
        "--access-logfile", str(WORK / "access.log"), "--access-logformat", ACCESS_FORMAT,
    ]  # fmt: skip
    server_text = (
        f"gunicorn på 127.0.0.1:{args.port}: {args.workers} processer × {args.threads} trådar "
        "(gthread), DJANGO_ENV=production, PostgreSQL"
    )
    print(f"Startar {server_text}", flush=True)
    log_path = WORK / "gunicorn.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            gunicorn_cmd, env=senv, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        wait_until_up(args.port, server)
        print(
            f"Locust: {args.users} användare ({LEAD_WEIGHT}:{REGISTRANT_WEIGHT} "
            f"implementeringsansvariga:anmälande), {args.spawn_rate:g} nya/s, {args.duration} s",
            flush=True,
        )
        locust_env = {
            **env,
            "LOAD_PLAN": str(plan_path),
            "LOAD_JOURNAL": str(journal_path),
            "LOAD_SITE_URL": senv["SITE_URL"],
        }
        locust = subprocess.run(
            [
                py, "-m", "locust", "-f", str(ROOT / "load" / "locustfile.py"),
                "--headless", "-u", str(args.users), "-r", str(args.spawn_rate),
                "-t", f"{args.duration}s", "--host", f"http://127.0.0.1:{args.port}",
                "--only-summary", "--json-file", str(locust_json.with_suffix("")),
                "--csv", str(WORK / "locust"), "--loglevel", "WARNING",
            ],
            env=locust_env, cwd=ROOT, capture_output=True, text=True,
        )  # fmt: skip
        (WORK / "locust.log").write_text(locust.stdout + locust.stderr)
        server_cpu = server_cpu_seconds(server.pid)
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()

    if not locust_json.exists():
        print((WORK / "locust.log").read_text()[-3000:])
        raise SystemExit("Locust gav inget resultat; se var/load/locust.log")
    run([py, "-m", "load.verify", "--plan", str(plan_path), "--journal", str(journal_path),
         "--out", str(checks_path)], env)  # fmt: skip
    checks = json.loads(checks_path.read_text())
    rows = summarise(json.loads(locust_json.read_text()))
    add_server_times(rows, server_times(WORK / "access.log"))
    total = rows[-1]
    problems = [*checks["registrations"]["problems"], *checks["progress"]["problems"]]
    if total["failures"]:
        problems.insert(0, f"{total['failures']} av {total['requests']} förfrågningar misslyckades")
    if not total["requests"]:
        problems.insert(0, "inga förfrågningar gjordes")
    errors_logged = server_errors(log_path)
    if errors_logged:
        problems.append(f"servern loggade {len(errors_logged)} felrader (se gunicorn.log)")

    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
    result = {
        "when": stamp,
        "server": server_text,
        "users": args.users,
        "spawn_rate": args.spawn_rate,
        "duration_s": args.duration,
        "prepare_s": round(prepared, 1),
        "cpus": os.cpu_count(),
        "server_cpu_s": server_cpu,
        "load_average": [round(load_before, 1), round(os.getloadavg()[0], 1)],
        "total_s": round(time.monotonic() - started, 1),
        "requests": total["requests"],
        "failures": total["failures"],
        "error_rate": total["error_rate"],
        "p95_ms": total["p95_ms"],
        "median_ms": total["median_ms"],
        "rows": rows,
        "failure_messages": read_failures(WORK / "locust_failures.csv"),
        "server_errors": errors_logged,
        "registrations": checks["registrations"],
        "progress": checks["progress"],
        "ok": not problems,
        "problems": problems,
    }
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = args.out or RESULTS / f"{stamp}.json"
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    shutil.copyfile(out, RESULTS / "latest.json")

    print(f"\n{server_text}; {args.users} användare i {args.duration} s")
    print(
        f"Maskinen: {os.cpu_count()} kärnor, belastning (load average) {load_before:.1f} före "
        f"och {os.getloadavg()[0]:.1f} efter (annat som körs påverkar svarstiderna); "
        f"gunicorns processortid {server_cpu if server_cpu is not None else '–'} s."
    )
    print_table(rows)
    reg, prog = checks["registrations"], checks["progress"]
    print(
        f"\nKonferensen: {reg['seats_taken']} av {reg['capacity']} platser tagna, "
        f"{reg['waiting_list']} på väntelistan, {reg['unconfirmed']} obekräftade utan plats; "
        f"servern kvitterade {reg['succeeded']} av {reg['submitted']} anmälningar och "
        f"{reg['confirmed']} av {reg['confirm_attempts']} bekräftelser; {reg['rows']} anmälningar "
        "i databasen."
    )
    print(
        f"Framsteg: {prog['succeeded']} bekräftade statusändringar, {prog['logged']} i loggen "
        f"({prog['attempted']} skickade)."
    )
    for failure in result["failure_messages"][:10]:
        print(f"  fel: {failure['name']}: {failure['error']} ({failure['count']} st.)")
    print(f"Resultat: {out.relative_to(ROOT) if out.is_relative_to(ROOT) else out}")
    if problems:
        print("LASTTESTET UNDERKÄNT:\n  " + "\n  ".join(problems))
        return 1
    print("Lasttestet godkänt: inga fel, kapaciteten hölls och inga skrivningar förlorades.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
