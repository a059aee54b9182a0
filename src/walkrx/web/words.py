"""The walker's week in words (issue 14): where a walk came from, when a day is, and what a
weekly review changes for the week after. Presentation only: the numbers come from the plan and
the reviews the services computed; the templates use these as filters and globals.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from jinja2 import Environment

from walkrx.domain.plan import PlannedWalk, PlannedWeek

SOURCE_TEXT = {
    "diary": "logged by hand",
    "csv": "from a diary file (CSV)",
    "fit": "recorded by your watch (FIT file)",
    "gpx": "recorded as a GPS track (GPX file)",
    "tcx": "recorded by your watch (TCX file)",
    "apple": "recorded by Apple Health",
}
# What an import note said before the wording changed; old walks keep their stored notes.
LEGACY_NOTES = {
    "it is taken as a walk (delete it with 'walkrx walks delete ID' if it was not)": (
        "it was taken as a walk: if it was not one, delete it below"
    ),
    "delete it with 'walkrx walks delete ID'": "delete it below",
}


def source_words(source: str) -> str:
    """Where a walk came from, in words: 'recorded by your watch (FIT file)'."""
    return SOURCE_TEXT.get(source, f"imported from a {source.upper()} file")


def note_words(note: str) -> str:
    """An importer's note as the walker reads it: old notes that named a command, reworded."""
    for old, new in LEGACY_NOTES.items():
        note = note.replace(old, new)
    return note


def day_words(day: date, today: date) -> str:
    """A day as a person says it, from `today`: 'today', 'tomorrow, Wednesday 9 December',
    'Friday 11 December' (with the year when it is not this year's)."""
    name = f"{day:%A} {day.day} {day:%B}" + (f" {day.year}" if day.year != today.year else "")
    gap = (day - today).days
    if gap == 0:
        return f"today, {name}"
    if gap == 1:
        return f"tomorrow, {name}"
    if gap == -1:
        return f"yesterday, {name}"
    return name


def _walks(week: PlannedWeek) -> str:
    """A planned week's walks: '3 walks of 20 minutes and a long walk of 40 minutes'."""
    regular = [w.minutes for w in week.walks if not w.long_walk]
    long = [w.minutes for w in week.walks if w.long_walk]
    parts = []
    if regular:
        count = len(regular)
        parts.append(f"{count} walk{'s' if count != 1 else ''} of {max(regular)} minutes")
    if long:
        parts.append(f"a long walk of {long[0]} minutes")
    return " and ".join(parts) or "no walks"


def _load(week: PlannedWeek) -> tuple[int, int]:
    return len(week.walks), sum(w.minutes for w in week.walks)


def change_words(decision: str, this: PlannedWeek | None, after: PlannedWeek | None) -> str:
    """What a review's decision changes for the week after it, compared with the week reviewed:
    'You move on: next week has 4 walks of 22 minutes, up from 3 walks of 20 minutes.'"""
    if after is None:
        return ""
    following = _walks(after)
    phase = ""
    if this is not None and after.prescription.phase != this.prescription.phase:
        phase = f" to phase {after.prescription.phase}"
    if decision == "progress":
        if this is None or _load(after) == _load(this):
            return f"You move on{phase}: next week has {following}, the same load as this week."
        return f"You move on{phase}: next week has {following}, up from {_walks(this)}."
    if decision == "hold":
        return (
            f"You hold: next week has {following} again, the same as this week. It builds "
            "again after a week your back tolerates."
        )
    if decision == "step_back":
        was = f", down from {_walks(this)}" if this is not None else ""
        return f"You step back{phase}: next week has {following}{was}, so your back can settle."
    return ""


@dataclass(frozen=True)
class PlanDay:
    """A day of a plan week the walker should see: a planned walk, walking done, or both."""

    day: date
    planned: PlannedWalk | None
    minutes: int  # walked that day, whole minutes
    walks: int  # walks logged that day


def plan_days(week: PlannedWeek, walked: dict[date, int], counts: dict[date, int]) -> list[PlanDay]:
    """The week's planned days and the days walked without a plan, in date order."""
    planned = {walk.day: walk for walk in week.walks}
    days = [week.start + timedelta(days=i) for i in range(7)]
    return [
        PlanDay(day, planned.get(day), walked.get(day, 0), counts.get(day, 0))
        for day in days
        if day in planned or counts.get(day, 0)
    ]


def sentence(text: str) -> str:
    """The first letter a capital, the rest as it is ('FIT' stays 'FIT')."""
    return text[:1].upper() + text[1:]


def install(env: Environment) -> None:
    """Make the words available to every template."""
    env.filters["sentence"] = sentence
    env.filters["source_words"] = source_words
    env.filters["note_words"] = note_words
    env.globals["day_words"] = day_words
    env.globals["change_words"] = change_words
    env.globals["plan_days"] = plan_days


def by_week(weeks: list[PlannedWeek]) -> dict[int, Any]:
    """A plan's weeks by number, for `change_words`."""
    return {week.week: week for week in weeks}
