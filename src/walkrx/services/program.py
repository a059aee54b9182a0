"""Use cases of the program itself: set it up, show zones, the plan, today, weeks and reviews.

Each use case takes an unopened unit of work, the actor and the person's id (decision 0006).
Helpers whose names start with `load_`/`store_`/`apply_` work inside a unit of work another use
case has opened (onboarding, a clinician's adjustment), so that use case stays one transaction.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, timedelta

from walkrx import protocols
from walkrx.domain.codes import GOALS, RedFlag
from walkrx.domain.followup import AfterProgram, after_program
from walkrx.domain.model import Diary, Person, ProgramPause, ZoneSettings
from walkrx.domain.plan import PlannedWalk, PlannedWeek, build_plan, next_walk_after, walk_on
from walkrx.domain.protocol import Protocol
from walkrx.domain.redflags import advice, highest_tier
from walkrx.domain.review import (
    WeekReview,
    WeekSummary,
    clinician_pause_on,
    current_position,
    open_red_flags,
    review_weeks,
    summarise_week,
)
from walkrx.domain.stages import off_program, return_between
from walkrx.domain.units import check_units
from walkrx.domain.zones import HRMAX_FORMULAS, ZONE_METHODS, Zones, zones_for
from walkrx.errors import ConflictError, InvalidInputError
from walkrx.services.access import Actor, person_for
from walkrx.services.context import (
    check_timezone,
    load_diary,
    load_protocol,
    local_today,
    machine_timezone,
)
from walkrx.storage import UnitOfWork

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MAX_NAME_LENGTH = 200  # the stored name's column
EARLIEST_START = date(2000, 1, 1)
MAX_START_AHEAD = timedelta(days=366)
MAX_WEEK = 520  # program weeks that can be asked about: ten years (the API's week path uses it)


def parse_days(text: str) -> tuple[int, ...]:
    days: list[int] = []
    for part in text.lower().replace(" ", "").split(","):
        if part[:3] not in WEEKDAYS or not part:
            raise InvalidInputError(
                f"unknown weekday '{part}': use three-letter names such as mon,wed,fri",
                field="days",
            )
        days.append(WEEKDAYS.index(part[:3]))
    return tuple(sorted(set(days)))


def validate_zone_settings(settings: ZoneSettings) -> ZoneSettings:
    if settings.age is not None and not 10 <= settings.age <= 110:
        raise InvalidInputError(
            f"age {settings.age} is out of range: give an age from 10 to 110", field="age"
        )
    if settings.age is None and settings.max_hr is None:
        raise InvalidInputError(
            "give an age, or a measured maximum heart rate, so zones can be worked out",
            field="age",
        )
    if settings.max_hr is not None and not 100 <= settings.max_hr <= 230:
        raise InvalidInputError(
            f"maximum heart rate {settings.max_hr} is not plausible: give a value from 100 to 230",
            field="max_hr",
        )
    if settings.resting_hr is not None and not 30 <= settings.resting_hr <= 120:
        raise InvalidInputError(
            f"resting heart rate {settings.resting_hr} is not plausible: give 30 to 120 bpm",
            field="resting_hr",
        )
    if settings.hrmax_formula not in HRMAX_FORMULAS:
        raise InvalidInputError(
            f"unknown HRmax formula '{settings.hrmax_formula}': use one of "
            + ", ".join(HRMAX_FORMULAS),
            field="hrmax_formula",
        )
    if settings.zone_method not in ZONE_METHODS:
        raise InvalidInputError(
            f"unknown zone method '{settings.zone_method}': use hrmax or hrr", field="zone_method"
        )
    if settings.zone_method == "hrr" and settings.resting_hr is None:
        raise InvalidInputError(
            "the heart-rate-reserve zone method needs your resting heart rate (measured sitting "
            "quietly in the morning); give it, or choose the zone method hrmax",
            field="resting_hr",
        )
    return settings


def new_person(
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
    today: date | None = None,
    display_name: str | None = None,
    units: str = "metric",
) -> Person:
    """A new program, checked: the protocol is loaded first so a bad file stores nothing.

    With `today`, the start may be at most `MAX_START_AHEAD` later (a program is planned for
    the coming weeks, not for a date mistyped years ahead); it is never before `EARLIEST_START`.
    """
    if not name.strip():
        raise InvalidInputError("give a name", field="name")
    if len(name.strip()) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"the name is too long: keep it to {MAX_NAME_LENGTH} characters", field="name"
        )
    if display_name is not None and len(display_name.strip()) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"the name is too long: keep it to {MAX_NAME_LENGTH} characters",
            field="display_name",
        )
    if start < EARLIEST_START or (today is not None and start > today + MAX_START_AHEAD):
        latest = f" and {today + MAX_START_AHEAD}" if today is not None else ""
        raise InvalidInputError(
            f"a program can start between {EARLIEST_START}{latest}, not on {start}",
            field="start",
        )
    if name.strip().isdigit():
        raise InvalidInputError(
            "a name cannot be only digits (those are person ids): add a letter, e.g. 'Walker 12'",
            field="name",
        )
    protocols.load(protocol)  # refuse a malformed or unknown protocol before anything is stored
    for goal in goals:
        if goal not in GOALS:
            raise InvalidInputError(
                f"unknown goal '{goal}': use one of {', '.join(sorted(GOALS))}", field="goals"
            )
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
    return Person(
        id=None,
        display_name=" ".join(display_name.split()) if display_name else None,
        name=name.strip(),
        start=start,
        timezone=check_timezone(timezone or machine_timezone()),
        protocol=protocol,
        zones=(settings,),
        days=days if days else (0, 2, 4, 5, 6),
        goals=goals,
        units=check_units(units),
    )


def store_new_person(uow: UnitOfWork, person: Person) -> Person:
    """Add a checked new program in an open unit of work; names are unique in a database."""
    if uow.people.by_name(person.name) is not None:
        raise ConflictError(
            f"a person called '{person.name}' already exists in this database: choose another "
            "name, or work with the existing one"
        )
    return uow.people.add(person)


def create_program(uow: UnitOfWork, person: Person) -> Person:
    """Store a new program (`new_person`): the console's `init`."""
    with uow:
        stored = store_new_person(uow, person)
        uow.commit()
    return stored


def person_zones(person: Person, protocol: Protocol, day: date) -> Zones:
    return zones_for(person.zone_settings_on(day), protocol.zones)


@dataclass(frozen=True)
class Program:
    """A person's program as of a day: everything the views need, computed once."""

    person: Person
    protocol: Protocol
    diary: Diary
    today: date
    reviews: list[WeekReview]

    @property
    def position(self) -> int:
        """The protocol week of the week in progress (a return's, when it begins that week)."""
        first = self.person.week_start(len(self.reviews) + 1)
        back = return_between(self.diary.stages, first, first + timedelta(days=6))
        return current_position(self.reviews, self.person.start_position) if back is None else back

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
            next_position=self.position,
        )

    def after(self) -> AfterProgram:
        """The program after it ended: follow-ups, recurrence, a return (issue 13)."""
        return after_program(self.diary, self.protocol, self.reviews, self.today)

    def open_flags(self) -> tuple[RedFlag, ...]:
        return open_red_flags(self.diary, self.today)

    def week_summary(self, week: int) -> WeekSummary:
        if not 1 <= week <= MAX_WEEK:
            raise InvalidInputError(
                f"week numbers run from 1 to {MAX_WEEK} (ten years)", field="number"
            )
        for review in self.reviews:
            if review.week == week:
                return review.summary
        position = self.position if week > len(self.reviews) else self.person.start_position
        return summarise_week(self.diary, self.protocol, week, position)

    def review_of(self, week: int) -> WeekReview | None:
        return next((r for r in self.reviews if r.week == week), None)


def read_program(uow: UnitOfWork, person: Person, today: date | None = None) -> Program:
    """The program of a person already authorised, read in an open unit of work."""
    diary = load_diary(uow, person)
    protocol = load_protocol(person)
    day = today or local_today(person)
    reviews = review_weeks(diary, protocol, day, start_position=person.start_position)
    return Program(person, protocol, diary, day, reviews)


def load_program(
    uow: UnitOfWork, actor: Actor, person_id: int, today: date | None = None
) -> Program:
    """A person's program as of `today` (default: today where they live)."""
    with uow.read():
        return read_program(uow, person_for(uow, actor, person_id, write=False), today)


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
    clinician_pause: ProgramPause | None = None  # a clinician paused the program today
    next_walk: PlannedWalk | None = None  # the first planned walk after today (None: paused)
    this_week: WeekSummary | None = None  # the current week so far (None: before the start)
    last_review: WeekReview | None = None  # the review of the week just before this one
    after: AfterProgram | None = None  # after the program: follow-ups, a return (issue 13)
    finished: bool = False  # the program was finished and not taken up again: no walk planned

    @property
    def paused(self) -> bool:
        """No walk today because of an open red flag or a clinician's pause."""
        return bool(self.paused_by) or self.clinician_pause is not None


def today_view(prog: Program) -> Today:
    flags = prog.open_flags()
    tier = highest_tier(flags)
    before = prog.today < prog.person.start
    held = clinician_pause_on(prog.diary, prog.today)
    plan = prog.plan()
    finished = off_program(prog.diary.stages, prog.today)  # issue 13: no walk after a finish
    walk = None if (flags or before or held or finished) else walk_on(plan, prog.today)
    following = None
    if not (flags or held or finished):
        following = next_walk_after(plan, max(prog.today, prog.person.start - timedelta(days=1)))
    week = prog.current_week
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
        clinician_pause=held,
        next_walk=following,
        this_week=prog.week_summary(week) if 1 <= week <= MAX_WEEK else None,
        last_review=prog.review_of(week - 1),
        after=prog.after(),
        finished=finished,
    )


def apply_adjustment(
    uow: UnitOfWork,
    person: Person,
    *,
    protocol: str | None = None,
    start_position: int | None = None,
    adjustments: dict[str, float] | None = None,
) -> Person:
    """A clinician's tuning in an open unit of work: another protocol, where week 1 starts, or
    threshold changes.

    Everything is validated (the protocol loads and the adjusted thresholds pass the same checks as
    a protocol file) before anything is stored. `adjustments` replaces the previous set.
    """
    changed = dataclasses.replace(
        person,
        protocol=protocol if protocol is not None else person.protocol,
        start_position=start_position if start_position is not None else person.start_position,
        adjustments=(
            tuple(sorted(adjustments.items())) if adjustments is not None else person.adjustments
        ),
    )
    base = protocols.load(changed.protocol)
    if not 0 <= changed.start_position <= base.last_week + 1:
        raise InvalidInputError(
            f"start position {changed.start_position} is outside this protocol: give 0 "
            f"(ease-in) to {base.last_week + 1} (maintenance)",
            field="start_position",
        )
    protocols.customise(base, dict(changed.adjustments), changed.name)
    return uow.people.update(changed)
