# ruff: noqa: PLC0415 (each child imports only what its task needs, so its RSS is its own)
"""Import benchmark: walkrx's importers against the reference tools, each in its own process.

    python benchmarks/bench_import.py [--quick] [--out DIR] [--profile] [--keep-inputs]

Generates deterministic inputs (see generate.py): a 10-hour 1 Hz walk as GPX and as TCX, and an
Apple Health export.zip with about 500 MB of export.xml; FIT uses the real 100k-record file
tests/data/fit/muktihari__big_activity.fit (a ride: imported with include_other_sports).
`--quick` makes the generated inputs about 20x smaller and times each task once.

Every measurement runs in a fresh child process (this script with `--child TASK`), so the peak
resident memory reported (ru_maxrss from wait4) belongs to that task alone; the child times its own
work after its imports, so interpreter start-up is excluded on both sides. Each timing is repeated
3 times (`--repeats`; once for the Apple Health pair, `--apple-repeats`), reference and walkrx
runs alternating, and the best is kept; the memory column is the highest peak over the repeats.

Writes DIR/results.json, DIR/results.txt (the table) and DIR/ratios.png (when matplotlib is
installed); `--profile` also writes DIR/profile_<task>.txt (cProfile, top functions by cumulative
and own time) for every walkrx task. Progress goes to stderr.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime
from importlib import metadata
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import generate  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
FIT_SOURCE = REPO / "tests" / "data" / "fit" / "muktihari__big_activity.fit"
WALK_POINTS = 36_000  # 10 hours at 1 Hz
APPLE_XML_MB = 500
QUICK_FACTOR = 20
BAND = (121, 138)  # 70-80 % of HRmax 173 (age 50, Tanaka): the band a walkrx user of 50 gets


# --- child tasks: each runs alone in its own process -------------------------------------------


def _walkrx_read_analyze(path: str, name: str) -> dict[str, Any]:
    from walkrx.domain.metrics import analyze
    from walkrx.importers import read_file

    t0 = time.perf_counter()
    with open(path, "rb") as f:
        activities = read_file(f, name, fast_batch=True)
    metrics = [analyze(a, BAND) for a in activities]
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "activities": len(activities),
        "samples": sum(len(a.t_s) for a in activities),
        "analysed": len(metrics),
    }


def _walkrx_apple(path: str) -> dict[str, Any]:
    from walkrx.domain.metrics import analyze
    from walkrx.importers import read_file

    t0 = time.perf_counter()
    with open(path, "rb") as f:
        activities = read_file(f, Path(path).name, fast_batch=True)
    walks = [a for a in activities if a.is_walk]
    for a in walks:
        analyze(a, BAND)
    seconds = time.perf_counter() - t0
    return {
        "seconds": seconds,
        "activities": len(activities),
        "analysed": len(walks),
        "samples": sum(len(a.t_s) for a in activities),
    }


def _walkrx_fit(path: str, workdir: str) -> dict[str, Any]:
    from walkrx.services.access import Actor
    from walkrx.services.context import open_database
    from walkrx.services.imports import import_files
    from walkrx.services.program import create_program, new_person
    from walkrx.storage import UnitOfWork

    db = open_database("sqlite:///" + str(Path(workdir) / "walkrx.db"))
    person = create_program(
        UnitOfWork(db),
        new_person(name="Bench", start=date(2000, 1, 1), age=50, timezone="UTC"),
    )
    assert person.id is not None
    copy = Path(workdir) / Path(path).name
    shutil.copyfile(path, copy)
    t0 = time.perf_counter()
    outcomes = import_files(
        UnitOfWork(db),
        Actor.console(),
        person.id,
        [copy],
        include_other_sports=True,
        fast_batch=True,
    )
    seconds = time.perf_counter() - t0
    stored = sum(len(o.stored) for o in outcomes)
    failed = [f.error for o in outcomes for f in o.failed]
    # The 100,000-record file spans 28 hours of samples: the plausibility rules (issue 8) refuse
    # it as longer than one walk can last, after decoding and analysing it, so nothing is stored.
    too_long = [s for o in outcomes for s in o.skipped if s.code == "too_long"]
    if failed or not (stored or too_long):
        raise SystemExit(f"FIT import neither stored nor judged the walk: {failed or outcomes}")
    return {
        "seconds": seconds,
        "stored_walks": stored,
        "refused_too_long": len(too_long),
        "samples": sum(len(w.activity.t_s) for o in outcomes for w in o.walks),
    }


def _fitdecode_raw(path: str) -> dict[str, Any]:
    import fitdecode

    t0 = time.perf_counter()
    frames = data = 0
    with fitdecode.FitReader(path) as reader:
        for frame in reader:
            frames += 1
            if isinstance(frame, fitdecode.FitDataMessage):
                data += 1
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "frames": frames, "data_messages": data}


def _gpxpy_parse(path: str) -> dict[str, Any]:
    import gpxpy

    t0 = time.perf_counter()
    with open(path, encoding="utf-8") as f:
        gpx = gpxpy.parse(f)
    seconds = time.perf_counter() - t0
    return {"seconds": seconds, "points": gpx.get_points_no()}


def _healthkit_to_sqlite(path: str, workdir: str) -> dict[str, Any]:
    from healthkit_to_sqlite.cli import cli

    out = Path(workdir) / "healthkit.db"
    t0 = time.perf_counter()
    try:
        cli.main([path, str(out), "--silent"], standalone_mode=False)
    finally:
        seconds = time.perf_counter() - t0
    return {"seconds": seconds, "db_bytes": out.stat().st_size}


CHILD_TASKS = {
    "fit_walkrx": lambda a: _walkrx_fit(a["path"], a["workdir"]),
    "fit_fitdecode": lambda a: _fitdecode_raw(a["path"]),
    "gpx_walkrx": lambda a: _walkrx_read_analyze(a["path"], "walk.gpx"),
    "gpx_gpxpy": lambda a: _gpxpy_parse(a["path"]),
    "tcx_walkrx": lambda a: _walkrx_read_analyze(a["path"], "walk.tcx"),
    "tcx_gpxpy": lambda a: _gpxpy_parse(a["path"]),
    "apple_walkrx": lambda a: _walkrx_apple(a["path"]),
    "apple_healthkit_to_sqlite": lambda a: _healthkit_to_sqlite(a["path"], a["workdir"]),
}


def child_main(task: str, args_json: str, result_path: str, profile_path: str | None) -> None:
    args = json.loads(args_json)
    if profile_path:
        import cProfile
        import io
        import pstats

        prof = cProfile.Profile()
        result = prof.runcall(CHILD_TASKS[task], args)
        text = io.StringIO()
        stats = pstats.Stats(prof, stream=text).strip_dirs()
        text.write(f"== {task}: sorted by cumulative time\n")
        stats.sort_stats("cumulative").print_stats(30)
        text.write(f"== {task}: sorted by own time\n")
        stats.sort_stats("tottime").print_stats(25)
        Path(profile_path).write_text(text.getvalue(), encoding="utf-8")
    else:
        result = CHILD_TASKS[task](args)
    Path(result_path).write_text(json.dumps(result), encoding="utf-8")


# --- the parent: run children, measure, compare ------------------------------------------------


@dataclass
class Run:
    seconds: float
    peak_rss_mb: float
    detail: dict[str, Any]


def log(message: str) -> None:
    print(f"[{datetime.now(UTC):%H:%M:%S}] {message}", file=sys.stderr, flush=True)


def run_child(task: str, args: dict[str, Any], profile_path: Path | None = None) -> Run:
    """Run one task in a fresh process; its own timing, and its peak RSS from wait4."""
    with tempfile.TemporaryDirectory(prefix=f"bench-{task}-") as work:
        args = {**args, "workdir": work}
        result_path = Path(work) / "result.json"
        cmd = [
            sys.executable,
            str(Path(__file__).resolve()),
            "--child",
            task,
            "--child-args",
            json.dumps(args),
            "--child-result",
            str(result_path),
        ]
        if profile_path is not None:
            cmd += ["--child-profile", str(profile_path)]
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode != 0:
            raise RuntimeError(f"child task {task} failed with exit code {proc.returncode}")
        detail = json.loads(result_path.read_text(encoding="utf-8"))
    return Run(detail["seconds"], usage.ru_maxrss / 1024.0, detail)  # ru_maxrss is in KiB


@dataclass(frozen=True)
class Pair:
    key: str
    title: str
    walkrx_task: str
    ref_task: str
    ref_name: str
    min_ratio: float  # PASS when reference_s / walkrx_s >= min_ratio
    target: str
    max_rss_mb: float | None = None  # and walkrx's peak RSS below this


PAIRS = (
    Pair(
        "fit",
        "FIT end to end (decode+metrics+store)",
        "fit_walkrx",
        "fit_fitdecode",
        "fitdecode raw decode",
        1 / 1.5,
        "walkrx <= 1.5x fitdecode time",
    ),
    Pair("gpx", "GPX read+analyze", "gpx_walkrx", "gpx_gpxpy", "gpxpy.parse", 3.0, ">= 3x faster"),
    Pair(
        "tcx",
        "TCX read+analyze",
        "tcx_walkrx",
        "tcx_gpxpy",
        "gpxpy.parse of the same walk as GPX",
        3.0,
        ">= 3x faster",
    ),
    Pair(
        "apple",
        "Apple Health export.zip",
        "apple_walkrx",
        "apple_healthkit_to_sqlite",
        "healthkit-to-sqlite CLI",
        5.0,
        ">= 5x faster, RSS < 300 MB",
        300.0,
    ),
)


def summarise(task: str, runs: list[Run]) -> dict[str, Any]:
    best = min(runs, key=lambda r: r.seconds)
    return {
        "task": task,
        "best_s": best.seconds,
        "all_s": [r.seconds for r in runs],
        "peak_rss_mb": max(r.peak_rss_mb for r in runs),
        "detail": best.detail,
    }


def measure_pair(
    pair: Pair, ref_args: dict[str, Any], args: dict[str, Any], repeats: int, label: str
) -> tuple[dict[str, Any], dict[str, Any]]:
    """Reference and walkrx runs alternate, so a busy spell on the machine hits both sides."""
    ref_runs: list[Run] = []
    runs: list[Run] = []
    for i in range(repeats):
        for task, task_args, name, into in (
            (pair.ref_task, ref_args, pair.ref_name, ref_runs),
            (pair.walkrx_task, args, "walkrx", runs),
        ):
            log(f"{label} {name}: run {i + 1}/{repeats} ...")
            run = run_child(task, task_args)
            log(
                f"{label} {name}: run {i + 1}/{repeats}: {run.seconds:.3f} s,"
                f" peak RSS {run.peak_rss_mb:.0f} MB"
            )
            into.append(run)
    return summarise(pair.ref_task, ref_runs), summarise(pair.walkrx_task, runs)


def machine_info() -> dict[str, Any]:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem_gb = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                mem_gb = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    versions = {}
    for pkg in ("walkrx", "lxml", "fitdecode", "gpxpy", "healthkit-to-sqlite", "sqlite-utils"):
        try:
            versions[pkg] = metadata.version(pkg)
        except metadata.PackageNotFoundError:
            versions[pkg] = None
    return {
        "cpus": os.cpu_count(),
        "cpu": cpu,
        "memory_gb": mem_gb,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
    }


def prepare_inputs(inputs: Path, quick: bool) -> dict[str, Any]:
    inputs.mkdir(parents=True, exist_ok=True)
    n = WALK_POINTS // QUICK_FACTOR if quick else WALK_POINTS
    log(f"generating a {n}-point walk as GPX and TCX ...")
    gpx, tcx = generate.write_walk_files(inputs, n)
    xml_mb = APPLE_XML_MB / QUICK_FACTOR if quick else APPLE_XML_MB
    days = generate.apple_days_for(xml_mb)
    log(f"generating an Apple Health export.zip ({days} days, about {xml_mb:.0f} MB of XML) ...")
    t0 = time.perf_counter()
    apple = generate.write_apple_export(inputs, days=days)
    log(
        f"export.zip: {apple.zip_bytes / 1e6:.0f} MB zipped, export.xml {apple.xml_bytes / 1e6:.0f}"
        f" MB, {apple.records:,} records, {len(apple.workouts)} workouts, {apple.route_files}"
        f" route files ({apple.route_points:,} points) in {time.perf_counter() - t0:.0f} s"
    )
    if not FIT_SOURCE.is_file():
        raise SystemExit(f"the FIT input {FIT_SOURCE} is missing")
    fit = inputs / FIT_SOURCE.name
    shutil.copyfile(FIT_SOURCE, fit)
    return {
        "fit": {"path": str(fit), "bytes": fit.stat().st_size},
        "gpx": {"path": str(gpx), "bytes": gpx.stat().st_size, "records": n},
        "tcx": {
            "path": str(tcx),
            "bytes": tcx.stat().st_size,
            "records": n,
            "ref_path": str(gpx),
        },
        "apple": {
            "path": str(apple.zip_path),
            "bytes": apple.xml_bytes + apple.route_bytes,
            "zip_bytes": apple.zip_bytes,
            "xml_bytes": apple.xml_bytes,
            "records": apple.elements + apple.route_points,
            "xml_elements": apple.elements,
            "record_elements": apple.records,
            "hr_records": apple.hr_records,
            "workouts": len(apple.workouts),
            "route_files": apple.route_files,
            "route_points": apple.route_points,
            "days": apple.days,
        },
    }


def input_label(key: str, info: dict[str, Any]) -> str:
    mb = info["bytes"] / 1e6
    if key == "fit":
        return f"{mb:.1f} MB, {info['records']:,} msgs"
    if key == "apple":
        return (
            f"{info['zip_bytes'] / 1e6:.0f} MB zip ({info['xml_bytes'] / 1e6:.0f} MB XML"
            f" + {(info['bytes'] - info['xml_bytes']) / 1e6:.0f} MB routes)"
        )
    return f"{mb:.1f} MB, {info['records']:,} pts"


def evaluate(pair: Pair, info: dict[str, Any], mine: dict[str, Any], ref: dict[str, Any]) -> dict:
    ratio = ref["best_s"] / mine["best_s"]
    ok = ratio >= pair.min_ratio
    if pair.max_rss_mb is not None:
        ok = ok and mine["peak_rss_mb"] < pair.max_rss_mb
    return {
        "key": pair.key,
        "task": pair.title,
        "input": input_label(pair.key, info),
        "input_bytes": info["bytes"],
        "records": info["records"],
        "walkrx_s": mine["best_s"],
        "walkrx_all_s": mine["all_s"],
        "mb_per_s": info["bytes"] / 1e6 / mine["best_s"],
        "records_per_s": info["records"] / mine["best_s"],
        "walkrx_peak_rss_mb": mine["peak_rss_mb"],
        "reference": pair.ref_name,
        "reference_s": ref["best_s"],
        "reference_all_s": ref["all_s"],
        "reference_peak_rss_mb": ref["peak_rss_mb"],
        "ratio": ratio,
        "min_ratio": pair.min_ratio,
        "max_rss_mb": pair.max_rss_mb,
        "target": pair.target,
        "pass": ok,
        "walkrx_detail": mine["detail"],
        "reference_detail": ref["detail"],
    }


def format_table(rows: list[dict[str, Any]]) -> str:
    head = (
        "task",
        "input",
        "walkrx s",
        "MB/s",
        "records/s",
        "peak RSS MB",
        "ref s",
        "ref RSS MB",
        "ratio",
        "target",
        "result",
    )
    body = [
        (
            r["task"],
            r["input"],
            f"{r['walkrx_s']:.3f}",
            f"{r['mb_per_s']:.1f}",
            f"{r['records_per_s']:,.0f}",
            f"{r['walkrx_peak_rss_mb']:.0f}",
            f"{r['reference_s']:.3f}",
            f"{r['reference_peak_rss_mb']:.0f}",
            f"{r['ratio']:.2f}x",
            r["target"],
            "PASS" if r["pass"] else "FAIL",
        )
        for r in rows
    ]
    widths = [max(len(str(x[i])) for x in (head, *body)) for i in range(len(head))]
    lines = ["| " + " | ".join(h.ljust(w) for h, w in zip(head, widths, strict=True)) + " |"]
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in body:
        lines.append("| " + " | ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)) + " |")
    return "\n".join(lines)


def write_chart(rows: list[dict[str, Any]], path: Path) -> str:
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return "matplotlib is not installed: no chart (pip install matplotlib)"
    fig, ax = plt.subplots(figsize=(8, 4.5))
    names = [r["key"].upper() for r in rows]
    ratios = [r["ratio"] for r in rows]
    colours = ["tab:green" if r["pass"] else "tab:red" for r in rows]
    bars = ax.bar(names, ratios, color=colours, label="reference time / walkrx time")
    for i, r in enumerate(rows):
        ax.hlines(r["min_ratio"], i - 0.4, i + 0.4, colors="black", linestyles="dashed")
        ax.annotate(
            f"target {r['min_ratio']:.2g}x",
            (i + 0.4, r["min_ratio"]),
            xytext=(0, 3),
            textcoords="offset points",
            ha="right",
            fontsize=8,
        )
    ax.bar_label(
        bars, labels=[f"{v:.2f}x" for v in ratios], label_type="center", color="white", fontsize=10
    )
    ax.set_ylabel("speed-up over the reference (higher is better)")
    ax.set_title("walkrx import speed vs reference tools (dashed: target)")
    ax.set_ylim(0, max([*ratios, *(r["min_ratio"] for r in rows)]) * 1.25)
    fig.tight_layout()
    fig.savefig(path, dpi=120)
    plt.close(fig)
    return f"chart written to {path}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="inputs ~20x smaller, one run each")
    parser.add_argument("--out", type=Path, default=Path("bench-results"), help="results folder")
    parser.add_argument("--profile", action="store_true", help="also cProfile each walkrx task")
    parser.add_argument("--repeats", type=int, default=3, help="timed runs per task (best kept)")
    parser.add_argument(
        "--apple-repeats", type=int, default=1, help="timed runs of the Apple Health pair"
    )
    parser.add_argument("--only", nargs="*", choices=[p.key for p in PAIRS], help="run these only")
    parser.add_argument(
        "--keep-inputs", action="store_true", help="keep generated inputs in OUT/inputs"
    )
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--child-args", help=argparse.SUPPRESS)
    parser.add_argument("--child-result", help=argparse.SUPPRESS)
    parser.add_argument("--child-profile", help=argparse.SUPPRESS)
    opts = parser.parse_args(argv)
    if opts.child:
        child_main(opts.child, opts.child_args, opts.child_result, opts.child_profile)
        return 0

    out: Path = opts.out.resolve()
    out.mkdir(parents=True, exist_ok=True)
    inputs = out / "inputs"
    started = datetime.now(UTC)
    load_before = os.getloadavg()
    log(f"walkrx import benchmark ({'quick' if opts.quick else 'full size'}) -> {out}")
    try:
        info = prepare_inputs(inputs, opts.quick)
        pairs = [p for p in PAIRS if not opts.only or p.key in opts.only]
        rows = []
        for index, pair in enumerate(pairs, 1):
            data = info[pair.key]
            repeats = 1 if opts.quick else opts.repeats
            if pair.key == "apple" and not opts.quick:
                repeats = opts.apple_repeats
            label = f"[{index}/{len(pairs)}] {pair.key}"
            ref_args = {"path": data.get("ref_path", data["path"])}
            ref, mine = measure_pair(pair, ref_args, {"path": data["path"]}, repeats, label)
            if pair.key == "fit":
                data["records"] = ref["detail"]["data_messages"]
            row = evaluate(pair, data, mine, ref)
            log(
                f"{label}: walkrx {row['walkrx_s']:.3f} s vs {row['reference_s']:.3f} s ->"
                f" {row['ratio']:.2f}x ({'PASS' if row['pass'] else 'FAIL'})"
            )
            if opts.profile:
                prof = out / f"profile_{pair.walkrx_task}.txt"
                log(f"{label}: profiling walkrx with cProfile -> {prof.name}")
                run_child(pair.walkrx_task, {"path": data["path"]}, prof)
            rows.append(row)
    finally:
        if not opts.keep_inputs:
            shutil.rmtree(inputs, ignore_errors=True)

    table = format_table(rows)
    machine = machine_info()
    machine["load_average_before"] = [round(x, 2) for x in load_before]
    machine["load_average_after"] = [round(x, 2) for x in os.getloadavg()]
    summary = {
        "date": started.isoformat(timespec="seconds"),
        "mode": "quick" if opts.quick else "full",
        "machine": machine,
        "inputs": info,
        "results": rows,
        "all_pass": all(r["pass"] for r in rows),
    }
    (out / "results.json").write_text(json.dumps(summary, indent=2), encoding="utf-8")
    header = (
        f"walkrx import benchmark, {summary['mode']} size, {started:%Y-%m-%d %H:%M} UTC,"
        f" {machine['cpus']} CPUs ({machine['cpu']}), Python {machine['python']},"
        f" load average {machine['load_average_before'][0]:.1f} before,"
        f" {machine['load_average_after'][0]:.1f} after"
    )
    (out / "results.txt").write_text(header + "\n\n" + table + "\n", encoding="utf-8")
    print(header)
    print()
    print(table)
    log(write_chart(rows, out / "ratios.png"))
    failed = [r["key"] for r in rows if not r["pass"]]
    log("all targets pass" if not failed else f"targets missed: {', '.join(failed)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
