"""`make bench`: server time and SQL query count of the main pages and jobs on full-scale data.

    python -m bench.run [--db sqlite|postgres|both] [--scale full|small] [--repeat 15]

Generates the data set once per database (kept between runs: var/bench-<scale>.sqlite3, or the
PostgreSQL database hos_bench_<scale>) and measures each page in-process with Django's test
client (server time: request in, response out; no network). Each page's median is also given as
a ratio to a trivial view: each page request is paired with a request for the trivial view
(A B, B A, …) and the budget is held against the median of the paired ratios, reported with its
quartiles, so load that arrives mid-run moves both sides of a pair. Budgets (exit code 1 when broken): every page
under 20 queries, every page's median under 10x the trivial view; jobs must not make a query per
object. Results: a table on the terminal and bench/results/<db>-<scale>.json.
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "bench" / "results"
QUERY_BUDGET = 20
RATIO_BUDGET = 10.0


def database_url(db: str, scale: str) -> str:
    if db == "postgres":
        base = os.environ.get("BENCH_POSTGRES_URL", "postgres://postgres@127.0.0.1:5432")
        return f"{base.rstrip('/')}/hos_bench_{scale}"
    return f"sqlite:///{ROOT / 'var' / f'bench-{scale}.sqlite3'}"


def ensure_postgres_database(url: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def prepare(db: str, scale: str) -> dict:
    """Migrate and generate the data set in a subprocess (once), return the environment."""
    url = database_url(db, scale)
    if db == "postgres":
        ensure_postgres_database(url)
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "hosavtal.settings"}
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
    marker = (
        subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                "from core.models import Heartbeat; "
                f"print(Heartbeat.objects.filter(name='bench-{scale}').exists())",
            ],
            env=env,
            check=True,
            cwd=ROOT,
            capture_output=True,
            text=True,
        )
        .stdout.strip()
        .splitlines()[-1]
    )
    if marker != "True":
        started = time.monotonic()
        print(f"Genererar {scale}-data i {db} (en gång)…", flush=True)
        subprocess.run([*manage, "seed_demo", "--scale", scale], env=env, check=True, cwd=ROOT)
        subprocess.run(
            [
                *manage,
                "shell",
                "-c",
                f"from core.services import heartbeat_record; "
                f"heartbeat_record(name='bench-{scale}')",
            ],
            env=env,
            check=True,
            cwd=ROOT,
        )
        print(f"  klart på {time.monotonic() - started:.0f} s", flush=True)
    # Table statistics and no dead rows, as PostgreSQL's autovacuum keeps them in production:
    # without statistics a freshly generated data set gets query plans production never sees,
    # and every run's rolled-back jobs (the real sweep, the dispatch) leave dead rows behind
    # that would slow the next run (measured: 1.8 million in the reminders after five runs).
    maintenance = "VACUUM ANALYZE" if db == "postgres" else "ANALYZE"
    subprocess.run(
        [
            *manage,
            "shell",
            "-c",
            f"from django.db import connection; connection.cursor().execute('{maintenance}')",
        ],
        env=env,
        check=True,
        cwd=ROOT,
    )
    return env


def measure(db: str, scale: str, repeat: int) -> list[dict]:
    """Run the measurements in a child process bound to the prepared database."""
    env = prepare(db, scale)
    out = RESULTS / f"{db}-{scale}.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            sys.executable,
            "-m",
            "bench.measure",
            "--repeat",
            str(repeat),
            "--out",
            str(out),
            "--label",
            f"{db}/{scale}",
        ],
        env={**env, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"},
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.read_text())["rows"]


def report(label: str, rows: list[dict]) -> list[str]:
    print(f"\n{label}")
    header = (
        f"{'sida/jobb':<34} {'median ms':>10} {'p95 ms':>9} {'frågor':>7} {'× trivial':>10}"
        f" {'kvartiler':>11}  budget"
    )
    print(header)
    print("-" * len(header))
    broken = []
    for row in rows:
        ok = row["ok"]
        ratio = f"{row['ratio']:.1f}" if row.get("ratio") is not None else "–"
        spread = row.get("ratio_spread")
        spread = f"{spread[0]:.1f}–{spread[1]:.1f}" if spread else "–"
        print(
            f"{row['name']:<34} {row['median_ms']:>10.1f} {row['p95_ms']:>9.1f} "
            f"{row['queries']:>7} {ratio:>10} {spread:>11}  "
            f"{'ok' if ok else 'BRUTEN: ' + row['why']}"
            + (f"  ({row['note']})" if row.get("note") else "")
        )
        if not ok:
            broken.append(f"{label} {row['name']}: {row['why']}")
    return broken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    broken = []
    for db in dbs:
        broken += report(f"{db} / {args.scale}", measure(db, args.scale, args.repeat))
    print(f"\nResultat i {RESULTS}/")
    if broken:
        print("Budgetar som bröts:\n  " + "\n  ".join(broken))
        return 1
    print("Alla budgetar hölls.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
