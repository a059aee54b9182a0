"""The clinician's pages through the app (TestClient): panel order, access, adjusting, clearing.

Data is made through the services (accounts, programs, diaries), dated relative to the real
today because the pages use each patient's local today; the clinician signs in with a session
cookie, and every form carries the session's CSRF secret like the browser would.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from walkrx.domain.codes import Decision, RedFlag
from walkrx.services import accounts, care, diary, onboarding, program
from walkrx.services.access import Actor
from walkrx.services.accounts import User
from walkrx.storage import Database, UnitOfWork, resolve_url
from walkrx.web.app import create_app
from walkrx.web.deps import SESSION_COOKIE
from walkrx.web.settings import WebSettings

PASSWORD = "correct horse battery staple"
TODAY = datetime.now(UTC).date()
START = TODAY - timedelta(days=15)  # today is in week 3: weeks 1 and 2 are reviewed
CONSOLE = Actor.console()


@dataclass
class Site:
    db: Database
    client: TestClient

    def sign_in(self, email: str) -> str:
        """Sign in as `email` (a session cookie); returns the session's CSRF secret."""
        _user, token = accounts.sign_in(
            UnitOfWork(self.db), email=email, password=PASSWORD, client="test"
        )
        self.client.cookies.clear()
        self.client.cookies.set(SESSION_COOKIE, token)
        csrf = accounts.session_csrf(UnitOfWork(self.db), token)
        assert csrf
        return csrf


@pytest.fixture
def site(tmp_path: Path) -> Iterator[Site]:
    url = resolve_url(str(tmp_path / "walkrx.db"))
    db = Database.open(url, migrate=True)
    app = create_app(WebSettings(database_url=url, secure_cookies=False))
    try:
        with TestClient(app) as client:
            yield Site(db, client)
    finally:
        db.close()


def _walk(day: date, minutes: int = 17, peak: int = 2) -> diary.WalkEntry:
    return diary.WalkEntry(
        day=day,
        start=time(9, 0),
        timezone="UTC",
        minutes=minutes,
        effort=4,
        pain_before=2,
        pain_during=peak,
        pain_after=peak,
        pain_next_morning=2,
    )


def _week(db: Database, ref: str, week: int, minutes: int = 17, peak: int = 2) -> None:
    first = START + timedelta(days=7 * (week - 1))
    for offset in (0, 2, 4, 6):
        _log(db, ref, _walk(first + timedelta(days=offset), minutes, peak))


def _log(db: Database, ref: str, entry: diary.WalkEntry) -> None:
    diary.log_walk(UnitOfWork(db), CONSOLE, int(ref), entry)


def _checkin(db: Database, ref: str, day: date, flag: RedFlag) -> None:
    entry = diary.CheckInEntry(day=day, red_flags=(flag.value,))
    diary.record_checkin(UnitOfWork(db), CONSOLE, int(ref), entry)


def _program(db: Database, ref: str) -> program.Program:
    return program.load_program(UnitOfWork(db), CONSOLE, int(ref))


def _clinician(db: Database, email: str = "dr@clinic.example") -> User:
    return accounts.sign_up(
        UnitOfWork(db), email=email, password=PASSWORD, name="Dr Who", role="clinician"
    )


def _patient(db: Database, clinician: User | None, email: str) -> str:
    walker = accounts.sign_up(
        UnitOfWork(db), email=email, password=PASSWORD, name=email, role="walker"
    )
    person = program.new_person(name=email, start=START, age=45, timezone="UTC")
    onboarded = datetime.combine(START, time(8, 0), tzinfo=UTC)
    walker = onboarding.complete_onboarding(UnitOfWork(db), walker.id, person, (), onboarded)
    assert walker.person_id is not None
    if clinician is not None:
        invitation = care.invite(UnitOfWork(db), clinician.id, email)
        care.accept_invitation(UnitOfWork(db), Actor.user(walker.id), invitation.code)
    return str(walker.person_id)


def _positions(html: str, names: list[str]) -> list[int]:
    return [html.index(name) for name in names]


def test_panel_lists_most_urgent_first(site: Site) -> None:
    """An open emergency flag comes first, then a red week, a low-adherence week, on track."""
    doctor = _clinician(site.db)
    on_track = _patient(site.db, doctor, "ontrack@x.example")
    _week(site.db, on_track, 1)
    _week(site.db, on_track, 2)
    red = _patient(site.db, doctor, "redweek@x.example")
    _week(site.db, red, 1)
    _week(site.db, red, 2, peak=9)
    low = _patient(site.db, doctor, "low@x.example")
    _week(site.db, low, 1)
    _log(site.db, low, _walk(START + timedelta(days=8)))
    flagged = _patient(site.db, doctor, "flagged@x.example")
    _week(site.db, flagged, 1)
    _checkin(site.db, flagged, START + timedelta(days=9), RedFlag.LEG_WEAKNESS)
    site.sign_in("dr@clinic.example")
    response = site.client.get("/clinician")
    assert response.status_code == 200
    html = response.text
    order = _positions(
        html, ["flagged@x.example", "redweek@x.example", "low@x.example", "ontrack@x.example"]
    )
    assert order == sorted(order)
    # badges say what they mean in words, not by colour alone
    for label in ("Emergency red flag", "Red week", "Low adherence", "On track"):
        assert label in html
    assert f'href="/clinician/patients/{flagged}"' in html


def test_a_not_logging_alert_closes_when_the_patient_logs_again(site: Site) -> None:
    """Logging again ends the event: the alert closes itself (by walkrx, not a clinician)."""
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "quiet@x.example")
    _week(site.db, ref, 1)  # then nothing for a week and more

    def open_alerts() -> list[str]:
        with UnitOfWork(site.db) as uow:
            return [a.kind for a in uow.alerts.of_person(int(ref), open_only=True)]

    assert open_alerts() == ["not_logging"]  # one event, however many entries were backfilled
    _log(site.db, ref, _walk(TODAY))
    assert open_alerts() == []
    site.sign_in("dr@clinic.example")
    page = site.client.get(f"/clinician/patients/{ref}")
    assert page.status_code == 200
    assert "they logged again" in page.text


def test_clinician_sees_only_linked_patients(site: Site) -> None:
    """An unlinked or pending patient's pages are 404 and they are not on the panel."""
    doctor = _clinician(site.db)
    mine = _patient(site.db, doctor, "mine@x.example")
    stranger = _patient(site.db, None, "stranger@x.example")
    pending = _patient(site.db, None, "pending@x.example")
    care.invite(UnitOfWork(site.db), doctor.id, "pending@x.example")
    csrf = site.sign_in("dr@clinic.example")
    panel = site.client.get("/clinician").text
    assert "mine@x.example" in panel
    assert "stranger@x.example" not in panel
    assert site.client.get(f"/clinician/patients/{mine}").status_code == 200
    for other in (stranger, pending):
        assert site.client.get(f"/clinician/patients/{other}").status_code == 404
        assert site.client.get(f"/clinician/patients/{other}/adjust").status_code == 404
        refused = site.client.post(
            f"/clinician/patients/{other}/clear",
            data={"csrf": csrf, "day": TODAY.isoformat(), "note": "x"},
        )
        assert refused.status_code == 404
    # the pending invitation shows as waiting on the invitations page
    invitations = site.client.get("/clinician/invite").text
    assert re.search(r"pending@x\.example.*?waiting", invitations, re.S)


def test_walker_cannot_open_clinician_pages(site: Site) -> None:
    """A walker gets 404 on the clinician pages, even for their own program."""
    doctor = _clinician(site.db)
    own = _patient(site.db, doctor, "walker@x.example")
    csrf = site.sign_in("walker@x.example")
    for path in ("/clinician", f"/clinician/patients/{own}", f"/clinician/patients/{own}/adjust"):
        assert site.client.get(path).status_code in (403, 404)
    posted = site.client.post("/clinician/invite", data={"csrf": csrf, "email": "a@b.example"})
    assert posted.status_code in (403, 404)


def test_signed_out_is_sent_to_sign_in(site: Site) -> None:
    """Without a session the panel redirects to sign in."""
    response = site.client.get("/clinician", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"].startswith("/signin")


def test_adjusting_thresholds_changes_the_next_review(site: Site) -> None:
    """A lower too_little_fraction turns week 1's hold into progress; bad values show inline."""
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "adjust@x.example")
    _week(site.db, ref, 1, minutes=10)  # 40 of a 60-minute minimum: too little
    assert _program(site.db, ref).reviews[0].decision is Decision.HOLD
    csrf = site.sign_in("dr@clinic.example")
    form = site.client.get(f"/clinician/patients/{ref}/adjust").text
    assert 'name="review.too_little_fraction"' in form
    assert 'value="0.75"' in form
    bad = site.client.post(
        f"/clinician/patients/{ref}/adjust",
        data={"csrf": csrf, "review.too_little_fraction": "half", "start_position": "1"},
    )
    assert bad.status_code == 422
    assert "give a number, not &#39;half&#39;" in bad.text
    assert 'aria-invalid="true"' in bad.text
    too_far = site.client.post(
        f"/clinician/patients/{ref}/adjust",
        data={"csrf": csrf, "review.too_little_fraction": "0.75", "start_position": "42"},
    )
    assert too_far.status_code == 422
    assert "start position 42 is outside this protocol" in too_far.text
    assert _program(site.db, ref).reviews[0].decision is Decision.HOLD  # nothing stored
    done = site.client.post(
        f"/clinician/patients/{ref}/adjust",
        data={"csrf": csrf, "review.too_little_fraction": "0.5", "start_position": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert _program(site.db, ref).reviews[0].decision is Decision.PROGRESS
    page = site.client.get(done.headers["location"]).text
    assert "1 threshold changed from the protocol" in page  # in words; the values on its page


def test_adjust_without_csrf_is_refused(site: Site) -> None:
    """A form posted without the session's CSRF secret changes nothing."""
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "csrf@x.example")
    site.sign_in("dr@clinic.example")
    refused = site.client.post(
        f"/clinician/patients/{ref}/adjust", data={"review.too_little_fraction": "0.5"}
    )
    assert refused.status_code == 403
    assert _program(site.db, ref).person.adjustments == ()


def test_clearing_a_flag_records_who_and_when(site: Site) -> None:
    """The clearing is stored with the clinician's e-mail and date, and shown on the page."""
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "flag@x.example")
    _checkin(site.db, ref, TODAY - timedelta(days=1), RedFlag.FEVER_UNWELL)
    csrf = site.sign_in("dr@clinic.example")
    before = site.client.get(f"/clinician/patients/{ref}").text
    assert "Walking is paused" in before
    empty = site.client.post(
        f"/clinician/patients/{ref}/clear",
        data={"csrf": csrf, "day": TODAY.isoformat(), "note": "  "},
    )
    assert empty.status_code == 422
    assert "say why the flag can be cleared" in empty.text
    cleared = site.client.post(
        f"/clinician/patients/{ref}/clear",
        data={"csrf": csrf, "day": TODAY.isoformat(), "note": "seen today, no infection"},
    )
    assert cleared.status_code == 200  # followed the redirect to the patient's page
    assert "The red flags were cleared" in cleared.text
    when = f"{TODAY:%a} {TODAY.day} {TODAY:%b %Y}"
    assert f"{when}, by <strong>dr@clinic.example</strong>" in cleared.text
    clearings = _program(site.db, ref).diary.clearings
    assert [(c.by, c.day, c.note) for c in clearings] == [
        ("dr@clinic.example", TODAY, "seen today, no infection")
    ]
    assert _program(site.db, ref).open_flags() == ()


def test_invite_from_the_panel(site: Site) -> None:
    """Inviting shows a single-use code, once (not cached); a new invitation replaces it; a bad
    address is shown beside the field."""
    _clinician(site.db)
    csrf = site.sign_in("dr@clinic.example")
    code = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
    sent = site.client.post("/clinician/invite", data={"csrf": csrf, "email": "new@x.example"})
    assert sent.status_code == 200
    assert "Invitation for <strong>new@x.example</strong>" in sent.text
    assert sent.headers["cache-control"] == "no-store"
    first = code.search(sent.text)
    assert first is not None
    again = site.client.post("/clinician/invite", data={"csrf": csrf, "email": "new@x.example"})
    second = code.search(again.text)
    assert again.status_code == 200
    assert second is not None and second.group() != first.group()
    own = site.client.post("/clinician/invite", data={"csrf": csrf, "email": "dr@clinic.example"})
    assert own.status_code == 422
    assert 'id="invite-error"' in own.text
    bad = site.client.post("/clinician/invite", data={"csrf": csrf, "email": "not-an-address"})
    assert bad.status_code == 422
    assert 'id="invite-error"' in bad.text


# --- adjusting, previewing, pausing (issue 11) ----------------------------------------------------


def _text(html: str) -> str:
    """What a reader sees: the page without its tags and attributes."""
    return re.sub(r"<[^>]+>", " ", html)


def test_adjust_page_groups_and_words_the_thresholds(site: Site) -> None:
    """Four groups, each threshold with its label, unit, the protocol's value and what it does;
    no dotted key is shown as text; heart rates, days and the pause are on the page too."""
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "words@x.example")
    site.sign_in("dr@clinic.example")
    html = site.client.get(f"/clinician/patients/{ref}/adjust").text
    seen = _text(html)
    for title in (
        "Pain response to a walk",
        "Weekly review",
        "When walking may not be enough",
        "Heart-rate zone",
    ):
        assert title in seen
    assert "Too little walking" in seen
    assert "share of the weekly minimum (0.75 = 75 %)" in seen
    assert "Protocol's value: 0.75" in seen
    assert "points on the 0–10 pain scale" in seen
    assert 'name="review.too_little_fraction"' in html
    assert "too_little_fraction" not in seen and "<code>" not in html
    for words in ("Measured HRmax", "Resting heart rate", "Planned walking days", "Pause"):
        assert words in seen
    assert 'formaction="/clinician/patients/' in html  # Preview and Save: one form


def test_adjust_preview_lists_the_weeks_whose_decision_would_change(site: Site) -> None:
    """Preview re-renders the form with the values kept and the weeks that would change (week 1,
    held for too little walking, would progress); nothing is stored until Save."""
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "preview@x.example")
    _week(site.db, ref, 1, minutes=10)  # 40 of a 60-minute minimum: too little
    _week(site.db, ref, 2)
    csrf = site.sign_in("dr@clinic.example")
    form = {"csrf": csrf, "review.too_little_fraction": "0.5", "start_position": "1"}
    shown = site.client.post(f"/clinician/patients/{ref}/adjust/preview", data=form)
    assert shown.status_code == 200
    assert 'id="preview-changes"' in shown.text
    assert re.findall(r'data-week="(\d+)"', shown.text) == ["1"]
    change = shown.text[shown.text.index('data-week="1"') :]
    change = change[: change.index("</li>")]
    assert change.index("Hold") < change.index("Progress")  # now, then would be
    assert "not enough walking" in change
    assert 'name="review.too_little_fraction" inputmode="decimal"' in shown.text
    assert 'value="0.5"' in shown.text
    assert _program(site.db, ref).reviews[0].decision is Decision.HOLD  # nothing stored
    saved = site.client.post(f"/clinician/patients/{ref}/adjust", data=form, follow_redirects=False)
    assert saved.status_code == 303
    assert _program(site.db, ref).reviews[0].decision is Decision.PROGRESS


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("review.too_little_fraction", "inf"),
        ("review.too_little_fraction", "nan"),
        ("referral.first_week", "inf"),
        ("pain.red_peak", "11"),
        ("max_hr", "1e999"),
        ("max_hr", "300"),
        ("zones_from", "2001-01-01"),
    ],
)
def test_adjust_refusals_are_422_beside_the_field(site: Site, field: str, value: str) -> None:
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "refused@x.example")
    csrf = site.sign_in("dr@clinic.example")
    for path in ("adjust", "adjust/preview"):
        refused = site.client.post(
            f"/clinician/patients/{ref}/{path}", data={"csrf": csrf, field: value}
        )
        assert refused.status_code == 422
        assert f'id="{field.replace(".", "-")}-error"' in refused.text
        assert "Nothing was changed" in refused.text
    assert _program(site.db, ref).person.adjustments == ()
    assert len(_program(site.db, ref).person.zones) == 1


def test_measured_hrmax_and_days_from_the_form(site: Site) -> None:
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "hrmax@x.example")
    csrf = site.sign_in("dr@clinic.example")
    saved = site.client.post(
        f"/clinician/patients/{ref}/adjust",
        data={
            "csrf": csrf,
            "max_hr": "190",
            "resting_hr": "",
            "zones_from": TODAY.isoformat(),
            "days_shown": "1",
            "days": ["tue", "thu"],
        },
        follow_redirects=False,
    )
    assert saved.status_code == 303
    prog = _program(site.db, ref)
    assert prog.zones(TODAY).band_bpm == (133, 152)
    assert prog.zones(TODAY - timedelta(days=1)).band_bpm == (124, 141)
    assert prog.person.days == (1, 3)
    page = _text(site.client.get(f"/clinician/patients/{ref}/adjust").text)
    assert "HRmax 190 bpm (measured)" in page


def test_pause_and_resume_show_on_today(site: Site) -> None:
    """A pause with its reason: the walker's Today says the clinician paused it and why, with no
    walk to log; resuming plans walks again. A second pause, or one without a reason, is refused
    beside its field."""
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "paused@x.example")
    csrf = site.sign_in("dr@clinic.example")
    base = f"/clinician/patients/{ref}"
    empty = site.client.post(f"{base}/pause", data={"csrf": csrf, "pause_reason": " "})
    assert empty.status_code == 422
    assert 'id="pause_reason-error"' in empty.text
    reason = "Sciatica flare: rest until we meet on Friday"
    paused = site.client.post(
        f"{base}/pause", data={"csrf": csrf, "pause_reason": reason}, follow_redirects=False
    )
    assert paused.status_code == 303
    assert paused.headers["location"] == f"{base}/adjust?done=paused#pause"
    page = _text(site.client.get(paused.headers["location"]).text)
    assert "Paused since" in page and reason in page
    again = site.client.post(f"{base}/pause", data={"csrf": csrf, "pause_reason": "again"})
    assert again.status_code == 409
    assert "already paused" in again.text

    site.sign_in("paused@x.example")
    today = site.client.get("/today").text
    assert "Your clinician has paused your program" in today
    assert reason in today
    assert "Log this walk" not in today

    csrf = site.sign_in("dr@clinic.example")
    resumed = site.client.post(
        f"{base}/resume",
        data={"csrf": csrf, "resume_on": TODAY.isoformat()},
        follow_redirects=False,
    )
    assert resumed.status_code == 303
    site.sign_in("paused@x.example")
    assert "paused your program" not in site.client.get("/today").text
    pauses = _program(site.db, ref).diary.pauses
    assert [(p.start, p.end, p.reason) for p in pauses] == [(TODAY, TODAY, reason)]
