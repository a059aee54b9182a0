"""The research tables after the program (issue 13): each follow-up answer, and each person's
time to recurrence (the data behind the clinic's Kaplan-Meier curve), pseudonymised and shifted
like every other table (`walkrx.reports.tables`). Pure."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from typing import Any

from walkrx.domain.followup import after_program
from walkrx.domain.model import Diary
from walkrx.domain.protocol import Protocol
from walkrx.domain.review import WeekReview

Row = tuple[Any, ...]


def followup_rows(
    diary: Diary,
    protocol: Protocol,
    reviews: Sequence[WeekReview],
    today: date,
    person: str,
    shift: timedelta,
) -> dict[str, list[Row]]:
    """The `followups` and `outcomes` rows of one person, in the order of their columns."""
    after = after_program(diary, protocol, reviews, today)
    first = after.phases[0].end.day if after.phases else None
    answers = sorted(diary.followups, key=lambda a: a.day)
    result = after.outcome
    return {
        "followups": [
            (
                person,
                n,
                a.day + shift,
                (a.day - first).days if first is not None else None,
                a.recurrence,
                a.episode_start + shift if a.episode_start is not None else None,
                a.sought_care,
                a.usual_minutes,
            )
            for n, a in enumerate(answers, 1)
        ],
        "outcomes": []
        if result is None
        else [
            (
                person,
                result.end.day + shift,
                result.end.how,
                result.days,
                result.event,
                result.episode_start + shift if result.episode_start is not None else None,
                result.last_answer + shift,
                result.answers,
            )
        ],
    }
