"""What a person enters, checked: walks and check-ins as given (from flags, a form or JSON),
their limits, and how they become domain records. No storage and no clock: the diary's use cases
(`services.diary`) call these inside their transactions, and the API's request models state the
same limits (one constant per limit, here).
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from walkrx.domain.codes import RedFlag, Terrain
from walkrx.domain.efficiency import MIN_EFFICIENCY_MOVING_S
from walkrx.domain.model import CheckIn, Person, Walk
from walkrx.domain.protocol import Protocol
from walkrx.domain.units import IMPERIAL, KM_PER_MILE, metres_from
from walkrx.domain.zones import in_band, zones_for
from walkrx.errors import InvalidInputError
from walkrx.services.context import check_timezone

PAIN_FIELDS = ("pain_before", "pain_during", "pain_after", "pain_next_morning", "lower_limb_pain")
# What a person may give, one constant per limit; the API's request models use these too, so
# /api/v1/openapi.json states them (issue 10).
MAX_WALK_MINUTES = 24 * 60
MAX_DISTANCE_KM = 100.0
MIN_HR, MAX_HR = 30, 240  # bpm
SCALE_MAX = 10  # pain, effort and functional-scale ratings run from 0 to this
MAX_NOTE_LENGTH = 2000  # a walk's notes, a clearing's note (characters)
MAX_CUES, MAX_CUE_LENGTH = 20, 200  # posture cues ticked on one walk, characters in each
MAX_CODE_LENGTH = 40  # a red-flag code, a terrain
MAX_RED_FLAGS = len(RedFlag)  # codes in one check-in: each warning sign once
MIN_PSFS, MAX_PSFS = 3, 5  # functional-scale ratings in one check-in
MAX_AUTHOR_LENGTH = 200  # who cleared a red flag
MAX_TIMEZONE_LENGTH = 64  # an IANA zone name
DAYS_AHEAD = 1  # dates up to the person's today + 1: a walk logged from a zone already in tomorrow
# an entry's key from the client (a UUID, issue 14): the same key again returns the stored entry
ENTRY_KEY_PATTERN = r"^[A-Za-z0-9_-]{8,64}$"
MAX_ACTIVITY_LENGTH = 80  # an activity named for the functional scale (characters)
_ENTRY_KEY = re.compile(ENTRY_KEY_PATTERN)


def check_entry_key(key: str | None) -> str | None:
    """An entry's key as given (None: no key), refused unless 8 to 64 letters, digits, - or _."""
    if key is None:
        return None
    if not _ENTRY_KEY.match(key):
        raise InvalidInputError(
            "an entry key is 8 to 64 letters, digits, '-' or '_' (a UUID, for instance), not "
            f"'{_shown(key)}'",
            field="entry_key",
        )
    return key


def check_activities(names: tuple[str, ...]) -> tuple[str, ...]:
    """The activities a person names for the functional scale: up to `MAX_PSFS`, each in a
    few words; blanks dropped, spaces tidied."""
    tidy = tuple(" ".join(name.split()) for name in names if name.strip())
    if len(tidy) > MAX_PSFS:
        raise InvalidInputError(
            f"name at most {MAX_PSFS} activities, not {len(tidy)}", field="activities"
        )
    for name in tidy:
        check_length("an activity's name", name, MAX_ACTIVITY_LENGTH, "activities")
    return tidy


def _check_scale(label: str, value: int | None, field: str) -> None:
    if value is not None and not 0 <= value <= SCALE_MAX:
        raise InvalidInputError(
            f"{label} must be a whole number from 0 to {SCALE_MAX}, not {value}", field=field
        )


def check_length(label: str, text: str, limit: int, field: str) -> None:
    if len(text) > limit:
        raise InvalidInputError(
            f"{label} is too long ({len(text):,} characters): keep it to {limit:,}", field=field
        )


def _shown(text: str) -> str:
    """Input echoed in a message, cut short when it is long."""
    return text if len(text) <= MAX_CODE_LENGTH else text[:MAX_CODE_LENGTH] + "..."


def check_day(person: Person, day: date, today: date | None, what: str, earliest: date) -> None:
    """`what` ("the walk") dated from `earliest` to the person's `today` + `DAYS_AHEAD`."""
    if day < earliest:
        raise InvalidInputError(
            f"{what} on {day} is before the program starts ({person.start}): give a date "
            f"from {earliest} on",
            field="date",
        )
    if today is not None and day > (latest := today + timedelta(days=DAYS_AHEAD)):
        raise InvalidInputError(
            f"{what} on {day} is in the future: give a date up to {latest}", field="date"
        )


def parse_red_flags(codes: list[str] | tuple[str, ...]) -> tuple[RedFlag, ...]:
    if len(codes) > MAX_RED_FLAGS:
        raise InvalidInputError(
            f"{len(codes):,} red-flag codes is too many: give each of the {MAX_RED_FLAGS} warning "
            "signs at most once",
            field="red_flags",
        )
    flags: list[RedFlag] = []
    for raw in codes:
        code = raw.strip()
        if not code:
            continue
        try:
            flags.append(RedFlag(code))
        except ValueError:
            known = ", ".join(f.value for f in RedFlag)
            raise InvalidInputError(
                f"unknown red-flag code '{_shown(code)}': use one of {known}", field="red_flags"
            ) from None
    return tuple(dict.fromkeys(flags))


def validate_walk(walk: Walk, person: Person, today: date | None = None) -> Walk:
    """Refuse a walk that cannot be right, with a message that says what to fix; given the
    person's `today`, a walk after today + `DAYS_AHEAD` too."""
    check_timezone(walk.timezone)
    if walk.start.tzinfo is None:
        raise InvalidInputError("a walk's start time needs a time zone")
    check_day(person, walk.local_date, today, "the walk", person.start)
    if not 0 < walk.duration_s <= MAX_WALK_MINUTES * 60:
        raise InvalidInputError(
            "a walk must last more than 0 and at most 24 hours", field="minutes"
        )
    if walk.moving_s is not None and not 0 <= walk.moving_s <= walk.duration_s:
        raise InvalidInputError(
            "moving time must be between 0 and the walk's duration", field="moving_minutes"
        )
    if walk.distance_m is not None and not 0 <= walk.distance_m <= MAX_DISTANCE_KM * 1000:
        raise InvalidInputError(
            f"distance must be between 0 and {MAX_DISTANCE_KM:g} km", field="distance_km"
        )
    for field, label, hr in (
        ("avg_hr", "average heart rate", walk.avg_hr),
        ("max_hr", "maximum heart rate", walk.max_hr),
    ):
        if hr is not None and not MIN_HR <= hr <= MAX_HR:
            raise InvalidInputError(
                f"{label} {hr} is not plausible: give {MIN_HR} to {MAX_HR} bpm", field=field
            )
    if walk.avg_hr is not None and walk.max_hr is not None and walk.max_hr < walk.avg_hr:
        raise InvalidInputError(
            "maximum heart rate cannot be below the average heart rate", field="max_hr"
        )
    _check_scale("effort", walk.effort, "effort")
    for name in PAIN_FIELDS:
        _check_scale(name.replace("_", " "), getattr(walk, name), name)
    if walk.terrain is not None and walk.terrain not in {t.value for t in Terrain}:
        known = ", ".join(t.value for t in Terrain)
        raise InvalidInputError(
            f"unknown terrain '{_shown(walk.terrain)}': use one of {known}", field="terrain"
        )
    check_length("the notes", walk.notes, MAX_NOTE_LENGTH, "notes")
    if len(walk.cues) > MAX_CUES:
        raise InvalidInputError(
            f"{len(walk.cues):,} posture cues is too many: tick at most {MAX_CUES}", field="cues"
        )
    for cue in walk.cues:
        check_length("a posture cue", cue, MAX_CUE_LENGTH, "cues")
    return walk


def with_diary_figures(walk: Walk, person: Person, protocol: Protocol) -> Walk:
    """Fill the measured zone time and the pace-per-beat of a walk logged by hand (spec 2 and 9).

    A diary walk with an average heart rate counts all its minutes as measured when that average
    lies in the band in force on the walk's date, none otherwise. Imported walks keep the figures
    computed from their samples.
    """
    if walk.source not in ("diary", "csv"):
        return walk
    zones = zones_for(person.zone_settings_on(walk.local_date), protocol.zones)
    zone_in_s: int | None = None
    band: tuple[int, int] | None = None
    if walk.avg_hr is not None:
        band = zones.band_bpm
        zone_in_s = walk.duration_s if in_band(walk.avg_hr, band) else 0
    pace = None
    if (
        walk.distance_m
        and walk.avg_hr
        and walk.duration_s >= MIN_EFFICIENCY_MOVING_S
        and walk.terrain not in ("hilly", "treadmill")
    ):
        pace = (walk.distance_m / (walk.duration_s / 60)) / walk.avg_hr
    return dataclasses.replace(walk, zone_in_s=zone_in_s, band_bpm=band, pace_hr=pace)


# The fields a person may give or change on a walk, in their own units (WalkEntry's and the API's
# names); `minutes` and `distance_km` become `duration_s` and `distance_m` here only; `cues` are
# the posture checklist's cues ticked after the walk (issue 15), replacing those ticked before.
EDITABLE = (
    *("minutes", "distance_km", "avg_hr", "max_hr", "effort"),
    *(*PAIN_FIELDS, "terrain", "talk_test", "notes", "cues"),
)


@dataclass(frozen=True)
class WalkEntry:
    """A walk as a person logs it by hand, from flags, a form or JSON alike."""

    minutes: float
    day: date | None = None  # the local date; default: the person's today
    start: time | None = None  # local start time; default: noon
    timezone: str | None = None  # where it was walked; default: the person's zone
    moving_minutes: float | None = None
    distance_km: float | None = None
    distance_mi: float | None = None  # in miles, for a walker who reads miles (issue 15)
    avg_hr: float | None = None
    max_hr: int | None = None
    effort: int | None = None
    pain_before: int | None = None
    pain_during: int | None = None
    pain_after: int | None = None
    pain_next_morning: int | None = None
    lower_limb_pain: int | None = None
    terrain: str | None = None
    talk_test: bool | None = None
    tempo: bool = False
    notes: str = ""
    cues: tuple[str, ...] = ()
    key: str | None = None  # the client's key for this entry (`check_entry_key`)


def _finite(value: float | None, field: str, label: str) -> float | None:
    if value is not None and not math.isfinite(value):
        raise InvalidInputError(f"{label} must be a number, not {value}", field=field)
    return value


def _seconds(minutes: float, field: str, label: str) -> int:
    checked = _finite(minutes, field, label)
    assert checked is not None
    if not 0 < checked <= MAX_WALK_MINUTES:
        raise InvalidInputError(
            f"{label} must be more than 0 and at most {MAX_WALK_MINUTES} (24 hours)", field=field
        )
    return round(checked * 60)


def _metres(km: float | None) -> float | None:
    checked = _finite(km, "distance_km", "the distance in km")
    if checked is not None and not 0 <= checked <= MAX_DISTANCE_KM:
        raise InvalidInputError(
            f"the distance must be between 0 and {MAX_DISTANCE_KM:g} km", field="distance_km"
        )
    return None if checked is None else checked * 1000


def _entry_metres(entry: WalkEntry) -> float | None:
    """The entry's distance in metres, given in km or in miles (not both)."""
    if entry.distance_mi is None:
        return _metres(entry.distance_km)
    if entry.distance_km is not None:
        raise InvalidInputError(
            "give the distance once, in kilometres or in miles", field="distance_mi"
        )
    miles = _finite(entry.distance_mi, "distance_mi", "the distance in miles")
    assert miles is not None
    limit = MAX_DISTANCE_KM / float(KM_PER_MILE)
    if not 0 <= miles <= limit:
        raise InvalidInputError(
            f"the distance must be between 0 and {limit:.0f} miles", field="distance_mi"
        )
    return metres_from(miles, IMPERIAL)


def entry_walk(entry: WalkEntry, person: Person, today: date) -> Walk:
    """The `Walk` a hand-logged entry stands for, in the person's zone and program."""
    check_length("the time zone", entry.timezone or "", MAX_TIMEZONE_LENGTH, "timezone")
    zone = check_timezone(entry.timezone or person.timezone)
    return Walk(
        id=None,
        start=walk_start(entry.day or today, entry.start, zone),
        timezone=zone,
        duration_s=_seconds(entry.minutes, "minutes", "minutes"),
        moving_s=(
            _seconds(entry.moving_minutes, "moving_minutes", "moving minutes")
            if entry.moving_minutes is not None
            else None
        ),
        distance_m=_entry_metres(entry),
        avg_hr=_finite(entry.avg_hr, "avg_hr", "the average heart rate"),
        max_hr=entry.max_hr,
        effort=entry.effort,
        pain_before=entry.pain_before,
        pain_during=entry.pain_during,
        pain_after=entry.pain_after,
        pain_next_morning=entry.pain_next_morning,
        lower_limb_pain=entry.lower_limb_pain,
        terrain=entry.terrain,
        talk_test=entry.talk_test,
        tempo=entry.tempo,
        notes=entry.notes,
        cues=entry.cues,
    )


def walk_changes(changes: Mapping[str, Any]) -> dict[str, Any]:
    """The `Walk` fields that a person's changes (names of `EDITABLE`) stand for."""
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise InvalidInputError(
            f"cannot change {', '.join(sorted(unknown))}: only {', '.join(EDITABLE)}",
            field=sorted(unknown)[0],
        )
    out = {k: v for k, v in changes.items() if k not in ("minutes", "distance_km")}
    if changes.get("minutes") is not None:
        out["duration_s"] = _seconds(changes["minutes"], "minutes", "minutes")
    if "distance_km" in changes:
        out["distance_m"] = _metres(changes["distance_km"])
    if "avg_hr" in changes:
        _finite(changes["avg_hr"], "avg_hr", "the average heart rate")
    if "cues" in changes:
        out["cues"] = tuple(changes["cues"] or ())
    if "notes" in changes and changes["notes"] is None:
        out["notes"] = ""  # notes set to nothing are cleared
    if not out:
        raise InvalidInputError("nothing to change: give at least one field, e.g. pain after")
    return out


def walk_start(day: date, start: time | None, timezone: str) -> datetime:
    local = datetime.combine(day, start or time(12, 0), tzinfo=ZoneInfo(check_timezone(timezone)))
    return local.astimezone(UTC)


def validate_checkin(checkin: CheckIn) -> CheckIn:
    _check_scale("morning pain", checkin.morning_pain, "morning_pain")
    if checkin.psfs and not MIN_PSFS <= len(checkin.psfs) <= MAX_PSFS:
        raise InvalidInputError(
            f"the functional scale takes {MIN_PSFS} to {MAX_PSFS} ratings, one per activity, "
            "e.g. 5,6,4",
            field="psfs",
        )
    for rating in checkin.psfs:
        _check_scale("each functional-scale rating", rating, "psfs")
    if checkin.tsk17 is not None and not 17 <= checkin.tsk17 <= 68:
        raise InvalidInputError(
            f"a TSK-17 score runs from 17 to 68, not {checkin.tsk17}", field="tsk17"
        )
    if checkin.fabq_pa is not None and not 0 <= checkin.fabq_pa <= 24:
        raise InvalidInputError(
            f"a FABQ physical-activity score runs from 0 to 24, not {checkin.fabq_pa}",
            field="fabq_pa",
        )
    return checkin


@dataclass(frozen=True)
class CheckInEntry:
    """A morning check-in as a person gives it; red flags as their codes."""

    day: date | None = None  # default: the person's today
    morning_pain: int | None = None
    red_flags: tuple[str, ...] = ()
    fear_of_movement: bool | None = None
    psfs: tuple[int, ...] = ()
    tsk17: int | None = None
    fabq_pa: int | None = None
    key: str | None = None  # the client's key for this entry (`check_entry_key`)
    # the activities the ratings are about, named (again) with this check-in; None: unchanged
    activities: tuple[str, ...] | None = None
