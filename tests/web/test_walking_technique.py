"""How to walk on the walker's pages (issue 15): units from the browser's language at sign-up and
in Settings, miles and mph on every page of an imperial walker (never km), the walk page's pace
verdict and posture checklist, the week's lesson on Today and the library."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from .conftest import Web, csrf_of

PAGES = (
    "/today",
    "/log",
    "/checkin",
    "/walks",
    "/progress",
    "/plan",
    "/reviews",
    "/learn",
    "/learn/1",
    "/settings",
    "/upload",
)


def visible(html: str) -> str:
    """A page's text as read: no scripts, styles or tags."""
    body = re.sub(r"<(script|style)\b[^>]*>.*?</\1>", " ", html, flags=re.DOTALL)
    return " ".join(re.sub(r"<[^>]+>", " ", body).split())


def _profile_step(client: TestClient, language: str) -> str:
    step1 = client.get("/onboarding")
    codes = re.findall(r'name="([a-z_]+)" value="yes"', step1.text)
    answers = {**dict.fromkeys(codes, "no"), "csrf": csrf_of(step1.text)}
    step2 = client.post("/onboarding/flags", data=answers, headers={"Accept-Language": language})
    assert step2.status_code == 200
    return step2.text


def test_sign_up_offers_the_units_of_the_browser_language(web: Web) -> None:
    american = _profile_step(web.sign_up("us@x.example"), "en-US,en;q=0.9")
    assert 'value="imperial" checked' in american
    german = _profile_step(web.sign_up("de@x.example"), "de-DE,de;q=0.9")
    assert 'value="metric" checked' in german and 'value="imperial" checked' not in german


def _imperial_walker(web: Web) -> tuple[TestClient, int]:
    """A walker who started ten days ago, chose miles in Settings, and logged a walk."""
    client = web.sign_up("ann@x.example")
    start = datetime.now(UTC).date() - timedelta(days=10)
    web.onboard(client, start=start.isoformat(), timezone="UTC")
    settings = client.get("/settings")
    saved = client.post(
        "/settings/units", data={"csrf": csrf_of(settings.text), "units": "imperial"}
    )
    assert "Saved." in saved.text and 'value="imperial" checked' in saved.text
    form = client.get("/log")
    assert 'name="distance_mi"' in form.text and 'name="distance_km"' not in form.text
    logged = client.post(
        "/log",
        data={
            "csrf": csrf_of(form.text),
            "minutes": "45",
            "moving_minutes": "40",
            "date": (start + timedelta(days=1)).isoformat(),
            "distance_mi": "2",
            "avg_hr": "125",
            "pain_before": "2",
            "pain_after": "2",
            "cues": ["Chin level", "Arms swinging loosely"],
        },
    )
    assert logged.status_code == 200
    walk_id = int(re.findall(r'href="/walks/(\d+)"', client.get("/walks").text)[0])
    return client, walk_id


def test_an_imperial_walker_reads_miles_on_every_page(web: Web) -> None:
    client, walk_id = _imperial_walker(web)
    for path in (*PAGES, f"/walks/{walk_id}"):
        page = client.get(path)
        assert page.status_code == 200, path
        assert "km" not in visible(page.text), path
    walks = visible(client.get("/walks").text)
    assert "2.0 mi · 3.0 mph (in the band)" in walks  # 2 miles in 40 moving minutes
    plan = visible(client.get("/plan").text)
    assert "3.0–4.0 mph" in plan and "Pace: 1 of 1 walk in the moderate band" in plan
    progress = client.get("/progress").text
    assert "Walking pace" in progress and 'class="pace-band"' in progress
    assert ">mph<" in progress  # the chart's axis
    ics = client.get("/plan.ics").text.replace("\r\n ", "")
    assert "3.0–4.0 mph" in ics and "km" not in ics


def test_the_walk_page_shows_the_pace_verdict_and_the_checklist(web: Web) -> None:
    client, walk_id = _imperial_walker(web)
    page = client.get(f"/walks/{walk_id}").text
    text = visible(page)
    assert "Moving pace 3.0 mph: inside the moderate band of 3.0–4.0 mph." in text
    assert "the 5 min of pauses are left out" in text
    assert "2.00 mi" in text
    ticked = re.findall(r'name="cues" value="([^"]*)" checked', page)
    assert ticked == ["Chin level", "Arms swinging loosely"]
    assert page.count('name="cues"') == 9  # the whole checklist, tickable after the walk
    saved = client.post(
        f"/walks/{walk_id}/edit",
        data={
            "csrf": csrf_of(page),
            "checklist": "yes",
            "cues": ["Head up, eyes on the way ahead"],
        },
    )
    assert re.findall(r'name="cues" value="([^"]*)" checked', saved.text) == [
        "Head up, eyes on the way ahead"
    ]
    cleared = client.post(
        f"/walks/{walk_id}/edit", data={"csrf": csrf_of(page), "checklist": "yes"}
    )
    assert "checked" not in "".join(re.findall(r'name="cues"[^>]*>', cleared.text))


def test_today_shows_the_checklist_and_the_weeks_lesson(web: Web) -> None:
    client, _ = _imperial_walker(web)
    today = client.get("/today").text
    found = re.search(r'id="lesson-heading"><a href="(/learn/\d+)">([^<]+)</a>', today)
    assert found, "Today shows the week's lesson"
    lesson = client.get(found.group(1))
    assert found.group(2) in lesson.text and "Sources" in lesson.text
    assert "this week's read" in visible(client.get("/learn").text)
    assert client.get("/learn/99").status_code == 404
    if "Log this walk" in today:  # a walking day: the checklist in its compact form
        assert 'class="card posture-checklist"' in today and "3.0–4.0 mph" in visible(today)
    log = client.get("/log").text
    assert "Posture checklist" in log and log.count('name="cues"') == 9


def test_a_metric_walker_reads_kilometres(web: Web) -> None:
    client = web.sign_up("bo@x.example")
    start = datetime.now(UTC).date() - timedelta(days=3)
    web.onboard(client, start=start.isoformat(), timezone="UTC")
    form = client.get("/log")
    client.post(
        "/log",
        data={
            "csrf": csrf_of(form.text),
            "minutes": "30",
            "date": start.isoformat(),
            "distance_km": "2.2",
        },
    )
    assert "2.2 km · 4.4 km/h (below the band)" in visible(client.get("/walks").text)
