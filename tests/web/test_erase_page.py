"""The erase page (issue 12): it says what goes and asks for the e-mail address; a wrong one or a
missing CSRF token erases nothing; the right one erases and signs out for good; a clinician,
even a linked one, is refused and the patient stays. On SQLite and PostgreSQL."""

from __future__ import annotations

from walkrx.services import care
from walkrx.services.access import Actor
from walkrx.storage import UnitOfWork
from walkrx.web.deps import SESSION_COOKIE

from .conftest import PASSWORD, Web, csrf_of, page_csrf


def _people(web: Web) -> list[str]:
    with UnitOfWork(web.db) as uow:
        return [p.name for p in uow.people.list()]


def test_the_walker_erases_their_account_and_is_signed_out(web: Web) -> None:
    client = web.walker("ann@example.org")
    web.walker("bo@example.org")
    client.post("/log", data={"csrf": page_csrf(client, "/log"), "minutes": "20"})
    assert 'href="/account/erase"' in client.get("/tokens").text

    form = client.get("/account/erase")
    assert form.status_code == 200
    assert "ann@example.org" in form.text and "walks: 1" in form.text
    assert "type your e-mail address" in form.text

    wrong = client.post(
        "/account/erase", data={"csrf": csrf_of(form.text), "confirm": "bo@example.org"}
    )
    assert wrong.status_code == 422 and 'id="confirm-error"' in wrong.text
    no_csrf = client.post("/account/erase", data={"confirm": "ann@example.org"})
    assert no_csrf.status_code == 403
    assert client.get("/today").status_code == 200  # still there, still signed in

    token = client.cookies.get(SESSION_COOKIE)
    done = client.post(
        "/account/erase", data={"csrf": csrf_of(form.text), "confirm": "Ann@Example.org "}
    )
    assert done.status_code == 200, done.text
    assert "Your account and your data are erased" in done.text
    assert "Sign out" not in done.text  # a signed-out page
    assert SESSION_COOKIE not in client.cookies
    assert _people(web) == ["bo@example.org"]
    gone = client.get("/today", follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/signin")
    replayed = web.client()  # the old session cookie, sent again, opens nothing
    replayed.cookies.set(SESSION_COOKIE, token or "")
    assert replayed.get("/today", follow_redirects=False).status_code == 303
    signin = replayed.get("/signin")
    refused = replayed.post(
        "/signin",
        data={"email": "ann@example.org", "password": PASSWORD, "csrf": csrf_of(signin.text)},
    )
    assert refused.status_code == 403


def test_a_clinician_cannot_erase_a_patient(web: Web) -> None:
    walker = web.walker("ann@example.org")
    assert walker.get("/today").status_code == 200
    doctor = web.sign_up("dr@clinic.example", role="clinician")
    dr, ann = web.user("dr@clinic.example"), web.user("ann@example.org")
    invitation = care.invite(UnitOfWork(web.db), dr.id, "ann@example.org")
    care.accept_invitation(UnitOfWork(web.db), Actor.user(ann.id), invitation.code)

    assert 'href="/account/erase"' not in doctor.get("/tokens").text
    assert doctor.get("/account/erase").status_code == 403
    csrf = page_csrf(doctor, "/tokens")
    for confirm in ("ann@example.org", "dr@clinic.example"):
        refused = doctor.post("/account/erase", data={"csrf": csrf, "confirm": confirm})
        assert refused.status_code == 403
    assert _people(web) == ["ann@example.org"]
    assert web.user("dr@clinic.example").id == dr.id


def test_a_walker_without_a_program_can_erase_their_account(web: Web) -> None:
    client = web.sign_up("cy@example.org")
    form = client.get("/account/erase")
    assert form.status_code == 200 and "walking program" not in form.text.split("<ul>")[0]
    done = client.post(
        "/account/erase", data={"csrf": csrf_of(form.text), "confirm": "cy@example.org"}
    )
    assert done.status_code == 200
    with UnitOfWork(web.db) as uow:
        assert uow.users.by_email("cy@example.org") is None
