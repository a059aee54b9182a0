"""A clinician adjusting a patient's program (issue 11): thresholds, protocol, start position,
measured heart rates, planned days; a preview of what that would change; pausing and resuming.

Each public use case is one function over one unopened unit of work (decision 0006): it checks in
that transaction that the actor is a clinician and authorises the patient with
`access.person_for` (an unlinked person is "not found"), then reads or writes, committing at most
once. The adjustment comes as the form's text (`Proposal`): every field is checked, and all the
problems are raised together as an `AdjustmentError` keyed by field, so the form can show each
beside its box.

Pausing and resuming a program are in `walkrx.services.pausing`.

The preview works the proposal out without storing it: the reviews of the weeks already reviewed,
with the settings in force and with the proposed ones, and the weeks whose decision or reasons
would differ. Zones and planned days never change a past decision (the review reads the zone
minutes each walk was stored with), so the preview shows the band they give instead.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from walkrx import protocols
from walkrx.domain.model import Person, ProgramPause, ZoneSettings
from walkrx.domain.protocol import Protocol
from walkrx.domain.review import WeekReview, review_weeks
from walkrx.domain.thresholds import GROUPS, ThresholdWords, words_for
from walkrx.domain.zones import Zones
from walkrx.errors import (
    AdjustmentError,
    InvalidInputError,
    NotFoundError,
    ProtocolFileError,
)
from walkrx.protocols.loader import ADJUSTABLE_SECTIONS
from walkrx.services import program, status
from walkrx.services.access import Actor, hidden, person_for
from walkrx.services.context import load_diary, load_protocol, local_today
from walkrx.services.diary import DAYS_AHEAD
from walkrx.storage import UnitOfWork
from walkrx.storage.accounts import StoredUser

# --- the thresholds, worded and grouped ------------------------------------------------------


@dataclass(frozen=True)
class Threshold:
    """One adjustable threshold: its dotted key, the value in force and the protocol's own."""

    key: str
    value: float
    default: float
    integer: bool

    @property
    def adjusted(self) -> bool:
        return self.value != self.default

    @property
    def words(self) -> ThresholdWords:
        """Its label, unit and what it does (`walkrx.domain.thresholds`)."""
        return words_for(self.key)


@dataclass(frozen=True)
class ThresholdSection:
    """A group of thresholds as the adjustment form shows them."""

    name: str
    title: str
    intro: str
    thresholds: tuple[Threshold, ...]


def _sections(value: Any) -> dict[str, dict[str, float]]:
    return {
        section: {
            name: number
            for name, number in dataclasses.asdict(getattr(value, section)).items()
            if isinstance(number, int | float) and not isinstance(number, bool)
        }
        for section in ADJUSTABLE_SECTIONS
    }


def thresholds(person: Person) -> list[Threshold]:
    """Every adjustable threshold of the person's protocol, with the adjustments in force."""
    base = protocols.load(person.protocol)
    adjustments = dict(person.adjustments)
    result: list[Threshold] = []
    for section, values in _sections(base).items():
        for name, default in values.items():
            key = f"{section}.{name}"
            result.append(
                Threshold(
                    key=key,
                    value=adjustments.get(key, default),
                    default=default,
                    integer=isinstance(default, int),
                )
            )
    return result


def threshold_keys() -> frozenset[str]:
    """The dotted key of every adjustable threshold (the same in every protocol): the fields of an
    adjustment form that are thresholds."""
    keys: set[str] = set()
    for name in protocols.available():
        for section, values in _sections(protocols.load(name)).items():
            keys.update(f"{section}.{key}" for key in values)
    return frozenset(keys)


def grouped(found: list[Threshold]) -> list[ThresholdSection]:
    """Thresholds in the groups and order of `walkrx.domain.thresholds`; any the wording does not
    know (a field added later) follow in their section's group."""
    by_key = {t.key: t for t in found}
    sections: list[ThresholdSection] = []
    for group in GROUPS:
        ordered = [by_key.pop(w.key) for w in group.thresholds if w.key in by_key]
        ordered += [t for k, t in list(by_key.items()) if k.startswith(f"{group.name}.")]
        for t in ordered:
            by_key.pop(t.key, None)
        sections.append(ThresholdSection(group.name, group.title, group.intro, tuple(ordered)))
    return sections


# --- the proposal and its checks --------------------------------------------------------------


@dataclass(frozen=True)
class Proposal:
    """What an adjustment form sends, as text. None: the field was not on the form (unchanged)."""

    protocol: str | None = None
    start_position: str | None = None
    values: Mapping[str, str] | None = None  # threshold key -> text ("": the protocol's own)
    max_hr: str | None = None  # measured HRmax in bpm; "": none (estimate from age)
    resting_hr: str | None = None  # bpm; "": none
    zones_from: str | None = None  # ISO date the heart rates apply from; "" or None: today
    days: tuple[str, ...] | None = None  # planned weekdays, three-letter names


def said(day: date) -> str:
    """A date in a message, as people read it: Mon 2 Mar 2026."""
    return day.strftime("%a %-d %b %Y")


def _number(text: str, integer: bool) -> float:
    """A form's number: a decimal comma is read as a point; non-finite numbers (inf, nan) and, for
    an integer threshold, fractions are refused with ValueError and a message to show."""
    kind = "a whole number" if integer else "a number"
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        raise ValueError(f"give {kind}, not '{text[:40]}'") from None
    if not math.isfinite(value):
        raise ValueError(f"give {kind} that is finite, not '{text[:40]}'")
    if integer:
        if value != int(value):
            raise ValueError(f"give a whole number, not '{text[:40]}'")
        return int(value)
    return value


def _worded(problem: str, section: str) -> str:
    """A protocol check's message with the section's field names replaced by their labels."""
    for key in sorted(
        (k for k in threshold_keys() if k.startswith(f"{section}.")), key=len, reverse=True
    ):
        name = key.partition(".")[2]
        problem = re.sub(rf"\b{name}\b", f"'{words_for(key).label}'", problem)
    return problem


def _checked_thresholds(
    person: Person, chosen: str, values: Mapping[str, str], errors: dict[str, str]
) -> dict[str, float]:
    switching = chosen != person.protocol
    shown = {t.key: t.value for t in thresholds(person)}  # what the form showed
    known = {t.key: t for t in thresholds(dataclasses.replace(person, protocol=chosen))}
    adjustments: dict[str, float] = {}
    for key, text in values.items():
        threshold = known.get(key)
        if threshold is None:
            errors[key] = "is not an adjustable threshold of this protocol"
            continue
        if not text.strip():
            continue  # left empty: the protocol's own value
        try:
            number = _number(text.strip(), threshold.integer)
        except ValueError as error:
            errors[key] = str(error)
            continue
        if switching and number == shown.get(key):
            continue  # left as the old protocol had it: take the new protocol's own value
        if number != threshold.default:
            adjustments[key] = number
    return adjustments


def _heart_rate(text: str | None, field: str, errors: dict[str, str]) -> int | None:
    if text is None or not text.strip():
        return None
    try:
        return int(_number(text.strip(), integer=True))
    except ValueError as error:
        errors[field] = f"{error} (beats per minute)"
        return None


def _zone_day(proposal: Proposal, person: Person, today: date, errors: dict[str, str]) -> date:
    text = (proposal.zones_from or "").strip()
    if not text:
        return today
    try:
        day = date.fromisoformat(text)
    except ValueError:
        errors["zones_from"] = f"'{text[:40]}' is not a date: use YYYY-MM-DD"
        return today
    earliest, latest = min(person.start, today), today + timedelta(days=DAYS_AHEAD)
    if not earliest <= day <= latest:
        errors["zones_from"] = (
            f"give a date from {said(earliest)} to {said(latest)}, not {said(day)}"
        )
    return day


def _zones(
    person: Person, proposal: Proposal, today: date, errors: dict[str, str]
) -> tuple[tuple[ZoneSettings, ...], date]:
    """The person's zone settings with the proposed heart rates from their date on: a new entry
    only when they differ from those in force on that date."""
    day = _zone_day(proposal, person, today, errors)
    if proposal.max_hr is None and proposal.resting_hr is None:
        return person.zones, day
    current = person.zone_settings_on(day)
    max_hr = _heart_rate(proposal.max_hr, "max_hr", errors)
    resting = _heart_rate(proposal.resting_hr, "resting_hr", errors)
    wanted = dataclasses.replace(
        current,
        effective=day,
        max_hr=max_hr if proposal.max_hr is not None else current.max_hr,
        resting_hr=resting if proposal.resting_hr is not None else current.resting_hr,
    )
    if (wanted.max_hr, wanted.resting_hr) == (current.max_hr, current.resting_hr):
        return person.zones, day
    try:
        program.validate_zone_settings(wanted)
    except InvalidInputError as error:
        if error.field == "age":  # no age on record: the form has no age box
            errors["max_hr"] = (
                "there is no age on record to estimate HRmax from: give a measured value"
            )
        else:
            errors.setdefault(error.field or "max_hr", error.message)
        return person.zones, day
    kept = [s for s in person.zones if s.effective != day]
    return tuple(sorted([*kept, wanted], key=lambda s: s.effective)), day


def _days(proposal: Proposal, person: Person, errors: dict[str, str]) -> tuple[int, ...]:
    if proposal.days is None:
        return person.days
    if not proposal.days:
        errors["days"] = "choose at least one day of the week for walking"
        return person.days
    try:
        return program.parse_days(",".join(proposal.days))
    except InvalidInputError as error:
        errors["days"] = error.message
        return person.days


def _proposed(person: Person, proposal: Proposal, today: date) -> tuple[Person, date]:
    """The person as the proposal would leave them, every field checked (AdjustmentError with all
    the problems, keyed by field), and the date the heart rates apply from."""
    errors: dict[str, str] = {}
    chosen = proposal.protocol or person.protocol
    if chosen not in protocols.available() and chosen != person.protocol:
        errors["protocol"] = f"unknown protocol '{chosen[:80]}': choose one of the list"
    position = person.start_position
    text = (proposal.start_position or "").strip()
    if text:
        try:
            position = int(text)
        except ValueError:
            errors["start_position"] = "give a whole number of weeks"
    adjustments = dict(person.adjustments)
    if proposal.values is not None and "protocol" not in errors:
        adjustments = _checked_thresholds(person, chosen, proposal.values, errors)
    zones, day = _zones(person, proposal, today, errors)
    changed = dataclasses.replace(
        person,
        protocol=chosen,
        start_position=position,
        adjustments=tuple(sorted(adjustments.items())),
        zones=zones,
        days=_days(proposal, person, errors),
    )
    if not errors:
        try:
            base = protocols.load(changed.protocol)
        except (ProtocolFileError, NotFoundError) as error:
            raise AdjustmentError({"protocol": error.message}) from error
        if not 0 <= position <= base.last_week + 1:  # as program.apply_adjustment
            errors["start_position"] = (
                f"start position {position} is outside this protocol: give 0 (ease-in) to "
                f"{base.last_week + 1} (maintenance)"
            )
        try:
            protocols.customise(base, adjustments, changed.name)
        except ProtocolFileError as error:
            field = error.field if error.field in threshold_keys() else None
            if field is None:
                errors["protocol"] = error.message
            else:
                errors[field] = _worded(error.problem, field.partition(".")[0])
    if errors:
        raise AdjustmentError(errors)
    return changed, day


# --- the page, the preview and saving ----------------------------------------------------------


@dataclass(frozen=True)
class WeekChange:
    """A reviewed week whose decision or reasons the proposal would change."""

    before: WeekReview
    after: WeekReview

    @property
    def week(self) -> int:
        return self.before.week

    @property
    def start(self) -> date:
        return self.before.summary.start

    @property
    def end(self) -> date:
        return self.before.summary.end


@dataclass(frozen=True)
class ZoneChange:
    """The target band on a day, in force and as proposed."""

    day: date
    before: Zones
    after: Zones


@dataclass(frozen=True)
class Preview:
    """What the proposal would change, worked out without storing anything."""

    weeks_reviewed: int
    changes: list[WeekChange]  # in week order; empty: no past decision would change
    position_before: int  # where next week is planned now
    position_after: int  # ... and with the proposal
    zones: ZoneChange | None  # the band would change from `zones.day`
    days_before: tuple[int, ...]
    days_after: tuple[int, ...]


@dataclass(frozen=True)
class AdjustPage:
    """Everything the adjustment form shows, read in one transaction."""

    person: Person
    today: date
    sections: list[ThresholdSection]
    protocols: list[tuple[str, str]]  # (name, title) of the shipped protocols
    max_position: int  # the first maintenance position
    zone_settings: ZoneSettings  # in force today
    zones: Zones  # the band today
    pauses: list[ProgramPause]  # newest first
    paused: ProgramPause | None  # the pause still open, if any
    preview: Preview | None = None


def patient_of(
    uow: UnitOfWork, actor: Actor, person_id: int, *, write: bool, action: str
) -> tuple[StoredUser, Person]:
    """The acting clinician and their patient, authorised in the open unit of work; anyone who is
    not a clinician gets the same answer as for a program that is not theirs."""
    stored = uow.users.get(actor.user_id) if actor.user_id is not None else None
    if stored is None or stored.role != "clinician":
        raise hidden(person_id)
    return stored, person_for(uow, actor, person_id, write=write, action=action)


def _page(uow: UnitOfWork, person: Person, today: date, preview: Preview | None) -> AdjustPage:
    diary = load_diary(uow, person)
    protocol = load_protocol(person)
    pauses = sorted(diary.pauses, key=lambda p: (p.start, p.id or 0), reverse=True)
    return AdjustPage(
        person=person,
        today=today,
        sections=grouped(thresholds(person)),
        protocols=[(name, protocols.load(name).title) for name in protocols.available()],
        max_position=protocols.load(person.protocol).last_week + 1,
        zone_settings=person.zone_settings_on(today),
        zones=program.person_zones(person, protocol, today),
        pauses=pauses,
        paused=next((p for p in pauses if p.end is None), None),
        preview=preview,
    )


def adjust_page(
    uow: UnitOfWork, actor: Actor, person_id: int, today: date | None = None
) -> AdjustPage:
    """The adjustment form of a linked patient as their program stands."""
    with uow.read():
        _, person = patient_of(uow, actor, person_id, write=False, action="read")
        return _page(uow, person, today or local_today(person), None)


def _changed_weeks(before: list[WeekReview], after: list[WeekReview]) -> list[WeekChange]:
    return [
        WeekChange(old, new)
        for old, new in zip(before, after, strict=True)
        if (old.decision, old.reasons) != (new.decision, new.reasons)
    ]


def _zone_change(
    person: Person, changed: Person, old: Protocol, new: Protocol, day: date
) -> ZoneChange | None:
    before = program.person_zones(person, old, day)
    after = program.person_zones(changed, new, day)
    same = (before.band_bpm, before.hrmax_bpm) == (after.band_bpm, after.hrmax_bpm)
    return None if same else ZoneChange(day, before, after)


def preview_adjustment(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    proposal: Proposal,
    today: date | None = None,
) -> AdjustPage:
    """The adjustment form with what the proposal would change; nothing is stored.

    The weeks already reviewed are reviewed again with the proposed protocol, start position and
    thresholds; a week is listed when its decision or its reasons differ. A refused proposal raises
    AdjustmentError, as saving it would.
    """
    with uow.read():
        _, person = patient_of(uow, actor, person_id, write=False, action="preview_adjustment")
        day = today or local_today(person)
        changed, zones_day = _proposed(person, proposal, day)
        diary = load_diary(uow, person)
        old, new = load_protocol(person), load_protocol(changed)
        before = review_weeks(diary, old, day, start_position=person.start_position)
        after = review_weeks(
            dataclasses.replace(diary, person=changed), new, day, changed.start_position
        )
        preview = Preview(
            weeks_reviewed=len(before),
            changes=_changed_weeks(before, after),
            position_before=before[-1].next_position if before else person.start_position,
            position_after=after[-1].next_position if after else changed.start_position,
            zones=_zone_change(person, changed, old, new, zones_day),
            days_before=person.days,
            days_after=changed.days,
        )
        return _page(uow, person, day, preview)


def adjust(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    proposal: Proposal,
    today: date | None = None,
) -> Person:
    """Store a clinician's adjustment: protocol, start position, thresholds, measured heart rates
    (a new zone-settings entry from their date), planned days.

    Only thresholds that differ from the protocol's own are stored (a value set back to the
    protocol's own removes the adjustment). Every field is checked before anything is stored;
    problems are raised together as an AdjustmentError keyed by field, and nothing is changed.
    """
    with uow:
        _, person = patient_of(uow, actor, person_id, write=True, action="adjust_program")
        changed, _ = _proposed(person, proposal, today or local_today(person))
        stored = uow.people.update(changed)
        status.refresh(uow, stored, today)
        uow.commit()
    return stored
