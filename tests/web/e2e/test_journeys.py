"""What people do, in a real browser: a walker's first days, a clinician following them, a red
flag pausing the program, and the phone-sized pages. Each page visited is screenshotted.
"""

from __future__ import annotations

import os
import re
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
WIDE_JS = """
() => Array.from(document.querySelectorAll('body *'))
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 6)
  .map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right))
"""


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


def onboard(browsing: Browsing, page: Page, units: str | None = None) -> None:
    """Answer no to every safety question, give an age, walk today and the next two days; with
    `units`, first check that the profile step offers them (chosen from the browser's language)."""
    expect(page).to_have_url(f"{browsing.base_url}/onboarding")
    browsing.shot(page, "onboarding-flags")
    for flag in QUESTIONS:
        page.locator(f"label[for={flag.value}-no]").click()
    page.get_by_role("button", name="Continue").click()
    expect(page.get_by_role("heading", name="You and your heart rate")).to_be_visible()
    if units is not None:
        expect(page.locator(f"#units-{units}")).to_be_checked()
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


def invite(browsing: Browsing, doctor: Page, email: str) -> str:
    """The clinician invites a walker by e-mail: the page shows the single-use code once."""
    _visit(browsing, doctor, "/clinician/invite", "invite")
    doctor.get_by_label("Patient's e-mail address").fill(email)
    doctor.get_by_role("button", name="Send invitation").click()
    code = doctor.locator(".invitation-code").inner_text().strip()
    browsing.shot(doctor, "invited")
    assert len(code.replace("-", "")) == 12
    return code


def accept(browsing: Browsing, page: Page, code: str) -> None:
    """The walker opens the invitation link and accepts."""
    _visit(browsing, page, f"/join/{code}", "join")
    page.get_by_role("button", name="Accept and share my program").click()
    page.wait_for_load_state()


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
    code = invite(browsing, doctor, email)

    # the walker accepts with the code the clinician gave them
    accept(browsing, page, code)
    browsing.shot(page, "accepted")

    # the clinician sees them on the panel (by the name they chose) and opens their page
    name = email.split("@", maxsplit=1)[0]
    _visit(browsing, doctor, "/clinician", "panel")
    assert doctor.evaluate(UNLABELLED_CONTROLS_JS) == []
    row = doctor.locator("#panel tr").filter(has_text=name)
    expect(row).to_contain_text("No review yet")
    row.get_by_role("link", name=name).click()
    expect(doctor.get_by_role("heading", level=1)).to_have_text(name)
    expect(doctor.locator("#walks")).to_contain_text("logged by hand")
    expect(doctor.locator("#checkins")).to_be_visible()
    # zone minutes, pain, pace at the same heart rate, walking pace, prescription
    expect(doctor.locator("svg[role=img]")).to_have_count(5)
    browsing.shot(doctor, "patient")
    doctor.get_by_role("link", name="Adjust the program").click()
    expect(doctor.locator('[name="review.too_little_fraction"]')).to_have_value("0.75")
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
    accept(browsing, page, invite(browsing, doctor, email))
    name = email.split("@", maxsplit=1)[0]
    _visit(browsing, doctor, "/clinician", "panel-flagged")
    card = doctor.locator("#panel tr").filter(has_text=name)
    expect(card).to_contain_text("Emergency red flag")
    expect(card).to_contain_text("numbness around the bottom or genitals")
    card.get_by_role("link", name=name).click()
    expect(doctor.get_by_role("alert")).to_contain_text("Walking is paused")
    browsing.shot(doctor, "patient-flagged")
    doctor.get_by_label("Note (why it can be cleared)").fill("Seen in ED today: no cauda equina")
    doctor.get_by_role("button", name="Clear the warning signs").click()
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


def _walk_gpx(start: datetime, minutes: int = 20) -> str:
    """A plain GPX walk: one point every 5 s at 5 km/h going north."""
    points = "".join(
        f'<trkpt lat="{46.0 + i * 6.25e-5:.7f}" lon="7.0"><time>'
        f"{(start + timedelta(seconds=5 * i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time></trkpt>"
        for i in range(minutes * 12 + 1)
    )
    return (
        '<?xml version="1.0"?><gpx version="1.1" creator="e2e" '
        'xmlns="http://www.topografix.com/GPX/1/1"><trk><type>walking</type><trkseg>'
        f"{points}</trkseg></trk></gpx>"
    )


def test_eight_files_dropped_at_once_are_all_imported(browsing: Browsing) -> None:
    """Issue 10: eight watch files dropped on the upload page together each get their own
    outcome, and all eight walks are stored (the page sends them one after another)."""
    context = browsing.context()
    page, _ = new_walker(browsing, context)
    _visit(browsing, page, "/upload", "upload-8")
    day = datetime.now(UTC).replace(hour=0, minute=5, second=0, microsecond=0)
    files = [
        {"name": f"walk-{k}.gpx", "text": _walk_gpx(day + timedelta(hours=k))} for k in range(8)
    ]
    drop = page.evaluate_handle(
        """files => {
            const data = new DataTransfer();
            for (const f of files) {
                data.items.add(new File([f.text], f.name, {type: "application/gpx+xml"}));
            }
            return data;
        }""",
        files,
    )
    page.locator("#dropzone").dispatch_event("drop", {"dataTransfer": drop})
    results = page.locator("#upload-results li")
    expect(results).to_have_count(8)
    expect(page.locator("#upload-results li[data-done=yes]")).to_have_count(8, timeout=60_000)
    expect(page.locator("#upload-results li.ok")).to_have_count(8)
    browsing.shot(page, "uploaded-8")
    _visit(browsing, page, "/walks", "walks-8")
    expect(page.locator(".walk-list li")).to_have_count(8)


SIZES = {"phone": {"width": 390, "height": 844}, "desk": {"width": 1280, "height": 800}}
STABLE_CODES_JS = """
codes => {
  const text = document.body.innerText;
  return codes.filter(code => new RegExp('\\\\b' + code + '\\\\b').test(text));
}
"""
ISO_DATE_JS = "() => (document.body.innerText.match(/\\b\\d{4}-\\d{2}-\\d{2}\\b/) || [])[0] || null"


def _seed_patient(database_url: str, clinician_email: str) -> int:
    """A walker two weeks into the program, linked to the clinician: week 1 was short (four
    10-minute walks: 'too little', so held), week 2 on track."""
    from walkrx.services import diary, onboarding, program  # noqa: PLC0415
    from walkrx.services.access import Actor  # noqa: PLC0415
    from walkrx.storage import Database, UnitOfWork  # noqa: PLC0415

    db = Database.open(database_url)
    today = datetime.now(UTC).date()
    start = today - timedelta(days=14 + today.weekday())  # a Monday, two full weeks ago
    email = _email("seeded")
    with UnitOfWork(db) as uow:
        user = uow.users.add(email=email, name="Sam Seeded", role="walker", password_hash="x")
        uow.commit()
    person = program.new_person(
        name=email, display_name="Sam Seeded", start=start, age=50, timezone="UTC"
    )
    user = onboarding.complete_onboarding(UnitOfWork(db), user.id, person, ())
    assert user.person_id is not None
    for day, minutes in [(0, 10), (2, 10), (4, 10), (6, 10), (7, 17), (9, 17), (11, 17), (13, 17)]:
        diary.log_walk(
            UnitOfWork(db),
            Actor.console(),
            user.person_id,
            diary.WalkEntry(minutes=minutes, day=start + timedelta(days=day), pain_before=2),
        )
    now = datetime.now(UTC)
    with UnitOfWork(db) as uow:
        dr = uow.users.by_email(clinician_email)
        assert dr is not None
        link = uow.links.add(clinician_id=dr.id, patient_email=email, now=now)
        uow.links.answer(link.id, status="accepted", patient_user_id=user.id, now=now)
        uow.commit()
    db.close()
    return user.person_id


def _fits_and_speaks_words(page: Page) -> None:
    from walkrx.domain.codes import Decision, Flag, Reason, RedFlag, Referral  # noqa: PLC0415

    width, view = page.evaluate(NO_SIDEWAYS_SCROLL_JS)
    assert width <= view, (
        f"{page.url} scrolls sideways ({width} > {view}): {page.evaluate(WIDE_JS)}"
    )
    codes = sorted(
        c.value
        for enum in (Decision, Flag, Reason, RedFlag, Referral)
        for c in enum
        if "_" in c.value  # one-word codes (hold, plateau) are English words too
    )
    assert page.evaluate(STABLE_CODES_JS, codes) == [], f"{page.url} shows a stable code"
    assert page.evaluate(ISO_DATE_JS) is None, f"{page.url} shows an ISO date"


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_the_clinicians_day(browsing: Browsing, database_url: str, size: str) -> None:
    """Issue 11: a red walk logged by a walker is on the clinician's panel at the next page load,
    linked to the walk; acknowledging it is recorded; the adjust preview lists the weeks whose
    decision would change; no clinician page shows a stable code or scrolls sideways."""
    viewport = SIZES[size]
    walker_context = browsing.context(viewport=viewport)
    walker, email = new_walker(browsing, walker_context)
    doctor_context = browsing.context(viewport=viewport)
    doctor = doctor_context.new_page()
    doctor_email = _email("clinician")
    sign_up(browsing, doctor, doctor_email, role="clinician")
    accept(browsing, walker, invite(browsing, doctor, email))
    seeded = _seed_patient(database_url, doctor_email)

    # the walker logs a walk that flares their back
    _visit(browsing, walker, "/log", f"{size}-log-red")
    walker.locator("label[for=pain_before-2]").click()
    walker.locator("label[for=pain_during-9]").click()
    walker.get_by_role("button", name="Save this walk").click()
    expect(walker.locator("main")).to_contain_text("Pain: red")

    # the next panel load shows it, with a link to the walk
    name = email.split("@", maxsplit=1)[0]
    _visit(browsing, doctor, "/clinician", f"{size}-panel-alert")
    _fits_and_speaks_words(doctor)
    row = doctor.locator("#panel tr").filter(has_text=name)
    link = row.get_by_role("link", name=re.compile("flared the back pain"))
    expect(link).to_be_visible()
    link.click()
    expect(doctor.locator("#alerts")).to_contain_text("flared the back pain")
    _fits_and_speaks_words(doctor)
    browsing.shot(doctor, f"{size}-patient-alert")
    doctor.get_by_role("button", name="Mark as seen").first.click()
    expect(doctor.locator("#alerts")).to_contain_text("Seen by")
    _visit(browsing, doctor, "/clinician?view=attention", f"{size}-attention")
    expect(doctor.locator("#panel tr").filter(has_text=name)).to_have_count(0)

    # adjusting the seeded patient: the preview names the week whose decision would change
    _visit(browsing, doctor, f"/clinician/patients/{seeded}/adjust", f"{size}-adjust")
    _fits_and_speaks_words(doctor)
    doctor.locator('[name="review.too_little_fraction"]').fill("0.5")
    doctor.get_by_role("button", name="Preview changes").click()
    changes = doctor.locator("#preview-changes li")
    expect(changes.first).to_be_visible()
    expect(doctor.locator('#preview-changes li[data-week="1"]')).to_have_count(1)
    _fits_and_speaks_words(doctor)
    browsing.shot(doctor, f"{size}-adjust-preview")
    for path in ("/clinician/invite", "/clinics", f"/clinician/patients/{seeded}"):
        _visit(browsing, doctor, path, f"{size}-{path.strip('/').replace('/', '-')}")
        _fits_and_speaks_words(doctor)
