"""Use cases of the program itself: set it up, show zones, the plan, today, weeks and reviews."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date

from walkrx import protocols
from walkrx.domain.codes import GOALS, RedFlag
from walkrx.domain.model import Diary, Person, ZoneSettings
from walkrx.domain.plan import PlannedWalk, PlannedWeek, build_plan, walk_on
from walkrx.domain.protocol import Protocol
from walkrx.domain.redflags import advice, highest_tier
from walkrx.domain.review import (
    WeekReview,
    WeekSummary,
    current_position,
    open_red_flags,
    review_weeks,
    summarise_week,
)
from walkrx.domain.zones import HRMAX_FORMULAS, ZONE_METHODS, Zones, zones_for
from walkrx.errors import ConflictError, InvalidInputError
from walkrx.services.context import (
    check_timezone,
    find_person,
    load_diary,
    load_protocol,
    local_today,
    machine_timezone,
)
from walkrx.storage import Database, UnitOfWork

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def parse_days(text: str) -> tuple[int, ...]:
    days: list[int] = []
    for part in text.lower().replace(" ", "").split(","):
        if part[:3] not in WEEKDAYS or not part:
            raise InvalidInputError(
                f"unknown weekday '{part}' in --days: use three-letter names such as mon,wed,fri"
            )
        days.append(WEEKDAYS.index(part[:3]))
    return tuple(sorted(set(days)))


def validate_zone_settings(settings: ZoneSettings) -> ZoneSettings:
    if settings.age is not None and not 10 <= settings.age <= 110:
        raise InvalidInputError(f"age {settings.age} is out of range: give an age from 10 to 110")
    if settings.age is None and settings.max_hr is None:
        raise InvalidInputError("give an --age, or a measured --max-hr, so zones can be worked out")
    if settings.max_hr is not None and not 100 <= settings.max_hr <= 230:
        raise InvalidInputError(
            f"maximum heart rate {settings.max_hr} is not plausible: give a value from 100 to 230"
        )
    if settings.resting_hr is not None and not 30 <= settings.resting_hr <= 120:
        raise InvalidInputError(
            f"resting heart rate {settings.resting_hr} is not plausible: give 30 to 120 bpm"
        )
    if settings.hrmax_formula not in HRMAX_FORMULAS:
        raise InvalidInputError(
            f"unknown HRmax formula '{settings.hrmax_formula}': use one of "
            + ", ".join(HRMAX_FORMULAS)
        )
    if settings.zone_method not in ZONE_METHODS:
        raise InvalidInputError(f"unknown zone method '{settings.zone_method}': use hrmax or hrr")
    if settings.zone_method == "hrr" and settings.resting_hr is None:
        raise InvalidInputError(
            "the heart-rate-reserve zone method needs your resting heart rate: add --resting-hr N "
            "(measured sitting quietly in the morning), or use --zone-method hrmax"
        )
    return settings


def init_program(
    db: Database,
    *,
    name: str,
    start: date,
    age: int | None,
    timezone: str | None = None,
    protocol: str = "walking-6wk",
    max_hr: int | None = None,
    resting_hr: int | None = None,
    hrmax_formula: str = "tanaka",
    zone_method: str = "hrmax",
    days: tuple[int, ...] | None = None,
    goals: tuple[str, ...] = (),
) -> Person:
    """Create a person's program; the protocol is loaded first so a bad file stores nothing."""
    if not name.strip():
        raise InvalidInputError("give a name with --name")
    if name.strip().isdigit():
        raise InvalidInputError(
            "a name cannot be only digits (those are person ids): add a letter, e.g. 'Walker 12'"
        )
    protocols.load(protocol)  # refuse a malformed or unknown protocol before anything is stored
    for goal in goals:
        if goal not in GOALS:
            raise InvalidInputError(f"unknown goal '{goal}': use one of {', '.join(sorted(GOALS))}")
    settings = validate_zone_settings(
        ZoneSettings(
            effective=start,
            age=age,
            max_hr=max_hr,
            resting_hr=resting_hr,
            hrmax_formula=hrmax_formula,
            zone_method=zone_method,
        )
    )
    person = Person(
        id=None,
        name=name.strip(),
        start=start,
        timezone=check_timezone(timezone or machine_timezone()),
        protocol=protocol,
        zones=(settings,),
        days=days if days else (0, 2, 4, 5, 6),
        goals=goals,
    )
    with UnitOfWork(db) as uow:
        if uow.people.by_name(person.name) is not None:
            raise ConflictError(
                f"a person called '{person.name}' already exists in this database: "
                "choose another --name, or use --person to work with the existing one"
            )
        stored = uow.people.add(person)
        uow.commit()
    return stored


def person_zones(person: Person, protocol: Protocol, day: date) -> Zones:
    return zones_for(person.zone_settings_on(day), protocol.zones)


@dataclass(frozen=True)
class Programme:
    """A person's program as of a day: everything the views need, computed once."""

    person: Person
    protocol: Protocol
    diary: Diary
    today: date
    reviews: list[WeekReview]

    @property
    def position(self) -> int:
        return current_position(self.reviews, self.person.start_position)

    @property
    def current_week(self) -> int:
        return self.person.week_of(self.today)

    def zones(self, day: date | None = None) -> Zones:
        return person_zones(self.person, self.protocol, day or self.today)

    def plan(self) -> list[PlannedWeek]:
        return build_plan(
            self.protocol,
            self.person.start,
            self.person.days,
            self.reviews,
            start_position=self.person.start_position,
        )

    def open_flags(self) -> tuple[RedFlag, ...]:
        return open_red_flags(self.diary, self.today)

    def week_summary(self, week: int) -> WeekSummary:
        for review in self.reviews:
            if review.week == week:
                return review.summary
        position = self.position if week > len(self.reviews) else self.person.start_position
        return summarise_week(self.diary, self.protocol, week, position)

    def review_of(self, week: int) -> WeekReview | None:
        return next((r for r in self.reviews if r.week == week), None)


def programme(db: Database, person_ref: str | None, today: date | None = None) -> Programme:
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        diary = load_diary(uow, person)
    protocol = load_protocol(person)
    day = today or local_today(person)
    reviews = review_weeks(diary, protocol, day, start_position=person.start_position)
    return Programme(person, protocol, diary, day, reviews)


@dataclass(frozen=True)
class Today:
    day: date
    week: int
    position: int
    walk: PlannedWalk | None  # None: a rest day (or before the start, or paused)
    paused_by: tuple[RedFlag, ...]
    advice: str | None
    before_start: bool
    zones: Zones
    protocol: Protocol


def today_view(prog: Programme) -> Today:
    flags = prog.open_flags()
    tier = highest_tier(flags)
    before = prog.today < prog.person.start
    walk = None if (flags or before) else walk_on(prog.plan(), prog.today)
    return Today(
        day=prog.today,
        week=prog.current_week,
        position=prog.position,
        walk=walk,
        paused_by=flags,
        advice=advice(tier) if tier else None,
        before_start=before,
        zones=prog.zones(),
        protocol=prog.protocol,
    )


def adjust_program(
    db: Database,
    person_ref: str | None,
    *,
    protocol: str | None = None,
    start_position: int | None = None,
    adjustments: dict[str, float] | None = None,
) -> Person:
    """A clinician's tuning: another protocol, where week 1 starts, or threshold changes.

    Everything is validated (the protocol loads and the adjusted thresholds pass the same checks as
    a protocol file) before anything is stored. `adjustments` replaces the previous set.
    """
    with UnitOfWork(db) as uow:
        person = find_person(uow, person_ref)
        changed = dataclasses.replace(
            person,
            protocol=protocol if protocol is not None else person.protocol,
            start_position=start_position if start_position is not None else person.start_position,
            adjustments=(
                tuple(sorted(adjustments.items()))
                if adjustments is not None
                else person.adjustments
            ),
        )
        base = protocols.load(changed.protocol)
        if not 0 <= changed.start_position <= base.last_week + 1:
            raise InvalidInputError(
                f"start position {changed.start_position} is outside this protocol: give 0 "
                f"(ease-in) to {base.last_week + 1} (maintenance)"
            )
        protocols.customise(base, dict(changed.adjustments), changed.name)
        stored = uow.people.update(changed)
        uow.commit()
    return stored
