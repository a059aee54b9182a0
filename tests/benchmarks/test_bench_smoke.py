"""Smoke test of the import benchmark's input generators (benchmarks/generate.py).

The generators run at a tiny size and their files go through walkrx's importers: this proves they
write valid GPX, TCX and Apple Health exports with the samples and workouts they claim, so the
full-size benchmark measures real imports. No timing is asserted here.
"""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path
from types import ModuleType

import pytest

from walkrx.domain.metrics import analyze
from walkrx.importers import read_file

BENCH_DIR = Path(__file__).resolve().parents[2] / "benchmarks"
BAND = (121, 138)


def _load(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"walkrx_bench_{name}", BENCH_DIR / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def generate() -> ModuleType:
    """The generator module, loaded from its file (benchmarks/ is not a package)."""
    return _load("generate")


def test_gpx_and_tcx_hold_every_sample(generate: ModuleType, tmp_path: Path) -> None:
    """The generated GPX and TCX walks import with all samples, heart rate and positions."""
    n = 150
    gpx, tcx = generate.write_walk_files(tmp_path, n)
    samples = generate.walk_samples(n)
    for path, sport in ((gpx, "walking"), (tcx, "other")):
        with path.open("rb") as f:
            (activity,) = read_file(f, path.name)
        assert activity.sport == sport
        assert len(activity.t_s) == n
        assert activity.t_s[-1] == n - 1
        assert [round(h) for h in activity.hr_bpm if h is not None] == [s.hr for s in samples]
        assert activity.lat[0] == pytest.approx(samples[0].lat, abs=1e-6)
        assert activity.altitude_m[-1] == pytest.approx(samples[-1].ele, abs=0.05)
        assert analyze(activity, BAND).hr_samples == n


def test_tcx_laps_do_not_split_the_walk(generate: ModuleType, tmp_path: Path) -> None:
    """Several laps (one track each, back to back) still read as one walk without pauses."""
    samples = generate.walk_samples(100)
    path = tmp_path / "laps.tcx"
    generate.write_walk_tcx(path, samples, lap_s=30)
    with path.open("rb") as f:
        (activity,) = read_file(f, path.name)
    assert len(activity.t_s) == 100
    assert activity.pauses == ()


def test_generation_is_deterministic(generate: ModuleType, tmp_path: Path) -> None:
    """The same seed and size give byte-identical files, so runs compare like with like."""
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir()
    b.mkdir()
    for out in (a, b):
        generate.write_walk_files(out, 50)
        generate.write_apple_export(out, days=3)
    for name in ("walk.gpx", "walk.tcx"):
        assert (a / name).read_bytes() == (b / name).read_bytes()
    with zipfile.ZipFile(a / "export.zip") as za, zipfile.ZipFile(b / "export.zip") as zb:
        assert za.namelist() == zb.namelist()
        for member in za.namelist():
            assert za.read(member) == zb.read(member)


def test_apple_export_imports_every_workout(generate: ModuleType, tmp_path: Path) -> None:
    """Every generated Workout becomes an activity with its heart rate, route and pause."""
    export = generate.write_apple_export(tmp_path, days=10, route_days=10)
    workouts = export.workouts
    assert workouts, "ten days should hold some workouts"
    assert export.route_files > 0
    with zipfile.ZipFile(export.zip_path) as zf:
        names = zf.namelist()
        head = zf.read("apple_health_export/export.xml")[:200]
    assert "apple_health_export/export.xml" in names
    assert b"<!DOCTYPE HealthData [" in head
    assert sum(n.startswith("apple_health_export/workout-routes/") for n in names) == (
        export.route_files
    )
    with export.zip_path.open("rb") as f:
        activities = read_file(f, "export.zip")
    assert len(activities) == len(workouts)
    sports = {"walk": {"walking"}, "hike": {"hiking"}, "run": {"running"}}
    for activity, work in zip(activities, workouts, strict=True):
        assert activity.sport in sports[work.kind]
        assert activity.timezone == generate.APPLE_ZONE
        assert activity.indoor == work.indoor
        assert activity.duration_s == work.duration_s
        assert sum(h is not None for h in activity.hr_bpm) == work.hr_samples > 0
        assert len(activity.t_s) == work.hr_samples + work.route_points
        if work.route is None:
            assert activity.lat == ()
        else:
            assert sum(x is not None for x in activity.lat) == work.route_points > 0
        assert len(activity.pauses) == (1 if work.pause else 0)
        assert not activity.notes
        assert analyze(activity, BAND).hr_samples == work.hr_samples


def test_apple_size_estimate(generate: ModuleType, tmp_path: Path) -> None:
    """`apple_days_for` sizes export.xml within 25 % of the size asked (drives the 500 MB run)."""
    days = generate.apple_days_for(4)
    export = generate.write_apple_export(tmp_path, days=days)
    assert 3_000_000 <= export.xml_bytes <= 5_000_000
    assert export.records > 5 * 1000
    assert export.activity_summaries == days
