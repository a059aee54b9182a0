"""The access matrix: no URL lets one walker read or change another person's data.

Every route of the app that takes an id in its path is called by walker A with walker B's ids
(B's person, B's imported walk, an invitation addressed to B, B's clinician, B's API token) and
must answer 404, as if B's data did not exist; afterwards B's data is unchanged. Routes are
enumerated from `app.routes`, so a new route is checked the day it is added, and a path
parameter this test does not know fails it until it is given a victim's value below.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi.routing import APIRoute
from fastapi.testclient import TestClient

from walkrx.services import accounts

from .conftest import Web, page_csrf

FENIX_WALK = (
    Path(__file__).resolve().parents[1] / "data" / "fit" / "fitparse__garmin-fenix-5-walk.fit"
)
PARAM = re.compile(r"{([a-z_]+)(?::[a-z]+)?}")


@dataclass
class Victim:
    client: TestClient
    ids: dict[str, int]


def _victim(web: Web) -> Victim:
    """Walker B with a program, an imported walk, a linked clinician, an invitation and a token."""
    b = web.walker("b@example.org")
    csrf = page_csrf(b)
    person = b.get("/api/v1/me").json()["person_id"]
    b.post(
        f"/api/v1/people/{person}/imports",
        headers={"X-CSRF-Token": csrf},
        files=[("files", (FENIX_WALK.name, FENIX_WALK.read_bytes(), "application/octet-stream"))],
    )
    walk_id = b.get(f"/api/v1/people/{person}/walks").json()["walks"][0]["id"]
    web.sign_up("linked@clinic.example", role="clinician")
    web.sign_up("waiting@clinic.example", role="clinician")
    linked = web.user("linked@clinic.example")
    accounts.invite(web.db, linked, "b@example.org")
    walker_b = web.user("b@example.org")
    first = accounts.invitations_for(web.db, walker_b)[0]
    accounts.answer_invitation(web.db, walker_b, first.id, accept=True)
    pending = accounts.invite(web.db, web.user("waiting@clinic.example"), "b@example.org")
    accounts.create_api_token(web.db, walker_b, "b's script")
    token_id = accounts.list_api_tokens(web.db, walker_b)[0][0]
    return Victim(
        b,
        {
            "person_id": person,
            "walk_id": walk_id,
            "invitation_id": pending.id,
            "clinician_id": linked.id,
            "token_id": token_id,
            "number": 1,
        },
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


def _snapshot(web: Web, victim: Victim) -> dict[str, object]:
    b = web.user("b@example.org")
    person = victim.ids["person_id"]
    api = victim.client
    return {
        "walks": api.get(f"/api/v1/people/{person}/walks").json(),
        "reviews": api.get(f"/api/v1/people/{person}/today").json(),
        "tokens": accounts.list_api_tokens(web.db, b),
        "invitations": [i.id for i in accounts.invitations_for(web.db, b)],
        "clinicians": [c.id for c in accounts.clinicians_of(web.db, b)],
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
    return {"data": {"accept": "yes", "pain_next_morning": "9", "note": "x", "label": "x"}}


def test_walker_a_cannot_reach_walker_b_through_any_route(web: Web) -> None:
    """Every route with an id in its path answers 404 to another walker and changes nothing."""
    victim = _victim(web)
    a = web.walker("a@example.org")
    csrf = page_csrf(a)
    before = _snapshot(web, victim)
    checked: list[str] = []
    for template, methods in _routes(web.app.routes):
        params = PARAM.findall(template)
        if not params:
            continue
        unknown = [p for p in params if p not in victim.ids]
        assert not unknown, (
            f"{template} takes {unknown}: add the victim's value to the access matrix "
            "(tests/web/test_access.py) so this route is checked"
        )
        path = template
        for name in params:
            path = re.sub(r"{" + name + r"(?::[a-z]+)?}", str(victim.ids[name]), path)
        for method in sorted(methods - {"HEAD"}):
            response = a.request(
                method, path, headers={"X-CSRF-Token": csrf}, **_bodies(template, method)
            )
            assert response.status_code == 404, (method, template, response.status_code)
            if template.startswith("/api/"):
                assert response.json()["error"]["type"] == "not_found"
            assert "b@example.org" not in response.text
            checked.append(f"{method} {template}")
    assert _snapshot(web, victim) == before
    assert len(checked) >= 20, checked  # the matrix really ran over the app's routes


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
    ):
        assert victim.client.get(path).status_code == 200, path


def test_a_walker_cannot_use_a_clinicians_link_to_reach_others(web: Web) -> None:
    """A clinician sees a linked patient's program but gets 404 for anyone else's."""
    victim = _victim(web)
    other = web.walker("c@example.org")
    other_person = other.get("/api/v1/me").json()["person_id"]
    token = accounts.create_api_token(web.db, web.user("linked@clinic.example"), "panel")
    clinic = web.client()
    headers = {"Authorization": f"Bearer {token}"}
    person = victim.ids["person_id"]
    assert clinic.get(f"/api/v1/people/{person}/walks", headers=headers).status_code == 200
    assert clinic.get(f"/api/v1/people/{other_person}/walks", headers=headers).status_code == 404
