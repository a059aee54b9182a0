"""The JSON API with a personal API token; /healthz; the OpenAPI description; error shapes."""

from __future__ import annotations

from pathlib import Path

from fastapi.testclient import TestClient

from walkrx.services import accounts
from walkrx.storage import UnitOfWork
from walkrx.web.app import create_app
from walkrx.web.settings import WebSettings

from .conftest import Web


def _token_client(web: Web, email: str) -> tuple[TestClient, int]:
    client = web.walker(email)
    person = client.get("/api/v1/me").json()["person_id"]
    token = accounts.create_api_token(UnitOfWork(web.db), web.user(email).id, "tests").token
    bare = web.client()
    bare.headers["Authorization"] = f"Bearer {token}"
    return bare, person


def test_bearer_token_reads_and_writes_without_csrf(web: Web) -> None:
    """With a token: me, zones, today, plan, week, reviews; log, edit and delete a walk."""
    api, person = _token_client(web, "ann@example.org")
    me = api.get("/api/v1/me").json()
    assert me == {
        "id": me["id"],
        "email": "ann@example.org",
        "name": "ann",
        "role": "walker",
        "person_id": person,
    }
    base = f"/api/v1/people/{person}"
    assert api.get(f"{base}/zones").json()["band_bpm"] == [121, 138]
    assert "walk" in api.get(f"{base}/today").json()
    assert api.get(f"{base}/plan").json()["weeks"]
    assert api.get(f"{base}/week/1").json()["week"] == 1
    assert api.get(f"{base}/reviews").json()["weeks"][0]["decision"]
    logged = api.post(
        f"{base}/walks",
        json={
            "date": "2017-01-03",
            "start": "09:15",
            "minutes": 25,
            "avg_hr": 130,
            "pain_before": 2,
            "pain_during": 3,
            "pain_after": 2,
            "terrain": "flat",
        },
    )
    assert logged.status_code == 201, logged.text
    walk = logged.json()
    assert walk["zone_in_s"] == 1500 and walk["pain_status"] == "green"
    assert walk["start"].startswith("2017-01-03T09:15")
    edited = api.patch(f"{base}/walks/{walk['id']}", json={"pain_next_morning": 5})
    assert edited.json()["pain_next_morning"] == 5 and edited.json()["pain_status"] == "red"
    assert api.get(f"{base}/walks").json()["walks"][0]["id"] == walk["id"]
    assert api.delete(f"{base}/walks/{walk['id']}").status_code == 204
    assert api.get(f"{base}/walks/{walk['id']}").status_code == 404


def test_api_check_in_with_a_red_flag_returns_the_advice(web: Web) -> None:
    """A red flag through the API is acted on at once: tier, advice and the open flag."""
    api, person = _token_client(web, "bo@example.org")
    response = api.post(
        f"/api/v1/people/{person}/checkins",
        json={"date": "2017-01-03", "morning_pain": 4, "red_flags": ["fever_unwell"]},
    )
    assert response.status_code == 201
    body = response.json()
    assert body["tier"] == "urgent" and body["advice"]
    assert body["open_flags"] == ["fever_unwell"]
    assert api.get(f"/api/v1/people/{person}/today").json()["paused_by"] == ["fever_unwell"]


def test_api_errors_have_one_json_shape(web: Web) -> None:
    """Refused input, unknown ids and bad tokens all answer {"error": {"type", "message"}}."""
    api, person = _token_client(web, "cy@example.org")
    bad = api.post(f"/api/v1/people/{person}/checkins", json={"red_flags": ["nope"]})
    assert bad.status_code == 422
    assert bad.json()["error"]["type"] == "invalid_input"
    assert "nope" in bad.json()["error"]["message"]
    invalid = api.post(f"/api/v1/people/{person}/walks", json={"minutes": "lots"})
    assert invalid.status_code == 422
    assert invalid.json()["error"]["type"] == "invalid_input"
    assert "minutes" in invalid.json()["error"]["message"]
    missing = api.get(f"/api/v1/people/{person}/walks/999")
    assert missing.status_code == 404 and missing.json()["error"]["type"] == "not_found"
    nobody = web.client()
    nobody.headers["Authorization"] = "Bearer not-a-token"
    assert nobody.get("/api/v1/me").status_code == 401
    assert api.get("/api/v1/nowhere").json()["error"]["type"] == "not_found"


def test_healthz_is_ok_with_a_working_database(web: Web) -> None:
    """/healthz answers 200 {"status": "ok"} when SELECT 1 works."""
    response = web.client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


def test_healthz_is_503_when_the_database_is_gone(tmp_path: Path) -> None:
    """When the database cannot answer, /healthz says so with 503."""
    app = create_app(WebSettings(database_url=str(tmp_path / "w.db")))
    with TestClient(app, base_url="https://testserver") as client:
        app.state.db.engine.dispose()
        (tmp_path / "w.db").unlink()
        (tmp_path / "w.db").mkdir()  # a folder where the file was: SQLite cannot open it
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"


def test_openapi_lists_the_api_paths(web: Web) -> None:
    """/api/v1/openapi.json (for signed-in users) documents every /api/v1 path, and no page."""
    paths = web.walker("oa@example.org").get("/api/v1/openapi.json").json()["paths"]
    for path in (
        "/api/v1/me",
        "/api/v1/people/{person_id}/zones",
        "/api/v1/people/{person_id}/today",
        "/api/v1/people/{person_id}/plan",
        "/api/v1/people/{person_id}/week/{number}",
        "/api/v1/people/{person_id}/reviews",
        "/api/v1/people/{person_id}/walks",
        "/api/v1/people/{person_id}/walks/{walk_id}",
        "/api/v1/people/{person_id}/checkins",
        "/api/v1/people/{person_id}/imports",
    ):
        assert path in paths, path
    walk = paths["/api/v1/people/{person_id}/walks/{walk_id}"]
    assert {"get", "patch", "delete"} <= set(walk)
    assert (
        "multipart/form-data"
        in paths["/api/v1/people/{person_id}/imports"]["post"]["requestBody"]["content"]
    )
    assert not any(p.startswith(("/today", "/log", "/signin")) for p in paths)


def test_app_factory_reads_nothing_at_import() -> None:
    """Importing the web app opens no database: create_app is what makes one, at start-up."""
    app = create_app(WebSettings(database_url="sqlite:////nonexistent/dir/x.db"))
    assert not hasattr(app.state, "db")


def test_pages_carry_security_headers(web: Web) -> None:
    """Pages forbid framing and sniffing and load nothing from other origins."""
    response = web.client().get("/signin")
    assert response.headers["x-frame-options"] == "DENY"
    assert response.headers["x-content-type-options"] == "nosniff"
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "frame-ancestors 'none'" in policy
