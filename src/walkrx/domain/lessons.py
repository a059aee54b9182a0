"""The week's short read (spec section 12, issue 15): a lesson per protocol week, as protocol data.

Lessons are `[[lessons]]` tables of a protocol file, each for a run of protocol weeks (positions)
like the phases: the first starts at week 1, each starts the week after the previous one ends,
and together they cover every week of the table (the last may leave out `last_week` and then runs
on through maintenance). A clinic replaces them by writing its own protocol file. The lesson of a
week is the lesson of its position, so it fits the phase being walked: a held week reads its
lesson again, and the ease-in week (position 0) reads the first.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["Lesson", "lesson_at", "paragraphs", "word_count"]


@dataclass(frozen=True)
class Lesson:
    first_week: int  # protocol weeks (positions) it is the lesson of
    last_week: int | None  # None: from first_week on, maintenance included
    title: str
    text: str  # a few hundred words; paragraphs separated by blank lines
    sources: tuple[str, ...] = ()

    def covers(self, position: int) -> bool:
        week = max(1, position)
        return self.first_week <= week and (self.last_week is None or week <= self.last_week)

    @property
    def weeks(self) -> str:
        """'week 3', 'weeks 1-2' or 'from week 7 on'."""
        if self.last_week is None:
            return f"from week {self.first_week} on"
        if self.last_week == self.first_week:
            return f"week {self.first_week}"
        return f"weeks {self.first_week}–{self.last_week}"


def lesson_at(lessons: tuple[Lesson, ...], position: int) -> Lesson | None:
    """The lesson of a protocol week (position 0 reads week 1's); None past the last one."""
    return next((lesson for lesson in lessons if lesson.covers(position)), None)


def paragraphs(text: str) -> list[str]:
    """A lesson's text as paragraphs (blank lines split them; line breaks inside are spaces)."""
    return [" ".join(block.split()) for block in text.split("\n\n") if block.strip()]


def word_count(text: str) -> int:
    return len(text.split())
