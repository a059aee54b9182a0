"""The sample point every XML reader produces, and the one way points become an `Activity`.

GPX, TCX and Apple Health (its heart-rate records and route files) all read samples into the
same `Point` tuple and build their activities with `build_activity`, so the rules for pauses,
out-of-order times, impossible coordinates and invalid heart rate are written once. A leaf module:
it imports nothing from the format modules, which import it.
"""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from itertools import pairwise
from typing import Any

from walkrx.domain.activity import EARLIEST_TIME, SPLIT_GAP_S, Activity
from walkrx.importers._xml import valid_hr

# A point: (POSIX time or None, stated UTC offset or None, hr, lat, lon, ele, cumulative distance).
# GPX, TCX and Apple Health points use this one shape, so all three share `build_activity`.
Point = tuple[
    float | None, int | None, float | None, float | None, float | None, float | None, float | None
]


def timed_points(points: list[Point]) -> list[Point]:
    """The points with a usable time: one given, and not before 1990 (a clock never set)."""
    return [p for p in points if p[0] is not None and p[0] >= EARLIEST_TIME]


def untimed_note(left_out: int, total: int, early: int) -> str:
    """The note for points left out for want of a usable time."""
    why = f" ({early} of them dated before 1990, a clock that was not set)" if early else ""
    return f"{left_out} of {total} points have no usable time and were left out{why}."


def split_at_gaps(points: list[Point]) -> list[list[Point]]:
    """A segment cut wherever the time moves on by SPLIT_GAP_S or more from one point to the next.

    An empty segment gives no part.
    """
    times: list[float] = [p[0] for p in points]  # type: ignore[misc]
    if not any(b - a >= SPLIT_GAP_S for a, b in pairwise(times)):
        # no step of an hour between neighbours, so none from the latest time so far either
        return [points] if points else []
    parts: list[list[Point]] = [[]]
    last: float | None = None
    for p in points:
        t: float = p[0]  # type: ignore[assignment]
        if last is not None and t - last >= SPLIT_GAP_S and parts[-1]:
            parts.append([])
        parts[-1].append(p)
        last = t if last is None else max(last, t)
    return parts


def build_activity(
    segments: list[list[Point]],
    *,
    name: str,
    source_format: str,
    sport: str,
    device: str | None,
    notes: list[str],
    dropped_chars: int = 0,
    pauses_at: list[tuple[float, float]] | None = None,
    start_at: float | None = None,
    **extra: Any,
) -> Activity:
    """Columns from timed point segments; a gap between segments becomes a pause.

    `pauses_at` (POSIX stop and resume times) replaces the segment gaps when the file states its
    pauses some other way (Apple Health workout events). `start_at` (POSIX) is the activity's start
    when the file states it apart from the samples (an Apple workout's start date).
    """
    points = [p for seg in segments for p in seg]
    times: list[float] = [p[0] for p in points]  # type: ignore[misc]
    back = [a - b for a, b in itertools.pairwise(times) if b < a]
    if back:
        notes.append(
            f"{len(back)} points are out of time order (by up to {_seconds(max(back))}); the "
            "distance follows the order of the points in the file."
        )
    t0 = min(times) if start_at is None else min(start_at, *times)
    pauses: list[tuple[float, float]] = []
    if pauses_at is not None:
        pauses = [(stop - t0, resume - t0) for stop, resume in pauses_at]
    for prev, nxt in itertools.pairwise(segments):
        stop, resume = prev[-1][0], nxt[0][0]
        if stop is not None and resume is not None and resume > stop:
            pauses.append((stop - t0, resume - t0))
    hr_raw = [p[2] for p in points]
    hr = [valid_hr(v) for v in hr_raw]
    bad_hr = sum(1 for a, b in zip(hr_raw, hr, strict=True) if a is not None and b is None)
    if bad_hr:
        notes.append(f"{bad_hr} heart-rate values outside 20-250 bpm were ignored.")
    if dropped_chars:
        notes.append(f"{dropped_chars} characters not allowed in XML were removed.")
    offset = next((p[1] for p in points if p[1] is not None), None)
    lat = [p[3] for p in points]
    lon = [p[4] for p in points]
    impossible = (
        [
            i
            for i, (la, lo) in enumerate(zip(lat, lon, strict=True))
            if (la is not None and not -90 <= la <= 90)
            or (lo is not None and not -180 <= lo <= 180)
        ]
        if _out_of_range(lat, 90.0) or _out_of_range(lon, 180.0)
        else []
    )
    if impossible:
        for i in impossible:
            lat[i] = lon[i] = None
        # OpenTracks writes a point at latitude 100 when the recording pauses and 200 when it
        # resumes: the path breaks there, so the stretch around such points is a pause
        pauses.extend(_breaks(impossible, times, t0))
        notes.append(
            f"{len(impossible)} points have impossible coordinates (some apps mark a pause this "
            "way); they were taken as a break in the path, counting no distance or time."
        )
    ele = [p[5] for p in points]
    dist = [p[6] for p in points]
    return Activity(
        sport=sport,
        start=datetime.fromtimestamp(t0, UTC),
        source_format=source_format,
        file=name,
        utc_offset_s=offset,
        t_s=tuple(p[0] - t0 for p in points),  # type: ignore[operator]
        hr_bpm=_column(hr),
        lat=_column(lat),
        lon=_column(lon),
        altitude_m=_column(ele),
        distance_m=_column(dist),
        pauses=tuple(sorted(pauses)),
        device=device,
        notes=tuple(notes),
        **extra,
    )


def _out_of_range(values: list[float | None], limit: float) -> bool:
    """Whether any coordinate lies outside ±limit (min and max in C: the common case is none)."""
    known = [v for v in values if v is not None]
    return bool(known) and (min(known) < -limit or max(known) > limit)  # type: ignore[type-var]


def _breaks(bad: list[int], times: list[float], t0: float) -> list[tuple[float, float]]:
    """Pauses from the last good point before each run of bad points to the first good one after."""
    out: list[tuple[float, float]] = []
    bad_set = set(bad)
    n = len(times)
    for i in bad:
        if i - 1 in bad_set:
            continue  # not the first of its run
        j = i
        while j in bad_set:
            j += 1
        before = times[i - 1] if i > 0 else times[i]
        after = times[j] if j < n else times[j - 1]
        if after > before:
            out.append((before - t0, after - t0))
    return out


def _seconds(value: float) -> str:
    """A time step as people read it: '4 s', '3 min 20 s', '2 h 05 min'."""
    whole = round(value)
    if whole < 60:
        return f"{max(whole, 1)} s" if value >= 0.5 else f"{value:.1f} s"
    if whole < 3600:
        return f"{whole // 60} min {whole % 60:02d} s"
    return f"{whole // 3600} h {whole % 3600 // 60:02d} min"


def _column(values: list[float | None]) -> tuple[float | None, ...]:
    """A column is empty when the file never gives that field, else one value per sample."""
    return tuple(values) if any(v is not None for v in values) else ()
