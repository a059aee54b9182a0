"""Load benchmark: reading Today and logging walks over the JSON API, on SQLite and PostgreSQL.

    python benchmarks/bench_load.py [--quick] [--seconds S] [--out DIR]

For each engine it prepares a fresh database (a SQLite file in a temporary folder; a throwaway
PostgreSQL cluster from `scripts/postgres.sh start DIR`, stopped and deleted at the end), creates
a few walkers with walkrx's own services (sign-up, a program that started a week ago, onboarding,
a personal API token), starts the real server as a child process (`walkrx serve --port P --db URL`
on 127.0.0.1) and waits for /healthz. Each walker then logs one walk a day for the past week over
the API, so Today reads a small diary. Then a closed-loop load generator in this process (one
thread and one keep-alive httpx connection per simulated client, requests spread round-robin over
the walkers) drives, for each concurrency (1, 8, 32):

    today   GET  /api/v1/people/{id}/today
    walk    POST /api/v1/people/{id}/walks   {"minutes": 20, "pain_before": 2}

Every Today cell runs before the walk cells, so Today reads the same small diary throughout. Each
cell runs a warm-up (default 2 s, not counted) and then a fixed duration (default 10 s); requests
that complete inside the timed window are counted. Latency is measured by the client around each
request (perf_counter), so it includes the client's own queueing on the GIL at high concurrency.
Answers are counted as 2xx, 5xx, other non-2xx, and connection errors (httpx transport errors,
timeouts included). At the end, the walks stored in each database are counted and compared with
the 2xx answers to the walk POSTs (warm-ups and the seeding included).

Prints the table (and a side-by-side one) to stdout and DIR/results.txt; everything (each cell,
error samples, CPU use of the server and of the whole machine during each cell, load average
before and after, versions) to DIR/results.json. The server's output goes to
DIR/server-<engine>.log. Progress goes to stderr. `--quick`: 2 s per cell and a 0.5 s warm-up.

The load generator shares the machine with the server (and PostgreSQL): on a small machine the
figures are those of the whole system, and the CPU columns say who used it.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.metadata
import itertools
import json
import math
import os
import platform
import shutil
import socket
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
POSTGRES_SH = ROOT / "scripts" / "postgres.sh"
ENGINES = ("sqlite", "postgres")
SCENARIOS = ("today", "walk")
CONCURRENCY = (1, 8, 32)
WALK_BODY = b'{"minutes": 20, "pain_before": 2}'
START_TIMEOUT_S = 30.0
REQUEST_TIMEOUT_S = 30.0
SEED_DAYS = 7  # each walker's program started this many days ago, one walk logged on each day
ERROR_SAMPLES = 5  # error answers kept per cell, to show what went wrong
PROGRAM_LABEL = "bench_load"


# --- pure helpers (tests/benchmarks/test_bench_load_smoke.py) -------------------------------


def percentile(values: Sequence[float], p: float) -> float:
    """The p-th percentile (0-100) by linear interpolation between the closest ranks (the
    "inclusive" method: numpy's default, statistics.quantiles(method="inclusive")); NaN when
    there are no values."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile {p} is not between 0 and 100")
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


@dataclass
class Cell:
    """What one (engine, scenario, concurrency) run measured in its timed window."""

    engine: str
    scenario: str
    concurrency: int
    seconds: float  # length of the timed window
    latencies_s: list[float] = field(default_factory=list)  # 2xx answers only
    ok: int = 0
    server_errors: int = 0  # 5xx
    other_status: int = 0  # any other non-2xx
    connection_errors: int = 0  # transport errors and timeouts: no answer at all
    statuses: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)  # a few error answers or exceptions
    server_cpu_pct: float | None = None  # of one core, the walkrx serve process
    client_cpu_pct: float | None = None  # of one core, this process (the load generator)
    machine_cpu_pct: float | None = None  # of the whole machine (every core), from /proc/stat

    @property
    def requests(self) -> int:
        return self.ok + self.server_errors + self.other_status + self.connection_errors

    @property
    def errors(self) -> int:
        return self.server_errors + self.other_status + self.connection_errors


def summarise(cell: Cell) -> dict[str, Any]:
    """One row of the table: counts, throughput and latency percentiles in milliseconds."""
    ms = [s * 1000 for s in cell.latencies_s]
    return {
        "engine": cell.engine,
        "scenario": cell.scenario,
        "concurrency": cell.concurrency,
        "requests": cell.requests,
        "rps": cell.requests / cell.seconds if cell.seconds > 0 else math.nan,
        "p50_ms": percentile(ms, 50),
        "p95_ms": percentile(ms, 95),
        "p99_ms": percentile(ms, 99),
        "max_ms": max(ms) if ms else math.nan,
        "errors_5xx": cell.server_errors,
        "errors_other": cell.other_status,
        "errors_conn": cell.connection_errors,
        "server_cpu_pct": cell.server_cpu_pct,
        "client_cpu_pct": cell.client_cpu_pct,
        "machine_cpu_pct": cell.machine_cpu_pct,
    }


def _fmt(value: Any, spec: str) -> str:
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    return format(value, spec)


# (header, row key, format spec); the table right-aligns every column but the first two
COLUMNS: tuple[tuple[str, str, str], ...] = (
    ("engine", "engine", ""),
    ("scenario", "scenario", ""),
    ("conc", "concurrency", "d"),
    ("requests", "requests", ",d"),
    ("req/s", "rps", ",.1f"),
    ("p50 ms", "p50_ms", ".1f"),
    ("p95 ms", "p95_ms", ".1f"),
    ("p99 ms", "p99_ms", ".1f"),
    ("5xx", "errors_5xx", "d"),
    ("other", "errors_other", "d"),
    ("conn", "errors_conn", "d"),
    ("srv CPU%", "server_cpu_pct", ".0f"),
    ("gen CPU%", "client_cpu_pct", ".0f"),
    ("box CPU%", "machine_cpu_pct", ".0f"),
)


def format_table(rows: Sequence[dict[str, Any]]) -> str:
    """The rows as a plain-text table: a header, a rule, one line per row."""
    cells = [[_fmt(row.get(key), spec) for _, key, spec in COLUMNS] for row in rows]
    headers = [header for header, _, _ in COLUMNS]
    widths = [max([len(h)] + [len(line[i]) for line in cells]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.ljust(w) if i < 2 else v.rjust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    rule = "  ".join("-" * w for w in widths)
    return "\n".join([line(headers), rule, *(line(c) for c in cells)])


def format_side_by_side(rows: Sequence[dict[str, Any]], engines: Sequence[str]) -> str:
    """req/s and p95 of each engine next to each other, one line per scenario and concurrency;
    errors (all kinds together) after them."""
    by_key = {(r["engine"], r["scenario"], r["concurrency"]): r for r in rows}
    keys = sorted({(r["scenario"], r["concurrency"]) for r in rows}, key=_scenario_order)
    headers = ["scenario", "conc"]
    for engine in engines:
        headers += [f"{engine} req/s", f"{engine} p95 ms", f"{engine} errors"]
    lines = []
    for scenario, conc in keys:
        values = [scenario, str(conc)]
        for engine in engines:
            row = by_key.get((engine, scenario, conc))
            if row is None:
                values += ["-", "-", "-"]
                continue
            errors = row["errors_5xx"] + row["errors_other"] + row["errors_conn"]
            values += [_fmt(row["rps"], ",.1f"), _fmt(row["p95_ms"], ".1f"), str(errors)]
        lines.append(values)
    widths = [max([len(h)] + [len(v[i]) for v in lines]) for i, h in enumerate(headers)]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.ljust(w) if i == 0 else v.rjust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    return "\n".join([line(headers), "  ".join("-" * w for w in widths), *map(line, lines)])


def _scenario_order(key: tuple[str, int]) -> tuple[int, int]:
    scenario, conc = key
    rank = SCENARIOS.index(scenario) if scenario in SCENARIOS else len(SCENARIOS)
    return rank, conc


# --- the machine ----------------------------------------------------------------------------


def say(message: str) -> None:
    print(f"bench_load: {message}", file=sys.stderr, flush=True)


def load_average() -> list[float] | None:
    return list(os.getloadavg()) if hasattr(os, "getloadavg") else None


def process_cpu_s(pid: int) -> float | None:
    """User + system CPU seconds of a process so far (Linux /proc; None elsewhere)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def machine_cpu() -> tuple[int, int] | None:
    """(busy, total) jiffies of every core so far (Linux /proc/stat; None elsewhere)."""
    try:
        first = Path("/proc/stat").read_text().splitlines()[0].split()
    except OSError:
        return None
    ticks = [int(v) for v in first[1:]]
    idle = ticks[3] + (ticks[4] if len(ticks) > 4 else 0)  # idle + iowait
    total = sum(ticks[:8])  # guest time is already inside user time
    return total - idle, total


def cpu_model() -> str:
    with contextlib.suppress(OSError):
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    return platform.processor() or platform.machine()


def memory_gb() -> float | None:
    with contextlib.suppress(OSError, ValueError, IndexError):
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 1024 / 1024, 1)
    return None


def versions() -> dict[str, str | None]:
    found: dict[str, str | None] = {"python": platform.python_version()}
    for name in ("walkrx", "uvicorn", "fastapi", "starlette", "SQLAlchemy", "psycopg", "httpx"):
        try:
            found[name] = importlib.metadata.version(name)
        except importlib.metadata.PackageNotFoundError:
            found[name] = None
    found["sqlite"] = sqlite3.sqlite_version
    return found


def git_state() -> dict[str, Any]:
    def git(*args: str) -> str | None:
        try:
            done = subprocess.run(
                ["git", "-C", str(ROOT), *args], capture_output=True, text=True, check=True
            )
        except (OSError, subprocess.CalledProcessError):
            return None
        return done.stdout.strip()

    status = git("status", "--porcelain", "--untracked-files=no")
    return {"commit": git("rev-parse", "--short", "HEAD"), "modified_files": status != ""}


def executable(name: str) -> str:
    """`name` next to this interpreter (the virtualenv's console scripts), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} not found next to {sys.executable} or on PATH: pip install -e .")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


# --- databases and walkers ------------------------------------------------------------------


@dataclass(frozen=True)
class Walker:
    person_id: int
    token: str


@contextlib.contextmanager
def sqlite_database(folder: Path) -> Iterator[str]:
    yield str(folder / "walkrx.db")


@contextlib.contextmanager
def postgres_database() -> Iterator[str]:
    """A throwaway cluster from scripts/postgres.sh, stopped and deleted afterwards."""
    # As root the cluster runs as another user, who must be able to enter the folder.
    folder = Path(tempfile.mkdtemp(prefix="walkrx-bench-pg-"))
    folder.chmod(0o755)
    # Always a new cluster: never the server WALKRX_TEST_POSTGRES_URL may name.
    env = {k: v for k, v in os.environ.items() if k != "WALKRX_TEST_POSTGRES_URL"}
    say(f"starting a PostgreSQL cluster in {folder}")
    try:
        started = subprocess.run(
            ["bash", str(POSTGRES_SH), "start", str(folder)],
            stdout=subprocess.PIPE,
            text=True,
            env=env,
            check=False,
        )
        if started.returncode != 0:
            sys.exit(f"scripts/postgres.sh start failed ({started.returncode})")
        yield started.stdout.strip().splitlines()[-1]
    finally:
        if (folder / "data").exists():
            subprocess.run(["bash", str(POSTGRES_SH), "stop", str(folder)], env=env, check=False)
        shutil.rmtree(folder, ignore_errors=True)


def make_walkers(url: str, count: int) -> tuple[list[Walker], str | None]:
    """Walkers with programs and API tokens, made with walkrx's services (as
    tests/reliability/conftest.py does); also the database server's version."""
    from sqlalchemy import text  # noqa: PLC0415 (walkrx and SQLAlchemy only once needed)

    from walkrx.services import accounts, onboarding, program  # noqa: PLC0415
    from walkrx.storage import Database, UnitOfWork  # noqa: PLC0415

    db = Database.open(url, migrate=True)
    try:
        walkers = []
        start = datetime.now(UTC).date() - timedelta(days=SEED_DAYS)
        for number in range(count):
            email = f"walker{number + 1}@bench.invalid"
            user = accounts.sign_up(
                UnitOfWork(db),
                email=email,
                password="a long benchmark password 1",
                name=f"Walker {number + 1}",
                role="walker",
            )
            person = program.new_person(name=email, start=start, age=50, timezone="UTC")
            user = onboarding.complete_onboarding(UnitOfWork(db), user.id, person, ())
            if user.person_id is None:
                sys.exit(f"onboarding {email} gave no person")
            created = accounts.create_api_token(UnitOfWork(db), user.id, PROGRAM_LABEL)
            walkers.append(Walker(user.person_id, created.token))
        server_version = None
        if db.engine.dialect.name == "postgresql":
            with db.engine.connect() as connection:
                server_version = connection.execute(text("SHOW server_version")).scalar_one()
        return walkers, server_version
    finally:
        db.close()


def stored_walks(url: str) -> int:
    from sqlalchemy import text  # noqa: PLC0415

    from walkrx.storage import Database  # noqa: PLC0415

    db = Database.open(url, migrate=False)
    try:
        with db.engine.connect() as connection:
            return int(connection.execute(text("SELECT count(*) FROM walks")).scalar_one())
    finally:
        db.close()


# --- the server -----------------------------------------------------------------------------


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def start_server(database_url: str, log: Path) -> Server:
    """`walkrx serve` on a free port of 127.0.0.1, once /healthz answers 200."""
    import httpx  # noqa: PLC0415

    port = free_port()
    with log.open("ab") as out:
        process = subprocess.Popen(
            [executable("walkrx"), "serve", "--port", str(port), "--db", database_url],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"walkrx serve exited ({process.returncode}): {log.read_text()[-2000:]}")
        with contextlib.suppress(httpx.TransportError):
            if httpx.get(f"{server.url}/healthz", timeout=1).status_code == 200:
                return server
        time.sleep(0.1)
    server.stop()
    sys.exit(f"walkrx serve did not answer /healthz within {START_TIMEOUT_S:g} s")


def seed_walks(server: Server, walkers: Sequence[Walker]) -> int:
    """One walk a day for each walker's past week, over the API; the number stored."""
    import httpx  # noqa: PLC0415

    today = datetime.now(UTC).date()
    stored = 0
    with httpx.Client(base_url=server.url, timeout=REQUEST_TIMEOUT_S) as client:
        for walker in walkers:
            for back in range(SEED_DAYS, 0, -1):
                day = (today - timedelta(days=back)).isoformat()
                answer = client.post(
                    f"/api/v1/people/{walker.person_id}/walks",
                    json={"date": day, "minutes": 20, "pain_before": 2, "pain_after": 2},
                    headers={"Authorization": f"Bearer {walker.token}"},
                )
                if answer.status_code != 201:
                    sys.exit(f"seeding a walk failed: {answer.status_code} {answer.text[:500]}")
                stored += 1
    return stored


# --- the load generator ---------------------------------------------------------------------


@dataclass
class _Window:
    start: float = 0.0  # perf_counter when the timed window opens (after the warm-up)
    end: float = 0.0  # and closes; no request starts after it


@dataclass
class _Tally:
    latencies_s: list[float] = field(default_factory=list)
    statuses: dict[str, int] = field(default_factory=dict)
    samples: list[str] = field(default_factory=list)
    posted_ok: int = 0  # every 2xx of this worker, warm-up and late ones included


def _worker(
    server_url: str,
    scenario: str,
    walkers: Sequence[Walker],
    offset: int,
    window: _Window,
    barrier: threading.Barrier,
    tally: _Tally,
) -> None:
    import httpx  # noqa: PLC0415

    targets = [
        (
            f"/api/v1/people/{w.person_id}/{'today' if scenario == 'today' else 'walks'}",
            {"Authorization": f"Bearer {w.token}", "Content-Type": "application/json"},
        )
        for w in walkers
    ]
    turn = itertools.cycle(targets[offset % len(targets) :] + targets[: offset % len(targets)])
    with httpx.Client(base_url=server_url, timeout=REQUEST_TIMEOUT_S) as client:
        barrier.wait()
        while True:
            began = time.perf_counter()
            if began >= window.end:
                break
            path, headers = next(turn)
            try:
                if scenario == "today":
                    answer = client.get(path, headers=headers)
                else:
                    answer = client.post(path, content=WALK_BODY, headers=headers)
            except httpx.TransportError as error:
                done = time.perf_counter()
                if window.start <= done <= window.end:
                    tally.statuses["conn"] = tally.statuses.get("conn", 0) + 1
                    if len(tally.samples) < ERROR_SAMPLES:
                        tally.samples.append(f"{type(error).__name__}: {error}")
                time.sleep(0.01)  # a dead server must not turn this into a busy loop
                continue
            done = time.perf_counter()
            status = answer.status_code
            if 200 <= status < 300:
                tally.posted_ok += 1
            if not window.start <= done <= window.end:
                continue
            key = str(status)
            tally.statuses[key] = tally.statuses.get(key, 0) + 1
            if 200 <= status < 300:
                tally.latencies_s.append(done - began)
            elif len(tally.samples) < ERROR_SAMPLES:
                tally.samples.append(f"{status}: {answer.text[:300]}")


def run_cell(
    server: Server,
    engine: str,
    scenario: str,
    concurrency: int,
    walkers: Sequence[Walker],
    warmup_s: float,
    seconds: float,
) -> tuple[Cell, int]:
    """One cell: `concurrency` clients in a closed loop for the warm-up and the timed window;
    also every 2xx answer (to check the walks stored)."""
    window = _Window()
    barrier = threading.Barrier(concurrency + 1)
    tallies = [_Tally() for _ in range(concurrency)]
    threads = [
        threading.Thread(
            target=_worker,
            args=(server.url, scenario, walkers, i, window, barrier, tallies[i]),
            name=f"client-{i}",
            daemon=True,
        )
        for i in range(concurrency)
    ]
    for thread in threads:
        thread.start()
    now = time.perf_counter()
    window.start = now + warmup_s
    window.end = window.start + seconds
    barrier.wait()  # every client has its connection pool; the warm-up begins
    time.sleep(max(0.0, window.start - time.perf_counter()))
    marks = (process_cpu_s(server.process.pid), time.process_time(), machine_cpu())
    time.sleep(max(0.0, window.end - time.perf_counter()))
    ends = (process_cpu_s(server.process.pid), time.process_time(), machine_cpu())
    for thread in threads:
        thread.join(REQUEST_TIMEOUT_S + 5)
    cell = Cell(engine, scenario, concurrency, seconds)
    for tally in tallies:
        cell.latencies_s += tally.latencies_s
        cell.samples += tally.samples[: max(0, ERROR_SAMPLES - len(cell.samples))]
        for key, n in tally.statuses.items():
            cell.statuses[key] = cell.statuses.get(key, 0) + n
    for key, n in cell.statuses.items():
        if key == "conn":
            cell.connection_errors += n
        elif key.startswith("2"):
            cell.ok += n
        elif key.startswith("5"):
            cell.server_errors += n
        else:
            cell.other_status += n
    if marks[0] is not None and ends[0] is not None:
        cell.server_cpu_pct = 100 * (ends[0] - marks[0]) / seconds
    cell.client_cpu_pct = 100 * (ends[1] - marks[1]) / seconds
    if marks[2] is not None and ends[2] is not None and ends[2][1] > marks[2][1]:
        cell.machine_cpu_pct = 100 * (ends[2][0] - marks[2][0]) / (ends[2][1] - marks[2][1])
    return cell, sum(t.posted_ok for t in tallies)


# --- one engine, the whole run --------------------------------------------------------------


def bench_engine(engine: str, args: argparse.Namespace, work: Path) -> dict[str, Any]:
    folder = work / engine
    folder.mkdir()
    database = sqlite_database(folder) if engine == "sqlite" else postgres_database()
    with database as url:
        say(f"{engine}: creating {args.walkers} walkers with the services")
        walkers, server_version = make_walkers(url, args.walkers)
        log = args.out / f"server-{engine}.log"
        log.unlink(missing_ok=True)
        server = start_server(url, log)
        say(f"{engine}: walkrx serve at {server.url} (pid {server.process.pid}, log {log})")
        cells: list[Cell] = []
        walks_ok = 0
        try:
            walks_ok += seed_walks(server, walkers)
            for scenario in SCENARIOS:
                for concurrency in args.concurrency:
                    say(
                        f"{engine}: {scenario} at concurrency {concurrency} "
                        f"({args.warmup:g} s warm-up + {args.seconds:g} s)"
                    )
                    cell, ok = run_cell(
                        server, engine, scenario, concurrency, walkers, args.warmup, args.seconds
                    )
                    if scenario == "walk":
                        walks_ok += ok
                    row = summarise(cell)
                    say(
                        f"{engine}: {scenario} c={concurrency}: {row['rps']:.1f} req/s, "
                        f"p95 {row['p95_ms']:.1f} ms, errors {cell.errors}"
                    )
                    cells.append(cell)
                    if server.process.poll() is not None:
                        sys.exit(f"walkrx serve died ({server.process.returncode}); see {log}")
        finally:
            server.stop()
        walks_in_db = stored_walks(url)
    return {
        "engine": engine,
        "server_version": server_version,
        "walkers": len(walkers),
        "walks_answered_2xx": walks_ok,
        "walks_stored": walks_in_db,
        "server_log": str(log),
        "cells": cells,
    }


def write_results(
    args: argparse.Namespace, meta: dict[str, Any], engines: list[dict[str, Any]]
) -> str:
    rows = [summarise(cell) for run in engines for cell in run["cells"]]
    names = [run["engine"] for run in engines]
    machine = meta["machine"]
    v = meta["versions"]
    pg = next((r["server_version"] for r in engines if r["server_version"]), None)
    load_before = machine["load_average_before"]
    load_after = machine["load_average_after"]
    lines = [
        f"Load benchmark, {meta['started_at']}: {args.warmup:g} s warm-up + {args.seconds:g} s "
        f"per cell, {args.walkers} walkers, closed loop (one connection per client)",
        f"machine: {machine['cpu_count']} CPUs ({machine['cpu_model']}), "
        f"{machine['memory_gb']} GB, {machine['platform']}; load average before "
        f"{_loads(load_before)}, after {_loads(load_after)}",
        f"versions: walkrx {v['walkrx']} ({meta['git']['commit']}"
        f"{', modified files' if meta['git']['modified_files'] else ''}), Python {v['python']}, "
        f"uvicorn {v['uvicorn']}, FastAPI {v['fastapi']}, SQLAlchemy {v['SQLAlchemy']}, "
        f"psycopg {v['psycopg']}, httpx {v['httpx']}, SQLite {v['sqlite']}, "
        f"PostgreSQL {pg or '-'}",
        "",
        format_table(rows),
        "",
        format_side_by_side(rows, names),
        "",
        "Errors: 5xx / other non-2xx / connection errors (no answer). CPU: srv = walkrx serve, "
        "gen = this load generator (100 = one core), box = the whole machine (100 = every core).",
    ]
    for run in engines:
        match = "OK" if run["walks_answered_2xx"] == run["walks_stored"] else "MISMATCH"
        lines.append(
            f"{run['engine']}: walks stored {run['walks_stored']}, walk POSTs answered 2xx "
            f"{run['walks_answered_2xx']} (seeding and warm-ups included): {match}"
        )
        for cell in run["cells"]:
            for sample in cell.samples:
                lines.append(f"  {run['engine']} {cell.scenario} c={cell.concurrency}: {sample}")
    text = "\n".join(lines) + "\n"
    (args.out / "results.txt").write_text(text)
    payload = {
        **meta,
        "settings": {
            "seconds": args.seconds,
            "warmup": args.warmup,
            "walkers": args.walkers,
            "concurrency": args.concurrency,
            "engines": args.engines,
            "walk_body": WALK_BODY.decode(),
        },
        "rows": rows,
        "engines": [
            {
                **{k: val for k, val in run.items() if k != "cells"},
                "cells": [
                    {
                        **{k: val for k, val in asdict(cell).items() if k != "latencies_s"},
                        "latencies_ms": [round(s * 1000, 3) for s in cell.latencies_s],
                    }
                    for cell in run["cells"]
                ],
            }
            for run in engines
        ],
    }
    (args.out / "results.json").write_text(json.dumps(payload, indent=1) + "\n")
    return text


def _loads(values: list[float] | None) -> str:
    return "/".join(f"{v:.2f}" for v in values) if values else "-"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="timed seconds per cell")
    parser.add_argument("--warmup", type=float, default=2.0, help="warm-up seconds per cell")
    parser.add_argument("--quick", action="store_true", help="2 s per cell, 0.5 s warm-up")
    parser.add_argument("--concurrency", type=int, nargs="+", default=list(CONCURRENCY))
    parser.add_argument("--engines", nargs="+", choices=ENGINES, default=list(ENGINES))
    parser.add_argument("--walkers", type=int, default=8, help="walkers the requests go to")
    parser.add_argument(
        "--out", type=Path, default=Path("bench-results/load"), help="results folder"
    )
    args = parser.parse_args()
    if args.quick:
        args.seconds, args.warmup = 2.0, 0.5
    if args.seconds <= 0 or args.warmup < 0 or args.walkers < 1 or min(args.concurrency) < 1:
        parser.error(
            "--seconds, --walkers and --concurrency must be positive, --warmup not negative"
        )
    args.out.mkdir(parents=True, exist_ok=True)
    meta: dict[str, Any] = {
        "command": " ".join(["python", *sys.argv]),
        "started_at": datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": {
            "cpu_count": os.cpu_count(),
            "cpu_model": cpu_model(),
            "memory_gb": memory_gb(),
            "platform": platform.platform(terse=True),
            "load_average_before": load_average(),
        },
        "versions": versions(),
        "git": git_state(),
    }
    runs = []
    with tempfile.TemporaryDirectory(prefix="walkrx-bench-load-") as tmp:
        for engine in args.engines:
            runs.append(bench_engine(engine, args, Path(tmp)))
    meta["machine"]["load_average_after"] = load_average()
    meta["finished_at"] = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    print(write_results(args, meta, runs), end="")
    say(f"results in {args.out / 'results.txt'} and {args.out / 'results.json'}")
    if any(cell.errors for run in runs for cell in run["cells"]) or any(
        run["walks_answered_2xx"] != run["walks_stored"] for run in runs
    ):
        say("errors or a walk count mismatch: see the samples above and the server logs")
        sys.exit(1)


if __name__ == "__main__":
    main()
