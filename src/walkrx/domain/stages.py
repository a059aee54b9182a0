"""A program's finishes and returns (issue 13): which days are off the program, and where a
return puts it.

A finish (`ProgramStage` "finished") ends the program on its day: from then on no walk is planned,
and a week that overlaps the time off keeps its position and is judged by that alone
(`Reason.PROGRAM_FINISHED`, in `walkrx.domain.review`), as a clinician's pause is. A return
("returned") ends the time off on its day, which is always the first day of a program week, and
puts that week at the return's protocol week. A return after the program ended by reaching
maintenance (no finish) only sets that position. Stages are read in the order of their days
(recording order breaks ties).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from walkrx.domain.model import ProgramStage

FINISHED = "finished"
RETURNED = "returned"
KINDS = (FINISHED, RETURNED)


def ordered(stages: Iterable[ProgramStage]) -> list[ProgramStage]:
    """By day, then in the order recorded (ids, else as given)."""
    return sorted(stages, key=lambda s: (s.day, s.id if s.id is not None else 0))


def off_spans(stages: Iterable[ProgramStage]) -> list[tuple[date, date | None]]:
    """The time off the program: (first day, day of the return or None while it lasts)."""
    spans: list[tuple[date, date | None]] = []
    start: date | None = None
    for stage in ordered(stages):
        if stage.kind == FINISHED and start is None:
            start = stage.day
        elif stage.kind == RETURNED and start is not None:
            spans.append((start, stage.day))
            start = None
    if start is not None:
        spans.append((start, None))
    return spans


def off_program(stages: Iterable[ProgramStage], day: date) -> bool:
    """Whether the program is finished (and not taken up again) on `day`."""
    return any(a <= day and (b is None or day < b) for a, b in off_spans(stages))


def off_between(stages: Iterable[ProgramStage], first: date, last: date) -> bool:
    """Whether any day from `first` to `last` (both included) is off the program."""
    return any(a <= last and (b is None or b > first) for a, b in off_spans(stages))


def return_between(stages: Iterable[ProgramStage], first: date, last: date) -> int | None:
    """The protocol week a return dated from `first` to `last` puts the program at (None: no
    return then; the latest wins)."""
    found = [
        s.position
        for s in ordered(stages)
        if s.kind == RETURNED and first <= s.day <= last and s.position is not None
    ]
    return found[-1] if found else None
