"""Issue 8: a held-back set of real device files from many vendors, checked against reference
libraries (tests/data/reference/, made by make_reference.py with fitdecode, fitparse, gpxpy,
tcxreader and lxml; never with walkrx).

Each reference activity (FIT session, GPX <trk>, TCX Activity, Apple Workout) must be read by
walkrx as an activity starting within 60 s of it, with duration within 5 s, distance within 2 %
and time-weighted average heart rate within 1 bpm; where the reference says the file cannot give
a figure, walkrx must give None or say why in the activity's notes.

Files walkrx gets wrong today are marked xfail(strict=True): when an importer is fixed the mark
fails and must be removed.
"""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from walkrx.domain.metrics import analyze
from walkrx.errors import ImportFileError
from walkrx.importers import read_file

REF = Path(__file__).resolve().parent.parent / "data" / "reference"
SUFFIXES = {".fit", ".gpx", ".tcx", ".xml"}
FILES = sorted(p for p in REF.glob("*/*") if p.suffix.lower() in SUFFIXES)
MATCH_S = 60.0
DURATION_TOL_S = 5.0
DISTANCE_TOL = 0.02
HR_TOL = 1.0
# Words a note must contain to explain a figure walkrx cannot give.
EXPLAINS = {
    "start": ("no times", "no time", "cannot be dated", "date cannot", "date can't"),
    "duration_s": ("time", "clock", "duration"),
    "distance_m": ("distance", "position", "gps"),
    "avg_hr": ("heart",),
}

# What walkrx gets wrong today, per file (see the table in tests/data/reference/README.md).
KNOWN_WRONG: dict[str, str] = {}


def _key(path: Path) -> str:
    return f"{path.parent.name}/{path.name}"


def _reference(path: Path) -> dict[str, Any]:
    return json.loads(path.with_name(path.name + ".reference.json").read_text())


def _explained(notes: tuple[str, ...], field: str) -> bool:
    return any(w in n.lower() for n in notes for w in EXPLAINS[field])


def disagreements(path: Path) -> list[str]:
    """Every way walkrx's reading of `path` differs from the reference, as readable lines."""
    ref = _reference(path)
    wanted = [a for a in ref["activities"] if a["samples"] > 0 or a["start"]]
    try:
        ours = read_file(path.read_bytes(), path.name)
    except Exception as exc:  # a refusal is a disagreement like any other...
        undated = all("start" in r["cannot_know"] for r in wanted)
        if undated and isinstance(exc, ImportFileError) and _explained((exc.message,), "start"):
            return []  # ...unless no activity can be dated and the refusal says so plainly
        return [f"walkrx refused the file: {type(exc).__name__}: {exc}"]
    out: list[str] = []
    # An activity with no time at all (a planned route) cannot be a walk: walkrx may leave it
    # out, provided it says so in a note.
    notes = tuple(n for a in ours for n in a.notes)
    undated = [r for r in wanted if r["start"] is None and "start" in r["cannot_know"]]
    if len(ours) == len(wanted) - len(undated) and undated and _explained(notes, "start"):
        wanted = [r for r in wanted if r not in undated]
    if len(ours) != len(wanted):
        out.append(f"activities: walkrx {len(ours)}, reference {len(wanted)}")
    free = list(ours)
    for r in wanted:
        act = _match(r, free)
        label = f"activity {r['index']} ({r['start']})"
        if act is None:
            out.append(f"{label}: no walkrx activity starts within {MATCH_S:.0f} s")
            continue
        free.remove(act)
        out.extend(f"{label}: {line}" for line in _compare(r, act))
    return out


def _match(r: dict[str, Any], candidates: list[Any]) -> Any:
    if not candidates:
        return None
    if r["start"] is None:  # no calendar time: take the next activity in file order
        return candidates[0]
    start = datetime.fromisoformat(r["start"]).timestamp()
    best = min(candidates, key=lambda a: abs(a.start.timestamp() - start))
    return best if abs(best.start.timestamp() - start) <= MATCH_S else None


def _compare(r: dict[str, Any], act: Any) -> list[str]:
    m = analyze(act, None)
    cannot = r["cannot_know"]
    out: list[str] = []
    figures = {
        "duration_s": (m.duration_s, r["duration_s"]),
        "distance_m": (m.distance_m, r["distance_m"]),
        "avg_hr": (m.avg_hr, r["avg_hr_time_weighted"]),
    }
    for field, (got, want) in figures.items():
        if field in cannot:
            if got is not None and got != 0 and not _explained(tuple(act.notes), field):
                out.append(
                    f"{field}: walkrx {got:.1f}, reference cannot know ({cannot[field]}) "
                    "and no note explains it"
                )
            continue
        if got is None:
            out.append(f"{field}: walkrx None, reference {want}")
        elif not _close(field, got, want):
            out.append(f"{field}: walkrx {got:.1f}, reference {want}")
    return out


def _close(field: str, got: float, want: float) -> bool:
    if field == "duration_s":
        return abs(got - want) <= DURATION_TOL_S
    if field == "distance_m":
        return abs(got - want) <= max(DISTANCE_TOL * want, 1.0)
    return abs(got - want) <= HR_TOL


def _params() -> list[Any]:
    out = []
    for p in FILES:
        reason = KNOWN_WRONG.get(_key(p))
        marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
        out.append(pytest.param(p, id=_key(p), marks=marks))
    return out


@pytest.mark.parametrize("path", _params())
def test_walkrx_agrees_with_the_reference_libraries(path: Path) -> None:
    problems = disagreements(path)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("path", FILES, ids=_key)
def test_reference_figures_agree_with_a_second_reader(path: Path) -> None:
    """The reference is not taken on trust: a second reader counts the same samples."""
    ref = _reference(path)
    cc = ref["crosscheck"]
    acts = ref["activities"]
    assert acts, "the reference found no activity"
    if ref["format"] == "fit":
        fd, fp = cc["fitdecode"], cc["fitparse"]
        if "error" in fp:  # a truncated file: fitparse stops at the break, like fitdecode
            assert ref["decode_error"], fp["error"]
            assert fp["records"] <= fd["records"]
        else:
            assert (fd["records"], fd["sessions"]) == (fp["records"], fp["sessions"])
            assert fd["session_elapsed"] == pytest.approx(fp["session_elapsed"])
    elif ref["format"] == "gpx":
        assert cc["gpxpy_points"] == cc["lxml_trkpt"]
    elif ref["format"] == "tcx":
        assert cc["lxml_activities"] == 1
        assert cc["tcxreader_trackpoints"] == cc["lxml_trackpoints_with_time"]
        assert sum(a["hr_samples"] for a in acts) == cc["lxml_hr"]
    else:
        assert cc["lxml_workouts"] == cc["bytes_workouts"] == len(acts)
        assert cc["lxml_hr_records"] == cc["bytes_hr_records"]
    for a in acts:
        assert a["hr_samples"] <= a["samples"] or ref["format"] == "apple"
        if a["avg_hr_time_weighted"] is not None:
            assert 30 <= a["avg_hr_time_weighted"] <= 230
        for field in a["cannot_know"]:
            assert field in EXPLAINS or field == "sport"
