"""Outcomes after the program (issue 13): each person's time from the end of the program to the
first recurrence (or to the last answer), and the Kaplan-Meier curve of a clinic's patients.

One use case (`outcomes`) reads, in one read-only unit of work, the people whose follow-ups the
actor may see: the console every program (or one), a walker their own, a clinician the patients
they see on their panel (own links and clinics) or one clinic's current patients; every patient
read by a clinician goes on the audit trail (`outcomes`). Only people with at least one answer
are counted (a program that ended without an answer has no follow-up yet). The curve is
observational: people who walked on, in one clinic, with no comparison group; never a trial
result.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime

from walkrx import protocols
from walkrx.domain.followup import Outcome
from walkrx.errors import InvalidInputError, NotFoundError, WalkrxError
from walkrx.reports.survival import Curve, kaplan_meier
from walkrx.services.access import Actor, person_for
from walkrx.services.context import local_today
from walkrx.services.program import read_program
from walkrx.storage import UnitOfWork

GROUPINGS = ("none", "protocol", "start")
QUARTERS = ("Jan to Mar", "Apr to Jun", "Jul to Sep", "Oct to Dec")
OBSERVATIONAL = (
    "This curve describes what happened to these patients after their walking program. It is "
    "observational: nobody was allocated at random and there is no comparison group, so it is "
    "not a trial result and cannot say what walking caused. Compare it with trials only with "
    "great care."
)


@dataclass(frozen=True)
class PersonOutcome:
    person_id: int
    name: str  # as the actor sees it (a clinician: the name the walker chose)
    protocol: str
    start: date
    group: str  # the key of the person's group (see `GROUPINGS`)
    outcome: Outcome


@dataclass(frozen=True)
class GroupCurve:
    key: str  # a protocol's name, or a start period such as 2026-Q1
    label: str  # in words
    curve: Curve


@dataclass(frozen=True)
class Outcomes:
    people: tuple[PersonOutcome, ...]
    curve: Curve  # everyone counted
    groups: tuple[GroupCurve, ...]  # one curve per group (none when not grouped)
    by: str  # none | protocol | start
    scope: str  # whose outcomes, in words
    clinics: tuple[tuple[int, str], ...] = ()  # a clinician's clinics (id, name), to choose from
    clinic_id: int | None = None  # the clinic shown, if one was chosen

    @property
    def observational(self) -> str:
        return OBSERVATIONAL


def start_period(day: date) -> tuple[str, str]:
    """The quarter a program started in: (key, words), e.g. ("2026-Q1", "Jan to Mar 2026")."""
    quarter = (day.month - 1) // 3
    return f"{day.year}-Q{quarter + 1}", f"{QUARTERS[quarter]} {day.year}"


def _title(protocol: str) -> str:
    """A protocol's title in words (its name when it cannot be read any more)."""
    try:
        return protocols.load(protocol).title
    except WalkrxError:
        return protocol


def curve_of(people: Sequence[PersonOutcome]) -> Curve:
    return kaplan_meier([p.outcome.days for p in people], [p.outcome.event for p in people])


def _whose(
    uow: UnitOfWork, actor: Actor, person_id: int | None, clinic_id: int | None
) -> tuple[str, list[int]]:
    if person_id is not None:
        return "one program", [person_id] if uow.followups.of_person(person_id) else []
    account = uow.users.get(actor.user_id) if actor.user_id is not None else None
    if actor.user_id is not None and (account is None or account.role != "clinician"):
        raise InvalidInputError("say whose outcomes: your own program", field="person")
    if clinic_id is not None:
        clinic = uow.clinics.get(clinic_id)
        member = account is None or uow.clinics.role_of(clinic_id, account.id) is not None
        if clinic is None or not member:
            raise NotFoundError(
                f"no clinic {clinic_id} is yours to see; choose one of your clinics", kind="clinic"
            )
        return f"the patients of {clinic.name}", uow.followups.people(clinic_id=clinic_id)
    if account is not None:
        return "your patients", uow.followups.people(visible_to=account.id)
    return "every program in the database", uow.followups.people()


def outcomes(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int | None = None,
    *,
    by: str = "none",
    clinic_id: int | None = None,
    today: date | None = None,
    now: datetime | None = None,
) -> Outcomes:
    """Each person's time to recurrence after the program, and the curve (with one per group:
    protocol, or the quarter the program started)."""
    if by not in GROUPINGS:
        raise InvalidInputError(
            f"group by one of {', '.join(GROUPINGS)}, not '{by[:40]}'", field="by"
        )
    moment = now or datetime.now(UTC)
    found: list[PersonOutcome] = []
    mine: tuple[tuple[int, str], ...] = ()
    with uow.read():
        if person_id is not None:  # authorised first, even when there is nothing to show
            person_for(uow, actor, person_id, write=False, action="outcomes", now=moment)
        scope, ids = _whose(uow, actor, person_id, clinic_id)
        if actor.user_id is not None:
            mine = tuple((c.id, c.name) for c, _ in uow.clinics.of_member(actor.user_id))
        for pid in ids:
            person = (
                uow.people.get(pid)
                if pid == person_id
                else person_for(uow, actor, pid, write=False, action="outcomes", now=moment)
            )
            assert person is not None
            prog = read_program(uow, person, today or local_today(person, moment))
            result = prog.after().outcome
            if result is None:
                continue
            key = person.protocol if by == "protocol" else start_period(person.start)[0]
            found.append(
                PersonOutcome(
                    pid,
                    person.shown_name if actor.user_id is not None else person.name,
                    person.protocol,
                    person.start,
                    key if by != "none" else "",
                    result,
                )
            )
    groups: list[GroupCurve] = []
    if by != "none":
        for key in sorted({p.group for p in found}):
            members = [p for p in found if p.group == key]
            label = _title(key) if by == "protocol" else start_period(members[0].start)[1]
            groups.append(GroupCurve(key, label, curve_of(members)))
    return Outcomes(tuple(found), curve_of(found), tuple(groups), by, scope, mine, clinic_id)
