"""Apple Health exports with many route files: routes parsed in a worker process while the main
process scans export.xml must give exactly what the one-process path gives. The worker is started
only when the caller asks for it (`fast_batch`, the command line), never by default (a server)."""

from __future__ import annotations

import importlib.util
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import walkrx.importers.apple as apple
from walkrx.importers import read_file
from walkrx.importers.archive import read_archive

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


def _read(path: Path, *, fast_batch: bool = False) -> list[tuple[object, ...]]:
    with path.open("rb") as stream:
        activities = apple.read_apple(stream, path.name, fast_batch=fast_batch)
    return [
        (a.sport, a.start, tuple(a.t_s), tuple(a.hr_bpm), tuple(a.lat), tuple(a.lon))
        for a in activities
    ]


def test_worker_and_single_process_give_the_same_walks(
    export_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every activity, sample, heart rate and route point is identical on both paths."""
    monkeypatch.setattr(apple, "_PARALLEL_ROUTES_BYTES", 0)
    started = _count_workers(monkeypatch)
    single = _read(export_zip)
    assert started == []
    parallel = _read(export_zip, fast_batch=True)
    assert len(started) == 1
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


def _count_workers(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the exports a worker process was started for, from now on."""
    started: list[str] = []
    original: Callable[..., Any] = apple._start_route_parsing

    def spy(*args: Any) -> Any:
        future = original(*args)
        if future is not None:
            started.append(args[3])
        return future

    monkeypatch.setattr(apple, "_start_route_parsing", spy)
    return started


def test_no_worker_process_unless_the_caller_asks(
    export_zip: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """By default (the web server's way) every entry point reads the routes in the calling thread;
    `fast_batch=True` on read_file and read_archive (the command line's way) starts the worker."""
    monkeypatch.setattr(apple, "_PARALLEL_ROUTES_BYTES", 0)
    started = _count_workers(monkeypatch)
    with export_zip.open("rb") as stream:
        by_default = read_file(stream, export_zip.name)
    with export_zip.open("rb") as stream:
        by_default_archive = read_archive(stream, export_zip.name).activities
    assert started == []
    with export_zip.open("rb") as stream:
        fast = read_file(stream, export_zip.name, fast_batch=True)
    with export_zip.open("rb") as stream:
        fast_archive = read_archive(stream, export_zip.name, fast_batch=True).activities
    assert started == [export_zip.name, export_zip.name]
    assert fast == by_default == by_default_archive == fast_archive
