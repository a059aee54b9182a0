"""The research tables' columns (issue 12): name, type, unit, meaning and code list of each.

One definition serves the CSV header, the Parquet schema and the data dictionary, so the three
cannot disagree. Types: `string`, `int`, `float`, `bool`, `date` (YYYY-MM-DD), `timestamp_utc`
(an instant in UTC, to the second) and `timestamp_local` (a wall-clock time where the walk was
walked, no zone). Lists of codes are one string, the codes separated by `;`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from walkrx.domain.alerts import AlertKind
from walkrx.domain.codes import (
    GOALS,
    Decision,
    Flag,
    PainStatus,
    Reason,
    RedFlag,
    Referral,
    Terrain,
)
from walkrx.domain.plausibility import CHECK_REASONS
from walkrx.domain.zones import HRMAX_FORMULAS, ZONE_METHODS

TYPES = ("string", "int", "float", "bool", "date", "timestamp_utc", "timestamp_local")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
SOURCES = ("diary", "csv", "fit", "gpx", "tcx", "apple")
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class Column:
    name: str
    type: str  # one of TYPES
    unit: str  # "" when the value has none (a code, a count of things, a flag)
    description: str
    codes: tuple[str, ...] = ()  # the values a code column (or a list of codes) takes

    def __post_init__(self) -> None:
        assert self.type in TYPES, self.type


def _codes(*groups: Iterable[object]) -> tuple[str, ...]:
    return tuple(str(getattr(code, "value", code)) for group in groups for code in group)


PAIN = "0-10"  # a numeric rating scale: 0 no pain, 10 worst imaginable
PERSON = Column(
    "person",
    "string",
    "",
    "pseudonym of the person: the same in every table of this export, different in any other "
    "export (HMAC-SHA256 under a key made for this export and never kept)",
)

COLUMNS: dict[str, tuple[Column, ...]] = {
    "people": (
        PERSON,
        Column("protocol", "string", "", "name of the walking protocol followed"),
        Column("protocol_adjusted", "bool", "", "a clinician changed the protocol's thresholds"),
        Column("start_date", "date", "", "first day of program week 1"),
        Column("start_position", "int", "week", "protocol week the program started at (0 ease-in)"),
        Column("walking_days", "string", "", "preferred walking weekdays", WEEKDAYS),
        Column("goals", "string", "", "goals the person named", _codes(sorted(GOALS))),
        Column(
            "age",
            "int",
            "years",
            "age given in the zone settings in force at the export; 90 stands for 90 or over",
        ),
        Column("max_hr_measured", "int", "bpm", "measured maximum heart rate, when given"),
        Column("resting_hr", "int", "bpm", "resting heart rate, when given"),
        Column(
            "hrmax_formula",
            "string",
            "",
            "formula estimating maximum heart rate",
            tuple(HRMAX_FORMULAS),
        ),
        Column("zone_method", "string", "", "how the heart-rate band is worked out", ZONE_METHODS),
        Column("weeks_reviewed", "int", "weeks", "completed program weeks reviewed at the export"),
        Column("current_position", "int", "week", "protocol week prescribed next"),
    ),
    "walks": (
        PERSON,
        Column("walk_no", "int", "", "the person's walks numbered 1, 2, ... by start time"),
        Column("program_week", "int", "week", "program week of the walk's local date (1 = first)"),
        Column("start_utc", "timestamp_utc", "", "start of the walk, UTC"),
        Column("start_local", "timestamp_local", "", "start of the walk, local wall-clock time"),
        Column("local_date", "date", "", "local date of the walk (decides its program week)"),
        Column("duration_min", "float", "min", "duration"),
        Column("moving_min", "float", "min", "moving time, when recorded"),
        Column("distance_km", "float", "km", "distance, when recorded"),
        Column("avg_hr", "float", "bpm", "average heart rate, when recorded"),
        Column("max_hr", "int", "bpm", "maximum heart rate, when recorded"),
        Column("zone_min", "float", "min", "measured minutes in the target heart-rate band"),
        Column("band_low_bpm", "int", "bpm", "lower edge of the band those minutes used"),
        Column("band_high_bpm", "int", "bpm", "upper edge of the band those minutes used"),
        Column("effort", "int", "0-10", "rated effort (0 none, 10 maximal)"),
        Column("talk_test", "bool", "", "could speak in full sentences during the walk"),
        Column(
            "counts_by_effort",
            "bool",
            "",
            "no heart rate: the walk counts as in the band by its effort (3-6) or the talk test",
        ),
        Column("pain_before", "int", PAIN, "back pain before the walk"),
        Column("pain_during", "int", PAIN, "worst back pain during the walk"),
        Column("pain_after", "int", PAIN, "back pain right after the walk"),
        Column("pain_next_morning", "int", PAIN, "back pain the next morning"),
        Column("lower_limb_pain", "int", PAIN, "foot, knee, hip or shin pain"),
        Column(
            "pain_status",
            "string",
            "",
            "the walk's pain response under the protocol",
            _codes(PainStatus),
        ),
        Column("terrain", "string", "", "terrain", _codes(Terrain)),
        Column("tempo", "bool", "", "the tempo intervals were done on this walk"),
        Column(
            "cues_ticked", "int", "", "how many posture cues were ticked (their texts are left out)"
        ),
        Column(
            "pace_hr",
            "float",
            "m/min/bpm",
            "efficiency: metres per minute per heartbeat per minute, when the walk is eligible",
        ),
        Column("source", "string", "", "where the record came from", SOURCES),
        Column(
            "check_reason",
            "string",
            "",
            "why an imported walk waited for the person's confirmation (empty: it did not)",
            CHECK_REASONS,
        ),
    ),
    "checkins": (
        PERSON,
        Column("checkin_no", "int", "", "the person's check-ins numbered 1, 2, ... in order"),
        Column("date", "date", "", "day of the check-in"),
        Column("program_week", "int", "week", "program week of that day"),
        Column("morning_pain", "int", PAIN, "back pain on waking"),
        Column("red_flags", "string", "", "red-flag answers given", _codes(RedFlag)),
        Column("fear_of_movement", "bool", "", "the person reported fear of moving"),
        Column(
            "psfs",
            "string",
            "0-10",
            "Patient-Specific Functional Scale ratings, one per activity, in order",
        ),
        Column("psfs_mean", "float", "0-10", "mean of those ratings"),
        Column(
            "tsk17",
            "int",
            "points 17-68",
            "Tampa Scale of Kinesiophobia (17 items), by a clinician",
        ),
        Column("fabq_pa", "int", "points 0-24", "FABQ physical-activity subscale, by a clinician"),
    ),
    "weeks": (
        PERSON,
        Column("week", "int", "week", "program week (1 = first)"),
        Column("start_date", "date", "", "first day of the week"),
        Column("end_date", "date", "", "last day of the week"),
        Column("position", "int", "week", "protocol week prescribed for this week"),
        Column("phase", "int", "", "protocol phase of that prescription"),
        Column("walks_min", "int", "walks", "prescribed walks, at least"),
        Column("walks_max", "int", "walks", "prescribed walks, at most"),
        Column("minutes_min", "int", "min", "prescribed minutes per walk, at least"),
        Column("minutes_max", "int", "min", "prescribed minutes per walk, at most"),
        Column("long_walk_min", "int", "min", "prescribed long walk, when there is one"),
        Column("tempo_offered", "bool", "", "an optional tempo walk was offered"),
        Column("walks_logged", "int", "walks", "walks recorded in the week"),
        Column("walks_counted", "int", "walks", "walks long enough to count"),
        Column("minutes", "float", "min", "minutes walked"),
        Column("zone_measured_min", "float", "min", "minutes in the band, measured"),
        Column("zone_by_effort_min", "float", "min", "minutes in the band, by effort"),
        Column("longest_min", "float", "min", "longest walk"),
        Column("long_walk_done", "bool", "", "the long walk was done (empty: none prescribed)"),
        Column("tempo_done", "bool", "", "a tempo walk was done"),
        Column("pain", "string", "", "the week's pain status", _codes(PainStatus)),
        Column("morning_pain_mean", "float", PAIN, "mean morning pain over the week's days"),
        Column("morning_checkins", "int", "days", "days with a morning pain"),
        Column("adherence_walks", "float", "ratio", "walks counted / prescribed minimum"),
        Column("adherence_minutes", "float", "ratio", "minutes / prescribed minimum total"),
        Column("decision", "string", "", "the review's decision", _codes(Decision)),
        Column("reasons", "string", "", "every rule that matched, first decides", _codes(Reason)),
        Column("flags", "string", "", "flags raised for a clinician", _codes(Flag)),
        Column(
            "red_flags",
            "string",
            "",
            "red flags answered in the week or still open at its end",
            _codes(RedFlag),
        ),
        Column("next_position", "int", "week", "protocol week prescribed for the next week"),
    ),
    "referrals": (
        PERSON,
        Column("week", "int", "week", "program week whose review raised the referral"),
        Column("date", "date", "", "last day of that week"),
        Column("referral", "string", "", "why walking alone may not be enough", _codes(Referral)),
    ),
    "alerts": (
        PERSON,
        Column("alert_no", "int", "", "the person's alerts numbered 1, 2, ... oldest first"),
        Column("kind", "string", "", "what raised the alert", _codes(AlertKind)),
        Column("date", "date", "", "day of the event"),
        Column("walk_no", "int", "", "the walk concerned (walks.walk_no), when in the tables"),
        Column("checkin_no", "int", "", "the check-in concerned (checkins.checkin_no)"),
        Column(
            "codes",
            "string",
            "",
            "red-flag codes, or the morning pains of a rise (0-10)",
            _codes(RedFlag),
        ),
        Column("raised_at_utc", "timestamp_utc", "", "when the alert was raised"),
        Column("acknowledged", "bool", "", "a clinician acknowledged it"),
        Column("acknowledged_at_utc", "timestamp_utc", "", "when (who is left out)"),
    ),
    "followups": (
        PERSON,
        Column("followup_no", "int", "", "the person's follow-up answers numbered 1, 2, ..."),
        Column("date", "date", "", "day of the answer"),
        Column("days_since_end", "int", "days", "days from the end of the program to the answer"),
        Column(
            "recurrence",
            "bool",
            "",
            "since the previous answer, back pain limited daily activities for at least a day",
        ),
        Column("episode_start", "date", "", "when that episode began, as the person gave it"),
        Column("sought_care", "bool", "", "care was sought for it (empty: not said)"),
        Column("usual_minutes", "int", "min/wk", "minutes walked in a usual week now"),
    ),
    "outcomes": (
        PERSON,
        Column("ended", "date", "", "day the program ended (the time origin)"),
        Column("ended_by", "string", "", "how it ended", ("maintenance", "finished")),
        Column(
            "days",
            "int",
            "days",
            "from the end to the first recurrence's start, or to the last answer (censored)",
        ),
        Column("event", "bool", "", "a recurrence (true) or censored at the last answer (false)"),
        Column("episode_start", "date", "", "the recurrence's start as counted (day 0 at most)"),
        Column("last_answer", "date", "", "the answer that told it, or the latest answer"),
        Column("answers", "int", "", "follow-up answers counted"),
    ),
}

TABLES = tuple(COLUMNS)


def csv_value(value: Any) -> Any:
    """A CSV field as every research table writes it (docs/research-tables.md)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):  # an instant with its offset (UTC), a wall-clock time without
        if value.tzinfo is not None:
            return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S+00:00")
        return value.strftime("%Y-%m-%d %H:%M:%S")
    if isinstance(value, date):
        return value.isoformat()
    return value


def dictionary_rows() -> list[list[str]]:
    """The data dictionary as CSV rows: a header, then one row per column of every table."""
    rows = [["table", "column", "type", "unit", "description", "codes"]]
    for table, columns in COLUMNS.items():
        rows += [
            [table, c.name, c.type, c.unit, c.description, LIST_SEPARATOR.join(c.codes)]
            for c in columns
        ]
    return rows
