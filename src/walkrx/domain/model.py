"""The records of a person's program: profile, zone settings, walks, check-ins, flag clearings.

Frozen dataclasses, independent of storage. Instants are aware datetimes in UTC; each walk carries
its own IANA time zone, and its local date decides the program week it belongs to (spec section 4).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from walkrx.domain.codes import RedFlag


@dataclass(frozen=True)
class ZoneSettings:
    """How a person's target band is worked out, effective from a date (zones are versioned)."""

    effective: date
    age: int | None
    max_hr: int | None = None  # measured HRmax, when the person gave one
    resting_hr: int | None = None
    hrmax_formula: str = "tanaka"  # tanaka | fox | gellish | nes
    zone_method: str = "hrmax"  # hrmax | hrr


@dataclass(frozen=True)
class Person:
    id: int | None
    name: str
    start: date
    timezone: str
    protocol: str  # a shipped protocol name, or the path of a clinic's protocol file
    zones: tuple[ZoneSettings, ...]  # ordered by effective date
    days: tuple[int, ...] = (0, 2, 4, 5, 6)  # preferred walking weekdays, Monday = 0
    goals: tuple[str, ...] = ()
    start_position: int = 1  # where week 1 starts in the protocol (a clinician may set 0 or later)
    adjustments: tuple[tuple[str, float], ...] = ()  # clinician's threshold changes, dotted keys
    display_name: str | None = None  # the name the walker chose for their clinicians to see
    activities: tuple[str, ...] = ()  # what the walker named for the functional scale (PSFS)
    units: str = "metric"  # how they read distances and speeds: metric or imperial (issue 15)

    @property
    def shown_name(self) -> str:
        """How a clinician sees the person: the name they chose, else the program's name."""
        return self.display_name or self.name

    def zone_settings_on(self, day: date) -> ZoneSettings:
        """The zone settings in force on a day (the earliest ones before any change)."""
        current = self.zones[0]
        for settings in self.zones:
            if settings.effective <= day:
                current = settings
        return current

    def week_of(self, day: date) -> int:
        """The program week (1-based) containing a local date; 0 or less is before the start."""
        return (day - self.start).days // 7 + 1

    def week_start(self, week: int) -> date:
        return self.start + timedelta(days=7 * (week - 1))


@dataclass(frozen=True)
class Walk:
    id: int | None
    start: datetime  # aware, UTC
    timezone: str  # IANA zone where it was walked
    duration_s: int
    moving_s: int | None = None
    distance_m: float | None = None
    avg_hr: float | None = None
    max_hr: int | None = None
    effort: int | None = None  # 0-10, an unbranded scale
    pain_before: int | None = None
    pain_during: int | None = None  # peak during
    pain_after: int | None = None
    pain_next_morning: int | None = None
    lower_limb_pain: int | None = None  # foot, knee, hip or shin, 0-10
    terrain: str | None = None
    talk_test: bool | None = None  # could speak in full sentences
    tempo: bool = False  # the person did the tempo intervals on this walk
    notes: str = ""
    cues: tuple[str, ...] = ()  # the posture cues the person checked
    zone_in_s: int | None = None  # measured seconds in the band (samples, or the average rule)
    band_bpm: tuple[int, int] | None = None  # the band those seconds were measured against
    source: str = "diary"  # diary | csv | fit | gpx | tcx | apple
    pace_hr: float | None = None  # efficiency: metres per minute per bpm, when eligible (spec 9)
    # why an imported walk waits for the person's confirmation before it counts (a code of
    # walkrx.domain.plausibility), or None; `confirmed` says the person has counted it anyway
    check_reason: str | None = None
    confirmed: bool = False
    import_notes: tuple[str, ...] = ()  # what the importer noticed in the file, in plain words

    @property
    def counted(self) -> bool:
        """Whether the walk counts in weeks, reviews and the pace trend."""
        return self.check_reason is None or self.confirmed

    @property
    def local_start(self) -> datetime:
        return self.start.astimezone(ZoneInfo(self.timezone))

    @property
    def local_date(self) -> date:
        return self.local_start.date()

    @property
    def minutes(self) -> float:
        return self.duration_s / 60


@dataclass(frozen=True)
class CheckIn:
    id: int | None
    day: date
    seq: int  # order of recording; later check-ins on a day override earlier fields
    morning_pain: int | None = None
    red_flags: tuple[RedFlag, ...] = ()
    fear_of_movement: bool | None = None
    psfs: tuple[int, ...] = ()  # Patient-Specific Functional Scale ratings, 0-10 each
    tsk17: int | None = None  # clinician-entered scores
    fabq_pa: int | None = None


@dataclass(frozen=True)
class FlagClearing:
    id: int | None
    day: date
    seq: int  # closes flags recorded before it (lower seq) and dated on or before `day`
    note: str = ""
    by: str = ""


@dataclass(frozen=True)
class ProgramPause:
    """A clinician's pause of the program, with its reason: walking stops from `start`, and
    resumes on `end` (the first day walked again; None while the pause is open). A pause resumed
    on the day it began covers no day."""

    start: date
    end: date | None = None
    reason: str = ""
    by: str = ""  # who paused it (the clinician's e-mail address)
    id: int | None = None

    def covers(self, day: date) -> bool:
        return self.start <= day and (self.end is None or day < self.end)

    def overlaps(self, first: date, last: date) -> bool:
        """Whether any day from `first` to `last` (both included) is paused."""
        day = max(self.start, first)  # the first day of the span the pause could cover
        return day <= last and self.covers(day)


@dataclass(frozen=True)
class ProgramStage:
    """The program finished (`kind` "finished", from `day` on no walk is planned) or taken up
    again after it ("returned": from `day`, the first day of a program week, at protocol week
    `position`). Issue 13; `walkrx.domain.stages` reads them."""

    kind: str  # finished | returned
    day: date
    position: int | None = None  # returned: the protocol week the program resumes at
    by: str = ""  # who: an e-mail address, or "console"
    id: int | None = None


@dataclass(frozen=True)
class FollowUp:
    """An answer to the follow-up after the program (spec 13), about the time since the previous
    answer: an episode of back pain that limited daily activities for at least a day (when it
    began, whether care was sought), and the minutes walked in a usual week now."""

    id: int | None
    day: date  # the day of the answer
    recurrence: bool
    episode_start: date | None = None  # as the walker gave it (None: not given)
    sought_care: bool | None = None
    usual_minutes: int | None = None
    by: str = ""


@dataclass(frozen=True)
class Diary:
    """Everything the rules need about one person, as plain data."""

    person: Person
    walks: tuple[Walk, ...] = ()
    checkins: tuple[CheckIn, ...] = ()
    clearings: tuple[FlagClearing, ...] = ()
    pauses: tuple[ProgramPause, ...] = ()  # a clinician's pauses, by start
    stages: tuple[ProgramStage, ...] = ()  # finishes and returns, by day (issue 13)
    followups: tuple[FollowUp, ...] = ()  # answers after the program, by day (issue 13)
