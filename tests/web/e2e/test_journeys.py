"""What people do, in a real browser: a walker's first days, a clinician following them, a red
flag pausing the program, and the phone-sized pages. Each page visited is screenshotted.
"""

from __future__ import annotations

import os
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from walkrx.domain.redflags import QUESTIONS

try:
    from playwright.sync_api import BrowserContext, Page, expect
except ImportError:  # without the package: skip, unless the browser tests are required
    if os.environ.get("WALKRX_REQUIRE_BROWSER", "").strip() not in ("", "0", "false", "no"):
        raise
    pytest.skip(
        "browser tests skipped: the playwright package is not installed", allow_module_level=True
    )

if TYPE_CHECKING:
    from tests.web.e2e.conftest import Browsing


PASSWORD = "walk-slowly-every-day"
FIT_DIR = Path(__file__).resolve().parents[2] / "data" / "fit"
FIT_FILE = FIT_DIR / "muktihari__HrmPluginTestActivity.fit"
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")

# Every visible form control must have a name a screen reader can announce.
UNLABELLED_CONTROLS_JS = """
() => Array.from(document.querySelectorAll('input, select, textarea'))
  .filter(el => el.type !== 'hidden')
  .filter(el => {
    const text = s => (s || '').trim().length > 0;
    if (el.labels && Array.from(el.labels).some(l => text(l.textContent))) return false;
    if (text(el.getAttribute('aria-label')) || text(el.title)) return false;
    const ids = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean);
    return !ids.some(id => document.getElementById(id)
                           && text(document.getElementById(id).textContent));
  })
  .map(el => el.outerHTML.slice(0, 160))
"""
NO_SIDEWAYS_SCROLL_JS = "() => [document.documentElement.scrollWidth, window.innerWidth]"


def _email(role: str) -> str:
    return f"{role}-{uuid.uuid4().hex[:8]}@example.org"


def _visit(browsing: Browsing, page: Page, path: str, label: str) -> None:
    response = page.goto(path)
    assert response is not None and response.ok, f"{path} answered {response and response.status}"
    browsing.shot(page, label)


def sign_up(browsing: Browsing, page: Page, email: str, role: str = "walker") -> None:
    _visit(browsing, page, "/signup", "signup")
    page.get_by_label("Your name").fill(email.split("@", maxsplit=1)[0])
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    if role == "clinician":
        page.locator("label[for=role-clinician]").click()
    page.get_by_role("button", name="Create account").click()
    page.wait_for_load_state()


def onboard(browsing: Browsing, page: Page) -> None:
    """Answer no to every safety question, give an age, walk today and the next two days."""
    expect(page).to_have_url(f"{browsing.base_url}/onboarding")
    browsing.shot(page, "onboarding-flags")
    for flag in QUESTIONS:
        page.locator(f"label[for={flag.value}-no]").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="You and your heart rate")).to_be_visible()
    page.get_by_label("Age in years").fill("48")
    page.locator("#timezone").fill("UTC")  # the walk days below are worked out in UTC
    today = datetime.now(UTC).date()
    # three days from today: fewer than any phase prescribes, so every one of them gets a walk
    wanted = {WEEKDAYS[(today + timedelta(days=i)).weekday()] for i in range(3)}
    for code in WEEKDAYS:
        box = page.locator(f"#day-{code}")
        if box.is_checked() != (code in wanted):
            page.locator(f"label[for=day-{code}]").click()
    browsing.shot(page, "onboarding-profile")
    page.get_by_role("button", name="Continue").click()
    browsing.shot(page, "onboarding-about")
    page.get_by_role("button", name="I understand: start my program").click()
    expect(page).to_have_url(f"{browsing.base_url}/today")


def new_walker(browsing: Browsing, context: BrowserContext) -> tuple[Page, str]:
    page = context.new_page()
    email = _email("walker")
    sign_up(browsing, page, email)
    onboard(browsing, page)
    return page, email


def test_walker_and_clinician_journey(browsing: Browsing) -> None:
    """Sign up, onboard, walk, check in, upload a watch file, see progress; a clinician follows."""
    walker = browsing.context()
    page, email = new_walker(browsing, walker)

    browsing.shot(page, "today")
    walk_card = page.locator(".today-walk")
    expect(walk_card).to_contain_text("minutes")
    expect(walk_card.locator(".band")).to_contain_text("bpm")

    walk_card.get_by_role("link", name="Log this walk").click()
    expect(page.get_by_role("heading", name="Log a walk")).to_be_visible()
    expect(page.get_by_label("How long did you walk? (minutes)")).not_to_have_value("")
    for choice in ("effort-4", "pain_before-2", "pain_during-3", "pain_after-2", "talk_test-yes"):
        page.locator(f"label[for={choice}]").click()
    browsing.shot(page, "log-filled")
    page.get_by_role("button", name="Save this walk").click()
    expect(page.get_by_role("heading", name="Walk saved")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Pain: green")
    browsing.shot(page, "walk-saved")

    _visit(browsing, page, "/checkin", "checkin")
    page.locator("label[for=morning_pain-2]").click()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.locator("h1")).to_contain_text("saved")
    browsing.shot(page, "checked-in")

    _visit(browsing, page, "/upload", "upload")
    page.locator("#files").set_input_files(str(FIT_FILE))
    page.get_by_role("button", name="Upload").click()
    results = page.locator("#upload-results")
    expect(results).to_contain_text(FIT_FILE.name)
    # the watch walk is from 2022, before this program started: reported, not stored
    expect(results).to_contain_text("before the program starts", timeout=30_000)
    browsing.shot(page, "uploaded")

    _visit(browsing, page, "/progress", "progress")
    charts = page.locator("svg[role=img]")
    expect(charts.first).to_be_visible()
    assert charts.count() >= 1
    _visit(browsing, page, "/plan", "plan")
    expect(page.locator("main")).to_contain_text("Week 1")
    _visit(browsing, page, "/reviews", "reviews")

    # a clinician signs up and invites the walker
    clinic = browsing.context()
    doctor = clinic.new_page()
    sign_up(browsing, doctor, _email("clinician"), role="clinician")
    expect(doctor).to_have_url(f"{browsing.base_url}/clinician")
    browsing.shot(doctor, "panel-empty")
    doctor.get_by_label("Patient's e-mail address").fill(email)
    doctor.get_by_role("button", name="Send invitation").click()
    expect(doctor.locator("#invitations")).to_contain_text("pending")
    browsing.shot(doctor, "invited")

    # the walker accepts
    _visit(browsing, page, "/invitations", "invitations")
    page.get_by_role("button", name="Accept").click()
    page.wait_for_load_state()
    browsing.shot(page, "accepted")

    # the clinician sees them on the panel and opens their page
    _visit(browsing, doctor, "/clinician", "panel")
    assert doctor.evaluate(UNLABELLED_CONTROLS_JS) == []
    row = doctor.locator("#panel > li").filter(has_text=email)
    expect(row).to_contain_text("No review yet")
    row.get_by_role("link", name=email).click()
    expect(doctor.get_by_role("heading", level=1)).to_have_text(email)
    expect(doctor.locator("#walks")).to_contain_text("diary")
    expect(doctor.locator("#checkins")).to_be_visible()
    expect(doctor.locator("svg[role=img]")).to_have_count(4)
    browsing.shot(doctor, "patient")
    doctor.get_by_role("link", name="Adjust protocol, start phase or thresholds").click()
    expect(doctor.get_by_label("review.too_little_fraction")).to_have_value("0.75")
    assert doctor.evaluate(UNLABELLED_CONTROLS_JS) == []
    browsing.shot(doctor, "adjust")


def test_red_flag_at_check_in_pauses_the_program(browsing: Browsing) -> None:
    """A yes at check-in shows what to do at once and Today pauses; the clinician clears it."""
    context = browsing.context()
    page, email = new_walker(browsing, context)
    _visit(browsing, page, "/checkin", "checkin")
    page.get_by_text("Safety questions").click()  # the questions sit in a <details>
    page.locator("label[for=saddle_numbness-yes]").click()
    browsing.shot(page, "checkin-yes")
    page.get_by_role("button", name="Save check-in").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Go to an emergency department now")
    browsing.shot(page, "advice")
    _visit(browsing, page, "/today", "today-paused")
    expect(page.get_by_role("heading", name="Your program is paused")).to_be_visible()
    expect(page.locator(".today-walk")).to_have_count(0)

    # the walker's clinician sees the flag at the top of the panel and clears it
    clinic = browsing.context()
    doctor = clinic.new_page()
    doctor_email = _email("clinician")
    sign_up(browsing, doctor, doctor_email, role="clinician")
    doctor.get_by_label("Patient's e-mail address").fill(email)
    doctor.get_by_role("button", name="Send invitation").click()
    _visit(browsing, page, "/invitations", "invitations")
    page.get_by_role("button", name="Accept").click()
    _visit(browsing, doctor, "/clinician", "panel-flagged")
    card = doctor.locator("#panel > li").filter(has_text=email)
    expect(card).to_contain_text("Emergency red flag")
    expect(card).to_contain_text("saddle numbness")
    card.get_by_role("link", name=email).click()
    expect(doctor.get_by_role("alert")).to_contain_text("Walking is paused")
    browsing.shot(doctor, "patient-flagged")
    doctor.get_by_label("Note (why it can be cleared)").fill("Seen in ED today: no cauda equina")
    doctor.get_by_role("button", name="Clear red flags").click()
    expect(doctor.locator("#clearings")).to_contain_text(f"by {doctor_email}")
    expect(doctor.locator("#clearings")).to_contain_text("Seen in ED today")
    browsing.shot(doctor, "patient-cleared")
    _visit(browsing, page, "/today", "today-resumed")
    expect(page.get_by_role("heading", name="Your program is paused")).to_have_count(0)


def test_phone_sized_today_and_log(browsing: Browsing) -> None:
    """On a 390x844 phone, Today and Log fit the width and every input has a label."""
    context = browsing.context(viewport={"width": 390, "height": 844}, has_touch=True)
    page, _email_address = new_walker(browsing, context)
    for path, label in (("/today", "phone-today"), ("/log", "phone-log")):
        _visit(browsing, page, path, label)
        scroll_width, inner_width = page.evaluate(NO_SIDEWAYS_SCROLL_JS)
        assert scroll_width <= inner_width, f"{path} scrolls sideways ({scroll_width} px)"
        assert page.evaluate(UNLABELLED_CONTROLS_JS) == [], f"{path} has unlabelled inputs"
