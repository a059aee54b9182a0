"""A program as a FHIR R4 Bundle (issue 12): the Patient, each walk, pain ratings, the weekly
figures and reviews, and the prescription as a CarePlan with Goals.

Pure: `build_bundle` turns the program's records (`ExportRecords`) into a JSON-ready dict; nothing
here reads a database or a clock. Every code and the profile each resource follows are documented,
with their sources, in docs/fhir.md; codes without a published standard code are walkrx's own
(`WALKRX`). The Bundle is built by sections (`SECTIONS`), each adding its resources through an
`_Assembly` that names them; a new kind of resource (QuestionnaireResponses, issue 13) is one more
section. `walkrx.reports.fhir_read` reads such a Bundle back (the round trip the tests check).
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from walkrx.domain.explain import DECISION_TEXT, FLAG_TEXT, REASON_TEXT, REFERRAL_TEXT
from walkrx.domain.model import FollowUp, Person, Walk
from walkrx.domain.protocol import Prescription, Protocol
from walkrx.domain.review import WeekReview
from walkrx.reports.fhir_followup import followup_resources

Resource = dict[str, Any]

FHIR_VERSION = "4.0.1"
LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
PA_TEMPORARY = "http://hl7.org/fhir/us/physical-activity/CodeSystem/pa-temporary-codes"
WALKRX = "https://walkrx.example/fhir/CodeSystem/"  # + the name of one of walkrx's code systems
PERSON_ID = "https://walkrx.example/fhir/sid/person-id"
WALK_ID = "https://walkrx.example/fhir/sid/walk-id"
ID_NAMESPACE = uuid.UUID("0d3c5c4e-7f1b-5a0e-9d55-2b8f6c1e4a77")  # walkrx's namespace for uuid5

# LOINC codes, each checked against a published source (docs/fhir.md): (code, display)
EXERCISE_ACTIVITY = ("73985-4", "Exercise activity")
EXERCISE_DURATION = ("55411-3", "Exercise duration")
EXERCISE_DISTANCE = ("55412-1", "Exercise distance unspecified time")
HEART_RATE_MEAN = ("55425-3", "Heart rate unspecified time mean by Pedometer")
HEART_RATE_MAX = ("55426-1", "Heart rate unspecified time maximum by Pedometer")
PAIN_SCORE = ("72514-3", "Pain severity - 0-10 verbal numeric rating [Score] - Reported")
MVPA_PER_WEEK = ("82290-8", "Frequency of moderate to vigorous aerobic physical activity")

# walkrx's own codes (code system `WALKRX + "observation"`), for what has no standard code
WALK_ZONE_MINUTES = "walk-zone-minutes"
PAIN_MOMENT = "pain-moment"
ZONE_MEASURED = "zone-minutes-measured"
ZONE_BY_EFFORT = "zone-minutes-by-effort"
PROGRAM_WEEK = "program-week"
WEEKLY_REVIEW = "weekly-review"
POSITION = "protocol-position"
NEXT_POSITION = "next-protocol-position"
REASON = "reason"
FLAG = "flag"
REFERRAL = "referral"
RED_FLAG = "red-flag"
WEEK_PAIN = "week-pain-status"
WALKS_PER_WEEK = "walks-per-week"
OBSERVATION_CODES = {
    WALK_ZONE_MINUTES: "Minutes of a walk in the target heart-rate zone",
    PAIN_MOMENT: "When the pain rating was taken, relative to the walk",
    ZONE_MEASURED: "Target-zone minutes measured by heart rate",
    ZONE_BY_EFFORT: "Target-zone minutes counted by effort (no heart rate)",
    PROGRAM_WEEK: "Program week (1 = the week the program started)",
    WEEKLY_REVIEW: "Weekly review of the walking program",
    POSITION: "Protocol week the program was at",
    NEXT_POSITION: "Protocol week of the following week",
    REASON: "Reason for the decision",
    FLAG: "Flag for the clinician",
    REFERRAL: "Walking may not be enough",
    RED_FLAG: "Warning sign answered yes, or still open",
    WEEK_PAIN: "Pain response of the week",
    WALKS_PER_WEEK: "Walks per week",
}
# Which pain rating of a walk: the code of `WALKRX + "pain-moment"`, and the Walk field
PAIN_MOMENTS = {
    "before": "pain_before",
    "during": "pain_during",
    "after": "pain_after",
    "next-morning": "pain_next_morning",
}
PAIN_MOMENT_TEXT = {
    "before": "Before the walk",
    "during": "Worst during the walk",
    "after": "Right after the walk",
    "next-morning": "The next morning",
}
WALKING = "walking"  # `WALKRX + "activity-type"`: LOINC's answer code could not be verified


@dataclass(frozen=True)
class ExportRecords:
    """What a Bundle is made from: the program's records, already chosen (dates, pseudonymity)."""

    person: Person
    protocol: Protocol
    walks: tuple[Walk, ...]  # the walks to export
    reviews: tuple[WeekReview, ...]  # the reviewed weeks to export
    week: int  # the current program week
    prescription: Prescription  # in force this week
    paused: bool = False  # a red flag or a clinician's pause holds the program today
    email: str | None = None  # the walker's account e-mail, if any
    followups: tuple[FollowUp, ...] = ()  # answers after the program (issue 13)


@dataclass(frozen=True)
class ExportOptions:
    generated: datetime  # aware: the Bundle's timestamp
    pseudonymous: bool = False  # no name, e-mail, telecom, identifiers or notes
    seed: str = ""  # resource ids are derived from it (a random one makes exports unlinkable)


@dataclass
class _Assembly:
    """The Bundle being built: its entries, and names for resources that refer to each other."""

    records: ExportRecords
    options: ExportOptions
    entries: list[Resource] = field(default_factory=list)
    refs: dict[str, str] = field(default_factory=dict)

    def ref(self, key: str) -> str:
        """The full URL of the resource known by `key` (made up on first use, stable)."""
        if key not in self.refs:
            self.refs[key] = f"urn:uuid:{uuid.uuid5(ID_NAMESPACE, f'{self.options.seed}/{key}')}"
        return self.refs[key]

    def add(self, key: str, resource: Resource) -> str:
        full_url = self.ref(key)
        named = {"resourceType": resource["resourceType"], "id": full_url.rsplit(":", 1)[1]}
        self.entries.append({"fullUrl": full_url, "resource": {**named, **resource}})
        return full_url

    @property
    def patient(self) -> dict[str, str]:
        return {"reference": self.ref("patient")}


Section = Callable[[_Assembly], None]


# --- small data types --------------------------------------------------------------------------


def coding(system: str, code: str, display: str | None = None) -> Resource:
    return {"system": system, "code": code, **({"display": display} if display else {})}


def loinc(code: tuple[str, str]) -> Resource:
    return {"coding": [coding(LOINC, *code)], "text": code[1]}


def walkrx(system: str, code: str, display: str | None = None, text: str | None = None) -> Resource:
    concept: Resource = {"coding": [coding(WALKRX + system, code, display)]}
    return {**concept, "text": text} if text else concept


def observation_code(code: str) -> Resource:
    return walkrx("observation", code, OBSERVATION_CODES[code])


def quantity(value: float, unit: str) -> Resource:
    return {"value": value, "unit": unit, "system": UCUM, "code": unit}


def minutes(seconds: float) -> float:
    return round(seconds / 60, 4)


PA_CATEGORIES = [
    {"coding": [coding(OBSERVATION_CATEGORY, "activity", "Activity")]},
    {"coding": [coding(PA_TEMPORARY, "PhysicalActivity", "Physical Activity")]},
]
SURVEY = {"coding": [coding(OBSERVATION_CATEGORY, "survey", "Survey")]}


def walk_period(walk: Walk) -> Resource:
    """The walk's time, in its own zone's local time with the offset."""
    zone = ZoneInfo(walk.timezone)
    end = walk.start + timedelta(seconds=walk.duration_s)
    return {
        "start": walk.start.astimezone(zone).isoformat(),
        "end": end.astimezone(zone).isoformat(),
    }


# --- sections ----------------------------------------------------------------------------------


def patient_section(b: _Assembly) -> None:
    """The Patient; pseudonymous: nothing but its id (no name, e-mail, telecom or identifier)."""
    person = b.records.person
    patient: Resource = {"resourceType": "Patient", "active": True}
    if not b.options.pseudonymous:
        patient["identifier"] = [{"system": PERSON_ID, "value": str(person.id)}]
        patient["name"] = [{"use": "official", "text": person.name}]
        if person.display_name and person.display_name != person.name:
            patient["name"].append({"use": "usual", "text": person.display_name})
        if b.records.email:
            patient["telecom"] = [{"system": "email", "value": b.records.email}]
    b.add("patient", patient)


def _measure(
    b: _Assembly, walk: Walk, period: Resource, code: Resource, value: Resource
) -> Resource:
    """A PA activity measure of one walk (PAObservationActivityMeasure's shape)."""
    return {
        "resourceType": "Observation",
        "status": "final" if walk.counted else "preliminary",
        "category": PA_CATEGORIES,
        "code": code,
        "subject": b.patient,
        "effectivePeriod": dict(period),
        "performer": [b.patient],
        **value,
    }


def _pain(b: _Assembly, walk: Walk, period: Resource, moment: str, rating: int) -> Resource:
    """One 0-10 pain rating of a walk, with its moment; the next morning is a date."""
    value = {"valueQuantity": quantity(rating, "{score}")}
    resource = _measure(b, walk, period, loinc(PAIN_SCORE), value)
    resource["category"] = [*PA_CATEGORIES, SURVEY]
    del resource["effectivePeriod"]
    if moment == "during":
        resource["effectivePeriod"] = dict(period)
    elif moment == "next-morning":
        resource["effectiveDateTime"] = (walk.local_date + timedelta(days=1)).isoformat()
    else:
        resource["effectiveDateTime"] = period["start" if moment == "before" else "end"]
    resource["component"] = [
        {
            "code": observation_code(PAIN_MOMENT),
            "valueCodeableConcept": walkrx(
                "pain-moment", moment, PAIN_MOMENT_TEXT[moment], PAIN_MOMENT_TEXT[moment]
            ),
        }
    ]
    return resource


def walk_members(b: _Assembly, walk: Walk, period: Resource) -> list[tuple[str, Resource]]:
    """(key suffix, Observation) for each thing measured or rated on one walk."""
    kind = {"valueCodeableConcept": walkrx("activity-type", WALKING, "Walking", "Walking")}
    members = [("type", _measure(b, walk, period, loinc(EXERCISE_ACTIVITY), kind))]
    figures: list[tuple[str, tuple[str, str] | str, float | None, str]] = [
        ("duration", EXERCISE_DURATION, walk.duration_s, "min"),
        ("distance", EXERCISE_DISTANCE, walk.distance_m, "m"),
        ("hr-mean", HEART_RATE_MEAN, walk.avg_hr, "/min"),
        ("hr-max", HEART_RATE_MAX, walk.max_hr, "/min"),
        ("zone", WALK_ZONE_MINUTES, walk.zone_in_s, "min"),
    ]
    for suffix, code, value, unit in figures:
        if value is None:
            continue
        concept = observation_code(code) if isinstance(code, str) else loinc(code)
        amount = minutes(value) if unit == "min" else round(value, 1)
        members.append(
            (suffix, _measure(b, walk, period, concept, {"valueQuantity": quantity(amount, unit)}))
        )
    for moment, name in PAIN_MOMENTS.items():
        rating = getattr(walk, name)
        if rating is not None:
            members.append((f"pain-{moment}", _pain(b, walk, period, moment, rating)))
    return members


def walk_key(n: int, walk: Walk) -> str:
    return f"walk/{walk.id if walk.id is not None else f'n{n}'}"


def walk_section(b: _Assembly) -> None:
    """Each walk: a panel (PAObservationActivityGroup's shape) over its measures and ratings."""
    for n, walk in enumerate(b.records.walks):
        key = walk_key(n, walk)
        period = walk_period(walk)
        members = [b.add(f"{key}/{suffix}", r) for suffix, r in walk_members(b, walk, period)]
        panel: Resource = {
            "resourceType": "Observation",
            "status": "final" if walk.counted else "preliminary",
            "category": PA_CATEGORIES,
            "code": {
                "coding": [coding(PA_TEMPORARY, "PAPanel", "Physical Activity Panel")],
                "text": "A walk",
            },
            "subject": b.patient,
            "effectivePeriod": period,
            "performer": [b.patient],
            "hasMember": [{"reference": ref} for ref in members],
        }
        if not b.options.pseudonymous:
            panel["identifier"] = [{"system": WALK_ID, "value": str(walk.id)}]
            if walk.notes:
                panel["note"] = [{"text": walk.notes}]
        b.add(key, panel)


def _coded(code: str, system: str, value: str, text: str | None = None) -> Resource:
    shown = value.replace("_", " ")
    return {
        "code": observation_code(code),
        "valueCodeableConcept": walkrx(system, value, shown, text),
    }


def _count(code: str, value: int) -> Resource:
    return {"code": observation_code(code), "valueInteger": value}


def week_section(b: _Assembly) -> None:
    """Each reviewed week: its target-zone minutes (82290-8, min/wk) and its review."""
    dates = [(walk_key(n, w), w.local_date) for n, w in enumerate(b.records.walks)]
    for review in b.records.reviews:
        s = review.summary
        walks = [b.ref(key) for key, day in dates if s.start <= day <= s.end]
        zone = b.add(
            f"week/{s.week}/zone-minutes",
            {
                "resourceType": "Observation",
                "status": "final",
                "category": PA_CATEGORIES,
                "code": loinc(MVPA_PER_WEEK),
                "subject": b.patient,
                "effectiveDateTime": s.end.isoformat(),
                "performer": [b.patient],
                "valueQuantity": quantity(round(s.zone_min, 4), "min/wk"),
                "derivedFrom": [{"reference": ref} for ref in walks],
                "component": [
                    {
                        "code": observation_code(ZONE_MEASURED),
                        "valueQuantity": quantity(round(s.zone_measured_min, 4), "min/wk"),
                    },
                    {
                        "code": observation_code(ZONE_BY_EFFORT),
                        "valueQuantity": quantity(round(s.zone_by_effort_min, 4), "min/wk"),
                    },
                    _count(PROGRAM_WEEK, s.week),
                ],
            },
        )
        components = [
            _count(PROGRAM_WEEK, s.week),
            _count(POSITION, review.position),
            _count(NEXT_POSITION, review.next_position),
            _coded(WEEK_PAIN, "pain-status", s.pain.value),
            *(_coded(REASON, "reason", r.value, REASON_TEXT[r]) for r in review.reasons),
            *(_coded(FLAG, "flag", f.value, FLAG_TEXT[f]) for f in review.flags),
            *(_coded(REFERRAL, "referral", r.value, REFERRAL_TEXT[r]) for r in review.referrals),
            *(_coded(RED_FLAG, "red-flag", f.value) for f in review.red_flags),
        ]
        b.add(
            f"week/{s.week}/review",
            {
                "resourceType": "Observation",
                "status": "final",
                "category": PA_CATEGORIES[1:],
                "code": observation_code(WEEKLY_REVIEW),
                "subject": b.patient,
                "effectivePeriod": {"start": s.start.isoformat(), "end": s.end.isoformat()},
                "valueCodeableConcept": walkrx(
                    "decision",
                    review.decision.value,
                    review.decision.value.replace("_", " "),
                    DECISION_TEXT[review.decision],
                ),
                "derivedFrom": [{"reference": zone}],
                "component": components,
            },
        )


def _goal(b: _Assembly, key: str, text: str, measure: Resource, detail: Resource) -> str:
    r = b.records
    return b.add(
        f"goal/{key}",
        {
            "resourceType": "Goal",
            "lifecycleStatus": "active",
            "category": [PA_CATEGORIES[1]],
            "description": {"text": text},
            "subject": b.patient,
            "startDate": r.person.week_start(max(r.week, 1)).isoformat(),
            "target": [{"measure": measure, **detail}],
        },
    )


def _band(low: float, high: float, unit: str) -> Resource:
    return {"detailRange": {"low": quantity(low, unit), "high": quantity(high, unit)}}


def care_plan_section(b: _Assembly) -> None:
    """The prescription in force as a CarePlan (PACarePlan's shape) with its Goals."""
    r = b.records
    rx = r.prescription
    phase = r.protocol.phase_at(rx.position)
    goals = [
        _goal(
            b,
            "walks-per-week",
            f"Walk {rx.walks_min} to {rx.walks_max} times a week",
            observation_code(WALKS_PER_WEEK),
            _band(rx.walks_min, rx.walks_max, "/wk"),
        ),
        _goal(
            b,
            "minutes-per-walk",
            f"Walk {rx.minutes_min} to {rx.minutes_max} minutes each time",
            loinc(EXERCISE_DURATION),
            _band(rx.minutes_min, rx.minutes_max, "min"),
        ),
    ]
    if rx.long_walk_minutes is not None:
        goals.append(
            _goal(
                b,
                "long-walk",
                f"One walk a week of at least {rx.long_walk_minutes} minutes",
                loinc(EXERCISE_DURATION),
                {"detailQuantity": {**quantity(rx.long_walk_minutes, "min"), "comparator": ">="}},
            )
        )
    if phase.weekly_zone_minutes is not None:
        low, high = phase.weekly_zone_minutes
        goals.append(
            _goal(
                b,
                "zone-minutes",
                f"{low} to {high} minutes a week in the target heart-rate zone",
                loinc(MVPA_PER_WEEK),
                _band(low, high, "min/wk"),
            )
        )
    where = "the ease-in week" if rx.position == 0 else f"protocol week {rx.position}"
    extra = f"; one walk of at least {rx.long_walk_minutes} minutes" if rx.long_walk_minutes else ""
    tempo = "; an optional tempo walk" if rx.tempo else ""
    b.add(
        "care-plan",
        {
            "resourceType": "CarePlan",
            "status": "on-hold" if r.paused else "active",
            "intent": "plan",
            "category": [PA_CATEGORIES[1]],
            "title": f"walkrx: {r.protocol.title}",
            "description": (
                f"Program week {r.week}, {where} (phase {rx.phase}: {phase.name}): walk "
                f"{rx.walks_min}-{rx.walks_max} times a week, {rx.minutes_min}-{rx.minutes_max} "
                f"minutes each{extra}{tempo}."
            ),
            "subject": b.patient,
            "period": {"start": r.person.start.isoformat()},
            "goal": [{"reference": g} for g in goals],
            "activity": [
                {
                    "detail": {
                        "code": walkrx("activity-type", WALKING, "Walking", "Walking"),
                        "status": "on-hold" if r.paused else "in-progress",
                        "scheduledTiming": {
                            "repeat": {
                                "frequency": rx.walks_min,
                                "frequencyMax": rx.walks_max,
                                "period": 1,
                                "periodUnit": "wk",
                                "duration": rx.minutes_min,
                                "durationMax": rx.minutes_max,
                                "durationUnit": "min",
                            }
                        },
                        "goal": [{"reference": g} for g in goals],
                    }
                }
            ],
        },
    )


def followup_section(b: _Assembly) -> None:
    """The follow-ups after the program (issue 13), built in `walkrx.reports.fhir_followup`."""
    for key, resource in followup_resources(b.records.followups, b.patient, b.options.pseudonymous):
        b.add(key, resource)


SECTIONS: tuple[Section, ...] = (
    patient_section,
    walk_section,
    week_section,
    care_plan_section,
    followup_section,
)


def build_bundle(
    records: ExportRecords, options: ExportOptions, sections: Sequence[Section] = SECTIONS
) -> Resource:
    """A FHIR R4 Bundle of type `collection` holding the program's resources."""
    assembly = _Assembly(records, options)
    for section in sections:
        section(assembly)
    return {
        "resourceType": "Bundle",
        "id": str(uuid.uuid5(ID_NAMESPACE, f"{options.seed}/bundle")),
        **(
            {"meta": {"tag": [coding(WALKRX + "export", "pseudonymous")]}}
            if options.pseudonymous
            else {}
        ),
        "type": "collection",
        "timestamp": options.generated.isoformat(timespec="seconds"),
        "entry": assembly.entries,
    }
