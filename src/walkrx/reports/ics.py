"""The plan as an iCalendar file that common calendar apps import (RFC 5545, via `icalendar`).

Descriptions are in the person's units (issue 15): the moderate pace band in mph or km/h."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from icalendar import Calendar, Event

from walkrx.domain.pace import PaceBand, band_text
from walkrx.domain.plan import PlannedWeek
from walkrx.domain.units import METRIC


def plan_to_ics(
    weeks: list[PlannedWeek],
    person_name: str,
    stamp: datetime,
    *,
    units: str = METRIC,
    band: PaceBand | None = None,
) -> bytes:
    """All-day events, one per planned walk; stable UIDs make a re-import update, not duplicate.
    With the person's pace `band`, each description gives it in their `units`."""
    calendar = Calendar()
    calendar.add("prodid", "-//walkrx//walking plan//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", f"walkrx plan: {person_name}")
    for week in weeks:
        for walk in week.walks:
            kind = "long walk" if walk.long_walk else "tempo walk" if walk.tempo else "walk"
            event = Event()
            event.add(
                "uid", f"walkrx-{person_name}-{walk.day.isoformat()}@walkrx".replace(" ", "_")
            )
            event.add("dtstamp", stamp.astimezone(UTC))
            event.add("dtstart", walk.day)
            event.add("dtend", walk.day + timedelta(days=1))
            event.add("summary", f"{walk.minutes} min {kind} (walkrx week {walk.week})")
            lines = [f"Phase {walk.phase}, protocol week {walk.position}."]
            if week.projected:
                lines.append("Projected: the weekly review may change this walk.")
            lines.extend(f"- {cue}" for cue in walk.cues)
            if band is not None:
                lines.append(
                    f"Moderate pace: {band_text(band, units)} (advice: your heart-rate zone and "
                    "the talk test come first)."
                )
            event.add("description", "\n".join(lines))
            event.add("transp", "TRANSPARENT")
            calendar.add_component(event)
    ical: bytes = calendar.to_ical()
    return ical
