"""The posture checklist over the weeks (spec section 12, issue 15): which cues a walker keeps and
which they forget.

The checklist is protocol data (`posture` in a protocol file); a walk stores the texts of the cues
ticked after it. Only walks on which the checklist was used (at least one of its cues ticked)
count: a walk with nothing ticked may simply not have been through the checklist, so it says
nothing about any cue. From three such walks on, a cue ticked on at least two walks in three of
those is kept, on at most one in three often forgotten, otherwise sometimes kept. Cues ticked
that the checklist no longer holds (a clinic changed its wording) are listed apart.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from walkrx.domain.model import Walk

__all__ = ["CueRecord", "PostureTally", "posture_tally"]

KEPT = Fraction(2, 3)
FORGOTTEN = Fraction(1, 3)
MIN_WALKS = 3  # fewer checklist walks say nothing yet about which cues stick


@dataclass(frozen=True)
class CueRecord:
    cue: str
    by_week: tuple[int, ...]  # times ticked in each week of `PostureTally.weeks`
    ticked: int  # over every checklist walk
    walks: int  # checklist walks in all

    @property
    def standing(self) -> str:
        """'kept', 'sometimes', 'forgotten', or 'not_yet' before `MIN_WALKS` checklist walks."""
        if self.walks < MIN_WALKS:
            return "not_yet"
        share = Fraction(self.ticked, self.walks)
        return "kept" if share >= KEPT else "forgotten" if share <= FORGOTTEN else "sometimes"


@dataclass(frozen=True)
class PostureTally:
    weeks: tuple[int, ...]  # the program weeks shown, oldest first (the latest few)
    walks_by_week: tuple[int, ...]  # checklist walks in each of those weeks
    cues: tuple[CueRecord, ...]  # in checklist order
    walks: int  # checklist walks in all
    other: tuple[str, ...] = ()  # ticked texts the checklist does not hold (now)

    def standing(self, which: str) -> list[str]:
        return [c.cue for c in self.cues if c.standing == which]


def posture_tally(
    walks: Iterable[Walk],
    checklist: tuple[str, ...],
    week_of: Callable[[date], int],
    recent_weeks: int = 6,
) -> PostureTally:
    """The checklist's cues over the walks, overall and over the last `recent_weeks` program
    weeks that had a checklist walk."""
    listed = set(checklist)
    used = [w for w in walks if listed.intersection(w.cues)]
    other = sorted({c for w in walks for c in w.cues if c not in listed})
    weeks = sorted({week_of(w.local_date) for w in used})[-recent_weeks:]
    by_week = {week: [w for w in used if week_of(w.local_date) == week] for week in weeks}
    records = tuple(
        CueRecord(
            cue=cue,
            by_week=tuple(sum(1 for w in by_week[week] if cue in w.cues) for week in weeks),
            ticked=sum(1 for w in used if cue in w.cues),
            walks=len(used),
        )
        for cue in checklist
    )
    return PostureTally(
        weeks=tuple(weeks),
        walks_by_week=tuple(len(by_week[week]) for week in weeks),
        cues=records,
        walks=len(used),
        other=tuple(other),
    )
