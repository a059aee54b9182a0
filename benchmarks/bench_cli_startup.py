"""CLI start-up benchmark: `walkrx --help` and `walkrx today` against `sqlite-utils --help`.

    python benchmarks/bench_cli_startup.py [--repeats N] [--no-hyperfine]

Times whole processes, side by side in one run: `sqlite-utils --help` (the reference: a small
Click CLI over SQLite), `walkrx --help`, and `walkrx today` on a SQLite database this script
prepares first in a temporary folder (`walkrx init --name X --age 50 --start <this week's Monday>
--timezone UTC`). Each command runs once untimed to warm the disk cache and the bytecode, then
N times (default 10). Without hyperfine the runs are interleaved, one of each command per round
with the order rotated every round, and timed with time.perf_counter around subprocess.run; when
hyperfine is on PATH (and not --no-hyperfine) it times them instead (it runs each command's
repeats in a row). Prints the median and best wall time of each command, the ratios of the
medians (and of the bests) to sqlite-utils, and the issue-9 targets with pass or fail:
`walkrx --help` within 1.5x and `walkrx today` within 2.5x of `sqlite-utils --help` (medians).

The executables are those next to this interpreter (the virtualenv's), else the ones on PATH;
sqlite-utils comes with the `bench` extra (`pip install -e .[bench]`).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

TARGETS = {"walkrx --help": 1.5, "walkrx today": 2.5}  # at most this times sqlite-utils --help
REFERENCE = "sqlite-utils --help"
# sqlite-utils imports pandas and numpy when they are installed (about 0.3 s), and lifelines
# brings them into walkrx's environment. The reference is sqlite-utils as the issue measured it,
# on its own: the same console entry point with those two optional imports made to fail, as they
# do where they are not installed.
SQLITE_UTILS_ALONE = (
    "import sys; sys.modules.update(pandas=None, numpy=None); "
    "sys.argv[0] = 'sqlite-utils'; from sqlite_utils.cli import cli; sys.exit(cli())"
)


@dataclass(frozen=True)
class Timing:
    name: str
    argv: list[str]
    times: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    @property
    def best(self) -> float:
        return min(self.times)


def executable(name: str) -> str:
    """`name` next to this interpreter (the virtualenv's console scripts), else on PATH."""
    beside = Path(sys.executable).parent / name
    if beside.exists():
        return str(beside)
    found = shutil.which(name)
    if found is None:
        sys.exit(f"{name} not found next to {sys.executable} or on PATH: pip install -e .[bench]")
    return found


def run(argv: list[str]) -> float:
    """Wall time of one run of `argv`, its output discarded; a failing command stops the script."""
    start = time.perf_counter()
    result = subprocess.run(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if result.returncode != 0:
        sys.exit(f"{shlex.join(argv)} failed ({result.returncode}): {result.stderr.decode()}")
    return elapsed


def prepare_database(walkrx: str, folder: Path) -> Path:
    """A SQLite database with one person whose program started this week's Monday."""
    db = folder / "walkrx.db"
    today = date.today()  # noqa: DTZ011 (the machine's own date is what `walkrx today` uses)
    monday = today - timedelta(days=today.weekday())
    init = [walkrx, "init", "--db", str(db), "--name", "X", "--age", "50"]
    run([*init, "--start", monday.isoformat(), "--timezone", "UTC"])
    return db


def time_interleaved(commands: dict[str, list[str]], repeats: int) -> list[Timing]:
    names = list(commands)
    times: dict[str, list[float]] = {name: [] for name in names}
    for name in names:
        run(commands[name])  # warm-up, not timed
    for round_no in range(repeats):
        shift = round_no % len(names)
        for name in names[shift:] + names[:shift]:
            times[name].append(run(commands[name]))
        print(f"round {round_no + 1}/{repeats} done", file=sys.stderr)
    return [Timing(name, commands[name], times[name]) for name in names]


def time_with_hyperfine(
    hyperfine: str, commands: dict[str, list[str]], repeats: int
) -> list[Timing]:
    with tempfile.TemporaryDirectory() as tmp:
        export = Path(tmp) / "hyperfine.json"
        argv = [hyperfine, "--shell=none", "--warmup", "1", "--runs", str(repeats)]
        argv += ["--style", "basic", "--export-json", str(export)]
        for name, command in commands.items():
            argv += ["--command-name", name, shlex.join(command)]
        subprocess.run(argv, check=True, stdout=sys.stderr)
        results = json.loads(export.read_text())["results"]
    return [
        Timing(name, commands[name], [float(t) for t in result["times"]])
        for name, result in zip(commands, results, strict=True)
    ]


def report(timings: list[Timing], method: str, repeats: int) -> bool:
    """Print the table and the targets; True when every target passes."""
    by_name = {t.name: t for t in timings}
    ref = by_name[REFERENCE]
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    print(
        f"CLI start-up, {repeats} runs each ({method}); Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs, load average {load:.2f}"
    )
    print(
        f"{'command':24} {'median s':>9} {'best s':>8} {'x ref (median)':>15} {'x ref (best)':>13}"
    )
    for t in timings:
        print(
            f"{t.name:24} {t.median:9.3f} {t.best:8.3f} {t.median / ref.median:15.2f} "
            f"{t.best / ref.best:13.2f}"
        )
    print()
    passed = True
    for name, limit in TARGETS.items():
        ratio = by_name[name].median / ref.median
        ok = ratio <= limit
        passed &= ok
        print(
            f"target: {name} within {limit}x of {REFERENCE} (medians): {ratio:.2f}x "
            f"{'PASS' if ok else 'FAIL'}"
        )
    return passed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=10, help="timed runs per command")
    parser.add_argument("--no-hyperfine", action="store_true", help="time with perf_counter")
    args = parser.parse_args()
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    walkrx = executable("walkrx")
    executable("sqlite-utils")  # installed, with the bench extra
    hyperfine = None if args.no_hyperfine else shutil.which("hyperfine")
    with tempfile.TemporaryDirectory(prefix="walkrx-bench-") as tmp:
        db = prepare_database(walkrx, Path(tmp))
        commands = {
            REFERENCE: [sys.executable, "-c", SQLITE_UTILS_ALONE, "--help"],
            "walkrx --help": [walkrx, "--help"],
            "walkrx today": [walkrx, "today", "--db", str(db)],
        }
        if hyperfine:
            timings = time_with_hyperfine(hyperfine, commands, args.repeats)
            method = "hyperfine"
        else:
            timings = time_interleaved(commands, args.repeats)
            method = "interleaved, time.perf_counter"
    report(timings, method, args.repeats)


if __name__ == "__main__":
    main()
