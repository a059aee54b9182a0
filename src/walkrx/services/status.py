"""Each program's line on the clinician's panel, kept up to date (issue 11).

`refresh(uow, person)` works out the line (how urgent, why, the open alerts) and raises the alerts
the diary now holds (`walkrx.domain.alerts`), inside the transaction of the use case that changed
the diary, so what must reach a clinician reaches the panel when it is recorded, not at the week's
end. The panel then reads a page of stored lines, whatever the caseload; a line computed on an
earlier day is refreshed when a panel page shows it (time passes: weeks end, days go unlogged).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from enum import IntEnum

from walkrx.domain.alerts import AlertKind
from walkrx.domain.alerts import alerts as diary_alerts
from walkrx.domain.codes import Decision, Flag, Reason, RedFlag, RedFlagTier, Referral
from walkrx.domain.explain import DECISION_TEXT, FLAG_TEXT, RED_FLAG_WORDS, REFERRAL_SHORT
from walkrx.domain.followup import AfterProgram
from walkrx.domain.model import Person
from walkrx.domain.redflags import highest_tier
from walkrx.domain.review import WeekReview, clinician_pause_on
from walkrx.domain.stages import off_program
from walkrx.services.context import local_today
from walkrx.services.program import Program, read_program
from walkrx.storage import UnitOfWork
from walkrx.storage.panel import PersonStatus

ALERT_WINDOW = timedelta(days=14)  # older events (a years-long import) raise no alert

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
    PAUSED = 9  # a clinician paused the program: deliberate, so after the rest
    FOLLOW_UP = 10  # finished: only the follow-ups after the program are asked (issue 13)


URGENCY_LABEL: dict[Urgency, str] = {
    Urgency.EMERGENCY: "Emergency red flag",
    Urgency.URGENT: "Urgent red flag",
    Urgency.RED_WEEK: "Red week",
    Urgency.CLINICIAN_REVIEW: "Review needed",
    Urgency.NOT_LOGGING: "Not logging",
    Urgency.REFERRAL: "Referral suggested",
    Urgency.LOW_ADHERENCE: "Low adherence",
    Urgency.PAUSED: "Paused by a clinician",
    Urgency.ON_TRACK: "On track",
    Urgency.NOT_STARTED: "No review yet",
    Urgency.FOLLOW_UP: "After the program",
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
    followup: dict[str, object] | None = None  # after the program (issue 13): `_followup`

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


def _last_log(prog: Program) -> tuple[date | None, date | None]:
    walks = [w.local_date for w in prog.diary.walks if w.local_date <= prog.today]
    checkins = [c.day for c in prog.diary.checkins if c.day <= prog.today]
    last_walk = max(walks, default=None)
    last_any = max([*walks, *checkins], default=None)
    return last_walk, last_any


def _urgency(
    prog: Program, latest: WeekReview | None, open_flags: tuple[RedFlag, ...]
) -> tuple[Urgency, str]:
    tier = highest_tier(open_flags)
    names = "; ".join(RED_FLAG_WORDS.get(f.value, f.value) for f in open_flags)
    if tier is RedFlagTier.EMERGENCY:
        return Urgency.EMERGENCY, f"Open emergency red flag ({names}): walking is paused."
    if tier is RedFlagTier.URGENT:
        return Urgency.URGENT, f"Open urgent red flag ({names}): walking is paused."
    held = clinician_pause_on(prog.diary, prog.today)
    if held is not None:
        return Urgency.PAUSED, f"Paused by {held.by or 'a clinician'}: {held.reason}"
    if off_program(prog.diary.stages, prog.today):
        return Urgency.FOLLOW_UP, _after_words(prog.after())
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
        referrals = "; ".join(REFERRAL_SHORT[r] for r in latest.referrals)
        return Urgency.REFERRAL, f"Walking may not be enough: {referrals}."
    s = latest.summary
    if min(s.adherence_walks, s.adherence_minutes) < LOW_ADHERENCE:
        return (
            Urgency.LOW_ADHERENCE,
            f"Week {latest.week}: {s.walks_counted} of {s.prescription.walks_min} walks, "
            f"{round(s.minutes)} of {s.prescription.total_min} minutes.",
        )
    return Urgency.ON_TRACK, DECISION_TEXT[latest.decision]


def _day(day: date) -> str:
    return day.strftime("%a %-d %b %Y")


def _after_words(after: AfterProgram) -> str:
    """Why a finished program is on the panel: its follow-ups, in plain words."""
    phase, plan = after.current, after.schedule
    if phase is None or plan is None:
        return "The program has finished."
    told = phase.recurrence
    if told is not None:
        return (
            f"Back pain limited daily activities again (told on {_day(told.day)}): a return "
            "to the program was offered."
        )
    ended = f"The program ended on {_day(phase.end.day)}."
    if plan.unanswered:
        n = len(plan.unanswered)
        return f"{ended} Follow-up unanswered since {_day(plan.unanswered[0])} ({n} due)."
    if phase.answers:
        return f"{ended} Last follow-up answered on {_day(phase.answers[-1].day)}."
    return f"{ended} First follow-up due on {_day(plan.next_due or phase.end.day)}."


def _followup(after: AfterProgram) -> dict[str, object] | None:
    """The panel line's facts after the program (stable keys, dates as YYYY-MM-DD)."""
    phase, plan = after.current, after.schedule
    if phase is None or plan is None:
        return None
    told = phase.recurrence
    return {
        "ended": phase.end.day.isoformat(),
        "due_since": plan.unanswered[0].isoformat() if plan.unanswered else None,
        "unanswered": len(plan.unanswered),
        "recurrence": told.day.isoformat() if told is not None else None,
        "return_on": after.return_on.isoformat() if after.return_on else None,
    }


def patient_row(prog: Program) -> PatientRow:
    """The panel line for one program (pure: no database, no clock)."""
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
        name=person.shown_name,
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
        followup=_followup(prog.after()),
    )


# Filters of the panel: which stored states each shows ("needs attention" also shows any
# program with an open alert).
ATTENTION = ("emergency", "urgent", "red_week", "clinician_review")
FILTERS: dict[str, tuple[str, ...]] = {
    "attention": ATTENTION,
    "paused": ("emergency", "urgent", "paused"),
    "not_logging": ("not_logging",),
    "referrals": ("referral",),
    "on_track": ("on_track",),
}


def stored_urgency(level: Urgency, open_alerts: int) -> int:
    """The sort key kept with the line, larger first: the tier, then the open alerts in it. An
    open alert lifts a calmer line to just after the reviews asked for (spec 14: what must reach
    a clinician does so when it is recorded)."""
    tiers = len(Urgency)
    base = (tiers - int(level)) * 100
    if open_alerts and level > Urgency.CLINICIAN_REVIEW:
        base = (tiers - int(Urgency.CLINICIAN_REVIEW)) * 100 - 50
    return base + min(open_alerts, 49)


def line(row: PatientRow, open_alerts: int, today: date) -> PersonStatus:
    """The stored form of a panel line."""
    return PersonStatus(
        person_id=row.person_id,
        urgency=stored_urgency(row.level, open_alerts),
        state=row.level.name.lower(),
        detail={
            "why": row.why,
            "label": row.label,
            "week": row.week,
            "position": row.position,
            "phase": row.phase,
            "phase_name": row.phase_name,
            "decision": row.decision.value if row.decision else None,
            "referrals": [r.value for r in row.referrals],
            "adherence_walks": row.adherence_walks,
            "adherence_minutes": row.adherence_minutes,
            "last_walk": row.last_walk.isoformat() if row.last_walk else None,
            "days_since_log": row.days_since_log,
            "followup": row.followup,
        },
        open_alerts=open_alerts,
        last_logged=row.last_walk,
        computed_on=today,
    )


def refresh(
    uow: UnitOfWork, person: Person, today: date | None = None, now: datetime | None = None
) -> PersonStatus:
    """Raise the alerts the diary holds and store the program's panel line, in the open unit of
    work of the use case that changed something (the caller commits)."""
    assert person.id is not None
    if today is None and now is not None:
        today = local_today(person, now)
    prog = read_program(uow, person, today)
    planned = [walk.day for week in prog.plan() for walk in week.walks]
    moment = now or datetime.now(UTC)
    silent: str | None = None  # the not-logging event still current, if any
    for alert in diary_alerts(prog.diary, prog.protocol, planned, prog.today):
        if alert.kind is AlertKind.NOT_LOGGING:
            silent = alert.key
        if alert.day < prog.today - ALERT_WINDOW:
            continue
        uow.alerts.raise_once(
            person.id,
            kind=alert.kind.value,
            key=alert.key,
            day=alert.day,
            now=moment,
            walk_id=alert.walk_id,
            checkin_id=alert.checkin_id,
            codes=alert.codes,
        )
    # a person who logged again is no longer "not logging": earlier such alerts close themselves
    uow.alerts.close_stale(person.id, AlertKind.NOT_LOGGING.value, keep=silent, now=moment)
    status = line(patient_row(prog), uow.alerts.open_count(person.id), prog.today)
    uow.statuses.put(status, moment)
    return status
