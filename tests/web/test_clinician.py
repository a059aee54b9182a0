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
from walkrx.domain.model import CheckIn, Walk
from walkrx.services import accounts, diary, program
from walkrx.services.accounts import User
from walkrx.storage import Database, resolve_url
from walkrx.web.app import create_app
from walkrx.web.deps import SESSION_COOKIE
from walkrx.web.settings import WebSettings

PASSWORD = "correct horse battery staple"
TODAY = datetime.now(UTC).date()
START = TODAY - timedelta(days=15)  # today is in week 3: weeks 1 and 2 are reviewed


@dataclass
class Site:
    db: Database
    client: TestClient

    def sign_in(self, email: str) -> str:
        """Sign in as `email` (a session cookie); returns the session's CSRF secret."""
        _user, token = accounts.sign_in(self.db, email=email, password=PASSWORD, client="test")
        self.client.cookies.clear()
        self.client.cookies.set(SESSION_COOKIE, token)
        csrf = accounts.session_csrf(self.db, token)
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


def _walk(day: date, minutes: int = 17, peak: int = 2) -> Walk:
    return Walk(
        id=None,
        start=datetime.combine(day, time(9, 0), tzinfo=UTC),
        timezone="UTC",
        duration_s=minutes * 60,
        effort=4,
        pain_before=2,
        pain_during=peak,
        pain_after=peak,
        pain_next_morning=2,
    )


def _week(db: Database, ref: str, week: int, minutes: int = 17, peak: int = 2) -> None:
    first = START + timedelta(days=7 * (week - 1))
    for offset in (0, 2, 4, 6):
        diary.log_walk(db, ref, _walk(first + timedelta(days=offset), minutes, peak))


def _clinician(db: Database, email: str = "dr@clinic.example") -> User:
    return accounts.sign_up(db, email=email, password=PASSWORD, name="Dr Who", role="clinician")


def _patient(db: Database, clinician: User | None, email: str) -> str:
    walker = accounts.sign_up(db, email=email, password=PASSWORD, name=email, role="walker")
    person = program.init_program(db, name=email, start=START, age=45, timezone="UTC")
    assert person.id is not None
    walker = accounts.attach_person(db, walker, person.id)
    if clinician is not None:
        invitation = accounts.invite(db, clinician, email)
        accounts.answer_invitation(db, walker, invitation.id, accept=True)
    return str(person.id)


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
    diary.log_walk(site.db, low, _walk(START + timedelta(days=8)))
    flagged = _patient(site.db, doctor, "flagged@x.example")
    _week(site.db, flagged, 1)
    diary.record_checkin(
        site.db,
        flagged,
        CheckIn(id=None, day=START + timedelta(days=9), seq=0, red_flags=(RedFlag.LEG_WEAKNESS,)),
    )
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


def test_clinician_sees_only_linked_patients(site: Site) -> None:
    """An unlinked or pending patient's pages are 404 and they are not on the panel."""
    doctor = _clinician(site.db)
    mine = _patient(site.db, doctor, "mine@x.example")
    stranger = _patient(site.db, None, "stranger@x.example")
    pending = _patient(site.db, None, "pending@x.example")
    accounts.invite(site.db, doctor, "pending@x.example")
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
    # the pending invitation shows as pending on the panel
    assert re.search(r"pending@x\.example.*?pending", panel, re.S)


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
    assert program.programme(site.db, ref).reviews[0].decision is Decision.HOLD
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
    assert program.programme(site.db, ref).reviews[0].decision is Decision.HOLD  # nothing stored
    done = site.client.post(
        f"/clinician/patients/{ref}/adjust",
        data={"csrf": csrf, "review.too_little_fraction": "0.5", "start_position": "1"},
        follow_redirects=False,
    )
    assert done.status_code == 303
    assert program.programme(site.db, ref).reviews[0].decision is Decision.PROGRESS
    page = site.client.get(done.headers["location"]).text
    assert "review.too_little_fraction = 0.5" in page


def test_adjust_without_csrf_is_refused(site: Site) -> None:
    """A form posted without the session's CSRF secret changes nothing."""
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "csrf@x.example")
    site.sign_in("dr@clinic.example")
    refused = site.client.post(
        f"/clinician/patients/{ref}/adjust", data={"review.too_little_fraction": "0.5"}
    )
    assert refused.status_code == 403
    assert program.programme(site.db, ref).person.adjustments == ()


def test_clearing_a_flag_records_who_and_when(site: Site) -> None:
    """The clearing is stored with the clinician's e-mail and date, and shown on the page."""
    doctor = _clinician(site.db)
    ref = _patient(site.db, doctor, "flag@x.example")
    diary.record_checkin(
        site.db,
        ref,
        CheckIn(id=None, day=TODAY - timedelta(days=1), seq=0, red_flags=(RedFlag.FEVER_UNWELL,)),
    )
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
    assert f"{TODAY.isoformat()}, by <strong>dr@clinic.example</strong>" in cleared.text
    clearings = program.programme(site.db, ref).diary.clearings
    assert [(c.by, c.day, c.note) for c in clearings] == [
        ("dr@clinic.example", TODAY, "seen today, no infection")
    ]
    assert program.programme(site.db, ref).open_flags() == ()


def test_invite_from_the_panel(site: Site) -> None:
    """Inviting shows the invitation as pending; a bad address is shown beside the field."""
    _clinician(site.db)
    csrf = site.sign_in("dr@clinic.example")
    sent = site.client.post("/clinician/invite", data={"csrf": csrf, "email": "new@x.example"})
    assert sent.status_code == 200
    assert "Invitation sent to new@x.example" in sent.text
    again = site.client.post("/clinician/invite", data={"csrf": csrf, "email": "new@x.example"})
    assert again.status_code == 409
    assert 'id="invite-error"' in again.text
    bad = site.client.post("/clinician/invite", data={"csrf": csrf, "email": "not-an-address"})
    assert bad.status_code == 422
    assert 'id="invite-error"' in bad.text
