"""Input at the edge (issue 10): absurd numbers, dates, lengths and file names are refused with a
4xx in the one error shape, in pages and in the API, and never crash a request (500).

The limits are constants of the services (`walkrx.services.diary`, `walkrx.services.program`),
used by the API's request models too, so /api/v1/openapi.json states them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import httpx
import pytest
from fastapi.testclient import TestClient

from walkrx.errors import InvalidInputError
from walkrx.services import accounts, diary, program
from walkrx.services.access import Actor
from walkrx.storage import UnitOfWork
from walkrx.web.schemas import MAX_ID

from .conftest import Web, page_csrf

FIT = Path(__file__).resolve().parents[1] / "data" / "fit" / "muktihari__HrmPluginTestActivity.fit"
ZONE = ZoneInfo("Europe/London")  # the walkers' zone in these tests (`Web.onboard`)


def _today() -> date:
    return datetime.now(ZONE).date()


def _no_crash(client: TestClient) -> TestClient:
    """Answer 500 as a response instead of raising, so a crash shows as its status."""
    transport = client._transport  # type: ignore[attr-defined]
    transport.raise_server_exceptions = False
    return client


def _api(web: Web, email: str) -> tuple[TestClient, str]:
    """A client with a walker's API token, and the base URL of the walker's program."""
    walker = web.walker(email)
    person = walker.get("/api/v1/me").json()["person_id"]
    token = accounts.create_api_token(UnitOfWork(web.db), web.user(email).id, "tests").token
    client = _no_crash(web.client())
    client.headers["Authorization"] = f"Bearer {token}"
    return client, f"/api/v1/people/{person}"


def _page(web: Web, email: str) -> tuple[TestClient, str]:
    client = _no_crash(web.walker(email))
    return client, page_csrf(client)


def _refused(response: httpx.Response, status: int = 422, *words: str) -> str:
    """The API's one error shape, with the status and the words expected; returns the message."""
    assert response.status_code == status, response.text[:500]
    error = response.json()["error"]
    assert isinstance(error["type"], str) and isinstance(error["message"], str)
    for word in words:
        assert word in error["message"], error["message"]
    return str(error["message"])


def _walks(client: TestClient, base: str) -> list[dict[str, Any]]:
    walks: list[dict[str, Any]] = client.get(f"{base}/walks").json()["walks"]
    return walks


# --- uploads -----------------------------------------------------------------------------------


def _multipart(filename: bytes, content: bytes, csrf: str = "") -> tuple[bytes, str]:
    """A multipart body with the file name as raw bytes (httpx would escape a NUL byte)."""
    boundary = "walkrxlimitsboundary"
    fields = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'.encode()
        if csrf
        else b""
    )
    body = (
        fields
        + f"--{boundary}\r\n".encode()
        + b'Content-Disposition: form-data; name="files"; filename="'
        + filename
        + b'"\r\nContent-Type: application/octet-stream\r\n\r\n'
        + content
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("name", [b"..", b".", b"a\x00b.fit", b"../../etc/passwd", b"\x00"])
def test_an_upload_named_dot_dot_or_with_a_nul_byte_is_only_a_name(web: Web, name: bytes) -> None:
    """Such a name is imported (or refused) under a safe name, in the API and on the page."""
    api, base = _api(web, "una@example.org")
    body, content_type = _multipart(name, FIT.read_bytes())
    response = api.post(f"{base}/imports", content=body, headers={"content-type": content_type})
    assert response.status_code == 200, response.text[:500]
    [outcome] = response.json()["files"]
    assert "/" not in outcome["file"] and "\x00" not in outcome["file"]
    assert outcome["file"] not in ("", ".", "..")
    client, csrf = _page(web, "uwe@example.org")
    body, content_type = _multipart(name, FIT.read_bytes(), csrf)
    page = client.post("/upload", content=body, headers={"content-type": content_type})
    assert page.status_code == 200, page.text[:500]


# --- numbers -----------------------------------------------------------------------------------


@pytest.mark.parametrize("minutes", ["Infinity", "-Infinity", "NaN", "1e308", "1e400"])
def test_minutes_that_are_not_a_finite_number_in_range_are_refused_by_the_api(
    web: Web, minutes: str
) -> None:
    """JSON's non-standard Infinity and NaN and numbers past 24 hours: 422, nothing stored."""
    api, base = _api(web, "ned@example.org")
    for path, method in ((f"{base}/walks", "POST"),):
        response = api.request(
            method,
            path,
            content=f'{{"minutes": {minutes}}}',
            headers={"content-type": "application/json"},
        )
        _refused(response, 422, "minutes")
    logged = api.post(f"{base}/walks", json={"minutes": 30, "date": _today().isoformat()})
    assert logged.status_code == 201, logged.text
    walk = logged.json()["id"]
    for field in ("minutes", "distance_km", "avg_hr"):
        edited = api.patch(
            f"{base}/walks/{walk}",
            content=f'{{"{field}": {minutes}}}',
            headers={"content-type": "application/json"},
        )
        _refused(edited, 422, field)
    assert [w["duration_s"] for w in _walks(api, base)] == [1800]


@pytest.mark.parametrize("minutes", ["inf", "-inf", "nan", "NaN", "1e308", "1e400", "1" * 5000])
def test_minutes_that_are_not_a_finite_number_in_range_are_refused_by_the_form(
    web: Web, minutes: str
) -> None:
    client, csrf = _page(web, "nia@example.org")
    response = client.post("/log", data={"csrf": csrf, "minutes": minutes})
    assert response.status_code == 422, response.text[:300]
    assert "inutes" in response.text  # the page's message starts with a capital
    moving = client.post("/log", data={"csrf": csrf, "minutes": "30", "moving_minutes": minutes})
    assert moving.status_code == 422


@pytest.mark.parametrize("number", ["0", "-1", "1000000", str(10**30), "9" * 5000])
def test_absurd_week_numbers_are_refused_not_a_crash(web: Web, number: str) -> None:
    """/api/v1/people/{id}/week/{number}: 422 in the error shape, never 500."""
    api, base = _api(web, "wes@example.org")
    _refused(api.get(f"{base}/week/{number}"), 422, "number")
    assert api.get(f"{base}/week/1").status_code == 200
    assert api.get(f"{base}/week/{program.MAX_WEEK}").status_code == 200


def test_the_week_limit_holds_for_the_console_too(web: Web) -> None:
    """The service refuses the week, so the command line gets the same message."""
    client = web.walker("wyn@example.org")
    person = client.get("/api/v1/me").json()["person_id"]
    prog = program.load_program(UnitOfWork(web.db), Actor.console(), person)
    with pytest.raises(InvalidInputError, match="week"):
        prog.week_summary(program.MAX_WEEK + 1)


@pytest.mark.parametrize("walk_id", [str(MAX_ID + 1), str(10**30), "9" * 5000])
def test_absurd_ids_in_pages_and_the_api_are_not_found(web: Web, walk_id: str) -> None:
    """Ids past what the database holds name nothing: 404 (or 422), in both shapes, not 500."""
    api, base = _api(web, "ida@example.org")
    for method in ("GET", "PATCH", "DELETE"):
        response = api.request(method, f"{base}/walks/{walk_id}", json={"pain_after": 1})
        assert response.status_code in (404, 422), response.text[:300]
        _refused(response, response.status_code)
    people = api.get(f"/api/v1/people/{walk_id}/walks")
    _refused(people, 404 if people.status_code == 404 else 422)
    client, csrf = _page(web, "ivo@example.org")
    assert client.get(f"/walks/{walk_id}").status_code in (404, 422)
    for action in ("edit", "delete", "confirm", "prefer"):
        posted = client.post(f"/walks/{walk_id}/{action}", data={"csrf": csrf, "effort": "3"})
        assert posted.status_code in (404, 422), (action, posted.text[:300])
    assert client.get(f"/walks/{walk_id}/file").status_code in (404, 422)
    assert client.post(f"/tokens/{walk_id}/revoke", data={"csrf": csrf}).status_code in (404, 422)


# --- dates -------------------------------------------------------------------------------------


def test_walks_are_dated_within_the_program_up_to_tomorrow(web: Web) -> None:
    """A walk on 9999-12-31 or after tomorrow is refused (API and page); tomorrow is accepted
    (a walk logged from a zone already in the next day)."""
    api, base = _api(web, "dee@example.org")
    tomorrow = _today() + timedelta(days=1)
    for day in ("9999-12-31", (tomorrow + timedelta(days=1)).isoformat()):
        _refused(api.post(f"{base}/walks", json={"minutes": 30, "date": day}), 422, "future")
    _refused(api.post(f"{base}/walks", json={"minutes": 30, "date": "0001-01-01"}), 422, "before")
    assert api.post(f"{base}/walks", json={"minutes": 30, "date": tomorrow.isoformat()}).is_success
    assert len(_walks(api, base)) == 1
    client, csrf = _page(web, "dan@example.org")
    page = client.post("/log", data={"csrf": csrf, "minutes": "30", "date": "9999-12-31"})
    assert page.status_code == 422 and "future" in page.text


def test_check_ins_are_dated_within_the_program_up_to_tomorrow(web: Web) -> None:
    api, base = _api(web, "cat@example.org")
    for day in ("0001-01-01", "9999-12-31", "2016-12-31"):
        _refused(api.post(f"{base}/checkins", json={"date": day, "morning_pain": 2}), 422, day)
    assert api.post(f"{base}/checkins", json={"date": "2017-01-02"}).status_code == 201
    client, csrf = _page(web, "col@example.org")
    for day in ("0001-01-01", "9999-12-31"):
        page = client.post("/checkin", data={"csrf": csrf, "date": day, "morning_pain": "2"})
        assert page.status_code == 422, page.text[:300]


def test_a_check_in_before_a_later_start_is_accepted_up_to_today(web: Web) -> None:
    """A program that starts next month: today's check-in (a red flag, say) still counts."""
    client = web.sign_up("fin@example.org")
    web.onboard(client, start=(_today() + timedelta(days=30)).isoformat())
    _no_crash(client)
    csrf = page_csrf(client, "/checkin")
    today = client.post("/checkin", data={"csrf": csrf, "date": _today().isoformat()})
    assert today.status_code == 200, today.text[:300]
    earlier = (_today() - timedelta(days=3)).isoformat()
    assert client.post("/checkin", data={"csrf": csrf, "date": earlier}).status_code == 422


def test_clearing_a_flag_is_dated_within_the_program_up_to_tomorrow(web: Web) -> None:
    client, csrf = _page(web, "cy@example.org")
    client.post("/checkin", data={"csrf": csrf, "fever_unwell": "yes"})
    for day in ("9999-12-31", "0001-01-01"):
        page = client.post("/flags/clear", data={"csrf": csrf, "date": day, "note": "seen"})
        assert page.status_code == 422, page.text[:300]
    assert "Your program is paused" in client.get("/today").text


# --- lengths -----------------------------------------------------------------------------------


def test_long_notes_and_many_cues_are_refused_with_the_limit(web: Web) -> None:
    """A 2,000,000-character note and 10,000 cues are refused, saying the limit (API, page)."""
    api, base = _api(web, "lou@example.org")
    long_note = "x" * 2_000_000
    _refused(api.post(f"{base}/walks", json={"minutes": 30, "notes": long_note}), 422, "notes")
    _refused(api.post(f"{base}/walks", json={"minutes": 30, "cues": ["c"] * 10_000}), 422, "cues")
    long_cue = ["c" * (diary.MAX_CUE_LENGTH + 1)]
    _refused(api.post(f"{base}/walks", json={"minutes": 30, "cues": long_cue}), 422, "cues")
    at_limit = {
        "minutes": 30,
        "notes": "n" * diary.MAX_NOTE_LENGTH,
        "cues": ["c" * diary.MAX_CUE_LENGTH] * diary.MAX_CUES,
    }
    walk = api.post(f"{base}/walks", json=at_limit)
    assert walk.status_code == 201, walk.text[:300]
    edit = api.patch(f"{base}/walks/{walk.json()['id']}", json={"notes": long_note})
    _refused(edit, 422, "notes")
    assert len(_walks(api, base)) == 1
    client, csrf = _page(web, "lia@example.org")
    over = "x" * (diary.MAX_NOTE_LENGTH + 1)
    page = client.post("/log", data={"csrf": csrf, "minutes": "30", "notes": over})
    assert page.status_code == 422 and f"{diary.MAX_NOTE_LENGTH:,}" in page.text
    # a field over 1 MB is more than a form field may be at all (Starlette's limit): 400, a page
    huge = client.post("/log", data={"csrf": csrf, "minutes": "30", "notes": long_note})
    assert huge.status_code == 400 and "maximum size" in huge.text
    cues = ["c"] * (diary.MAX_CUES + 1)
    over = client.post("/log", data={"csrf": csrf, "minutes": "30", "cues": cues})
    assert over.status_code == 422 and str(diary.MAX_CUES) in over.text
    # 10,000 fields are more than a form may have at all (Starlette's limit): 400, as a page
    flood = client.post("/log", data={"csrf": csrf, "minutes": "30", "cues": ["c"] * 10_000})
    assert flood.status_code == 400 and "fields" in flood.text
    assert flood.headers["x-frame-options"] == "DENY"


def test_long_red_flag_and_functional_scale_lists_are_refused(web: Web) -> None:
    api, base = _api(web, "rex@example.org")
    many = {"red_flags": ["fever_unwell"] * 10_000}
    _refused(api.post(f"{base}/checkins", json=many), 422, "red_flags")
    _refused(api.post(f"{base}/checkins", json={"red_flags": ["x" * 100_000]}), 422, "red_flags")
    _refused(api.post(f"{base}/checkins", json={"psfs": [5] * 10_000}), 422, "psfs")
    assert api.get(f"{base}/today").json()["paused_by"] == []


def test_the_services_hold_the_same_limits_for_the_console(web: Web) -> None:
    """The command line builds the same entries: the services refuse them, with the field."""
    client = web.walker("con@example.org")
    person = client.get("/api/v1/me").json()["person_id"]
    console = Actor.console()
    refused = [
        lambda: diary.log_walk(
            UnitOfWork(web.db), console, person, diary.WalkEntry(minutes=30, notes="x" * 5000)
        ),
        lambda: diary.log_walk(
            UnitOfWork(web.db), console, person, diary.WalkEntry(minutes=30, cues=("c",) * 500)
        ),
        lambda: diary.log_walk(
            UnitOfWork(web.db),
            console,
            person,
            diary.WalkEntry(minutes=30, day=date(9999, 12, 31)),
        ),
        lambda: diary.log_walk(
            UnitOfWork(web.db), console, person, diary.WalkEntry(minutes=30, timezone="Z" * 999)
        ),
        lambda: diary.record_checkin(
            UnitOfWork(web.db), console, person, diary.CheckInEntry(day=date(1, 1, 1))
        ),
        lambda: diary.record_checkin(
            UnitOfWork(web.db),
            console,
            person,
            diary.CheckInEntry(red_flags=("fever_unwell",) * 500),
        ),
        lambda: diary.clear_flags(
            UnitOfWork(web.db), console, person, date(9999, 12, 31), note="seen"
        ),
        lambda: diary.clear_flags(UnitOfWork(web.db), console, person, note="n" * 5000),
    ]
    fields = []
    for call in refused:
        with pytest.raises(InvalidInputError) as caught:
            call()
        fields.append(caught.value.field)
    assert fields == ["notes", "cues", "date", "timezone", "date", "red_flags", "date", "note"]


def test_the_openapi_description_states_the_limits(web: Web) -> None:
    """The request models use the services' constants, so the description says them."""
    schemas = web.app.openapi()["components"]["schemas"]
    walk = schemas["WalkIn"]["properties"]
    assert walk["notes"]["maxLength"] == diary.MAX_NOTE_LENGTH
    assert walk["cues"]["maxItems"] == diary.MAX_CUES
    assert walk["cues"]["items"]["maxLength"] == diary.MAX_CUE_LENGTH
    assert walk["minutes"]["maximum"] == diary.MAX_WALK_MINUTES
    checkin = schemas["CheckInIn"]["properties"]
    assert checkin["red_flags"]["maxItems"] == diary.MAX_RED_FLAGS
    assert checkin["psfs"]["maxItems"] == diary.MAX_PSFS
    week = web.app.openapi()["paths"]["/api/v1/people/{person_id}/week/{number}"]["get"]
    [number] = [p for p in week["parameters"] if p["name"] == "number"]
    assert number["schema"]["maximum"] == program.MAX_WEEK


# --- the API description -----------------------------------------------------------------------


def test_the_api_description_is_for_signed_in_users_only(web: Web) -> None:
    """Nobody signed in: /docs sends to sign-in, the description answers 401 in the error shape;
    the old public /openapi.json is gone."""
    anonymous = web.client()
    docs = anonymous.get("/docs", follow_redirects=False)
    assert docs.status_code == 303 and docs.headers["location"].startswith("/signin")
    _refused(anonymous.get("/api/v1/openapi.json"), 401)
    assert anonymous.get("/openapi.json").status_code == 404
    api, _ = _api(web, "doc@example.org")
    described = api.get("/api/v1/openapi.json")
    assert described.status_code == 200
    assert "/api/v1/people/{person_id}/walks" in described.json()["paths"]


def test_swagger_ui_is_served_from_the_app_itself(web: Web) -> None:
    """/docs loads Swagger UI's script and style from this app, under the pages' own CSP."""
    client = web.walker("sue@example.org")
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert "://" not in docs.text.replace("http://www.w3.org", "")
    policy = docs.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "cdn" not in policy
    for asset in ("/docs/assets/swagger-ui-bundle.js", "/docs/assets/swagger-ui.css"):
        assert asset in docs.text
        assert client.get(asset).status_code == 200
    assert "/api/v1/openapi.json" in docs.text
    assert client.get("/api/v1/openapi.json").status_code == 200  # the page's fetch, by cookie


def test_a_program_cannot_start_years_ahead_and_names_are_capped() -> None:
    """Issue 10 (found after the fuzzing): a start of 9999-12-20 was accepted and the plan then
    failed; a 320-character e-mail as the program's name did not fit its column on PostgreSQL."""
    new_person = program.new_person
    today = date(2026, 12, 6)
    with pytest.raises(InvalidInputError) as far:
        new_person(name="Ann", start=date(9999, 12, 20), age=50, timezone="UTC", today=today)
    assert far.value.field == "start"
    with pytest.raises(InvalidInputError) as long_name:
        new_person(name="a" * 201, start=today, age=50, timezone="UTC", today=today)
    assert long_name.value.field == "name"
    assert new_person(name="a" * 200, start=today, age=50, timezone="UTC", today=today).name
