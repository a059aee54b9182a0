"""The walker's week as a person lives it (issue 14), one test per finding: the default program,
when the next walk is, walks on unplanned days, pain ratings in words, a watch's walk asking for
pain, why an uploaded file's activity was skipped, no command names on a page, the check-in's
named activities, what a review changes; and the entry keys of the forms and the API.
"""

from __future__ import annotations

import re
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from walkrx.domain.model import Walk
from walkrx.domain.plan import PlannedWalk, PlannedWeek
from walkrx.domain.protocol import Prescription
from walkrx.storage import UnitOfWork
from walkrx.web import words

from .conftest import Web, csrf_of, page_csrf

FIT = Path(__file__).resolve().parents[1] / "data" / "fit" / "fitparse__garmin-fenix-5-walk.fit"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


def _today() -> date:
    return datetime.now(UTC).date()


def _person(client) -> int:  # type: ignore[no-untyped-def]
    person: int = client.get("/api/v1/me").json()["person_id"]
    return person


def _main(html: str) -> str:
    found = re.search(r"<main.*?</main>", html, re.S)
    assert found
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", found.group(0)))


def _gpx(start: datetime, tracks: tuple[str | None, ...]) -> bytes:
    """A GPX of 20-minute tracks an hour apart, each with its <type> (None: no type)."""
    out = []
    for k, sport in enumerate(tracks):
        first = start + timedelta(hours=k)
        points = "".join(
            f'<trkpt lat="{46.0 + i * 6.25e-5:.7f}" lon="7.0"><time>'
            f"{(first + timedelta(seconds=5 * i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
            for i in range(241)
        )
        kind = f"<type>{sport}</type>" if sport else ""
        out.append(f"<trk>{kind}<trkseg>{points}</trkseg></trk>")
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="test" '
        f'xmlns="http://www.topografix.com/GPX/1/1">{"".join(out)}</gpx>'
    ).encode()


def test_onboarding_chooses_the_six_week_program_by_default(web: Web) -> None:
    client = web.sign_up("six@example.org")
    step1 = client.get("/onboarding")
    codes = re.findall(r'name="([a-z_]+)" value="yes"', step1.text)
    step2 = client.post(
        "/onboarding/flags", data={**dict.fromkeys(codes, "no"), "csrf": csrf_of(step1.text)}
    )
    checked = re.findall(r'name="protocol" value="([^"]+)" checked', step2.text)
    assert checked == ["walking-6wk"]


def test_a_rest_day_says_when_the_next_walk_is(web: Web) -> None:
    """Signed up today with walking days that leave today out: a rest day, and the next walk
    tomorrow, on the page and in the API."""
    today = _today()
    days = tuple(WEEKDAYS[(today + timedelta(days=i)).weekday()] for i in range(1, 6))
    client = web.walker("rest@example.org", start=today.isoformat(), timezone="UTC", days=days)
    page = _main(client.get("/today").text)
    assert "Rest day" in page
    tomorrow = today + timedelta(days=1)
    assert f"Your next walk: tomorrow, {tomorrow:%A} {tomorrow.day} {tomorrow:%B}" in page
    shown = client.get(f"/api/v1/people/{_person(client)}/today").json()
    assert shown["walk"] is None and shown["next_walk"]["date"] == tomorrow.isoformat()


def test_the_plan_shows_walks_on_days_not_planned(web: Web) -> None:
    """Two 45-minute walks on a rest day appear on that day, beside the planned days."""
    today = _today()
    days = tuple(WEEKDAYS[(today + timedelta(days=i)).weekday()] for i in range(1, 6))
    client = web.walker("unplanned@example.org", start=today.isoformat(), timezone="UTC", days=days)
    csrf = page_csrf(client, "/log")
    for _ in range(2):
        client.post("/log", data={"csrf": csrf, "minutes": "45", "date": today.isoformat()})
    plan = client.get("/plan").text
    row = re.search(r'<li class="today"[^>]*data-unplanned="yes".*?</li>', plan, re.S)
    assert row, "today's unplanned walks are missing from the plan"
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", row.group(0)))
    assert "no walk planned" in text and "walked 90 min (2 walks)" in text


def test_the_walks_list_names_each_pain_rating(web: Web) -> None:
    client = web.walker("labels@example.org")
    csrf = page_csrf(client, "/log")
    client.post(
        "/log",
        data={
            "csrf": csrf,
            "minutes": "30",
            "date": "2017-01-04",
            "pain_before": "2",
            "pain_during": "7",
            "pain_after": "6",
        },
    )
    listed = _main(client.get("/walks").text)
    assert "Pain before 2 · during 7 · after 6 · logged by hand" in listed
    assert "2 / 7 / 6" not in listed


def test_a_watch_walk_asks_for_pain_first_and_names_the_watch(web: Web) -> None:
    """An imported walk has no pain ratings: its page says so in words and asks for them
    before anything else, outside any folded section; the source is said in words."""
    client = web.walker("watch@example.org")
    client.post(
        "/upload", data={"csrf": page_csrf(client)}, files={"files": (FIT.name, FIT.read_bytes())}
    )
    (walk,) = client.get(f"/api/v1/people/{_person(client)}/walks").json()["walks"]
    html = client.get(f"/walks/{walk['id']}").text
    page = _main(html)
    assert "Pain: not rated yet" in page and "Pain: unknown" not in page
    assert "Recorded by your watch (FIT file)" in page and "Recorded from fit" not in page
    ratings = html.index('id="ratings"')
    assert ratings < html.index("Where it came from") + 2000  # right after the walk's card
    before = html.index('name="pain_before"')
    folded = html.index("<details", ratings)
    assert ratings < before < folded, "pain before must be asked outside the folded section"
    assert "How was your back on this walk?" in page


def test_uploading_a_file_again_says_why_an_activity_was_skipped(web: Web) -> None:
    """A file with a walk and a run: the run is skipped with its reason, and uploading the file
    again still says so (with the walk it gave), not only that nothing changed."""
    client = web.walker("again@example.org", start="2026-01-05")
    start = datetime.combine(_today() - timedelta(days=1), datetime.min.time(), UTC) + timedelta(
        hours=7
    )
    content = _gpx(start, ("walking", "running"))
    csrf = page_csrf(client)
    first = client.post("/upload", data={"csrf": csrf}, files={"files": ("two.gpx", content)})
    assert "running is not a walk" in first.text
    again = _main(
        client.post("/upload", data={"csrf": csrf}, files={"files": ("two.gpx", content)}).text
    )
    assert "You uploaded this file before" in again
    assert "Not stored then: running is not a walk" in again
    assert "It gave the walk of" in again and "it counts" in again
    api = client.post(
        f"/api/v1/people/{_person(client)}/imports",
        headers={"X-CSRF-Token": csrf},
        files={"files": ("two.gpx", content)},
    ).json()["files"][0]
    assert api["unchanged"] and api["skipped"][0]["code"] == "not_a_walk"
    assert [w["counted"] for w in api["earlier"]] == [True]


def test_no_page_tells_the_walker_to_delete_it_with_a_command(web: Web) -> None:
    """A GPX without a sport waits for confirmation in plain words; a note stored by an older
    walkrx ("delete it with 'walkrx walks delete ID'") is shown in today's words."""
    client = web.walker("nosport@example.org", start="2026-01-05")
    start = datetime.combine(_today() - timedelta(days=1), datetime.min.time(), UTC) + timedelta(
        hours=9
    )
    uploaded = client.post(
        "/upload",
        data={"csrf": page_csrf(client)},
        files={"files": ("a.gpx", _gpx(start, (None,)))},
    ).text
    person = _person(client)
    with UnitOfWork(web.db) as uow:
        old = uow.walks.add(
            person,
            Walk(
                id=None,
                start=start - timedelta(hours=5),
                timezone="UTC",
                duration_s=1200,
                source="gpx",
                check_reason="sport_assumed",
                import_notes=(
                    "it is taken as a walk (delete it with 'walkrx walks delete ID' if it was not)",
                ),
            ),
        )
        uow.commit()
    pages = [uploaded, client.get("/walks").text]
    pages += [
        client.get(f"/walks/{w['id']}").text
        for w in client.get(f"/api/v1/people/{person}/walks").json()["walks"]
    ]
    pages.append(client.get(f"/walks/{old.id}").text)
    for html in pages:
        assert "delete it with" not in html and "walkrx walks" not in html
    assert "if it was not one, delete it below" in client.get(f"/walks/{old.id}").text


def test_the_check_in_names_the_walkers_activities(web: Web) -> None:
    """The first check-in asks to name the activities; later ones rate them by name."""
    client = web.walker("psfs@example.org", start="2026-01-05")
    first = client.get("/checkin").text
    assert 'name="activity1"' in first and "Activity 1 (0–10)" not in first
    names = {
        "activity1": "Putting on socks",
        "activity2": "Lifting shopping",
        "activity3": "Gardening",
    }
    saved = client.post(
        "/checkin",
        data={"csrf": csrf_of(first), **names, "psfs1": "4", "psfs2": "5", "psfs3": "3"},
    )
    assert saved.status_code == 200, saved.text
    later = client.get("/checkin").text
    for name in names.values():
        assert f"{name} (0–10)" in later
    refused = client.post(
        "/checkin",
        data={"csrf": csrf_of(later), **names, "psfs1": "4", "psfs3": "3"},
    )
    assert refused.status_code == 422 and "Lifting shopping" in refused.text


def _week(
    number: int, minutes: int, walks: int, phase: int = 1, long: int | None = None
) -> PlannedWeek:
    rx = Prescription(
        position=number, phase=phase, walks_min=walks, walks_max=walks + 1,
        minutes_min=minutes, minutes_max=minutes + 5, long_walk_minutes=long, tempo=False,
    )  # fmt: skip
    start = date(2026, 3, 2) + timedelta(days=7 * (number - 1))
    planned = tuple(
        PlannedWalk(start + timedelta(days=2 * i), number, number, phase, minutes, False, False, ())
        for i in range(walks)
    )
    return PlannedWeek(number, start, number, rx, False, planned)


def test_a_review_says_what_changes_for_each_decision() -> None:
    this, up, same, down = (
        _week(2, 20, 3),
        _week(3, 25, 4, phase=2),
        _week(3, 20, 3),
        _week(3, 15, 3),
    )
    moved = words.change_words("progress", this, up)
    held = words.change_words("hold", this, same)
    eased = words.change_words("step_back", this, down)
    assert moved == (
        "You move on to phase 2: next week has 4 walks of 25 minutes, "
        "up from 3 walks of 20 minutes."
    )
    assert held.startswith("You hold: next week has 3 walks of 20 minutes again")
    assert eased.startswith("You step back: next week has 3 walks of 15 minutes, down from 3 walks")
    assert len({moved[:12], held[:12], eased[:12]}) == 3


def test_the_reviews_page_words_hold_and_move_on_apart(web: Web) -> None:
    """Week 1 too short (held), week 2 as planned (moved on): each review says what changes."""
    today = _today()
    start = today - timedelta(days=14 + today.weekday())
    client = web.walker("reviews@example.org", start=start.isoformat(), timezone="UTC")
    csrf = page_csrf(client, "/log")
    for day, minutes in [(0, 10), (2, 10), (7, 17), (9, 17), (11, 17), (13, 17)]:
        client.post(
            "/log",
            data={
                "csrf": csrf,
                "minutes": str(minutes),
                "date": (start + timedelta(days=day)).isoformat(),
                "pain_before": "2",
                "pain_after": "2",
            },
        )
    page = _main(client.get("/reviews").text)
    assert "You hold: next week has" in page
    assert "You move on" in page
    assert "Next week: " not in page


def test_a_new_walkers_progress_charts_say_in_words_that_nothing_is_there_yet(web: Web) -> None:
    client = web.walker("first@example.org", start=_today().isoformat(), timezone="UTC")
    svgs = re.findall(r"<svg.*?</svg>", client.get("/progress").text, re.S)
    assert len(svgs) >= 4
    for svg in svgs[:4]:
        desc = re.search(r"<desc[^>]*>(.*?)</desc>", svg, re.S)
        assert desc and desc.group(1).startswith("No "), desc and desc.group(1)


def test_a_form_sent_twice_with_its_entry_key_stores_one_walk(web: Web) -> None:
    client = web.walker("twice@example.org")
    form = client.get("/log").text
    key = re.search(r'name="entry_key" value="([^"]+)"', form)
    assert key and len(key.group(1)) >= 32
    data = {"csrf": csrf_of(form), "entry_key": key.group(1), "minutes": "25", "date": "2017-01-04"}
    for _ in range(3):
        assert client.post("/log", data=data).status_code == 200
    assert len(client.get(f"/api/v1/people/{_person(client)}/walks").json()["walks"]) == 1


def test_the_api_honours_the_idempotency_key(web: Web) -> None:
    client = web.walker("apikey@example.org")
    person = _person(client)
    csrf = page_csrf(client)
    key = str(uuid.uuid4())
    headers = {"X-CSRF-Token": csrf, "Idempotency-Key": key}
    body = {"date": "2017-01-04", "minutes": 20}
    first = client.post(f"/api/v1/people/{person}/walks", headers=headers, json=body)
    again = client.post(f"/api/v1/people/{person}/walks", headers=headers, json=body)
    assert (first.status_code, again.status_code) == (201, 200)
    assert (
        again.headers["Idempotent-Replayed"] == "true"
        and "Idempotent-Replayed" not in first.headers
    )
    assert again.json()["id"] == first.json()["id"]
    checkin = {"date": "2017-01-04", "morning_pain": 2}
    made = client.post(f"/api/v1/people/{person}/checkins", headers=headers, json=checkin)
    repeat = client.post(f"/api/v1/people/{person}/checkins", headers=headers, json=checkin)
    assert (made.status_code, repeat.status_code) == (201, 200)
    bad = client.post(
        f"/api/v1/people/{person}/walks",
        headers={"X-CSRF-Token": csrf, "Idempotency-Key": "no"},
        json=body,
    )
    assert bad.status_code == 422 and bad.json()["error"]["type"] == "invalid_input"


def test_the_app_files_and_the_session_the_pages_belong_to(web: Web) -> None:
    """The manifest, the service worker (from the root, with the advice texts), the offline
    page; pages are never kept by the browser's cache and name their session without giving it
    away; signing out asks the browser to clear what it kept."""
    anyone = web.client()
    manifest = anyone.get("/manifest.webmanifest")
    assert manifest.headers["content-type"].startswith("application/manifest+json")
    assert manifest.json()["display"] == "standalone"
    worker = anyone.get("/sw.js")
    assert worker.headers["service-worker-allowed"] == "/"
    assert (
        "Go to an emergency department now" in worker.text or "emergency department" in worker.text
    )
    assert "/*TEXTS*/" not in worker.text and "__VERSION__" not in worker.text
    offline = anyone.get("/offline")
    assert offline.status_code == 200 and 'name="walkrx-session"' not in offline.text

    client = web.walker("session@example.org")
    today = client.get("/today")
    assert today.headers["cache-control"] == "no-store"
    tag = today.headers["x-walkrx-session"]
    assert re.fullmatch(r"[0-9a-f]{32}", tag)
    assert f'name="walkrx-session" content="{tag}"' in today.text
    assert client.cookies.get("walkrx_session") not in today.text
    other = web.sign_up("clinician-session@example.org", role="clinician")
    assert other.get("/clinician").headers["x-walkrx-session"] == ""
    out = client.post("/signout", data={"csrf": page_csrf(client)}, follow_redirects=False)
    assert out.headers["clear-site-data"] == '"cache", "storage"'


@pytest.mark.parametrize("day,expected", [(0, "today, "), (1, "tomorrow, "), (3, "")])
def test_days_in_words(day: int, expected: str) -> None:
    today = date(2026, 12, 8)
    said = words.day_words(today + timedelta(days=day), today)
    assert said.startswith(expected) and "2026" not in said
