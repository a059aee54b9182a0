"""One activity as read from a device file, in the single internal form every importer produces.

Samples are columns of equal length (seconds from the start, heart rate, cumulative distance, ...),
which keeps 100,000-record files cheap. Importers fill these; `walkrx.domain.metrics` reads them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime

# Sports that walkrx imports by default; everything else is listed as skipped.
WALKING_SPORTS = frozenset({"walking", "hiking", "treadmill_walking"})

# A break of an hour or more inside one recording separates two walks: a pause (spec section 9:
# any gap over 30 s) is a stop within a walk, a coffee or a bench; an hour apart is another outing,
# which the weekly review must count as such (walks per week, the long walk). Files that say
# themselves where an activity ends (FIT sessions, TCX activities, Apple workouts) are not cut.
SPLIT_GAP_S = 3600.0
# Times before 1990 come from a device whose clock was never set (FIT counts from 1989-12-31, and
# GPS receivers from 1980): such a time cannot place a walk.
EARLIEST_TIME = 631_152_000.0  # 1990-01-01T00:00:00Z, POSIX seconds


@dataclass(frozen=True)
class Activity:
    sport: str  # normalised: walking, hiking, treadmill_walking, running, cycling, swimming, other
    start: (
        datetime  # aware, UTC: the first sample (or the file's start time when it has no samples)
    )
    source_format: str  # fit | gpx | tcx | apple
    file: str  # the file name it came from (inside an archive: archive/member)
    sub_sport: str | None = None
    utc_offset_s: int | None = None  # the local offset the file states, when it states one
    timezone: str | None = None  # an IANA zone, when the file or its position tells it
    # seconds since `start` (the earliest sample), one per sample, in the file's order: almost
    # always non-decreasing, but some apps write points a few seconds out of order
    t_s: Sequence[float] = ()
    hr_bpm: Sequence[float | None] = ()  # None where the sample has no (valid) heart rate
    distance_m: Sequence[float | None] = ()  # cumulative distance, when the device records it
    lat: Sequence[float | None] = ()
    lon: Sequence[float | None] = ()
    altitude_m: Sequence[float | None] = ()
    pauses: tuple[tuple[float, float], ...] = ()  # (stop_s, start_s) of timer stops, from start
    duration_s: float | None = None  # the file's own elapsed time, when it gives one
    total_distance_m: float | None = None  # the file's own total, when it gives one
    indoor: bool = False  # treadmill or indoor: no GPS expected
    device: str | None = None
    index: int = 0  # position of this activity within its file
    notes: tuple[str, ...] = field(default=())  # what the importer noticed (dropped samples, ...)

    @property
    def is_walk(self) -> bool:
        return self.sport in WALKING_SPORTS
