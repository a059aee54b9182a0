"""The clinic pages, invitation codes and the walker's sharing pages (issue 11), on both engines.

A clinician creates a clinic and manages its members; an invitation code is shown once and opens
a page that says who invites to what before the walker accepts; the walker sees who can see their
program and who looked at it, the administrator the clinic's log, every one in words, with dates
as people read them.
"""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from .conftest import Web, page_csrf

CODE = re.compile(r"\b[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}\b")
DATE = re.compile(r"\b(Mon|Tue|Wed|Thu|Fri|Sat|Sun) \d{1,2} [A-Z][a-z]{2} \d{4}\b")
STABLE_CODES = (
    "join_clinic",
    "add_clinician",
    "create_clinic",
    "remove_member",
    ">read<",
    "admin<",
)


def _clinic(web: Web) -> tuple[TestClient, int]:
    """A clinician who created a clinic (its administrator), and the clinic's id."""
    boss = web.sign_up("boss@clinic.example", role="clinician")
    created = boss.post(
        "/clinics",
        data={"csrf": page_csrf(boss, "/clinics"), "name": "Riverside Clinic"},
        follow_redirects=False,
    )
    assert created.status_code == 303
    found = re.fullmatch(r"/clinics/(\d+)", created.headers["location"])
    assert found is not None
    return boss, int(found.group(1))


def _invite(client: TestClient, clinic_id: int | None, email: str) -> str:
    """Make an invitation (from the clinic's page, or the clinician's own); returns its code."""
    data = {"csrf": page_csrf(client, "/clinics"), "email": email}
    if clinic_id is not None:
        data["clinic"] = str(clinic_id)
    made = client.post("/clinician/invite", data=data)
    assert made.status_code == 200, made.text
    found = CODE.search(made.text)
    assert found is not None
    return found.group()


def _no_codes(html: str) -> None:
    for code in STABLE_CODES:
        assert code not in html, code


def test_a_clinic_is_created_and_its_members_managed(web: Web) -> None:
    boss, clinic_id = _clinic(web)
    colleague = web.sign_up("dr@clinic.example", role="clinician")
    web.walker("ann@example.org")
    page = boss.get(f"/clinics/{clinic_id}").text
    assert "Riverside Clinic" in page and "You are an administrator here" in page
    assert DATE.search(page)
    csrf = page_csrf(boss, f"/clinics/{clinic_id}")

    walker_added = boss.post(
        f"/clinics/{clinic_id}/members",
        data={"csrf": csrf, "email": "ann@example.org", "role": "clinician"},
    )
    assert walker_added.status_code == 422
    assert 'id="member-error"' in walker_added.text
    assert "No clinician&#39;s account uses ann@example.org" in walker_added.text

    added = boss.post(
        f"/clinics/{clinic_id}/members",
        data={"csrf": csrf, "email": "dr@clinic.example", "role": "clinician"},
    )
    assert added.status_code == 200
    assert "The member was added" in added.text
    assert "dr@clinic.example" in added.text
    assert "Riverside Clinic" in colleague.get("/clinics").text
    # a clinician of the clinic sees its page but no log, and cannot remove the administrator
    assert colleague.get(f"/clinics/{clinic_id}").status_code == 200
    assert colleague.get(f"/clinics/{clinic_id}/log").status_code == 403

    ids = re.findall(rf"/clinics/{clinic_id}/members/(\d+)/remove", added.text)
    assert len(ids) == 2
    boss_id = min(int(i) for i in ids)  # the creator signed up first
    last_admin = boss.post(f"/clinics/{clinic_id}/members/{boss_id}/remove", data={"csrf": csrf})
    assert last_admin.status_code == 409
    assert "keeps at least one administrator" in last_admin.text
    other = max(int(i) for i in ids)
    removed = boss.post(f"/clinics/{clinic_id}/members/{other}/remove", data={"csrf": csrf})
    assert removed.status_code == 200
    assert "The member was removed" in removed.text
    assert colleague.get(f"/clinics/{clinic_id}").status_code == 404

    log = boss.get(f"/clinics/{clinic_id}/log").text
    assert "created the clinic" in log
    assert "added a clinician: dr (dr@clinic.example)" in log
    assert "removed a member" in log
    assert DATE.search(log)
    _no_codes(log)


def test_clinic_pages_are_for_clinicians(web: Web) -> None:
    walker = web.walker("ann@example.org")
    assert walker.get("/clinics").status_code == 404
    _boss, clinic_id = _clinic(web)
    assert walker.get(f"/clinics/{clinic_id}").status_code == 404
    refused = web.sign_up("x@clinic.example", role="clinician").post(
        "/clinics", data={"csrf": "", "name": "x"}
    )
    assert refused.status_code == 403  # the form's CSRF secret is checked first


def test_an_invitation_code_joins_the_clinic(web: Web) -> None:
    """The code page shows the code and link once; the link, opened signed out, comes back after
    signing in; the walker sees who invites to what, accepts, and sees the clinic's members."""
    boss, clinic_id = _clinic(web)
    walker = web.walker("ann@example.org")
    code = _invite(boss, clinic_id, "ann@example.org")
    made = boss.get(f"/clinics/{clinic_id}").text
    assert code not in made  # shown once only

    stranger = web.client()
    signed_out = stranger.get(f"/join/{code}", follow_redirects=False)
    assert signed_out.status_code == 303
    assert signed_out.headers["location"] == f"/signin?next=/join/{code}"

    typed = walker.get("/join", params={"code": code.lower().replace("-", " ")})
    assert typed.status_code == 200
    offer = walker.get(f"/join/{code}").text
    assert "boss" in offer and "Riverside Clinic" in offer
    assert "Accept and share my program" in offer
    assert DATE.search(offer)

    accepted = walker.post("/join", data={"csrf": page_csrf(walker), "code": code})
    assert accepted.status_code == 200
    assert "Invitation accepted" in accepted.text
    assert "Riverside Clinic" in accepted.text
    assert "boss@clinic.example" in accepted.text
    again = walker.post("/join", data={"csrf": page_csrf(walker), "code": code})
    assert again.status_code == 409
    assert "already accepted" in again.text

    boss_panel = boss.get("/clinician").text
    assert "ann" in boss_panel
    person = walker.get("/api/v1/me").json()["person_id"]
    assert boss.get(f"/clinician/patients/{person}").status_code == 200
    looked = walker.get("/sharing/log").text
    assert "boss" in looked and "looked at your program" in looked
    assert "You" in looked and "started sharing your program with the clinic" in looked
    assert DATE.search(looked)
    _no_codes(looked)


def test_a_walker_without_a_program_sets_it_up_first(web: Web) -> None:
    boss, clinic_id = _clinic(web)
    newcomer = web.sign_up("new@example.org")
    code = _invite(boss, clinic_id, "new@example.org")
    offer = newcomer.get(f"/join/{code}").text
    assert "set yours up first" in offer
    assert "Accept and share my program" not in offer


def test_a_code_for_someone_else_or_mistyped_is_not_found(web: Web) -> None:
    boss, _clinic_id = _clinic(web)
    web.walker("ann@example.org")
    other = web.walker("bo@example.org")
    code = _invite(boss, None, "ann@example.org")
    assert other.get(f"/join/{code}").status_code == 404
    assert other.get("/join/NOT-A-CODE").status_code == 404
    refused = other.post("/join", data={"csrf": page_csrf(other), "code": code})
    assert refused.status_code == 404


def test_the_sharing_page_lists_invitations_and_stops_sharing(web: Web) -> None:
    boss, clinic_id = _clinic(web)
    doctor = web.sign_up("own@practice.example", role="clinician")
    walker = web.walker("ann@example.org")
    own = _invite(doctor, None, "ann@example.org")
    _invite(boss, clinic_id, "ann@example.org")
    page = walker.get("/sharing").text
    assert "Invitations waiting" in page
    assert "invited you to Riverside Clinic" in page
    assert page.count("Decline") == 2
    assert DATE.search(page)
    walker.post("/join", data={"csrf": page_csrf(walker), "code": own})
    page = walker.get("/sharing").text
    assert "own@practice.example" in page
    declined = re.search(r'action="/invitations/(\d+)/decline"', page)
    assert declined is not None
    after = walker.post(declined.group(0).split('"')[1], data={"csrf": page_csrf(walker)})
    assert "Invitation declined" in after.text
    assert "Invitations waiting" not in after.text

    revoke = re.search(r'action="(/clinicians/\d+/revoke)"', after.text)
    assert revoke is not None
    stopped = walker.post(revoke.group(1), data={"csrf": page_csrf(walker)})
    assert "You stopped sharing your program with the clinician" in stopped.text
    assert "own@practice.example" not in stopped.text
    assert walker.get("/invitations", follow_redirects=False).headers["location"] == "/sharing"
