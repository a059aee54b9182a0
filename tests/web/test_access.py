"""The access matrix: no URL lets anyone read or change another person's data.

Every route of the app that takes an id (or an invitation code) in its path is called with walker
B's values (B's person, B's imported walk, an invitation addressed to B and its code, B's
clinician, B's clinic and one of its members, B's API token, an alert of B's) by walker A, and by
a clinician of another clinic, and must answer 404, as if B's data did not exist; afterwards B's
data is unchanged. Routes are enumerated from `app.routes`, so a new route is checked the day it
is added, and a path parameter this test does not know fails it until it is given a victim's
value below.

Clinics (issue 11): a member of B's clinic reaches B's program through every patient route, each
access goes on the audit trail (B's "who looked" page, the clinic's log), and a member removed
from the clinic loses access at once.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from walkrx.services import accounts, care, clinics, sharing
from walkrx.services.access import Actor
from walkrx.storage import UnitOfWork
from walkrx.storage.clinic import AuditEvent

from .conftest import Web, page_csrf

FENIX_WALK = (
    Path(__file__).resolve().parents[1] / "data" / "fit" / "fitparse__garmin-fenix-5-walk.fit"
)
PARAM = re.compile(r"{([a-z_]+)(?::[a-z]+)?}")


@dataclass
class Victim:
    client: TestClient
    ids: dict[str, int | str]
    member: TestClient  # a clinician of B's clinic
    admin: TestClient  # B's clinic's administrator


def _victim(web: Web) -> Victim:
    """Walker B with a program, an imported walk, a clinician of their own, a clinic they joined
    by an invitation code, an invitation still waiting (with its code) and an API token."""
    b = web.walker("b@example.org")
    csrf = page_csrf(b)
    person = b.get("/api/v1/me").json()["person_id"]
    b.post(
        f"/api/v1/people/{person}/imports",
        headers={"X-CSRF-Token": csrf},
        files=[("files", (FENIX_WALK.name, FENIX_WALK.read_bytes(), "application/octet-stream"))],
    )
    b.post(
        f"/api/v1/people/{person}/checkins",
        headers={"X-CSRF-Token": csrf},
        json={"morning_pain": 3, "red_flags": ["night_pain"]},
    )
    walk_id = b.get(f"/api/v1/people/{person}/walks").json()["walks"][0]["id"]
    web.sign_up("linked@clinic.example", role="clinician")
    web.sign_up("waiting@clinic.example", role="clinician")
    admin = web.sign_up("admin@clinic-b.example", role="clinician")
    member = web.sign_up("member@clinic-b.example", role="clinician")
    walker_b = Actor.user(web.user("b@example.org").id)
    linked = web.user("linked@clinic.example")
    own = care.invite(UnitOfWork(web.db), linked.id, "b@example.org")
    care.accept_invitation(UnitOfWork(web.db), walker_b, own.code)
    boss = Actor.user(web.user("admin@clinic-b.example").id)
    clinic = clinics.create_clinic(UnitOfWork(web.db), boss, "Clinic B")
    added = clinics.add_member(
        UnitOfWork(web.db), boss, clinic.id, "member@clinic-b.example", "clinician"
    )
    to_clinic = care.invite(UnitOfWork(web.db), added.user_id, "b@example.org", clinic_id=clinic.id)
    care.accept_invitation(UnitOfWork(web.db), walker_b, to_clinic.code)
    waiting = web.user("waiting@clinic.example")
    pending = care.invite(UnitOfWork(web.db), waiting.id, "b@example.org")
    new = accounts.create_api_token(UnitOfWork(web.db), walker_b.user_id or 0, "b's script")
    with UnitOfWork(web.db) as uow:
        alerts = uow.alerts.of_person(person)
    return Victim(
        b,
        {
            "person_id": person,
            "walk_id": walk_id,
            "invitation_id": pending.id,
            "code": pending.code,
            "clinician_id": linked.id,
            "clinic_id": clinic.id,
            "user_id": added.user_id,
            "token_id": new.tokens[0][0],
            "alert_id": alerts[0].id if alerts else 1,
            "number": 1,  # a lesson of the protocol: see NOT_AN_ID
        },
        member,
        admin,
    )


def _routes(routes: list[Any]) -> Iterator[tuple[str, set[str]]]:
    """(path, methods) of every endpoint, through included routers however FastAPI keeps them
    (older versions flatten them into APIRoutes; newer ones keep routers that list their routes)."""
    for route in routes:
        if isinstance(route, APIRoute):
            yield route.path, set(route.methods or ())
        elif hasattr(route, "effective_route_contexts"):
            for context in route.effective_route_contexts():
                if hasattr(context, "effective_route_contexts"):
                    yield from _routes([context])
                elif isinstance(context.original_route, APIRoute):
                    yield context.path, set(context.methods or ())


def _path(template: str, ids: dict[str, int | str]) -> str:
    path = template
    for name in PARAM.findall(template):
        path = re.sub(r"{" + name + r"(?::[a-z]+)?}", str(ids[name]), path)
    return path


def _snapshot(web: Web, victim: Victim) -> dict[str, object]:
    b = web.user("b@example.org")
    person = victim.ids["person_id"]
    api = victim.client
    shared = sharing.sharing_page(UnitOfWork(web.db), Actor.user(b.id))
    return {
        "walks": api.get(f"/api/v1/people/{person}/walks").json(),
        "reviews": api.get(f"/api/v1/people/{person}/today").json(),
        "tokens": accounts.list_api_tokens(UnitOfWork(web.db), b.id),
        "invitations": [i.id for i in care.invitations_for(UnitOfWork(web.db), b.id)],
        "clinicians": [c.id for c in care.clinicians_of(UnitOfWork(web.db), b.id)],
        "clinics": [(c.clinic.id, [m.user_id for m in c.members]) for c in shared.clinics],
    }


def _bodies(path: str, method: str) -> dict[str, Any]:
    if path.startswith("/api/"):
        if path.endswith("/imports"):
            return {"files": [("files", ("x.gpx", b"<gpx/>", "application/gpx+xml"))]}
        if method == "POST" and path.endswith("/walks"):
            return {"json": {"minutes": 20}}
        if method == "PATCH":
            return {"json": {"pain_after": 3}}
        if path.endswith("/checkins"):
            return {"json": {"morning_pain": 9, "red_flags": ["night_pain"]}}
        return {}
    return {
        "data": {
            "accept": "yes",
            "pain_next_morning": "9",
            "note": "x",
            "label": "x",
            "email": "intruder@example.org",
            "role": "admin",
        }
    }


# Path parameters that name nothing of anyone's: a lesson's number in the library of the caller's
# own protocol (the same text for every walker of that protocol). A route whose only parameters are
# these is not a door to another person's data; it must still answer the intruder with their own.
NOT_AN_ID = {"number"}


def _every_route_is_404(web: Web, victim: Victim, intruder: TestClient, csrf: str) -> list[str]:
    """Call every route with an id in its path with the victim's values: all 404, B unseen."""
    checked: list[str] = []
    for template, methods in _routes(web.app.routes):
        params = PARAM.findall(template)
        if not set(params) - NOT_AN_ID:
            continue
        unknown = [p for p in params if p not in victim.ids]
        assert not unknown, (
            f"{template} takes {unknown}: add the victim's value to the access matrix "
            "(tests/web/test_access.py) so this route is checked"
        )
        path = _path(template, victim.ids)
        for method in sorted(methods - {"HEAD"}):
            response = intruder.request(
                method, path, headers={"X-CSRF-Token": csrf}, **_bodies(template, method)
            )
            assert response.status_code == 404, (method, template, response.status_code)
            if template.startswith("/api/"):
                assert response.json()["error"]["type"] == "not_found"
            assert "b@example.org" not in response.text
            assert "Clinic B" not in response.text
            checked.append(f"{method} {template}")
    return checked


def _events(web: Web, person_id: int) -> list[AuditEvent]:
    with UnitOfWork(web.db) as uow:
        return uow.audit.of_person(person_id, limit=10_000)


def test_walker_a_cannot_reach_walker_b_through_any_route(web: Web) -> None:
    """Every route with an id in its path answers 404 to another walker and changes nothing."""
    victim = _victim(web)
    a = web.walker("a@example.org")
    before = _snapshot(web, victim)
    checked = _every_route_is_404(web, victim, a, page_csrf(a))
    assert _snapshot(web, victim) == before
    assert len(checked) >= 30, checked  # the matrix really ran over the app's routes


def test_a_clinician_of_clinic_a_cannot_reach_clinic_bs_patients(web: Web) -> None:
    """A clinician and the administrator of another clinic, with a patient of their own, get 404
    on every route for clinic B's patient, clinic B and its members."""
    victim = _victim(web)
    web.walker("a@example.org")
    admin_a = web.sign_up("admin@clinic-a.example", role="clinician")
    clinician_a = web.sign_up("clinician@clinic-a.example", role="clinician")
    boss = Actor.user(web.user("admin@clinic-a.example").id)
    clinic_a = clinics.create_clinic(UnitOfWork(web.db), boss, "Clinic A")
    clinics.add_member(
        UnitOfWork(web.db), boss, clinic_a.id, "clinician@clinic-a.example", "clinician"
    )
    made = care.invite(
        UnitOfWork(web.db), boss.user_id or 0, "a@example.org", clinic_id=clinic_a.id
    )
    care.accept_invitation(UnitOfWork(web.db), Actor.user(web.user("a@example.org").id), made.code)
    before = _snapshot(web, victim)
    events = len(_events(web, int(victim.ids["person_id"])))
    for intruder in (clinician_a, admin_a):
        checked = _every_route_is_404(web, victim, intruder, page_csrf(intruder, "/clinics"))
        assert len(checked) >= 30, checked
        panel = intruder.get("/clinician")
        assert panel.status_code == 200
        assert "b@example.org" not in panel.text
    assert _snapshot(web, victim) == before
    assert len(_events(web, int(victim.ids["person_id"]))) == events  # refusals read nothing


def test_the_owner_can_reach_the_same_routes(web: Web) -> None:
    """The same reads answer 200 for B, so the 404s above are about access, not broken URLs."""
    victim = _victim(web)
    person, walk = victim.ids["person_id"], victim.ids["walk_id"]
    for path in (
        f"/walks/{walk}",
        f"/walks/{walk}/file",
        f"/api/v1/people/{person}/walks/{walk}",
        f"/api/v1/people/{person}/zones",
        f"/api/v1/people/{person}/week/1",
        "/sharing",
        "/sharing/log",
        f"/join/{victim.ids['code']}",
    ):
        assert victim.client.get(path).status_code == 200, path
    clinic = victim.ids["clinic_id"]
    assert victim.admin.get(f"/clinics/{clinic}").status_code == 200
    assert victim.admin.get(f"/clinics/{clinic}/log").status_code == 200
    assert victim.member.get(f"/clinics/{clinic}").status_code == 200


def test_a_walker_cannot_use_a_clinicians_link_to_reach_others(web: Web) -> None:
    """A clinician sees a linked patient's program but gets 404 for anyone else's."""
    victim = _victim(web)
    other = web.walker("c@example.org")
    other_person = other.get("/api/v1/me").json()["person_id"]
    linked = web.user("linked@clinic.example")
    token = accounts.create_api_token(UnitOfWork(web.db), linked.id, "panel").token
    clinic = web.client()
    headers = {"Authorization": f"Bearer {token}"}
    person = victim.ids["person_id"]
    assert clinic.get(f"/api/v1/people/{person}/walks", headers=headers).status_code == 200
    assert clinic.get(f"/api/v1/people/{other_person}/walks", headers=headers).status_code == 404


def _patient_reads(web: Web) -> list[str]:
    """Every GET route about one person's program (the ones that take person_id)."""
    return sorted(
        template
        for template, methods in _routes(web.app.routes)
        if "GET" in methods and "{person_id}" in template
    )


def test_a_clinic_member_reaches_the_patient_until_removed_and_every_access_is_logged(
    web: Web,
) -> None:
    """B's clinic's clinician reads every patient route (each read on the audit trail, through the
    clinic); removed by the administrator, they get 404 at once and nothing more is recorded. B
    sees the reads on their "who looked" page, the administrator on the clinic's log."""
    victim = _victim(web)
    person = int(victim.ids["person_id"])
    clinic_id = victim.ids["clinic_id"]
    member_id = victim.ids["user_id"]
    reads = _patient_reads(web)
    assert len(reads) >= 8, reads
    for template in reads:
        before = len(_events(web, person))
        response = victim.member.get(_path(template, victim.ids))
        assert response.status_code == 200, (template, response.status_code)
        new = _events(web, person)[: len(_events(web, person)) - before]
        assert new, f"GET {template} left nothing on the audit trail"
        assert {(e.actor, e.role, e.clinic_id, e.via) for e in new} == {
            ("member@clinic-b.example", "clinician", clinic_id, "session")
        }, template

    log = victim.client.get("/sharing/log").text
    assert "member@clinic-b.example" in log
    assert "looked at your program" in log
    assert "Clinic B" in log

    csrf = page_csrf(victim.admin, f"/clinics/{clinic_id}")
    removed = victim.admin.post(
        f"/clinics/{clinic_id}/members/{member_id}/remove",
        data={"csrf": csrf},
        follow_redirects=False,
    )
    assert removed.status_code == 303
    before = len(_events(web, person))
    for template in reads:
        assert victim.member.get(_path(template, victim.ids)).status_code == 404, template
    assert victim.member.get(f"/clinics/{clinic_id}").status_code == 404
    assert len(_events(web, person)) == before

    clinic_log = victim.admin.get(f"/clinics/{clinic_id}/log").text
    assert "member@clinic-b.example" in clinic_log
    assert "removed a member" in clinic_log
    assert "looked at the program of" in clinic_log


def test_a_walker_who_stops_sharing_with_a_clinic_is_no_longer_seen(web: Web) -> None:
    """B leaves clinic B: its members get 404 at once; B's own clinician is unaffected."""
    victim = _victim(web)
    person, clinic_id = victim.ids["person_id"], victim.ids["clinic_id"]
    assert victim.member.get(f"/clinician/patients/{person}").status_code == 200
    left = victim.client.post(
        f"/sharing/clinics/{clinic_id}/leave",
        data={"csrf": page_csrf(victim.client, "/sharing")},
        follow_redirects=False,
    )
    assert left.status_code == 303
    assert victim.member.get(f"/clinician/patients/{person}").status_code == 404
    assert victim.admin.get(f"/api/v1/people/{person}/walks").status_code == 404
    assert "Clinic B" not in victim.client.get("/sharing").text
    linked = web.user("linked@clinic.example")
    with UnitOfWork(web.db) as uow:
        assert uow.links.links_person(linked.id, int(person))
