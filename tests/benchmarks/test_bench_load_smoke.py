"""Smoke test of the load benchmark's pure helpers (benchmarks/bench_load.py).

Percentiles, the per-cell summary and the two tables, on known numbers. No server is started and
no timing is asserted.
"""

from __future__ import annotations

import importlib.util
import math
import statistics
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "benchmarks" / "bench_load.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """The script, loaded from its file (benchmarks/ is not a package)."""
    spec = importlib.util.spec_from_file_location("walkrx_bench_load", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while the class is built
    spec.loader.exec_module(module)
    return module


def test_percentile_interpolates_between_ranks(bench: ModuleType) -> None:
    values = list(range(1, 101))  # 1..100, given shuffled: the helper sorts
    shuffled = values[::2] + values[1::2]
    assert bench.percentile(shuffled, 0) == 1
    assert bench.percentile(shuffled, 100) == 100
    assert bench.percentile(shuffled, 50) == pytest.approx(50.5)
    assert bench.percentile(shuffled, 95) == pytest.approx(95.05)
    assert bench.percentile([10.0, 20.0, 30.0, 40.0], 50) == pytest.approx(25.0)
    assert bench.percentile([7.0], 95) == 7.0
    assert math.isnan(bench.percentile([], 95))


def test_percentile_agrees_with_statistics_inclusive(bench: ModuleType) -> None:
    values = [3.2, 0.4, 9.9, 1.0, 5.5, 5.5, 2.25, 8.0, 0.1, 4.75, 6.0]
    cuts = statistics.quantiles(values, n=20, method="inclusive")  # 5 %, 10 %, ... 95 %
    for index, cut in enumerate(cuts, start=1):
        assert bench.percentile(values, 5 * index) == pytest.approx(cut)


def test_percentile_refuses_out_of_range(bench: ModuleType) -> None:
    with pytest.raises(ValueError, match="between 0 and 100"):
        bench.percentile([1.0], 101)


def test_summarise_counts_errors_apart(bench: ModuleType) -> None:
    cell = bench.Cell("sqlite", "walk", 8, seconds=2.0)
    cell.latencies_s = [0.001 * n for n in range(1, 101)]  # 1..100 ms
    cell.ok, cell.server_errors, cell.other_status, cell.connection_errors = 100, 3, 2, 1
    row = bench.summarise(cell)
    assert row["requests"] == 106
    assert row["rps"] == pytest.approx(53.0)
    assert row["p50_ms"] == pytest.approx(50.5)
    assert row["p95_ms"] == pytest.approx(95.05)
    assert row["max_ms"] == pytest.approx(100.0)
    assert (row["errors_5xx"], row["errors_other"], row["errors_conn"]) == (3, 2, 1)
    assert cell.errors == 6


def _row(engine: str, scenario: str, conc: int, rps: float, p95: float) -> dict[str, object]:
    return {
        "engine": engine,
        "scenario": scenario,
        "concurrency": conc,
        "requests": round(rps * 10),
        "rps": rps,
        "p50_ms": p95 / 2,
        "p95_ms": p95,
        "p99_ms": p95 * 2,
        "errors_5xx": 0,
        "errors_other": 0,
        "errors_conn": 1 if engine == "postgres" else 0,
        "server_cpu_pct": None,  # not measured (no /proc): shown as "-"
        "client_cpu_pct": 12.0,
        "machine_cpu_pct": float("nan"),
    }


def test_format_table(bench: ModuleType) -> None:
    rows = [_row("sqlite", "today", 1, 1234.56, 3.21), _row("postgres", "walk", 32, 45.0, 812.0)]
    lines = bench.format_table(rows).splitlines()
    assert len(lines) == 4
    header = lines[0].split()
    assert header[:4] == ["engine", "scenario", "conc", "requests"]
    assert lines[1].replace(" ", "").strip("-") == ""
    first = lines[2].split()
    assert first[:7] == ["sqlite", "today", "1", "12,346", "1,234.6", "1.6", "3.2"]
    assert first[8:10] == ["0", "0"]
    assert first[-3:] == ["-", "12", "-"]
    second = lines[3].split()
    assert second[:7] == ["postgres", "walk", "32", "450", "45.0", "406.0", "812.0"]
    assert second[10] == "1"  # the connection error, in its own column
    # every line has the same width up to its last column: numbers are right-aligned
    assert len({len(line) for line in lines[:2]}) == 1


def test_format_side_by_side(bench: ModuleType) -> None:
    rows = [
        _row("postgres", "walk", 8, 40.0, 300.0),
        _row("sqlite", "walk", 8, 30.0, 1200.0),
        _row("sqlite", "today", 32, 180.0, 330.0),
        _row("postgres", "today", 32, 100.0, 550.0),
        _row("sqlite", "today", 1, 110.0, 18.5),
    ]
    lines = bench.format_side_by_side(rows, ["sqlite", "postgres"]).splitlines()
    assert lines[0].split() == [
        "scenario", "conc",
        "sqlite", "req/s", "sqlite", "p95", "ms", "sqlite", "errors",
        "postgres", "req/s", "postgres", "p95", "ms", "postgres", "errors",
    ]  # fmt: skip
    body = [line.split() for line in lines[2:]]
    assert [(b[0], b[1]) for b in body] == [("today", "1"), ("today", "32"), ("walk", "8")]
    assert body[0] == ["today", "1", "110.0", "18.5", "0", "-", "-", "-"]  # no postgres row
    assert body[2] == ["walk", "8", "30.0", "1200.0", "0", "40.0", "300.0", "1"]
