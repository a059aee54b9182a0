"""Response models of the JSON API (/api/v1), so /openapi.json documents every response.

They describe the dicts the services already build (`walkrx.services.views`,
`walkrx.services.imports.outcome_json`; docs/json.md), shared with the CLI's --json: the models
change nothing in the JSON. Fields are declared in the dicts' own key order and with the values'
own types (a float stays a float, an int an int); dates are `date`s, which serialise as the same
YYYY-MM-DD, while times stay the services' ISO 8601 strings (re-serialising a datetime would
write UTC as "Z"). Codes are the domain's own enums, so the schema lists every code.

Every response model keeps keys it does not declare (`extra="allow"`): docs/json.md lets new
keys appear, and a key added to a service's dict must reach clients, never be dropped here
(tests/web/test_api_schemas.py fails until the key is declared).
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from walkrx.domain.codes import (
    Decision,
    Flag,
    PainStatus,
    Reason,
    RedFlag,
    RedFlagTier,
    Referral,
)

# Ids are INTEGER columns, 32 bits on PostgreSQL: a larger id in a path names nothing (404).
MAX_ID = 2**31 - 1

Band = Annotated[list[int], Field(min_length=2, max_length=2)]
# a local time as the services write it (ISO 8601 with the UTC offset), kept a string
LocalDateTime = Annotated[str, Field(json_schema_extra={"format": "date-time"})]


class Shape(BaseModel):
    """A JSON object the services build; keys it does not declare are passed on, not dropped."""

    model_config = ConfigDict(extra="allow")


class ErrorMessage(BaseModel):
    type: str = Field(description="the kind, in snake_case: invalid_input, not_found, ...")
    message: str = Field(description="what is wrong and what to do next")


class Error(BaseModel):
    """Every refusal of the API (4xx), in one shape."""

    error: ErrorMessage


class Me(BaseModel):
    """The account behind the token or session."""

    id: int
    email: str
    name: str
    role: str = Field(description="walker or clinician")
    person_id: int | None = Field(description="the walker's own program, once set up")


# --- zones and prescriptions ---------------------------------------------------------------


class Zones(Shape):
    """HRmax and the target heart-rate band (as `walkrx zones --json`)."""

    hrmax: int = Field(description="HRmax in bpm, rounded")
    hrmax_source: str = Field(description="`measured`, or the estimating formula's name")
    hrmax_error_bpm: int = Field(
        description="typical error of the estimate in bpm; 0 for a measured HRmax"
    )
    band_bpm: Band = Field(description="target band [low, high] in bpm")
    method: str = Field(description="`hrmax` (percent of HRmax) or `hrr` (of heart-rate reserve)")
    percent: Band = Field(description="the band's [low, high] percentages")
    resting_hr: int | None = Field(description="resting heart rate in bpm, for the hrr method")


class Prescription(Shape):
    """What a program week asks for."""

    walks_min: int = Field(description="fewest walks in the week")
    walks_max: int = Field(description="most walks in the week")
    minutes_min: int = Field(description="minutes per walk, low end")
    minutes_max: int = Field(description="minutes per walk, high end")
    long_walk_minutes: int | None = Field(
        description="one walk of the week should last at least this long, minutes; null: none"
    )
    tempo: bool = Field(description="optional tempo intervals are suggested this week")


# --- weeks and reviews ---------------------------------------------------------------------


class ZoneMinutes(Shape):
    measured: int = Field(description="minutes in the target band, measured by heart rate")
    by_effort: int = Field(
        description="minutes of walks without heart rate that count by effort or the talk test"
    )


class Adherence(Shape):
    walks: float = Field(description="walks counted / minimum walks, 2 decimals")
    minutes: float = Field(description="minutes walked / minimum total minutes, 2 decimals")


class WeekFigures(Shape):
    """One program week measured against its prescription: the keys every week shape shares."""

    week: int = Field(description="calendar program week, from 1")
    start: dt.date = Field(description="the week's first local date")
    end: dt.date = Field(description="the week's last local date")
    position: int = Field(description="protocol week (0 = ease-in)")
    phase: int = Field(description="protocol phase; maintenance is the last phase")
    prescription: Prescription
    walks: int = Field(description="walks long enough to count (by default half of minutes_min)")
    walks_logged: int = Field(description="all walks of the week")
    minutes: int = Field(description="all walking minutes of the week")
    zone_minutes: ZoneMinutes
    longest_minutes: int = Field(description="the week's longest walk, minutes")
    long_walk_done: bool | None = Field(description="null when no long walk is prescribed")
    tempo_done: bool
    adherence: Adherence
    morning_pain_mean: float | None = Field(
        description="mean of the week's daily morning pain (0-10), 1 decimal; null without any"
    )
    pain: PainStatus


class WeekPace(Shape):
    """How the week's walks went against the moderate pace band (issue 15): advice only."""

    band_kmh: tuple[float, float] = Field(description="the moderate pace band [low, high], km/h")
    below: int = Field(description="walks with a moving pace below the band")
    in_band: int = Field(description="walks with a moving pace in the band")
    above: int = Field(description="walks with a moving pace above the band")
    no_pace: int = Field(description="walks without a pace (no distance, or too short)")
    median_kmh: float | None = Field(description="median moving pace of the week's walks, km/h")


class Week(WeekFigures):
    """One program week (as `walkrx week N --json`)."""

    complete: bool = Field(description="the week has ended and been reviewed")
    decision: Decision | None = Field(description="the review's decision; null until reviewed")
    pace: WeekPace | None = Field(None, description="the week's pace verdicts (issue 15)")


class Explanation(Shape):
    """A review's codes in plain language (the wording may change)."""

    decision: str
    reasons: list[str]
    flags: list[str]
    referrals: list[str]


class NextWeek(Shape):
    """The week that follows a review."""

    position: int = Field(description="protocol week (0 = ease-in)")
    phase: int
    prescription: Prescription


class Review(WeekFigures):
    """A completed week's review: the decision, why, and the next week."""

    decision: Decision
    reasons: list[Reason]
    flags: list[Flag]
    referrals: list[Referral]
    red_flags: list[RedFlag] = Field(
        description="red-flag codes answered in the week or still open at its end"
    )
    explanation: Explanation
    next: NextWeek


class Reviews(Shape):
    """Every completed program week (as `walkrx review --json`)."""

    weeks: list[Review]


# --- plan and today ------------------------------------------------------------------------


class PlannedWalk(Shape):
    """One walk of the plan."""

    date: dt.date = Field(description="local date")
    week: int = Field(description="calendar program week")
    position: int = Field(description="protocol week (0 = ease-in)")
    phase: int
    minutes: int
    long_walk: bool
    tempo: bool = Field(description="the optional tempo intervals are suggested on this walk")
    cues: list[str] = Field(description="posture cues to keep in mind")


class PlanWeek(Shape):
    week: int = Field(description="calendar program week, from 1")
    start: dt.date = Field(description="the week's first local date")
    position: int = Field(description="protocol week (0 = ease-in)")
    phase: int
    projected: bool = Field(
        description="no review has decided this week's position yet: it may change"
    )
    prescription: Prescription
    walks: list[PlannedWalk]


class Plan(Shape):
    """The plan, week by week (as `walkrx plan --json`)."""

    weeks: list[PlanWeek]


class ClinicianPause(Shape):
    """A clinician's pause of the program: since when, and why."""

    since: dt.date
    reason: str


class AfterProgram(Shape):
    """The program after it ended (issue 13), as `walkrx followup --json` gives it."""

    ended: dt.date | None = Field(description="the day the program ended")
    ended_by: str | None = Field(description="maintenance (reached it) or finished")
    due: list[dt.date] = Field(description="due follow-ups not yet answered, up to today")
    next_due: dt.date | None = Field(description="the next due date; null after a recurrence")
    recurrence: dt.date | None = Field(
        description="the answer that told a recurrence in this quiet phase, if any"
    )
    return_position: int | None = Field(description="the protocol week a return would start at")
    return_on: dt.date | None = Field(description="the day a booked return begins")


class Today(Shape):
    """What to do today (as `walkrx today --json`)."""

    date: dt.date = Field(description="today, in the person's time zone")
    week: int = Field(description="calendar program week (0 or less: before the start)")
    position: int = Field(description="protocol week (0 = ease-in)")
    paused_by: list[RedFlag] = Field(description="open red flags; any pauses the program")
    paused_by_clinician: ClinicianPause | None = Field(
        description="set while a clinician has paused the program"
    )
    advice: str | None = Field(description="what to do about the open red flags, if any")
    walk: PlannedWalk | None = Field(
        description="today's walk; null on a rest day, before the start, or while paused"
    )
    next_walk: PlannedWalk | None = Field(
        None, description="the first planned walk after today; null while paused"
    )
    zones: Zones
    finished: bool = Field(
        False, description="the program was finished and not taken up again: no walk planned"
    )
    after_program: AfterProgram | None = Field(
        None, description="after the program ended: its follow-ups and a return (issue 13)"
    )


# --- walks and check-ins -------------------------------------------------------------------


class Pace(Shape):
    """A walk's moving pace against the person's moderate pace band (issue 15): advice only."""

    moving_kmh: float | None = Field(
        description="distance over moving time, km/h (2 decimals); null without a distance or "
        "with under 2 minutes of moving time"
    )
    band_kmh: tuple[float, float] = Field(description="the moderate pace band [low, high], km/h")
    verdict: Literal["below", "in_band", "above"] | None = Field(
        description="the moving pace, half up to 0.1 km/h, against the band (edges included); "
        "null when there is no pace"
    )


class Walk(Shape):
    """A stored walk (as `walkrx walks show`)."""

    id: int
    start: LocalDateTime = Field(description="local start time, ISO 8601 with its UTC offset")
    timezone: str = Field(description="IANA time zone where it was walked")
    duration_s: int = Field(description="elapsed time, seconds")
    moving_s: int | None = Field(description="moving time, seconds")
    distance_m: float | None = Field(description="distance, metres (1 decimal)")
    avg_hr: float | None = Field(description="mean heart rate, bpm (1 decimal)")
    max_hr: int | None = Field(description="highest heart rate, bpm")
    effort: int | None = Field(description="perceived effort, 0-10")
    pain_before: int | None = Field(description="back pain before, 0-10")
    pain_during: int | None = Field(description="peak back pain during, 0-10")
    pain_after: int | None = Field(description="back pain after, 0-10")
    pain_next_morning: int | None = Field(description="back pain the next morning, 0-10")
    lower_limb_pain: int | None = Field(description="foot, knee, hip or shin pain, 0-10")
    terrain: str | None = Field(description="flat, hilly, mixed or treadmill")
    talk_test: bool | None = Field(description="could speak in full sentences")
    tempo: bool = Field(description="the tempo intervals were done on this walk")
    cues: list[str] = Field(description="the posture cues the person checked")
    notes: str
    zone_in_s: int | None = Field(
        description="seconds in the target band (measured from samples, or the average rule)"
    )
    band_bpm: Band | None = Field(description="the band [low, high] in bpm zone_in_s used")
    pace_hr: float | None = Field(
        description="efficiency: metres per minute per bpm (4 decimals), when eligible"
    )
    source: str = Field(description="diary, csv, fit, gpx, tcx or apple")
    counted: bool = Field(
        description="counts in weeks, reviews and the pace trend (false while an imported walk "
        "waits for the person's confirmation)"
    )
    check_reason: str | None = Field(
        description="why an imported walk waits for confirmation: sport_assumed, too_fast, "
        "fast_stretches or running_cadence (null: nothing to check)"
    )
    confirmed: bool = Field(description="the person confirmed it was a walk")
    import_notes: list[str] = Field(
        description="what the importer noticed in the file and what its figures cannot say"
    )
    pace: Pace = Field(description="moving pace against the pace band (issue 15)")


class LoggedWalk(Walk):
    """A walk just logged or edited, with what its pain means."""

    pain_status: PainStatus = Field(description="the walk's pain traffic light")
    ask_red_flags: bool = Field(description="a red walk: ask the red-flag questions now")


class Walks(Shape):
    """The person's walks, oldest first (as `walkrx walks list --json`)."""

    walks: list[Walk]


class CheckIn(Shape):
    id: int
    date: dt.date = Field(description="the morning's local date")
    morning_pain: int | None = Field(description="back pain on waking, 0-10")
    red_flags: list[RedFlag] = Field(description="red-flag questions answered yes")
    fear_of_movement: bool | None
    psfs: list[int] = Field(description="Patient-Specific Functional Scale ratings, 0-10 each")
    tsk17: int | None = Field(description="Tampa Scale of Kinesiophobia (17-68), by a clinician")
    fabq_pa: int | None = Field(
        description="FABQ physical-activity score (0-24), entered by a clinician"
    )


class RecordedCheckIn(CheckIn):
    """A check-in just recorded, with what to do about any red flag (as `walkrx checkin`)."""

    tier: RedFlagTier | None = Field(
        description="set when a red flag was answered yes: act on it now"
    )
    advice: str | None = Field(description="what to do now, for that tier")
    open_flags: list[RedFlag] = Field(description="red flags open after this check-in")


# --- imports -------------------------------------------------------------------------------


class ZoneTimes(Shape):
    """Moving time with a heart rate below, in and above the band (null without a band)."""

    band_bpm: Band | None = Field(description="the band [low, high] in bpm")
    below_s: int | None = Field(description="seconds")
    in_s: int | None = Field(description="seconds")
    above_s: int | None = Field(description="seconds")


class Efficiency(Shape):
    """Pace at the same heart rate (program spec section 9)."""

    speed_per_beat: float | None = Field(
        description="steady speed per heart beat: metres per minute per bpm"
    )
    speed_at_ref_hr: float | None = Field(
        description="speed at ref_hr from a speed-vs-heart-rate fit, metres per minute"
    )
    ref_hr: float | None = Field(description="the band centre, bpm")
    eligible: bool = Field(description="the walk counts in the efficiency trend")
    ineligible_reason: str | None = Field(
        description="not_a_walk, indoor, too_short, no_heart_rate, low_hr_coverage, "
        "no_distance or hilly"
    )


class AnalysedWalk(Shape):
    """One walk read from a file, with its figures."""

    file: str
    sport: str = Field(description="walking, hiking, treadmill_walking, running, ...")
    sub_sport: str | None
    start: LocalDateTime = Field(description="local start time, ISO 8601 with its UTC offset")
    timezone: str = Field(description="IANA time zone")
    duration_s: int = Field(description="elapsed time, seconds")
    moving_s: int = Field(description="moving time, seconds")
    distance_m: int | None = Field(description="distance, whole metres")
    avg_hr: float | None = Field(description="mean heart rate, bpm (1 decimal)")
    max_hr: int | None = Field(description="highest heart rate, bpm")
    samples: int = Field(description="samples in the file's walk")
    hr_samples: int = Field(description="samples with a heart rate")
    hr_coverage: float | None = Field(description="share (0-1) of moving time with a heart rate")
    zone: ZoneTimes
    efficiency: Efficiency
    spikes_share: float | None = Field(
        description="share (0-1) of covered moving time with heart-rate spikes"
    )
    drift_pct: float | None = Field(
        description="Pa:HR decoupling in percent, for walks of 30 min or more"
    )
    indoor: bool
    device: str | None
    import_notes: list[str] = Field(
        description="what the importer noticed in the file and what its figures cannot say"
    )
    check_reason: str | None = Field(
        description="why, once stored, it would wait for the person's confirmation "
        "(sport_assumed, too_fast, fast_stretches, running_cadence) or null"
    )
    moving_speed_kmh: float | None = Field(
        description="distance over moving time, km/h (null when it cannot be judged)"
    )
    fast_share: float | None = Field(
        description="share (0-1) of one-minute windows faster than 9 km/h"
    )
    pace: Pace = Field(description="moving pace against the pace band (issue 15)")


class SkippedActivity(Shape):
    """An activity of a file that was not stored, with the reason."""

    file: str
    sport: str | None
    reason: str = Field(description="why, in plain words")
    code: str = Field(
        description="not_a_walk, before_start, too_long, no_duration, in_future or not_an_activity"
    )


class FailedFile(Shape):
    """A file (or archive member) that could not be read; nothing of it is stored."""

    file: str
    error: str


class UnconfirmedWalk(Shape):
    """A stored walk waiting for the person's confirmation."""

    id: int
    check_reason: str


class EarlierWalk(Shape):
    """A walk a file gave when it was first uploaded."""

    id: int
    counted: bool = Field(description="it counts (false: it waits for the person's confirmation)")
    set_aside_for: int | None = Field(
        description="the walk kept instead of this record of the same walk (null: none)"
    )


class FileOutcome(Shape):
    """What became of one uploaded file."""

    file: str
    walks: list[AnalysedWalk]
    skipped: list[SkippedActivity]
    failed: list[FailedFile]
    stored: list[int] = Field(description="ids of the walks stored from this file")
    unconfirmed: list[UnconfirmedWalk] = Field(
        description="stored walks that do not count until the person confirms them"
    )
    set_aside: list[int] = Field(
        description="stored walks set aside as duplicates of a walk already stored"
    )
    replaced: list[int] = Field(description="earlier walks these records replaced")
    messages: list[str] = Field(description="what the person should know (duplicates)")
    unchanged: bool = Field(description="the very same file was imported before")
    earlier: list[EarlierWalk] = Field(
        default_factory=list,
        description="uploaded before (unchanged): the walks the file gave then; its activities "
        "not stored then are in skipped, with the reason",
    )
    uploaded_at: dt.datetime | None = Field(
        None, description="uploaded before (unchanged): when, ISO 8601 in UTC"
    )


class Imports(Shape):
    """Every uploaded file's outcome (as `walkrx import --json`)."""

    files: list[FileOutcome]
