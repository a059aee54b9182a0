"""Research-tables benchmark (issue 12): `walkrx export tables` for a clinic of 1,000 patients.

    python benchmarks/bench_export.py [--patients 1000] [--walks 100] [--small 100] [--out DIR]

Builds a SQLite database with the repositories, in batches (`--patients` walkers with `--walks`
walks each, a morning check-in every other day, an alert every 25 walks, every patient sharing
with one clinic, the first `--small` with a second one), then runs the real command in a child
process, once for the small clinic and once for the large one, each with `--shift-dates`. Each
child reports its own peak resident memory (`ru_maxrss`) when the command returns; this process
times it. Memory is bounded when the peak barely moves from the small clinic to the large one
(ten times the people and walks): the export writes each person's rows and lets them go.
Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time as clock
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from walkrx.domain.model import CheckIn, Walk
from walkrx.services import program
from walkrx.storage import Database, UnitOfWork

START = date(2024, 1, 1)  # a Monday; 100 walks at three a week run about eight months
TODAY = date(2025, 1, 6)
BATCH = 50  # people per transaction while building
CHILD = """
import json, resource, sys
from walkrx.cli.app import main
try:
    main(sys.argv[1:])
except SystemExit as exc:
    if exc.code:
        raise
print(json.dumps({"peak_rss_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}),
      file=sys.stderr)
"""


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def build(path: Path, patients: int, walks: int, small: int) -> tuple[int, int]:
    """The database; returns the ids of the small clinic and the large one."""
    db = Database.open(f"sqlite:///{path}", migrate=True)
    now = datetime.now(UTC)
    with UnitOfWork(db) as uow:
        large, little = uow.clinics.add("Large clinic"), uow.clinics.add("Small clinic")
        uow.commit()
    for first in range(0, patients, BATCH):
        with UnitOfWork(db) as uow:
            for n in range(first, min(patients, first + BATCH)):
                person = program.store_new_person(
                    uow,
                    program.new_person(
                        name=f"Bench walker {n:05d}",
                        start=START,
                        age=30 + n % 50,
                        timezone="Europe/London",
                    ),
                )
                pid = person.id
                assert pid is not None
                for k in range(walks):
                    day = START + timedelta(days=7 * (k // 3) + (0, 2, 4)[k % 3])
                    stored = uow.walks.add(
                        pid,
                        Walk(
                            id=None,
                            start=datetime.combine(day, time(7 + k % 10, 5), tzinfo=UTC),
                            timezone="Europe/London",
                            duration_s=1200 + 30 * (k % 40),
                            moving_s=1150 + 30 * (k % 40),
                            distance_m=1600.0 + 25 * (k % 40),
                            avg_hr=112.0 + k % 9,
                            effort=3 + k % 4,
                            pain_before=2 + k % 3,
                            pain_during=3 + k % 5,
                            pain_after=3,
                            pain_next_morning=2 + k % 3,
                            terrain="flat",
                            talk_test=True,
                            notes="a note that never leaves the database",
                        ),
                    )
                    if k % 25 == 24:
                        uow.alerts.raise_once(
                            pid,
                            kind="red_walk",
                            key=f"red_walk:{stored.id}",
                            day=day,
                            now=now,
                            walk_id=stored.id,
                        )
                for d in range(0, 7 * (walks // 3 + 1), 2):
                    uow.checkins.add(
                        pid, CheckIn(None, START + timedelta(days=d), 0, morning_pain=2 + d % 3)
                    )
                uow.clinics.join(large.id, pid, now)
                if n < small:
                    uow.clinics.join(little.id, pid, now)
            uow.commit()
        log(f"  {min(patients, first + BATCH):,} of {patients:,} patients")
    db.close()
    return little.id, large.id


def run_export(db_path: Path, out: Path, clinic_id: int) -> dict[str, Any]:
    """The real command in a child process: wall time, the child's peak RSS, what it wrote."""
    args = ["export", "tables", "--out", str(out), "--clinic", str(clinic_id), "--shift-dates"]
    args += ["--today", TODAY.isoformat(), "--db", str(db_path)]
    started = clock.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", CHILD, *args], capture_output=True, text=True, check=False
    )
    seconds = clock.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"the export failed ({done.returncode}): {done.stderr[-2000:]}")
    peak = json.loads(done.stderr.strip().splitlines()[-1])["peak_rss_kib"]
    size = sum(p.stat().st_size for p in out.iterdir())
    return {
        "seconds": round(seconds, 1),
        "peak_rss_mib": round(peak / 1024, 1),
        "output_mib": round(size / 2**20, 1),
        "printed": done.stdout.strip().splitlines(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--patients", type=int, default=1000)
    parser.add_argument("--walks", type=int, default=100, help="walks per patient")
    parser.add_argument("--small", type=int, default=100, help="patients of the small clinic")
    parser.add_argument("--out", type=Path, default=None, help="write export.json/.txt here")
    args = parser.parse_args(argv)
    results: dict[str, Any] = {
        "when": datetime.now(UTC).isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "python": sys.version.split()[0],
        "runs": {},
    }
    with tempfile.TemporaryDirectory() as folder:
        db_path = Path(folder) / "export.db"
        log(f"building {args.patients:,} patients with {args.walks} walks each")
        started = clock.perf_counter()
        little, large = build(db_path, args.patients, args.walks, args.small)
        results["build_seconds"] = round(clock.perf_counter() - started, 1)
        results["database_mib"] = round(db_path.stat().st_size / 2**20, 1)
        for label, clinic, people in (
            ("small", little, min(args.small, args.patients)),
            ("large", large, args.patients),
        ):
            log(f"exporting the {label} clinic ({people:,} patients)")
            run = run_export(db_path, Path(folder) / label, clinic)
            results["runs"][label] = {"patients": people, "walks": people * args.walks, **run}
    lines = [
        f"walkrx export tables --clinic ID --shift-dates (CSV + Parquet); {results['cpus']} CPUs, "
        f"Python {results['python']}; database built in {results['build_seconds']} s "
        f"({results['database_mib']} MiB)",
        f"{'clinic':>6}  {'patients':>8}  {'walks':>8}  {'time s':>7}  {'peak RSS MiB':>12}  "
        f"{'output MiB':>10}",
    ]
    for label, r in results["runs"].items():
        lines.append(
            f"{label:>6}  {r['patients']:>8,}  {r['walks']:>8,}  {r['seconds']:>7.1f}  "
            f"{r['peak_rss_mib']:>12.1f}  {r['output_mib']:>10.1f}"
        )
    print("\n".join(lines))
    if args.out:
        args.out.mkdir(parents=True, exist_ok=True)
        (args.out / "export.json").write_text(json.dumps(results, indent=2) + "\n")
        (args.out / "export.txt").write_text("\n".join(lines) + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
