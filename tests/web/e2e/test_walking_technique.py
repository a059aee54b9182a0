"""How to walk, in a real browser at phone size (issue 15): a walker whose browser speaks US
English is offered miles at sign-up and then reads miles and mph, never kilometres, on every page;
the walk page gives the pace verdict against the moderate band and the posture checklist, tickable
after the walk; Today shows the week's short read."""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # without the package: skip, unless the browser tests are required
    if os.environ.get("WALKRX_REQUIRE_BROWSER", "").strip() not in ("", "0", "false", "no"):
        raise
    pytest.skip(
        "browser tests skipped: the playwright package is not installed", allow_module_level=True
    )

from tests.web.e2e.test_journeys import NO_SIDEWAYS_SCROLL_JS, _email, onboard, sign_up

if TYPE_CHECKING:
    from tests.web.e2e.conftest import Browsing

PHONE = {"viewport": {"width": 390, "height": 844}, "locale": "en-US", "is_mobile": True}
PAGES = ("/today", "/log", "/checkin", "/walks", "/progress", "/plan", "/reviews", "/learn")
KILOMETRES = re.compile(r"\bkm\b|kilomet", re.IGNORECASE)


def test_an_imperial_walker_reads_miles_and_sees_pace_checklist_and_lesson(
    browsing: Browsing,
) -> None:
    context = browsing.context(**PHONE)
    page = context.new_page()
    sign_up(browsing, page, _email("miles"))
    onboard(browsing, page, units="imperial")  # US English: miles are offered first

    # the week's lesson is on Today, and opens from there
    lesson = page.locator("#lesson-heading a")
    expect(lesson).to_be_visible()
    title = lesson.inner_text().strip()
    browsing.shot(page, "imperial-today")

    # log a walk of 2 miles in 40 moving minutes (3.0 mph), ticking two posture cues
    page.goto("/log")
    page.get_by_label("How long did you walk? (minutes)").fill("45")
    page.get_by_text("Heart rate, distance and more").click()
    page.get_by_label("Distance (miles)").fill("2")
    page.get_by_label("Moving time (minutes)").fill("40")
    page.get_by_label("Average heart rate (bpm)").fill("125")
    cues = page.locator("#posture label")
    kept = [cues.nth(0).inner_text().strip(), cues.nth(1).inner_text().strip()]
    cues.nth(0).click()
    cues.nth(1).click()
    page.locator("label[for=pain_before-2]").click()
    page.locator("label[for=pain_after-2]").click()
    page.get_by_role("button", name="Save this walk").click()
    page.wait_for_load_state()

    # the walk's own page: the verdict in mph and the checklist as ticked
    page.goto("/walks")
    expect(page.locator("main")).to_contain_text("2.0 mi")
    page.locator("a[href^='/walks/']").filter(has_text=re.compile(r"\w")).first.click()
    expect(page.locator(".pace-verdict")).to_contain_text("3.0 mph")
    expect(page.locator(".pace-verdict")).to_contain_text("inside the moderate band")
    checklist = page.locator("#posture")
    expect(checklist).to_be_visible()
    ticked = checklist.locator("input[name=cues]:checked")
    expect(ticked).to_have_count(2)
    assert sorted(
        checklist.locator(f"label[for={i}]").inner_text().strip()
        for i in ticked.evaluate_all("els => els.map(e => e.id)")
    ) == sorted(kept)
    browsing.shot(page, "imperial-walk")
    walk_path = page.url.split(browsing.base_url, 1)[1]

    # every walker page in miles: no kilometre shown where a person reads, nothing sideways
    for path in (*PAGES, walk_path, "/learn/1"):
        response = page.goto(path)
        assert response is not None and response.ok, path
        text = page.locator("body").inner_text()
        assert not KILOMETRES.search(text), (path, KILOMETRES.findall(text))
        width, inner = page.evaluate(NO_SIDEWAYS_SCROLL_JS)
        assert width <= inner, (path, width, inner)
    page.goto("/plan")
    expect(page.locator("main")).to_contain_text("mph")
    page.goto("/progress")
    expect(page.locator("main")).to_contain_text("Walking pace")

    # the library marks this week's read, the one Today showed
    page.goto("/learn")
    expect(page.locator("main")).to_contain_text(title)
    expect(page.locator("main")).to_contain_text("this week's read")
    browsing.shot(page, "imperial-learn")
    context.close()
