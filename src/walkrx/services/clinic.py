"""The clinician's use cases: a panel of linked patients, most urgent first, and acting for them.

Every function authorises the clinician for each patient through `accounts.authorise` (so an
unlinked person is "not found", never revealed), then works over `program.programme`, exactly the
data the walker sees. Urgency follows the spec's order of concern: open red flags (emergency before
urgent), a red week, `clinician_review`, `not_logging`, referrals, then low adherence.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from enum import IntEnum
from typing import Any

from walkrx import protocols
from walkrx.domain.codes import Decision, Flag, Reason, RedFlag, RedFlagTier, Referral
from walkrx.domain.explain import DECISION_TEXT, FLAG_TEXT
from walkrx.domain.model import CheckIn, FlagClearing, Person, Walk
from walkrx.domain.redflags import highest_tier
from walkrx.domain.review import WeekReview
from walkrx.errors import InvalidInputError, ProtocolFileError
from walkrx.protocols.loader import ADJUSTABLE_SECTIONS
from walkrx.services import accounts, diary, program
from walkrx.services.accounts import User
from walkrx.services.program import Programme
from walkrx.storage import Database

LOW_ADHERENCE = 0.75  # below three quarters of the week's minimum walks or minutes


class Urgency(IntEnum):
    """Panel tiers, most urgent first (the value is the sort key)."""

    EMERGENCY = 0
    URGENT = 1
    RED_WEEK = 2
    CLINICIAN_REVIEW = 3
    NOT_LOGGING = 4
    REFERRAL = 5
    LOW_ADHERENCE = 6
    ON_TRACK = 7
    NOT_STARTED = 8


URGENCY_LABEL: dict[Urgency, str] = {
    Urgency.EMERGENCY: "Emergency red flag",
    Urgency.URGENT: "Urgent red flag",
    Urgency.RED_WEEK: "Red week",
    Urgency.CLINICIAN_REVIEW: "Review needed",
    Urgency.NOT_LOGGING: "Not logging",
    Urgency.REFERRAL: "Referral suggested",
    Urgency.LOW_ADHERENCE: "Low adherence",
    Urgency.ON_TRACK: "On track",
    Urgency.NOT_STARTED: "No review yet",
}


@dataclass(frozen=True)
class PatientRow:
    """One line of the clinician's panel."""

    person_id: int
    name: str  # the walker's person name (the web app names it by their e-mail address)
    week: int  # current calendar program week (0 or less: not started yet)
    position: int  # protocol position the next week is planned at
    phase: int
    phase_name: str
    protocol: str
    latest: WeekReview | None  # the review of the last completed week
    flags: tuple[Flag, ...]
    referrals: tuple[Referral, ...]
    open_red_flags: tuple[RedFlag, ...]
    adherence_walks: float | None  # last completed week, counted walks / minimum walks
    adherence_minutes: float | None  # last completed week, minutes / minimum total
    last_walk: date | None
    days_since_log: int | None  # days since the last walk or check-in (None: nothing logged)
    urgency: tuple[int, int, float, int, str]  # tier, 2nd red week first, adherence, silence, name
    level: Urgency
    why: str  # plain-language "why here"

    @property
    def label(self) -> str:
        return URGENCY_LABEL[self.level]

    @property
    def decision(self) -> Decision | None:
        return self.latest.decision if self.latest else None

    @property
    def reasons(self) -> tuple[Reason, ...]:
        return self.latest.reasons if self.latest else ()

    @property
    def paused(self) -> bool:
        return bool(self.open_red_flags)


def _last_log(prog: Programme) -> tuple[date | None, date | None]:
    walks = [w.local_date for w in prog.diary.walks if w.local_date <= prog.today]
    checkins = [c.day for c in prog.diary.checkins if c.day <= prog.today]
    last_walk = max(walks, default=None)
    last_any = max([*walks, *checkins], default=None)
    return last_walk, last_any


def _urgency(
    prog: Programme, latest: WeekReview | None, open_flags: tuple[RedFlag, ...]
) -> tuple[Urgency, str]:
    tier = highest_tier(open_flags)
    names = ", ".join(f.value.replace("_", " ") for f in open_flags)
    if tier is RedFlagTier.EMERGENCY:
        return Urgency.EMERGENCY, f"Open emergency red flag ({names}): walking is paused."
    if tier is RedFlagTier.URGENT:
        return Urgency.URGENT, f"Open urgent red flag ({names}): walking is paused."
    if latest is None:
        return Urgency.NOT_STARTED, "No week has been completed yet."
    if latest.decision is Decision.STEP_BACK:
        why = f"Week {latest.week} was a red week: the plan stepped back."
        if Flag.CLINICIAN_REVIEW in latest.flags:
            why = f"Week {latest.week} was the second red week in a row: please review."
        return Urgency.RED_WEEK, why
    # clinician_review is raised on a red week; it stays on the panel for the week after it
    previous = prog.reviews[-2] if len(prog.reviews) > 1 else None
    if Flag.CLINICIAN_REVIEW in latest.flags or (
        previous is not None and Flag.CLINICIAN_REVIEW in previous.flags
    ):
        return Urgency.CLINICIAN_REVIEW, FLAG_TEXT[Flag.CLINICIAN_REVIEW]
    if Flag.NOT_LOGGING in latest.flags:
        return Urgency.NOT_LOGGING, FLAG_TEXT[Flag.NOT_LOGGING]
    if latest.referrals:
        referrals = ", ".join(r.value.replace("_", " ") for r in latest.referrals)
        return Urgency.REFERRAL, f"Walking may not be enough ({referrals})."
    s = latest.summary
    if min(s.adherence_walks, s.adherence_minutes) < LOW_ADHERENCE:
        return (
            Urgency.LOW_ADHERENCE,
            f"Week {latest.week}: {s.walks_counted} of {s.prescription.walks_min} walks, "
            f"{round(s.minutes)} of {s.prescription.total_min} minutes.",
        )
    return Urgency.ON_TRACK, DECISION_TEXT[latest.decision]


def patient_row(prog: Programme) -> PatientRow:
    """The panel line for one programme (pure: no database, no clock)."""
    person = prog.person
    assert person.id is not None
    latest = prog.reviews[-1] if prog.reviews else None
    open_flags = prog.open_flags()
    level, why = _urgency(prog, latest, open_flags)
    last_walk, last_any = _last_log(prog)
    days_since = (prog.today - last_any).days if last_any else None
    adherence_walks = latest.summary.adherence_walks if latest else None
    adherence_minutes = latest.summary.adherence_minutes if latest else None
    adherence = min(adherence_walks or 0.0, adherence_minutes or 0.0) if latest else 1.0
    silent = days_since if days_since is not None else 10_000
    second_red = 0 if latest and Flag.CLINICIAN_REVIEW in latest.flags else 1
    phase = prog.protocol.phase_at(prog.position)
    return PatientRow(
        person_id=person.id,
        name=person.name,
        week=prog.current_week,
        position=prog.position,
        phase=phase.number,
        phase_name=phase.name,
        protocol=person.protocol,
        latest=latest,
        flags=latest.flags if latest else (),
        referrals=latest.referrals if latest else (),
        open_red_flags=open_flags,
        adherence_walks=adherence_walks,
        adherence_minutes=adherence_minutes,
        last_walk=last_walk,
        days_since_log=days_since,
        urgency=(int(level), second_red, round(adherence, 4), -silent, person.name),
        level=level,
        why=why,
    )


def patient_programme(
    db: Database, clinician: User, person_id: int, today: date | None = None, *, write: bool = False
) -> Programme:
    """A linked patient's programme; anyone else's raises NotFoundError."""
    ref = accounts.authorise(db, clinician, person_id, write=write)
    return program.programme(db, ref, today)


def panel(db: Database, clinician: User, today: date | None = None) -> list[PatientRow]:
    """The clinician's linked patients, most urgent first."""
    rows = [
        patient_row(patient_programme(db, clinician, person_id, today))
        for person_id in accounts.patient_ids(db, clinician)
    ]
    return sorted(rows, key=lambda row: row.urgency)


# --- a patient's full picture ----------------------------------------------------------------


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


@dataclass(frozen=True)
class PatientPicture:
    row: PatientRow
    programme: Programme
    walks: list[Walk]
    checkins: list[CheckIn]
    clearings: list[FlagClearing]
    thresholds: list[Threshold]
    protocols: list[str]
    max_position: int  # the first maintenance position


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


def picture(
    db: Database, clinician: User, person_id: int, today: date | None = None
) -> PatientPicture:
    prog = patient_programme(db, clinician, person_id, today)
    walks = sorted(prog.diary.walks, key=lambda w: w.start, reverse=True)
    checkins = sorted(prog.diary.checkins, key=lambda c: (c.day, c.seq), reverse=True)
    clearings = sorted(prog.diary.clearings, key=lambda c: (c.day, c.seq), reverse=True)
    return PatientPicture(
        row=patient_row(prog),
        programme=prog,
        walks=walks,
        checkins=checkins,
        clearings=clearings,
        thresholds=thresholds(prog.person),
        protocols=protocols.available(),
        max_position=prog.protocol.last_week + 1,
    )


# --- acting for a patient --------------------------------------------------------------------


class AdjustmentError(InvalidInputError):
    """Some fields of an adjustment form cannot be accepted; `errors` maps field to message."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{field}: {message}" for field, message in errors.items()))
        self.errors = errors


def _number(text: str, integer: bool) -> float:
    value = float(text)
    if integer:
        if value != int(value):
            raise ValueError
        return int(value)
    return value


def adjust(
    db: Database,
    clinician: User,
    person_id: int,
    *,
    protocol: str | None = None,
    start_position: str | int | None = None,
    values: dict[str, str] | None = None,
) -> Person:
    """Change a patient's protocol, start position or thresholds from a form's text values.

    Only thresholds that differ from the protocol's own are stored as adjustments (a value set back
    to the protocol's own removes the adjustment). Every field is checked before anything is stored;
    problems are raised together as an AdjustmentError keyed by field.
    """
    ref = accounts.authorise(db, clinician, person_id, write=True)
    prog = program.programme(db, ref)
    errors: dict[str, str] = {}
    chosen = protocol or prog.person.protocol
    if chosen not in protocols.available() and chosen != prog.person.protocol:
        errors["protocol"] = f"unknown protocol '{chosen}': choose one of the list"
    position: int | None = None
    if start_position is not None and str(start_position).strip() != "":
        try:
            position = int(str(start_position).strip())
        except ValueError:
            errors["start_position"] = "give a whole number of weeks"
    adjustments: dict[str, float] | None = None
    if values is not None:
        switching = chosen != prog.person.protocol
        shown = {t.key: t.value for t in thresholds(prog.person)}  # what the form showed
        known = {t.key: t for t in thresholds(dataclasses.replace(prog.person, protocol=chosen))}
        adjustments = {}
        for key, text in values.items():
            threshold = known.get(key)
            if threshold is None:
                errors[key] = "is not an adjustable threshold of this protocol"
                continue
            if not text.strip():
                continue  # left empty: the protocol's own value
            try:
                number = _number(text.strip(), threshold.integer)
            except ValueError:
                kind = "a whole number" if threshold.integer else "a number"
                errors[key] = f"give {kind}, not '{text.strip()}'"
                continue
            if switching and number == shown.get(key):
                continue  # left as the old protocol had it: take the new protocol's own value
            if number != threshold.default:
                adjustments[key] = number
    if errors:
        raise AdjustmentError(errors)
    try:
        return program.adjust_program(
            db,
            ref,
            protocol=chosen,
            start_position=position,
            adjustments=adjustments,
        )
    except ProtocolFileError as error:
        raise AdjustmentError({error.field: error.problem}) from error
    except InvalidInputError as error:
        field = "start_position" if "start position" in str(error) else "protocol"
        raise AdjustmentError({field: str(error)}) from error


def clear_red_flags(
    db: Database, clinician: User, person_id: int, day: date, note: str = ""
) -> tuple[FlagClearing, tuple[RedFlag, ...]]:
    """Clear a patient's open red flags, recorded with the clinician's e-mail as the author."""
    ref = accounts.authorise(db, clinician, person_id, write=True)
    if not note.strip():
        raise InvalidInputError("say why the flag can be cleared (e.g. seen in clinic, no concern)")
    return diary.clear_flags(db, ref, day, note.strip(), by=clinician.email)


# --- invitations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class SentInvitation:
    """An invitation the clinician sent, and where it stands."""

    id: int
    patient_email: str
    status: str  # pending | accepted | declined | revoked
    created_at: datetime
    answered_at: datetime | None
    person_id: int | None  # the patient's program, once accepted and onboarded


def sent_invitations(db: Database, clinician: User) -> list[SentInvitation]:
    """Every invitation the clinician sent, newest first."""
    return [
        SentInvitation(
            id=link.id,
            patient_email=link.patient_email,
            status=link.status,
            created_at=link.created_at,
            answered_at=link.answered_at,
            person_id=person_id,
        )
        for link, person_id in accounts.sent_links(db, clinician)
    ]


def invite(db: Database, clinician: User, patient_email: str) -> accounts.Invitation:
    return accounts.invite(db, clinician, patient_email)
