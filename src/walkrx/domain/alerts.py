"""Alerts between reviews (spec section 14): what must reach a clinician when it is recorded.

A red walk (section 5), a red-flag answer (section 7), morning pain rising by the flare margin over
the last few check-ins, several planned days with nothing logged, and (issue 13) a recurrence
told in a follow-up after the program. Alerts inform; only the
weekly review moves the program. Each alert has a stable `key` naming the event, so the same
event is raised (and acknowledged) once however often the diary is looked at again.

Readings (docs/rules.md, "Alerts"):
- morning pain rising: over the last `MORNING_DAYS` days with a morning pain (one value per day,
  the day's last), pain never fell from one to the next and the last is at least the flare margin
  (`pain.red_rise`, the rise that makes a walk red) above the first; the alert is keyed by the
  first of those days, so a rise that goes on raises one alert, not one a day;
- not logging: `NOT_LOGGING_DAYS` planned walk days have passed since the last entry (walk or
  check-in), with nothing logged on any of them; keyed by the first of them. Days inside a
  clinician's pause are not planned walking days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from itertools import pairwise

from walkrx.domain.codes import PainStatus
from walkrx.domain.model import Diary
from walkrx.domain.pain import pain_status
from walkrx.domain.protocol import Protocol
from walkrx.domain.review import daily_morning_pain
from walkrx.domain.stages import off_program

MORNING_DAYS = 3
NOT_LOGGING_DAYS = 3


class AlertKind(StrEnum):
    RED_WALK = "red_walk"
    RED_FLAG = "red_flag"
    MORNING_PAIN_RISING = "morning_pain_rising"
    NOT_LOGGING = "not_logging"
    RECURRENCE = "recurrence"  # issue 13: back pain limited daily activities after the program


@dataclass(frozen=True)
class Alert:
    kind: AlertKind
    key: str  # names the event: raised once, acknowledged once
    day: date  # when it happened (the walk's, the check-in's, the first day of a run)
    walk_id: int | None = None
    checkin_id: int | None = None
    codes: tuple[str, ...] = ()  # red-flag codes, or the morning pains of the rise


def alerts(
    diary: Diary, protocol: Protocol, planned_days: Iterable[date], today: date
) -> list[Alert]:
    """Every alert the diary holds as of `today`, oldest first (pure: no clock, no storage)."""
    found: list[Alert] = []
    for walk in diary.walks:
        if walk.local_date <= today and pain_status(walk, protocol.pain) is PainStatus.RED:
            found.append(
                Alert(AlertKind.RED_WALK, f"red_walk:{walk.id}", walk.local_date, walk_id=walk.id)
            )
    for checkin in diary.checkins:
        if checkin.red_flags and checkin.day <= today:
            found.append(
                Alert(
                    AlertKind.RED_FLAG,
                    f"red_flag:{checkin.id}",
                    checkin.day,
                    checkin_id=checkin.id,
                    codes=tuple(f.value for f in checkin.red_flags),
                )
            )
    for answer in diary.followups:
        if answer.recurrence and answer.day <= today:
            care = {True: ("sought_care",), False: ("no_care",), None: ()}[answer.sought_care]
            found.append(
                Alert(
                    AlertKind.RECURRENCE,
                    f"recurrence:{answer.id if answer.id is not None else answer.day.isoformat()}",
                    answer.day,
                    codes=care,
                )
            )
    rising = _morning_rise(diary, protocol.pain.red_rise, today)
    if rising is not None:
        found.append(rising)
    silent = _not_logging(diary, planned_days, today)
    if silent is not None:
        found.append(silent)
    return sorted(found, key=lambda a: (a.day, a.key))


def _morning_rise(diary: Diary, margin: int, today: date) -> Alert | None:
    series = sorted(
        (day, pain)
        for day, pain in daily_morning_pain(c for c in diary.checkins if c.day <= today).items()
    )
    if len(series) < MORNING_DAYS:
        return None
    last = series[-MORNING_DAYS:]
    pains = [pain for _, pain in last]
    steady_rise = all(b >= a for a, b in pairwise(pains))
    if not steady_rise or pains[-1] - pains[0] < margin:
        return None
    first = last[0][0]
    return Alert(
        AlertKind.MORNING_PAIN_RISING,
        f"morning_pain_rising:{first.isoformat()}",
        first,
        codes=tuple(str(p) for p in pains),
    )


def _not_logging(diary: Diary, planned_days: Iterable[date], today: date) -> Alert | None:
    entries = [w.local_date for w in diary.walks if w.local_date <= today]
    entries += [c.day for c in diary.checkins if c.day <= today]
    last_entry = max(entries, default=None)
    missed = sorted(
        day
        for day in set(planned_days)
        if day < today
        and (last_entry is None or day > last_entry)
        and day >= diary.person.start
        and not any(p.covers(day) for p in diary.pauses)  # a clinician's pause: no walk planned
        and not off_program(diary.stages, day)  # nor after the program was finished (issue 13)
    )
    if len(missed) < NOT_LOGGING_DAYS:
        return None
    return Alert(AlertKind.NOT_LOGGING, f"not_logging:{missed[0].isoformat()}", missed[0])
