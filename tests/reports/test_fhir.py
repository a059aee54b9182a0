"""The FHIR R4 Bundle of a program (issue 12): valid R4 resources, documented codes, the
pseudonymous form, and the round trip (a Bundle read back gives the same walks, pain ratings,
weekly figures and prescription).

Resources are validated with fhir.resources' R4B models (`fhir.resources.R4B`): FHIR 4.3, whose
Patient, Observation, Goal, CarePlan and Bundle are those of R4 (4.0.1); docs/fhir.md says so.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle
from hypothesis import given, settings
from hypothesis import strategies as st

from walkrx import protocols
from walkrx.domain.model import CheckIn, Diary, Person, Walk, ZoneSettings
from walkrx.domain.review import current_position, review_weeks
from walkrx.reports import fhir
from walkrx.reports.fhir_read import PrescriptionFigures, WalkFigures, WeekFigures, read_bundle

DOCS = Path(__file__).resolve().parents[2] / "docs" / "fhir.md"
START = date(2026, 3, 2)  # a Monday
PROTOCOL = protocols.load("walking-6wk")
GENERATED = datetime(2026, 4, 20, 12, 0, tzinfo=UTC)
# Every code system the export may use, and every LOINC code (docs/fhir.md cites each)
SYSTEMS = {
    fhir.LOINC,
    fhir.UCUM,
    fhir.OBSERVATION_CATEGORY,
    fhir.PA_TEMPORARY,
    *(
        fhir.WALKRX + name
        for name in (
            "observation",
            "activity-type",
            "pain-moment",
            "decision",
            "reason",
            "flag",
            "referral",
            "red-flag",
            "pain-status",
            "export",
        )
    ),
}
LOINC_CODES = {"73985-4", "55411-3", "55412-1", "55425-3", "55426-1", "72514-3", "82290-8"}


def person(**fields: Any) -> Person:
    return Person(
        id=7,
        name="Ann Example",
        start=START,
        timezone="Europe/London",
        protocol="walking-6wk",
        zones=(ZoneSettings(effective=START, age=50),),
        display_name="Ann",
        **fields,
    )


def walk(day: date, minutes: float, at: time = time(9, 0), **fields: Any) -> Walk:
    tz = fields.pop("timezone", "Europe/London")
    start = datetime.combine(day, at, tzinfo=ZoneInfo(tz)).astimezone(UTC)
    return Walk(id=None, start=start, timezone=tz, duration_s=round(minutes * 60), **fields)


def program_walks() -> list[Walk]:
    """Three weeks of walks (heart rate, distance, every pain moment, notes), a walk in New York
    and an unconfirmed import after London's change to summer time (29 March 2026)."""
    walks = []
    for week in range(3):
        for i, offset in enumerate((0, 2, 4, 5)):
            day = START + timedelta(days=7 * week + offset)
            walks.append(
                walk(
                    day,
                    17.5 + i,
                    avg_hr=127.34 if i % 2 else None,
                    max_hr=141 if i % 2 else None,
                    distance_m=1520.26 if i != 3 else None,
                    zone_in_s=901 if i % 2 else None,
                    effort=4,
                    pain_before=2,
                    pain_during=3 + week,
                    pain_after=3,
                    pain_next_morning=2 if i != 2 else None,
                    notes="Felt fine; met Sam at the park." if i == 0 else "",
                )
            )
    walks.append(walk(START + timedelta(days=28), 31, at=time(9, 0), check_reason="too_fast"))
    walks.append(walk(START + timedelta(days=27), 40, timezone="America/New_York"))
    return [replace(w, id=n + 1) for n, w in enumerate(walks)]


def records(walks: list[Walk] | None = None, **fields: Any) -> fhir.ExportRecords:
    who = person()
    stored = tuple(program_walks() if walks is None else walks)
    diary = Diary(
        person=who,
        walks=stored,
        checkins=(CheckIn(id=1, day=START + timedelta(days=1), seq=1, morning_pain=3),),
    )
    today = START + timedelta(days=29)
    reviews = tuple(review_weeks(diary, PROTOCOL, today))
    position = current_position(list(reviews), who.start_position)
    return fhir.ExportRecords(
        person=who,
        protocol=PROTOCOL,
        walks=stored,
        reviews=reviews,
        week=who.week_of(today),
        prescription=PROTOCOL.prescription(position),
        email="ann@example.org",
        **fields,
    )


def bundle(recs: fhir.ExportRecords | None = None, **options: Any) -> dict[str, Any]:
    made = fhir.build_bundle(
        recs or records(), fhir.ExportOptions(generated=GENERATED, **{"seed": "t", **options})
    )
    return json.loads(json.dumps(made))  # what a file or an HTTP answer carries


def resources(b: dict[str, Any], kind: str | None = None) -> list[dict[str, Any]]:
    return [
        e["resource"] for e in b["entry"] if kind is None or e["resource"]["resourceType"] == kind
    ]


def walk_items(value: Any) -> Iterator[tuple[str, Any]]:
    """Every (key, value) pair anywhere in a JSON value."""
    if isinstance(value, dict):
        for key, item in value.items():
            yield key, item
            yield from walk_items(item)
    elif isinstance(value, list):
        for item in value:
            yield from walk_items(item)


# --- valid FHIR --------------------------------------------------------------------------------


@pytest.mark.parametrize("pseudonymous", [False, True])
def test_every_resource_validates_with_the_fhir_r4_models(pseudonymous: bool) -> None:
    b = bundle(pseudonymous=pseudonymous)
    Bundle.model_validate(b)
    kinds = set()
    for entry in b["entry"]:
        resource = entry["resource"]
        get_fhir_model_class(resource["resourceType"]).model_validate(resource)
        assert entry["fullUrl"] == f"urn:uuid:{resource['id']}"
        kinds.add(resource["resourceType"])
    assert kinds == {"Patient", "Observation", "Goal", "CarePlan"}


def test_references_resolve_inside_the_bundle_and_ids_are_unique() -> None:
    b = bundle()
    urls = [e["fullUrl"] for e in b["entry"]]
    assert len(urls) == len(set(urls))
    refs = [v for k, v in walk_items(b) if k == "reference"]
    assert refs and set(refs) <= set(urls)


def test_the_same_records_and_seed_give_the_same_bundle() -> None:
    assert bundle() == bundle()
    assert bundle(seed="other")["entry"][0]["fullUrl"] != bundle()["entry"][0]["fullUrl"]


# --- codes -------------------------------------------------------------------------------------


def test_codes_come_from_the_documented_systems_and_loinc_codes_are_the_documented_ones() -> None:
    b = bundle(pseudonymous=True)
    systems = {v for k, v in walk_items(b) if k == "system"} - {"email"}
    assert systems <= SYSTEMS, systems - SYSTEMS
    used = {
        c["code"] for k, v in walk_items(b) if k == "coding" for c in v if c["system"] == fhir.LOINC
    }
    assert used == LOINC_CODES
    docs = DOCS.read_text(encoding="utf-8")
    for code in LOINC_CODES:
        assert f"loinc.org/{code}" in docs or code in docs, code
    for system in SYSTEMS - {fhir.LOINC, fhir.UCUM}:
        assert system in docs, system
    walkrx_codes = {
        c["code"]
        for k, v in walk_items(b)
        if k == "coding"
        for c in v
        if c["system"] == fhir.WALKRX + "observation"
    }
    for code in walkrx_codes | set(fhir.PAIN_MOMENTS):
        assert f"`{code}`" in docs, code


def test_a_walk_is_a_panel_of_its_measures_with_the_walks_time() -> None:
    b = bundle()
    by_url = {e["fullUrl"]: e["resource"] for e in b["entry"]}
    panels = [r for r in resources(b, "Observation") if r["code"]["coding"][0]["code"] == "PAPanel"]
    assert len(panels) == 14
    first = panels[0]
    assert first["effectivePeriod"] == {
        "start": "2026-03-02T09:00:00+00:00",
        "end": "2026-03-02T09:17:30+00:00",
    }
    members = [by_url[m["reference"]] for m in first["hasMember"]]
    codes = [m["code"]["coding"][0]["code"] for m in members]
    assert codes == ["73985-4", "55411-3", "55412-1", "72514-3", "72514-3", "72514-3", "72514-3"]
    for member in members:
        categories = {c["coding"][0]["code"] for c in member["category"]}
        assert {"activity", "PhysicalActivity"} <= categories
        assert member["subject"] == first["subject"]
    assert members[1]["valueQuantity"] == {
        "value": 17.5,
        "unit": "min",
        "system": fhir.UCUM,
        "code": "min",
    }
    pains = {m["component"][0]["valueCodeableConcept"]["coding"][0]["code"]: m for m in members[3:]}
    assert pains["before"]["effectiveDateTime"] == "2026-03-02T09:00:00+00:00"
    assert pains["during"]["effectivePeriod"] == first["effectivePeriod"]
    assert pains["after"]["effectiveDateTime"] == "2026-03-02T09:17:30+00:00"
    assert pains["next-morning"]["effectiveDateTime"] == "2026-03-03"
    assert pains["during"]["valueQuantity"]["value"] == 3
    assert first["note"] == [{"text": "Felt fine; met Sam at the park."}]
    hr = [by_url[m["reference"]] for m in panels[1]["hasMember"]]
    assert [m["code"]["coding"][0]["code"] for m in hr][:6] == [
        "73985-4",
        "55411-3",
        "55412-1",
        "55425-3",
        "55426-1",
        "walk-zone-minutes",
    ]
    assert hr[3]["valueQuantity"]["value"] == 127.3 and hr[3]["valueQuantity"]["unit"] == "/min"


def test_local_times_carry_the_walks_offset_and_unconfirmed_walks_are_preliminary() -> None:
    panels = [
        r for r in resources(bundle(), "Observation") if r["code"]["coding"][0]["code"] == "PAPanel"
    ]
    summer = [p for p in panels if p["effectivePeriod"]["start"].startswith("2026-03-30")]
    assert summer[0]["effectivePeriod"]["start"] == "2026-03-30T09:00:00+01:00"  # BST
    new_york = [p for p in panels if p["effectivePeriod"]["start"].endswith("-04:00")]
    assert len(new_york) == 1
    assert [p["status"] for p in panels].count("preliminary") == 1


def test_each_reviewed_week_has_its_zone_minutes_and_its_decision_with_reasons() -> None:
    recs = records()
    b = bundle(recs)
    observations = resources(b, "Observation")
    zones = [o for o in observations if o["code"]["coding"][0]["code"] == "82290-8"]
    reviews = [o for o in observations if o["code"]["coding"][0]["code"] == "weekly-review"]
    assert len(zones) == len(reviews) == len(recs.reviews) == 4
    first = recs.reviews[0]
    assert zones[0]["effectiveDateTime"] == first.summary.end.isoformat()
    assert zones[0]["valueQuantity"]["code"] == "min/wk"
    assert zones[0]["valueQuantity"]["value"] == round(first.summary.zone_min, 4)
    assert len(zones[0]["derivedFrom"]) == 4  # the week's walk panels
    assert reviews[0]["effectivePeriod"] == {"start": "2026-03-02", "end": "2026-03-08"}
    decision = reviews[0]["valueCodeableConcept"]
    assert decision["coding"][0] == {
        "system": fhir.WALKRX + "decision",
        "code": first.decision.value,
        "display": first.decision.value.replace("_", " "),
    }
    assert decision["text"]  # the decision in plain words
    reasons = [
        c["valueCodeableConcept"]
        for c in reviews[0]["component"]
        if c["code"]["coding"][0]["code"] == "reason"
    ]
    assert [r["coding"][0]["code"] for r in reasons] == [r.value for r in first.reasons]
    assert all(r["text"] for r in reasons)


def test_the_prescription_is_a_care_plan_with_goals() -> None:
    recs = records()
    b = bundle(recs)
    (plan,) = resources(b, "CarePlan")
    goals = resources(b, "Goal")
    rx = recs.prescription
    assert plan["status"] == "active" and plan["intent"] == "plan"
    assert plan["period"] == {"start": START.isoformat()}
    assert {g["reference"] for g in plan["goal"]} == {
        e["fullUrl"] for e in b["entry"] if e["resource"]["resourceType"] == "Goal"
    }
    repeat = plan["activity"][0]["detail"]["scheduledTiming"]["repeat"]
    assert (repeat["frequency"], repeat["frequencyMax"], repeat["periodUnit"]) == (
        rx.walks_min,
        rx.walks_max,
        "wk",
    )
    assert (repeat["duration"], repeat["durationMax"]) == (rx.minutes_min, rx.minutes_max)
    assert [g["target"][0]["measure"]["coding"][0]["code"] for g in goals][:2] == [
        "walks-per-week",
        "55411-3",
    ]
    paused = resources(bundle(records(paused=True)), "CarePlan")[0]
    assert paused["status"] == "on-hold"


def test_a_phase_with_a_weekly_zone_goal_and_a_long_walk_has_those_goals_too() -> None:
    rx = PROTOCOL.prescription(5)
    b = bundle(replace(records(), prescription=rx))
    goals = resources(b, "Goal")
    measures = [g["target"][0]["measure"]["coding"][0]["code"] for g in goals]
    assert "82290-8" in measures
    long_walk = [g for g in goals if "detailQuantity" in g["target"][0]]
    if rx.long_walk_minutes is not None:
        assert long_walk[0]["target"][0]["detailQuantity"]["comparator"] == ">="


# --- pseudonymous ------------------------------------------------------------------------------


def test_the_pseudonymous_form_has_no_name_e_mail_telecom_identifier_or_notes() -> None:
    named = bundle()
    (patient,) = resources(named, "Patient")
    assert patient["name"][0]["text"] == "Ann Example"
    assert patient["telecom"] == [{"system": "email", "value": "ann@example.org"}]
    b = bundle(pseudonymous=True)
    (patient,) = resources(b, "Patient")
    assert set(patient) == {"resourceType", "id", "active"}
    text = json.dumps(b)
    for secret in ("Ann", "ann@example.org", "Sam", "email", "person-id", "walk-id"):
        assert secret not in text, secret
    assert not [k for k, _ in walk_items(b) if k in ("name", "telecom", "identifier", "note")]
    assert b["meta"]["tag"][0]["code"] == "pseudonymous"
    # the same figures as the named form
    assert read_bundle(b).walks == read_bundle(named).walks


# --- the round trip ----------------------------------------------------------------------------


def test_a_bundle_read_back_gives_the_same_walks_pain_ratings_weeks_and_prescription() -> None:
    recs = records()
    back = read_bundle(bundle(recs))
    assert back.walks == tuple(WalkFigures.of(w) for w in sorted(recs.walks, key=lambda w: w.start))
    assert back.weeks == tuple(WeekFigures.of(r) for r in recs.reviews)
    assert back.prescription == PrescriptionFigures.of(recs.prescription)
    assert sum(1 for w in back.walks if not w.counted) == 1


@st.composite
def random_walks(draw: st.DrawFn) -> list[Walk]:
    count = draw(st.integers(0, 12))
    walks = []
    for n in range(count):
        rating = st.none() | st.integers(0, 10)
        duration_s = draw(st.integers(1, 6 * 3600))
        walks.append(
            Walk(
                id=n + 1,
                start=datetime(2026, 3, 2, tzinfo=UTC)
                + timedelta(seconds=draw(st.integers(0, 28 * 86400))),
                timezone=draw(st.sampled_from(["UTC", "Europe/London", "Asia/Kolkata"])),
                duration_s=duration_s,
                distance_m=draw(st.none() | st.floats(0, 40_000)),
                avg_hr=draw(st.none() | st.floats(40, 220)),
                max_hr=draw(st.none() | st.integers(40, 230)),
                zone_in_s=draw(st.none() | st.integers(0, duration_s)),
                pain_before=draw(rating),
                pain_during=draw(rating),
                pain_after=draw(rating),
                pain_next_morning=draw(rating),
                check_reason=draw(st.none() | st.just("too_fast")),
            )
        )
    return walks


@settings(max_examples=60, deadline=None)
@given(walks=random_walks())
def test_any_walks_survive_the_round_trip(walks: list[Walk]) -> None:
    recs = records(walks)
    back = read_bundle(bundle(recs))
    assert back.walks == tuple(WalkFigures.of(w) for w in sorted(walks, key=lambda w: w.start))
    assert back.weeks == tuple(WeekFigures.of(r) for r in recs.reviews)


# --- extensible --------------------------------------------------------------------------------


def test_a_new_section_adds_its_resources_and_can_refer_to_the_patient() -> None:
    def questionnaires(b: Any) -> None:
        b.add(
            "questionnaire-response/1",
            {
                "resourceType": "QuestionnaireResponse",
                "status": "completed",
                "subject": b.patient,
            },
        )

    made = fhir.build_bundle(
        records(),
        fhir.ExportOptions(generated=GENERATED, seed="t"),
        sections=(*fhir.SECTIONS, questionnaires),
    )
    last = made["entry"][-1]["resource"]
    get_fhir_model_class("QuestionnaireResponse").model_validate(last)
    assert last["subject"] == {"reference": made["entry"][0]["fullUrl"]}
    assert re.fullmatch(r"[0-9a-f-]{36}", last["id"])
