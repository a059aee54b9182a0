"""Reading a walkrx FHIR Bundle back: the walks, pain ratings, weekly figures and prescription.

The round trip of issue 12: what `walkrx.reports.fhir.build_bundle` wrote, read here, gives the
same figures as the records it was made from (`WalkFigures.of`, `WeekFigures.of`), to the
precision the Bundle keeps (whole seconds, heart rate and distance to 0.1, minutes to 0.0001).
Only walkrx's own Bundles are understood; other systems' FHIR is not an import format (yet).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from walkrx.domain.model import Walk
from walkrx.domain.protocol import Prescription
from walkrx.domain.review import WeekReview
from walkrx.reports.fhir import (
    EXERCISE_DISTANCE,
    EXERCISE_DURATION,
    HEART_RATE_MAX,
    HEART_RATE_MEAN,
    LOINC,
    MVPA_PER_WEEK,
    NEXT_POSITION,
    PA_TEMPORARY,
    PAIN_MOMENT,
    PAIN_MOMENTS,
    PAIN_SCORE,
    POSITION,
    PROGRAM_WEEK,
    WALK_ZONE_MINUTES,
    WALKRX,
    WEEKLY_REVIEW,
    ZONE_BY_EFFORT,
    ZONE_MEASURED,
    Resource,
)

COMPONENT_LISTS = {"reason": "reasons", "flag": "flags", "referral": "referrals"}


@dataclass(frozen=True)
class WalkFigures:
    """What a Bundle says of one walk."""

    start: datetime  # aware, UTC
    duration_s: int
    distance_m: float | None
    avg_hr: float | None
    max_hr: int | None
    zone_in_s: int | None
    pain_before: int | None
    pain_during: int | None
    pain_after: int | None
    pain_next_morning: int | None
    counted: bool

    @classmethod
    def of(cls, walk: Walk) -> WalkFigures:
        """A stored walk's figures, as precise as a Bundle keeps them."""
        return cls(
            start=walk.start.astimezone(UTC),
            duration_s=walk.duration_s,
            distance_m=None if walk.distance_m is None else round(walk.distance_m, 1),
            avg_hr=None if walk.avg_hr is None else round(walk.avg_hr, 1),
            max_hr=walk.max_hr,
            zone_in_s=walk.zone_in_s,
            pain_before=walk.pain_before,
            pain_during=walk.pain_during,
            pain_after=walk.pain_after,
            pain_next_morning=walk.pain_next_morning,
            counted=walk.counted,
        )


@dataclass(frozen=True)
class WeekFigures:
    """What a Bundle says of one reviewed week."""

    week: int
    end: date
    zone_min: float
    zone_measured_min: float
    zone_by_effort_min: float
    decision: str
    reasons: tuple[str, ...]
    flags: tuple[str, ...]
    referrals: tuple[str, ...]
    position: int
    next_position: int

    @classmethod
    def of(cls, review: WeekReview) -> WeekFigures:
        s = review.summary
        return cls(
            week=s.week,
            end=s.end,
            zone_min=round(s.zone_min, 4),
            zone_measured_min=round(s.zone_measured_min, 4),
            zone_by_effort_min=round(s.zone_by_effort_min, 4),
            decision=review.decision.value,
            reasons=tuple(r.value for r in review.reasons),
            flags=tuple(f.value for f in review.flags),
            referrals=tuple(r.value for r in review.referrals),
            position=review.position,
            next_position=review.next_position,
        )


@dataclass(frozen=True)
class PrescriptionFigures:
    walks_min: int
    walks_max: int
    minutes_min: int
    minutes_max: int
    long_walk_minutes: int | None

    @classmethod
    def of(cls, rx: Prescription) -> PrescriptionFigures:
        return cls(rx.walks_min, rx.walks_max, rx.minutes_min, rx.minutes_max, rx.long_walk_minutes)


@dataclass(frozen=True)
class ReadBundle:
    patient: Resource
    walks: tuple[WalkFigures, ...]  # by start
    weeks: tuple[WeekFigures, ...]  # by week
    prescription: PrescriptionFigures | None


def _code(concept: Resource, system: str) -> str | None:
    return next((c["code"] for c in concept.get("coding", []) if c.get("system") == system), None)


def _code_of(resource: Resource) -> tuple[str, str] | None:
    """(system, code) of an Observation's first coding."""
    first = resource.get("code", {}).get("coding", [{}])[0]
    return (first.get("system", ""), first.get("code", "")) if first else None


def _value(resource: Resource) -> float:
    return float(resource["valueQuantity"]["value"])


def _seconds(minutes: float) -> int:
    return round(minutes * 60)


def _walk(panel: Resource, by_url: dict[str, Resource]) -> WalkFigures:
    start = datetime.fromisoformat(panel["effectivePeriod"]["start"]).astimezone(UTC)
    figures: dict[str, Any] = dict.fromkeys(
        ("distance_m", "avg_hr", "max_hr", "zone_in_s", *PAIN_MOMENTS.values())
    )
    duration_s = 0
    for member in panel.get("hasMember", []):
        obs = by_url[member["reference"]]
        code = _code_of(obs)
        if code == (LOINC, EXERCISE_DURATION[0]):
            duration_s = _seconds(_value(obs))
        elif code == (LOINC, EXERCISE_DISTANCE[0]):
            figures["distance_m"] = _value(obs)
        elif code == (LOINC, HEART_RATE_MEAN[0]):
            figures["avg_hr"] = _value(obs)
        elif code == (LOINC, HEART_RATE_MAX[0]):
            figures["max_hr"] = round(_value(obs))
        elif code == (WALKRX + "observation", WALK_ZONE_MINUTES):
            figures["zone_in_s"] = _seconds(_value(obs))
        elif code == (LOINC, PAIN_SCORE[0]):
            moment = next(
                _code(c["valueCodeableConcept"], WALKRX + "pain-moment")
                for c in obs["component"]
                if _code(c["code"], WALKRX + "observation") == PAIN_MOMENT
            )
            figures[PAIN_MOMENTS[moment or ""]] = round(_value(obs))
    return WalkFigures(
        start=start, duration_s=duration_s, counted=panel["status"] == "final", **figures
    )


def _components(resource: Resource) -> dict[str, list[Any]]:
    """walkrx component code -> its values (codes for coded ones), in order."""
    found: dict[str, list[Any]] = {}
    for component in resource.get("component", []):
        code = _code(component["code"], WALKRX + "observation") or ""
        if "valueCodeableConcept" in component:
            value: Any = component["valueCodeableConcept"]["coding"][0]["code"]
        elif "valueInteger" in component:
            value = component["valueInteger"]
        else:
            value = float(component["valueQuantity"]["value"])
        found.setdefault(code, []).append(value)
    return found


def _weeks(observations: list[Resource]) -> tuple[WeekFigures, ...]:
    zones: dict[int, Resource] = {}
    reviews: dict[int, Resource] = {}
    for obs in observations:
        code = _code_of(obs)
        if code == (LOINC, MVPA_PER_WEEK[0]):
            zones[_components(obs)[PROGRAM_WEEK][0]] = obs
        elif code == (WALKRX + "observation", WEEKLY_REVIEW):
            reviews[_components(obs)[PROGRAM_WEEK][0]] = obs
    weeks = []
    for week in sorted(zones.keys() & reviews.keys()):
        zone, review = _components(zones[week]), _components(reviews[week])
        weeks.append(
            WeekFigures(
                week=week,
                end=date.fromisoformat(zones[week]["effectiveDateTime"]),
                zone_min=_value(zones[week]),
                zone_measured_min=zone[ZONE_MEASURED][0],
                zone_by_effort_min=zone[ZONE_BY_EFFORT][0],
                decision=_code(reviews[week]["valueCodeableConcept"], WALKRX + "decision") or "",
                position=review[POSITION][0],
                next_position=review[NEXT_POSITION][0],
                **{key: tuple(review.get(code, [])) for code, key in COMPONENT_LISTS.items()},
            )
        )
    return tuple(weeks)


def _prescription(resources: list[Resource]) -> PrescriptionFigures | None:
    plan = next((r for r in resources if r["resourceType"] == "CarePlan"), None)
    if plan is None:
        return None
    repeat = plan["activity"][0]["detail"]["scheduledTiming"]["repeat"]
    long_walk = next(
        (
            round(t["detailQuantity"]["value"])
            for r in resources
            if r["resourceType"] == "Goal"
            for t in r.get("target", [])
            if t.get("detailQuantity", {}).get("comparator") == ">="
            and _code(t["measure"], LOINC) == EXERCISE_DURATION[0]
        ),
        None,
    )
    return PrescriptionFigures(
        repeat["frequency"],
        repeat["frequencyMax"],
        round(repeat["duration"]),
        round(repeat["durationMax"]),
        long_walk,
    )


def read_bundle(bundle: Resource) -> ReadBundle:
    """The walks, weekly figures and prescription of a Bundle that walkrx wrote."""
    by_url = {e["fullUrl"]: e["resource"] for e in bundle.get("entry", [])}
    resources = list(by_url.values())
    observations = [r for r in resources if r["resourceType"] == "Observation"]
    panels = [o for o in observations if _code(o["code"], PA_TEMPORARY) == "PAPanel"]
    patient = next(r for r in resources if r["resourceType"] == "Patient")
    return ReadBundle(
        patient=patient,
        walks=tuple(sorted((_walk(p, by_url) for p in panels), key=lambda w: w.start)),
        weeks=_weeks(observations),
        prescription=_prescription(resources),
    )
