"""`GET /api/v1/people/{id}/fhir` (issue 12): the walker's own program as a FHIR R4 Bundle, the
from/to/pseudonymous parameters, the media type asked for, and access: another walker gets 404,
a linked clinician gets the Bundle and the export goes on the audit trail."""

from __future__ import annotations

from fastapi.testclient import TestClient
from fhir.resources.R4B import get_fhir_model_class
from fhir.resources.R4B.bundle import Bundle

from walkrx.reports.fhir_read import read_bundle
from walkrx.services import accounts, care
from walkrx.services.access import Actor
from walkrx.storage import UnitOfWork

from .conftest import Web, page_csrf

DAYS = ("2017-01-03", "2017-01-05", "2017-01-10", "2017-01-17")  # the program starts 2 Jan 2017


def _walker_with_walks(web: Web, email: str) -> tuple[TestClient, int]:
    client = web.walker(email)
    person = client.get("/api/v1/me").json()["person_id"]
    csrf = page_csrf(client)
    for n, day in enumerate(DAYS):
        logged = client.post(
            f"/api/v1/people/{person}/walks",
            json={
                "date": day,
                "minutes": 25 + n,
                "avg_hr": 128,
                "pain_before": 2,
                "pain_after": 3,
                "notes": "private note",
            },
            headers={"X-CSRF-Token": csrf},
        )
        assert logged.status_code == 201, logged.text
    return client, person


def test_the_walker_gets_a_valid_bundle_of_their_program(web: Web) -> None:
    client, person = _walker_with_walks(web, "ann@example.org")
    response = client.get(f"/api/v1/people/{person}/fhir")
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/json")
    bundle = response.json()
    Bundle.model_validate(bundle)
    for entry in bundle["entry"]:
        get_fhir_model_class(entry["resource"]["resourceType"]).model_validate(entry["resource"])
    back = read_bundle(bundle)
    walks = client.get(f"/api/v1/people/{person}/walks").json()["walks"]
    assert [(w.duration_s, w.avg_hr, w.pain_before, w.pain_after) for w in back.walks] == [
        (w["duration_s"], w["avg_hr"], w["pain_before"], w["pain_after"]) for w in walks
    ]
    reviews = client.get(f"/api/v1/people/{person}/reviews").json()["weeks"]
    assert [(w.week, w.zone_measured_min, w.decision) for w in back.weeks] == [
        (r["week"], round(r["zone_minutes"]["measured"], 4), r["decision"]) for r in reviews
    ]
    (patient,) = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "Patient"
    ]
    assert patient["telecom"] == [{"system": "email", "value": "ann@example.org"}]

    fhir_json = client.get(
        f"/api/v1/people/{person}/fhir", headers={"Accept": "application/fhir+json"}
    )
    assert fhir_json.headers["content-type"].startswith("application/fhir+json")


def test_from_to_and_pseudonymous(web: Web) -> None:
    client, person = _walker_with_walks(web, "ann@example.org")
    url = f"/api/v1/people/{person}/fhir"
    some = read_bundle(client.get(url, params={"from": "2017-01-05", "to": "2017-01-10"}).json())
    assert [w.start.date().isoformat() for w in some.walks] == ["2017-01-05", "2017-01-10"]
    assert [w.week for w in some.weeks] == [1]  # week 1 ends on 8 January
    pseudo = client.get(url, params={"pseudonymous": "true"})
    assert pseudo.status_code == 200
    text = pseudo.text
    assert "ann@example.org" not in text and "private note" not in text
    assert '"telecom"' not in text and '"name"' not in text
    refused = client.get(url, params={"from": "2017-02-01", "to": "2017-01-01"})
    assert refused.status_code == 422
    assert refused.json()["error"]["type"]
    assert client.get(url, params={"from": "yesterday"}).status_code == 422


def test_another_walker_gets_404_and_a_linked_clinician_is_recorded(web: Web) -> None:
    _, person = _walker_with_walks(web, "ann@example.org")
    other = web.walker("bob@example.org")
    refused = other.get(f"/api/v1/people/{person}/fhir")
    assert refused.status_code == 404
    assert refused.json()["error"]["type"] == "not_found"
    assert "ann@example.org" not in refused.text

    with UnitOfWork(web.db) as uow:
        before = uow.audit.of_person(person, limit=1000)
    assert not [e for e in before if e.action == "export_fhir"]  # the walker's own: not logged

    web.sign_up("doc@clinic.example", role="clinician")
    doctor = web.user("doc@clinic.example")
    invitation = care.invite(UnitOfWork(web.db), doctor.id, "ann@example.org")
    care.accept_invitation(
        UnitOfWork(web.db), Actor.user(web.user("ann@example.org").id), invitation.code
    )
    token = accounts.create_api_token(UnitOfWork(web.db), doctor.id, "export").token
    clinic = web.client()
    clinic.headers["Authorization"] = f"Bearer {token}"
    exported = clinic.get(f"/api/v1/people/{person}/fhir", params={"pseudonymous": "true"})
    assert exported.status_code == 200
    assert len(read_bundle(exported.json()).walks) == len(DAYS)
    with UnitOfWork(web.db) as uow:
        events = [e for e in uow.audit.of_person(person, limit=1000) if e.action == "export_fhir"]
    assert [(e.actor, e.role, e.via) for e in events] == [
        ("doc@clinic.example", "clinician", "token")
    ]
