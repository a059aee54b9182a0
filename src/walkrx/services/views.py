"""Stable JSON shapes of walkrx's output (documented in docs/json.md), shared by the CLI and web."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from walkrx.domain.explain import DECISION_TEXT, FLAG_TEXT, REASON_TEXT, REFERRAL_TEXT
from walkrx.domain.model import CheckIn, Person, Walk
from walkrx.domain.pace import PaceBand, walk_pace
from walkrx.domain.plan import PlannedWalk, PlannedWeek
from walkrx.domain.protocol import Prescription
from walkrx.domain.redflags import advice
from walkrx.domain.review import WeekReview, WeekSummary
from walkrx.domain.zones import ESTIMATE_ERROR_BPM, Zones
from walkrx.services.diary import RecordedCheckIn
from walkrx.services.followup import after_json
from walkrx.services.program import Today


def _round(value: float | None, digits: int = 1) -> float | None:
    return None if value is None else round(value, digits)


def prescription_json(rx: Prescription) -> dict[str, Any]:
    return {
        "walks_min": rx.walks_min,
        "walks_max": rx.walks_max,
        "minutes_min": rx.minutes_min,
        "minutes_max": rx.minutes_max,
        "long_walk_minutes": rx.long_walk_minutes,
        "tempo": rx.tempo,
    }


def zones_json(zones: Zones) -> dict[str, Any]:
    return {
        "hrmax": zones.hrmax_bpm,
        "hrmax_source": zones.hrmax_source,
        "hrmax_error_bpm": ESTIMATE_ERROR_BPM if zones.estimated else 0,
        "band_bpm": list(zones.band_bpm),
        "method": zones.method,
        "percent": [round(p * 100) for p in zones.percent],
        "resting_hr": zones.resting_hr,
    }


def summary_json(s: WeekSummary) -> dict[str, Any]:
    return {
        "walks": s.walks_counted,
        "walks_logged": s.walks_logged,
        "minutes": round(s.minutes),
        "zone_minutes": {
            "measured": round(s.zone_measured_min),
            "by_effort": round(s.zone_by_effort_min),
        },
        "longest_minutes": round(s.longest_min),
        "long_walk_done": s.long_walk_done,
        "tempo_done": s.tempo_done,
        "adherence": {
            "walks": round(s.adherence_walks, 2),
            "minutes": round(s.adherence_minutes, 2),
        },
        "morning_pain_mean": _round(s.morning_pain_mean),
        "pain": s.pain.value,
    }


def week_json(
    number: int, s: WeekSummary, review: WeekReview | None, pace: dict[str, Any] | None = None
) -> dict[str, Any]:
    """One program week as `walkrx week --json` and the API give it (docs/json.md); `pace`, the
    week's pace verdicts (`WeekPace.to_json`), when the caller has them."""
    extra = {} if pace is None else {"pace": pace}
    return {
        "week": number,
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "position": s.prescription.position,
        "phase": s.prescription.phase,
        "prescription": prescription_json(s.prescription),
        **summary_json(s),
        "complete": review is not None,
        "decision": review.decision.value if review else None,
        **extra,
    }


def review_json(r: WeekReview) -> dict[str, Any]:
    s = r.summary
    return {
        "week": r.week,
        "start": s.start.isoformat(),
        "end": s.end.isoformat(),
        "position": r.position,
        "phase": s.prescription.phase,
        "prescription": prescription_json(s.prescription),
        **summary_json(s),
        "decision": r.decision.value,
        "reasons": [x.value for x in r.reasons],
        "flags": [x.value for x in r.flags],
        "referrals": [x.value for x in r.referrals],
        "red_flags": [x.value for x in r.red_flags],
        "explanation": {
            "decision": DECISION_TEXT[r.decision],
            "reasons": [REASON_TEXT[x] for x in r.reasons],
            "flags": [FLAG_TEXT[x] for x in r.flags],
            "referrals": [REFERRAL_TEXT[x] for x in r.referrals],
        },
        "next": {
            "position": r.next_position,
            "phase": r.next_prescription.phase,
            "prescription": prescription_json(r.next_prescription),
        },
    }


def planned_walk_json(w: PlannedWalk) -> dict[str, Any]:
    return {
        "date": w.day.isoformat(),
        "week": w.week,
        "position": w.position,
        "phase": w.phase,
        "minutes": w.minutes,
        "long_walk": w.long_walk,
        "tempo": w.tempo,
        "cues": list(w.cues),
    }


def plan_json(weeks: list[PlannedWeek]) -> dict[str, Any]:
    return {
        "weeks": [
            {
                "week": w.week,
                "start": w.start.isoformat(),
                "position": w.position,
                "phase": w.prescription.phase,
                "projected": w.projected,
                "prescription": prescription_json(w.prescription),
                "walks": [planned_walk_json(x) for x in w.walks],
            }
            for w in weeks
        ]
    }


def minutes_by_day(walks: Iterable[Walk]) -> dict[date, int]:
    """Minutes walked on each local day (whole minutes), so the plan can show what is done."""
    totals: dict[date, float] = {}
    for walk in walks:
        totals[walk.local_date] = totals.get(walk.local_date, 0.0) + walk.minutes
    return {day: round(minutes) for day, minutes in totals.items()}


def walks_by_day(walks: Iterable[Walk]) -> dict[date, int]:
    """How many walks were logged on each local day (planned for it or not)."""
    counts: dict[date, int] = {}
    for walk in walks:
        counts[walk.local_date] = counts.get(walk.local_date, 0) + 1
    return counts


def walk_json(w: Walk, band: PaceBand) -> dict[str, Any]:
    """A stored walk (docs/json.md), with its moving pace against the person's pace `band`."""
    return {
        "id": w.id,
        "start": w.local_start.isoformat(),
        "timezone": w.timezone,
        "duration_s": w.duration_s,
        "moving_s": w.moving_s,
        "distance_m": _round(w.distance_m),
        "avg_hr": _round(w.avg_hr),
        "max_hr": w.max_hr,
        "effort": w.effort,
        "pain_before": w.pain_before,
        "pain_during": w.pain_during,
        "pain_after": w.pain_after,
        "pain_next_morning": w.pain_next_morning,
        "lower_limb_pain": w.lower_limb_pain,
        "terrain": w.terrain,
        "talk_test": w.talk_test,
        "tempo": w.tempo,
        "cues": list(w.cues),
        "notes": w.notes,
        "zone_in_s": w.zone_in_s,
        "band_bpm": list(w.band_bpm) if w.band_bpm else None,
        "pace_hr": _round(w.pace_hr, 4),
        "source": w.source,
        "counted": w.counted,
        "check_reason": w.check_reason,
        "confirmed": w.confirmed,
        "import_notes": list(w.import_notes),
        "pace": walk_pace(w, band).to_json(),
    }


def checkin_json(c: CheckIn) -> dict[str, Any]:
    return {
        "id": c.id,
        "date": c.day.isoformat(),
        "morning_pain": c.morning_pain,
        "red_flags": [f.value for f in c.red_flags],
        "fear_of_movement": c.fear_of_movement,
        "psfs": list(c.psfs),
        "tsk17": c.tsk17,
        "fabq_pa": c.fabq_pa,
    }


def person_json(p: Person) -> dict[str, Any]:
    return {
        "id": p.id,
        "name": p.name,
        "start": p.start.isoformat(),
        "timezone": p.timezone,
        "protocol": p.protocol,
        "days": list(p.days),
        "goals": list(p.goals),
        "activities": list(p.activities),
        "units": p.units,
    }


def today_json(t: Today) -> dict[str, Any]:
    """Today as `walkrx today --json` and the API give it (docs/json.md)."""
    return {
        "date": t.day.isoformat(),
        "week": t.week,
        "position": t.position,
        "paused_by": [f.value for f in t.paused_by],
        "paused_by_clinician": (
            {"since": t.clinician_pause.start.isoformat(), "reason": t.clinician_pause.reason}
            if t.clinician_pause
            else None
        ),
        "advice": t.advice,
        "walk": planned_walk_json(t.walk) if t.walk else None,
        "next_walk": planned_walk_json(t.next_walk) if t.next_walk else None,
        "zones": zones_json(t.zones),
        "finished": t.finished,
        "after_program": after_json(t.after) if t.after and t.after.current else None,
    }


def recorded_checkin_json(recorded: RecordedCheckIn) -> dict[str, Any]:
    """A check-in just recorded, with what to do about a red flag (`walkrx checkin --json`)."""
    return {
        **checkin_json(recorded.checkin),
        "tier": recorded.tier.value if recorded.tier else None,
        "advice": advice(recorded.tier) if recorded.tier else None,
        "open_flags": [f.value for f in recorded.open_flags],
    }
