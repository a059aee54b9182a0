"""Builders and Hypothesis strategies for the domain tests: walks, check-ins, clearings, diaries.

The builders make hand-written cases short (`walk(day, 20, during=3)`); the strategies generate
whole diaries over a few program weeks, with unique recording sequence numbers shared by check-ins
and flag clearings (spec section 3: later records override earlier ones; section 7: clearings
close flags recorded before them).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from hypothesis import strategies as st

from walkrx.domain.codes import RedFlag
from walkrx.domain.model import CheckIn, Diary, FlagClearing, Person, Walk, ZoneSettings
from walkrx.domain.protocol import Protocol
from walkrx.domain.review import WeekReview, review_weeks
from walkrx.protocols import load

START = date(2024, 1, 1)  # a Monday
DEFAULT_TZ = "UTC"


@cache
def protocol(name: str = "walking-6wk") -> Protocol:
    return load(name)


def person(
    start: date = START,
    *,
    timezone: str = DEFAULT_TZ,
    protocol_name: str = "walking-6wk",
    goals: tuple[str, ...] = (),
    days: tuple[int, ...] = (0, 2, 4, 5, 6),
) -> Person:
    return Person(
        id=1,
        name="Test Person",
        start=start,
        timezone=timezone,
        protocol=protocol_name,
        zones=(ZoneSettings(effective=start, age=50),),
        days=days,
        goals=goals,
    )


def day_of(week: int, offset: int = 0, start: date = START) -> date:
    """The local date `offset` days into program week `week`."""
    return start + timedelta(days=7 * (week - 1) + offset)


def walk(
    day: date,
    minutes: float,
    *,
    at: time = time(9, 0),
    tz: str = DEFAULT_TZ,
    before: int | None = None,
    during: int | None = None,
    after: int | None = None,
    next_morning: int | None = None,
    walk_id: int | None = None,
    **fields: object,
) -> Walk:
    """A walk starting at local time `at` on local date `day` in zone `tz`."""
    local = datetime.combine(day, at, tzinfo=ZoneInfo(tz))
    return Walk(
        id=walk_id,
        start=local.astimezone(UTC),
        timezone=tz,
        duration_s=round(minutes * 60),
        pain_before=before,
        pain_during=during,
        pain_after=after,
        pain_next_morning=next_morning,
        **fields,  # type: ignore[arg-type]
    )


def checkin(day: date, seq: int, **fields: object) -> CheckIn:
    return CheckIn(id=None, day=day, seq=seq, **fields)  # type: ignore[arg-type]


def clearing(day: date, seq: int) -> FlagClearing:
    return FlagClearing(id=None, day=day, seq=seq, note="seen by GP", by="person")


def green_walks(week: int, count: int, minutes: float, start: date = START) -> list[Walk]:
    """`count` pain-free walks of `minutes` on separate days of program week `week`."""
    return [
        walk(day_of(week, i, start), minutes, before=1, during=1, after=1) for i in range(count)
    ]


def on_track_week(week: int, position: int, name: str = "walking-6wk") -> list[Walk]:
    """Walks that meet the prescription of `position` exactly, all green (a `progress` week)."""
    rx = protocol(name).prescription(position)
    walks = green_walks(week, rx.walks_min, rx.minutes_min)
    if rx.long_walk_minutes:
        walks[-1] = walk(day_of(week, rx.walks_min - 1), rx.long_walk_minutes, before=1, during=1)
    return walks


def diary(
    walks: list[Walk] | tuple[Walk, ...] = (),
    checkins: list[CheckIn] | tuple[CheckIn, ...] = (),
    clearings: list[FlagClearing] | tuple[FlagClearing, ...] = (),
    who: Person | None = None,
) -> Diary:
    return Diary(
        person=who or person(),
        walks=tuple(walks),
        checkins=tuple(checkins),
        clearings=tuple(clearings),
    )


def reviews(d: Diary, weeks: int, name: str | None = None, **kw: int) -> list[WeekReview]:
    """Reviews of program weeks 1..weeks (today is the first day of week weeks + 1)."""
    p = protocol(name or d.person.protocol)
    today = d.person.week_start(weeks + 1)
    return review_weeks(d, p, today, **kw)


# --- Hypothesis strategies ---------------------------------------------------------------------

TIMEZONES = ("UTC", "America/New_York", "Europe/Berlin", "Asia/Tokyo", "Pacific/Auckland")
pain_values = st.none() | st.integers(0, 10)
red_flag_lists = st.lists(st.sampled_from(list(RedFlag)), max_size=2, unique=True)


@st.composite
def walks(draw: st.DrawFn, weeks: int = 6, start: date = START, first_day: int = 0) -> Walk:
    """One walk dated within program weeks 1..weeks (from day `first_day` of the program)."""
    offset = draw(st.integers(first_day, 7 * weeks - 1))
    at = time(draw(st.integers(5, 21)), draw(st.sampled_from((0, 15, 30, 45))))
    minutes = draw(st.integers(1, 90))
    avg_hr = draw(st.none() | st.integers(90, 160))
    return walk(
        start + timedelta(days=offset),
        minutes,
        at=at,
        tz=draw(st.sampled_from(TIMEZONES)),
        before=draw(pain_values),
        during=draw(pain_values),
        after=draw(pain_values),
        next_morning=draw(pain_values),
        avg_hr=avg_hr,
        effort=draw(st.none() | st.integers(0, 10)),
        talk_test=draw(st.none() | st.booleans()),
        zone_in_s=None if avg_hr is None else draw(st.integers(0, minutes * 60)),
        pace_hr=draw(st.none() | st.floats(0.3, 1.2)),
    )


def green_walk_for(day: date, minutes: float) -> Walk:
    """A walk that is green whatever the thresholds' defaults (no pain at all, settled)."""
    return walk(day, minutes, before=0, during=0, after=0, next_morning=0)


@st.composite
def checkin_fields(draw: st.DrawFn, day: date) -> dict[str, object]:
    rare = st.integers(0, 9)  # most check-ins carry no red flag, fear answer or score
    return {
        "day": day,
        "morning_pain": draw(pain_values),
        "red_flags": tuple(draw(red_flag_lists)) if draw(rare) == 0 else (),
        "fear_of_movement": draw(st.none() | st.booleans()) if draw(rare) < 2 else None,
        "psfs": tuple(draw(st.lists(st.integers(0, 10), min_size=3, max_size=5)))
        if draw(rare) == 0
        else (),
        "tsk17": draw(st.integers(17, 68)) if draw(rare) == 0 else None,
        "fabq_pa": draw(st.integers(0, 24)) if draw(rare) == 0 else None,
    }


@st.composite
def diaries(
    draw: st.DrawFn,
    weeks: int = 6,
    start: date = START,
    max_walks: int = 30,
    max_checkins: int = 30,
    goals: bool = True,
) -> Diary:
    """A whole diary over program weeks 1..weeks: walks, check-ins (a few onboarding ones dated
    before the start) and the odd flag clearing, with unique recording sequence numbers."""
    walk_list = draw(st.lists(walks(weeks, start), max_size=max_walks))
    checkin_days = draw(
        st.lists(
            st.integers(-3, 7 * weeks - 1).map(lambda o: start + timedelta(days=o)),
            max_size=max_checkins,
        )
    )
    checkin_specs = [draw(checkin_fields(day)) for day in checkin_days]
    clearing_days = draw(
        st.lists(st.integers(0, 7 * weeks - 1).map(lambda o: start + timedelta(days=o)), max_size=2)
    )
    seqs = draw(st.permutations(list(range(1, len(checkin_specs) + len(clearing_days) + 1))))
    checkin_list = [
        CheckIn(id=None, seq=seq, **spec)  # type: ignore[arg-type]
        for seq, spec in zip(seqs, checkin_specs, strict=False)
    ]
    clearing_list = [
        clearing(day, seq)
        for seq, day in zip(seqs[len(checkin_specs) :], clearing_days, strict=True)
    ]
    chosen_goals = ("return_to_sport",) if goals and draw(st.booleans()) else ()
    return Diary(
        person=person(start, goals=chosen_goals),
        walks=tuple(walk_list),
        checkins=tuple(checkin_list),
        clearings=tuple(clearing_list),
    )


@st.composite
def program_diaries(draw: st.DrawFn, weeks: int = 8, start: date = START) -> Diary:
    """A diary shaped like a real program. Most weeks follow the prescription of the position the
    earlier reviews reached (so progress is common), the others are random: 0-8 walks of 5-60 min
    with mostly low pain. Morning pain stays near a personal level, with the odd red flag,
    fear answer, score and clearing, so holds, step backs and pauses all happen too."""
    base = draw(st.integers(0, 6))
    checkin_specs: list[dict[str, object]] = []
    for week in range(1, weeks + 1):
        for offset in draw(st.lists(st.integers(0, 6), max_size=5)):
            spec = draw(checkin_fields(day_of(week, offset, start)))
            if draw(st.integers(0, 3)) != 0:  # red flags rarer still here
                spec["red_flags"] = ()
            if draw(st.integers(0, 4)) != 0:  # morning pain near the personal level
                spec["morning_pain"] = max(0, min(10, base + draw(st.integers(-1, 1))))
            checkin_specs.append(spec)
    clearing_days = draw(
        st.lists(st.integers(0, 7 * weeks - 1).map(lambda o: start + timedelta(days=o)), max_size=2)
    )
    seqs = draw(st.permutations(list(range(1, len(checkin_specs) + len(clearing_days) + 1))))
    who = person(start, goals=("return_to_sport",) if draw(st.booleans()) else ())
    checkins = tuple(
        CheckIn(id=None, seq=seq, **spec)  # type: ignore[arg-type]
        for seq, spec in zip(seqs, checkin_specs, strict=False)
    )
    clearings = tuple(
        clearing(day, seq)
        for seq, day in zip(seqs[len(checkin_specs) :], clearing_days, strict=True)
    )
    low_pain = st.one_of(st.none(), st.integers(0, 3), st.integers(0, 3), st.integers(0, 10))
    walk_list: list[Walk] = []
    for week in range(1, weeks + 1):
        if draw(st.integers(0, 2)) != 0:  # as prescribed for the position reached so far
            so_far = Diary(who, tuple(walk_list), checkins, clearings)
            done = review_weeks(so_far, protocol(), who.week_start(week))
            position = done[-1].next_position if done else 1
            pain = draw(st.integers(0, 5))
            walk_list.extend(
                replace(
                    w,
                    pain_before=pain,
                    pain_during=pain,
                    pain_after=None,
                    pain_next_morning=draw(st.none() | st.just(pain)),
                )
                for w in on_track_week(week, position)
            )
            continue
        for _ in range(draw(st.integers(0, 8))):
            day = day_of(week, draw(st.integers(0, 6)), start)
            walk_list.append(
                walk(
                    day,
                    draw(st.integers(5, 60)),
                    at=time(draw(st.integers(0, 23)), draw(st.sampled_from((0, 30)))),
                    tz=draw(st.sampled_from(TIMEZONES)),
                    before=draw(low_pain),
                    during=draw(low_pain),
                    after=draw(low_pain),
                    next_morning=draw(low_pain),
                    effort=draw(st.none() | st.integers(0, 10)),
                    talk_test=draw(st.none() | st.booleans()),
                )
            )
    return Diary(person=who, walks=tuple(walk_list), checkins=checkins, clearings=clearings)


any_diary = st.one_of(diaries(), program_diaries())
