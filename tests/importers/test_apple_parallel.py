"""Apple Health exports with many route files: routes parsed in a worker process while the main
process scans export.xml must give exactly what the one-process path gives."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from pathlib import Path

import pytest

import walkrx.importers.apple as apple

GENERATE = Path(__file__).resolve().parents[2] / "benchmarks" / "generate.py"


@pytest.fixture(scope="module")
def export_zip(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A small generated export (real-shaped) whose last days carry route files."""
    spec = importlib.util.spec_from_file_location("walkrx_bench_generate", GENERATE)
    assert spec is not None and spec.loader is not None
    generate = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = generate
    spec.loader.exec_module(generate)
    folder = tmp_path_factory.mktemp("apple")
    result = generate.write_apple_export(folder, days=24, route_days=8)
    assert result.route_files > 0
    return Path(result.zip_path)


def _read(path: Path) -> list[tuple[object, ...]]:
    with path.open("rb") as stream:
        activities = apple.read_apple(stream, path.name)
    return [
        (a.sport, a.start, tuple(a.t_s), tuple(a.hr_bpm), tuple(a.lat), tuple(a.lon))
        for a in activities
    ]


def test_worker_and_single_process_give_the_same_walks(
    export_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every activity, sample, heart rate and route point is identical on both paths."""
    monkeypatch.setattr(apple, "_PARALLEL_ROUTES_BYTES", 1 << 40)
    single = _read(export_zip)
    monkeypatch.setattr(apple, "_PARALLEL_ROUTES_BYTES", 0)
    parallel = _read(export_zip)
    assert parallel == single
    assert any(len(lat) > 0 for *_, lat, _lon in single)


def test_the_worker_really_parses_the_routes(
    export_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The worker process returns every route file's points (not the silent fallback)."""
    monkeypatch.setattr(apple, "_PARALLEL_ROUTES_BYTES", 0)
    with zipfile.ZipFile(export_zip) as zf:
        names = zf.namelist()
        future = apple._start_route_parsing(
            zf, names, "apple_health_export/", export_zip.name, str(export_zip)
        )
        assert future is not None
        parsed = future.result(timeout=120)
    routes = [n for n in names if "/workout-routes/" in n]
    assert sorted(parsed) == sorted(routes)
    assert all(points and problem is None for points, problem in parsed.values())
