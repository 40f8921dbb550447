"""`make bench`: server time and SQL query count of the main pages and jobs on full-scale data.

    python -m bench.run [--db sqlite|postgres|both] [--scale full|small] [--repeat 21]
    python -m bench.run --growth [--factor 3]      (make bench-growth)

Generates the data set once per database (kept between runs: var/bench-<scale>.sqlite3, or the
PostgreSQL database hos_bench_<scale>) and measures each page in-process with Django's test
client (server time: request in, response out; no network). Each page is measured in pairs with
a trivial view (A B, B A, …, after two warm-up pairs that are thrown away), timing both the wall
clock and the CPU time of the request (the request thread's, plus the PostgreSQL backend's when
the server runs on this machine). The budget is held against the median of the paired CPU
ratios, reported with its interquartile range next to the median of the paired wall-clock
ratios: load from other processes slows the wall clock of both halves of a pair but barely moves
what the request itself costs, so the verdict holds on a busy machine. Budgets (exit code 1 when
broken): every page under 20 queries, every page under 10x the trivial view; jobs must not make
a query per object. Results: a table on the terminal and bench/results/<db>-<scale>.json.

The growth run measures every page on the full data set and on one grown ``--factor`` times
(bench/grow.py; kept between runs as var/bench-x<factor>.sqlite3 and hos_bench_x<factor>) and
fails when a page makes more queries on the larger data or its ratio grows by more than 25 %.
"""

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

from bench import stats

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


def grown_scale(factor: int) -> str:
    return f"x{factor}"


def database_exists(db: str, scale: str) -> bool:
    url = database_url(db, scale)
    if db == "sqlite":
        return Path(url.removeprefix("sqlite:///")).exists()
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        return bool(conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone())


def copy_database(db: str, source: str, target: str) -> None:
    """A fresh copy of the ``source`` data set named ``target`` (replacing a half-made one)."""
    if db == "postgres":
        import psycopg

        base, name = database_url(db, target).rsplit("/", 1)
        template = database_url(db, source).rsplit("/", 1)[1]
        with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
        return
    path = Path(database_url(db, target).removeprefix("sqlite:///"))
    for stale in path.parent.glob(path.name + "*"):
        stale.unlink()
    with (
        sqlite3.connect(database_url(db, source).removeprefix("sqlite:///")) as src,
        sqlite3.connect(path) as dst,
    ):
        src.backup(dst)


def _generate(db: str, scale: str, env: dict, manage: list[str]) -> None:
    if scale.startswith("x"):
        prepare(db, "full")  # the grown set starts as a copy of the full one
        copy_database(db, "full", scale)
        subprocess.run([*manage, "migrate", "--noinput", "-v0"], env=env, check=True, cwd=ROOT)
        grow = [sys.executable, "-m", "bench.grow", "--factor", scale[1:]]
        subprocess.run(grow, env=env, check=True, cwd=ROOT)
    else:
        subprocess.run([*manage, "seed_demo", "--scale", scale], env=env, check=True, cwd=ROOT)


def prepare(db: str, scale: str) -> dict:
    """Migrate and generate the data set in a subprocess (once), return the environment."""
    url = database_url(db, scale)
    if scale.startswith("x") and not database_exists(db, scale):
        prepare(db, "full")
        copy_database(db, "full", scale)  # rather than migrating an empty database first
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
        _generate(db, scale, env, manage)
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


def measure(db: str, scale: str, repeat: int, *, pages_only: bool = False) -> list[dict]:
    """Run the measurements in a child process bound to the prepared database."""
    env = prepare(db, scale)
    out = RESULTS / f"{db}-{scale}{'-sidor' if pages_only else ''}.json"
    RESULTS.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "bench.measure", "--repeat", str(repeat)]
    command += ["--out", str(out), "--label", f"{db}/{scale}"]
    subprocess.run(
        command + (["--no-jobs"] if pages_only else []),
        env={**env, "DJANGO_ALLOW_ASYNC_UNSAFE": "true"},
        check=True,
        cwd=ROOT,
    )
    return json.loads(out.read_text())["rows"]


def _ratio(value: float | None, spread: list | None = None) -> str:
    if value is None:
        return "–"
    return f"{value:.1f}" + (f" ({spread[0]:.1f}–{spread[1]:.1f})" if spread else "")


def report(label: str, rows: list[dict]) -> list[str]:
    """The table: wall-clock median and p95, queries, then the median paired ratios with their
    interquartile ranges, CPU (the budget's) and wall clock."""
    print(f"\n{label}")
    header = (
        f"{'sida/jobb':<40} {'median ms':>9} {'p95 ms':>8} {'frågor':>6}"
        f" {'× trivial, CPU (IQR)':>21} {'× trivial, vägg (IQR)':>22}  budget"
    )
    print(header)
    print("-" * len(header))
    broken = []
    for row in rows:
        ok = row["ok"]
        cpu = _ratio(row.get("cpu_ratio"), row.get("cpu_ratio_spread"))
        wall = _ratio(row.get("wall_ratio"), row.get("wall_ratio_spread"))
        print(
            f"{row['name'][:40]:<40} {row['median_ms']:>9.1f} {row['p95_ms']:>8.1f} "
            f"{row['queries']:>6} {cpu:>21} {wall:>22}  "
            f"{'ok' if ok else 'BRUTEN: ' + row['why']}"
            + (f"  ({row['note']})" if row.get("note") else "")
        )
        if not ok:
            broken.append(f"{label} {row['name']}: {row['why']}")
    return broken


def _verdict(row: dict) -> str:
    if not row["ok"]:
        return "BRUTEN: " + row["why"]
    return f"ok (växer med {row['grows_with']})" if row.get("grows_with") else "ok"


def growth_report(label: str, rows: list[dict], factor: int) -> list[str]:
    """Side by side: queries and ratio on the full data set and on the grown one."""
    print(f"\n{label}: full mot {factor}× full")
    grown = f"{factor}×"
    header = (
        f"{'sida':<40} {'frågor full':>11} {'frågor ' + grown:>9} {'× full':>7}"
        f" {'× ' + grown:>7} {'tillväxt':>9}  dom"
    )
    print(header)
    print("-" * len(header))
    broken = []
    for row in rows:
        queries = row.get("queries") or ("–", "–")
        ratios = row.get("ratio") or (None, None)
        growth = f"{row['growth']:+.0%}" if row.get("growth") is not None else "–"
        print(
            f"{row['name'][:40]:<40} {queries[0]:>11} {queries[1]:>9} {_ratio(ratios[0]):>7}"
            f" {_ratio(ratios[1]):>7} {growth:>9}  {_verdict(row)}"
        )
        if not row["ok"]:
            broken.append(f"{label} {row['name']}: {row['why']}")
    return broken


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgres", "both"], default="both")
    parser.add_argument("--scale", choices=["small", "full"], default="full")
    parser.add_argument("--repeat", type=int, default=21, help="pairs per page")
    parser.add_argument("--growth", action="store_true", help="full against --factor × full")
    parser.add_argument("--factor", type=int, default=3)
    args = parser.parse_args()
    dbs = ["sqlite", "postgres"] if args.db == "both" else [args.db]
    broken = []
    for db in dbs:
        if args.growth:
            full = measure(db, "full", args.repeat, pages_only=True)
            grown = measure(db, grown_scale(args.factor), args.repeat, pages_only=True)
            rows = stats.growth_rows(full, grown, factor=args.factor)
            broken += growth_report(db, rows, args.factor)
            out = RESULTS / f"{db}-tillvaxt-x{args.factor}.json"
            out.write_text(json.dumps(rows, indent=2, ensure_ascii=False), encoding="utf-8")
        else:
            broken += report(f"{db} / {args.scale}", measure(db, args.scale, args.repeat))
    print(f"\nResultat i {RESULTS}/")
    if broken:
        print("Budgetar som bröts:\n  " + "\n  ".join(broken))
        return 1
    print("Alla budgetar hölls.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
