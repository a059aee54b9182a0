"""The walker's pages through their forms: onboarding, today, logging, check-ins, walks, plan."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

from walkrx.domain.codes import RedFlag, RedFlagTier
from walkrx.domain.explain import DISCLAIMER
from walkrx.domain.redflags import ADVICE, QUESTIONS

from .conftest import Web, csrf_of, page_csrf


def _person(client) -> int:  # type: ignore[no-untyped-def]
    person: int = client.get("/api/v1/me").json()["person_id"]
    return person


def test_onboarding_asks_the_red_flag_questions_first(web: Web) -> None:
    """Step 1 is the warning-sign questions, every one, as required yes/no answers."""
    client = web.sign_up("ann@example.org")
    page = client.get("/onboarding")
    assert page.status_code == 200
    assert "Step 1 of 3" in page.text
    for code, question in QUESTIONS.items():
        assert f'name="{code.value}" value="yes"' in page.text
        assert question.split(",")[0] in page.text
    assert "Age in years" not in page.text  # the profile comes after


def test_a_yes_shows_advice_at_once_and_pauses_today(web: Web) -> None:
    """An urgent-tier yes shows its advice on the next screen and Today shows the pause."""
    client = web.sign_up("bo@example.org")
    step1 = client.get("/onboarding")
    answers = {c.value: "no" for c in RedFlag} | {"night_pain": "yes"}
    step2 = client.post("/onboarding/flags", data=answers | {"csrf": csrf_of(step1.text)})
    assert ADVICE[RedFlagTier.URGENT][:40] in step2.text
    # finish the remaining steps with the flag carried along
    profile = {
        "csrf": csrf_of(step2.text),
        "age": "45",
        "start": "2026-01-05",
        "timezone": "UTC",
        "night_pain": "yes",
    }
    step3 = client.post("/onboarding/profile", data=profile)
    assert "not a diagnosis" in step3.text
    carried: dict[str, list[str]] = {}
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', step3.text
    ):
        carried.setdefault(name, []).append(value)
    carried["csrf"] = carried["csrf"][:1]
    client.post("/onboarding/start", data=carried)
    today = client.get("/today")
    assert "Your program is paused" in today.text
    assert QUESTIONS[RedFlag.NIGHT_PAIN] in today.text
    assert "Log this walk" not in today.text
    person = _person(client)
    assert client.get(f"/api/v1/people/{person}/today").json()["paused_by"] == ["night_pain"]


def test_a_yes_at_step_one_is_kept_even_if_onboarding_stops_there(web: Web) -> None:
    """spec 7: a yes is stored at once; leaving after step 1 loses nothing, and the program starts
    paused with the answer dated the day it was given."""
    client = web.sign_up("dee@example.org")
    step1 = client.get("/onboarding")
    answers = {c.value: "no" for c in RedFlag} | {"fever_unwell": "yes"}
    client.post("/onboarding/flags", data=answers | {"csrf": csrf_of(step1.text)})
    # the person leaves; later they come back to onboarding and see the advice again
    again = client.get("/onboarding")
    assert ADVICE[RedFlagTier.URGENT][:40] in again.text
    # this time they answer no to everything at step 1 and finish: the earlier yes still counts
    no_answers = {c.value: "no" for c in RedFlag}
    step2 = client.post("/onboarding/flags", data=no_answers | {"csrf": csrf_of(again.text)})
    assert ADVICE[RedFlagTier.URGENT][:40] not in step2.text
    step3 = client.post(
        "/onboarding/profile",
        data={"csrf": csrf_of(step2.text), "age": "45", "start": "2026-01-05", "timezone": "UTC"},
    )
    carried: dict[str, list[str]] = {}
    for name, value in re.findall(
        r'<input type="hidden" name="([^"]+)" value="([^"]*)">', step3.text
    ):
        carried.setdefault(name, []).append(value)
    carried["csrf"] = carried["csrf"][:1]
    client.post("/onboarding/start", data=carried)
    person = _person(client)
    assert client.get(f"/api/v1/people/{person}/today").json()["paused_by"] == ["fever_unwell"]


def test_emergency_yes_says_go_now(web: Web) -> None:
    """An emergency-tier yes in onboarding tells the person to go to an emergency department."""
    client = web.sign_up("cy@example.org")
    step1 = client.get("/onboarding")
    answers = {c.value: "no" for c in RedFlag} | {"saddle_numbness": "yes"}
    step2 = client.post("/onboarding/flags", data=answers | {"csrf": csrf_of(step1.text)})
    assert "emergency department now" in step2.text


def test_today_shows_the_walk_with_band_and_log_button(web: Web) -> None:
    """Today names the minutes, the band in bpm with the zone label, and prefills the log."""
    client = web.walker(
        "dee@example.org", start=(datetime.now(UTC).date() - timedelta(days=1)).isoformat()
    )
    today = client.get("/today")
    assert today.status_code == 200
    assert DISCLAIMER in today.text
    if "Rest day" not in today.text:
        assert "bpm" in today.text
        assert "Garmin" in today.text
        minutes = re.search(r'href="/log\?minutes=(\d+)"', today.text)
        assert minutes
        log = client.get(f"/log?minutes={minutes.group(1)}")
        assert f'value="{minutes.group(1)}"' in log.text


def test_logging_a_walk_through_the_form(web: Web) -> None:
    """The log form stores a walk with its ratings; a red walk asks the red-flag questions."""
    client = web.walker("eve@example.org")
    csrf = page_csrf(client, "/log")
    green = client.post(
        "/log",
        data={
            "csrf": csrf,
            "minutes": "20",
            "date": "2017-01-03",
            "start": "08:30",
            "effort": "4",
            "pain_before": "2",
            "pain_during": "2",
            "pain_after": "2",
            "terrain": "flat",
            "talk_test": "yes",
            "avg_hr": "",
            "notes": "easy",
        },
    )
    assert green.status_code == 200
    assert "Walk saved" in green.text
    assert "green" in green.text
    assert "safety questions" not in green.text
    red = client.post(
        "/log",
        data={
            "csrf": csrf,
            "minutes": "30",
            "date": "2017-01-04",
            "pain_before": "2",
            "pain_during": "7",
            "pain_after": "7",
        },
    )
    assert "red" in red.text
    assert "safety questions" in red.text
    for question in QUESTIONS.values():
        assert question in red.text
    walks = client.get(f"/api/v1/people/{_person(client)}/walks").json()["walks"]
    assert [w["duration_s"] for w in walks] == [1200, 1800]
    assert walks[0]["effort"] == 4 and walks[0]["talk_test"] is True
    assert walks[0]["notes"] == "easy" and walks[0]["terrain"] == "flat"


def test_bad_form_value_gives_a_page_with_the_message(web: Web) -> None:
    """A refused value shows a 422 page that says what to fix, and stores nothing."""
    client = web.walker("fay@example.org")
    response = client.post(
        "/log", data={"csrf": page_csrf(client), "minutes": "20", "date": "2016-01-01"}
    )
    assert response.status_code == 422
    assert "before the program starts" in response.text
    assert client.get(f"/api/v1/people/{_person(client)}/walks").json()["walks"] == []


def test_morning_check_in_through_the_form(web: Web) -> None:
    """A check-in stores morning pain and PSFS; a red-flag yes shows the advice and pauses."""
    client = web.walker("gus@example.org")
    csrf = page_csrf(client, "/checkin")
    response = client.post(
        "/checkin",
        data={
            "csrf": csrf,
            "date": "2017-01-03",
            "morning_pain": "3",
            "psfs1": "5",
            "psfs2": "6",
            "psfs3": "4",
            "fear_of_movement": "no",
        },
    )
    assert response.status_code == 200
    assert "saved" in response.text
    assert "paused" not in response.text
    flagged = client.post(
        "/checkin", data={"csrf": csrf, "morning_pain": "6", "bladder_change": "yes"}
    )
    assert "emergency department now" in flagged.text
    assert "Your program is paused" in client.get("/today").text


def test_clearing_a_flag_resumes_the_program(web: Web) -> None:
    """After a clinician's check, the walker clears the flag; Today is no longer paused."""
    client = web.walker("hal@example.org", flags=("weight_loss",))
    assert "Your program is paused" in client.get("/today").text
    client.post("/flags/clear", data={"csrf": page_csrf(client), "note": "GP: fine"})
    assert "Your program is paused" not in client.get("/today").text


def test_walk_page_edit_and_delete(web: Web) -> None:
    """A walk's page shows its figures; next-morning pain can be added; the walk deleted."""
    client = web.walker("ivy@example.org")
    csrf = page_csrf(client)
    client.post(
        "/log", data={"csrf": csrf, "minutes": "25", "date": "2017-01-03", "pain_before": "3"}
    )
    walk_id = client.get(f"/api/v1/people/{_person(client)}/walks").json()["walks"][0]["id"]
    page = client.get(f"/walks/{walk_id}")
    assert page.status_code == 200 and "25 min" in page.text
    client.post(f"/walks/{walk_id}/edit", data={"csrf": csrf, "pain_next_morning": "6"})
    walk = client.get(f"/api/v1/people/{_person(client)}/walks/{walk_id}").json()
    assert walk["pain_next_morning"] == 6 and walk["pain_before"] == 3
    assert "red" in client.get(f"/walks/{walk_id}").text  # not settled: 6 >= 3 + 2
    client.post(f"/walks/{walk_id}/delete", data={"csrf": csrf})
    assert client.get(f"/walks/{walk_id}").status_code == 404


def test_every_walker_page_renders_with_the_disclaimer(web: Web) -> None:
    """Each page answers 200, carries the footer disclaimer and a skip link."""
    client = web.walker("jo@example.org")
    client.post("/log", data={"csrf": page_csrf(client), "minutes": "20", "date": "2017-01-03"})
    for path in (
        "/today",
        "/log",
        "/checkin",
        "/upload",
        "/walks",
        "/walks/1",
        "/progress",
        "/plan",
        "/reviews",
        "/invitations",
        "/tokens",
    ):
        response = client.get(path)
        assert response.status_code == 200, path
        assert DISCLAIMER in response.text, path
        assert 'href="#main"' in response.text, path
    ics = client.get("/plan.ics")
    assert ics.headers["content-type"].startswith("text/calendar")
    assert b"BEGIN:VCALENDAR" in ics.content


def test_plan_marks_the_planned_days_walked_and_those_with_nothing_logged(web: Web) -> None:
    """Program from Mon 2 Jan 2017 (Mon/Wed/Fri/Sat): two walks on Wed 4 Jan add up there."""
    client = web.walker("lou@example.org")
    for minutes in ("20", "12"):
        client.post(
            "/log", data={"csrf": page_csrf(client), "minutes": minutes, "date": "2017-01-04"}
        )
    page = client.get("/plan").text
    items: dict[str, str] = {}  # the first year's days (the plan runs on for years)
    for item in re.findall(r"<li[^>]*>(.*?)</li>", page, re.S):
        for day in re.findall(r'<span class="day">([^<]+)</span>', item):
            items.setdefault(day, item)
    assert "✓ walked 32 min" in items["Wed 4 Jan"]
    assert "nothing logged" in items["Mon 2 Jan"] and "walked" not in items["Mon 2 Jan"]


def test_reviews_page_explains_each_week(web: Web) -> None:
    """Completed weeks appear with the decision's plain-language explanation."""
    client = web.walker("kim@example.org")
    reviews = client.get("/reviews")
    assert "Week 1" in reviews.text
    assert "No walks were logged this week." in reviews.text


def test_api_tokens_page_creates_once_and_revokes(web: Web) -> None:
    """A created token is shown once and works as a Bearer token until revoked."""
    client = web.walker("lee@example.org")
    created = client.post("/tokens", data={"csrf": page_csrf(client, "/tokens"), "label": "phone"})
    token = re.search(r'id="new-token" value="([^"]+)"', created.text)
    assert token
    bare = web.client()
    headers = {"Authorization": f"Bearer {token.group(1)}"}
    assert bare.get("/api/v1/me", headers=headers).status_code == 200
    assert token.group(1) not in client.get("/tokens").text  # shown once only
    token_id = re.search(r'action="/tokens/(\d+)/revoke"', created.text)
    assert token_id
    client.post(f"/tokens/{token_id.group(1)}/revoke", data={"csrf": page_csrf(client)})
    assert bare.get("/api/v1/me", headers=headers).status_code == 401
