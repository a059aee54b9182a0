"""After the program on the web (issue 13): Today asks the follow-up when it is due, a recurrence
offers the return (warning signs first), the progress page shows the outcome, the clinician
marks a program finished, sees the recurrence and unanswered follow-ups, and the outcomes page
draws the curve (number at risk, median, band, the observational note) with its CSV."""

from __future__ import annotations

import csv
import io
import re
from datetime import UTC, datetime, timedelta

from fastapi.testclient import TestClient

from walkrx.domain.redflags import questions
from walkrx.services import followup
from walkrx.services.access import Actor
from walkrx.storage import UnitOfWork

from .conftest import Web, csrf_of

ISO = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _visible(html: str) -> str:
    """The page's text as shown: no tags, scripts, styles or attribute values."""
    html = re.sub(r"<(script|style)\b.*?</\1>", " ", html, flags=re.S)
    return re.sub(r"<[^>]+>", " ", html)


def _linked(web: Web, dr_email: str, email: str, start: str) -> tuple[TestClient, int]:
    walker = web.walker(email, start=start)
    me = walker.get("/api/v1/me").json()
    now = datetime.now(UTC)
    with UnitOfWork(web.db) as uow:
        dr = uow.users.by_email(dr_email)
        assert dr is not None
        link = uow.links.add(clinician_id=dr.id, patient_email=email, now=now)
        uow.links.answer(link.id, status="accepted", patient_user_id=me["id"], now=now)
        uow.commit()
    return walker, me["person_id"]


def test_a_due_follow_up_a_recurrence_and_the_return(web: Web) -> None:
    dr = web.sign_up("dr@clinic.example", role="clinician")
    today = datetime.now(UTC).date()
    start = today - timedelta(days=120)
    walker, person = _linked(web, "dr@clinic.example", "ann@example.org", start.isoformat())
    assert "Mark the program finished" in dr.get(f"/clinician/patients/{person}").text
    finished = dr.post(
        f"/clinician/patients/{person}/finish",
        data={"csrf": csrf_of(dr.get(f"/clinician/patients/{person}").text), "date": ""},
        follow_redirects=False,
    )
    assert finished.status_code == 303
    with UnitOfWork(web.db) as uow:  # the finish, as if 40 days ago: a follow-up is due
        uow.stages.add(person, "finished", today - timedelta(days=40), "dr@clinic.example")
        uow.commit()

    page = walker.get("/today").text
    assert "Your program has finished" in page and "A follow-up is due" in page
    assert 'id="followup-form"' in page and not ISO.search(_visible(page))
    answered = walker.post(
        "/followup",
        data={
            "csrf": csrf_of(page),
            "date": today.isoformat(),
            "recurrence": "yes",
            "episode_start": (today - timedelta(days=4)).isoformat(),
            "sought_care": "no",
            "usual_minutes": "90",
        },
        follow_redirects=False,
    )
    assert answered.status_code == 303
    page = walker.get("/today").text
    assert 'id="return-form"' in page and "Back to the program, gently" in page

    panel = dr.get("/clinician").text
    assert "Back pain limited their daily activities again" in panel
    patient = dr.get(f"/clinician/patients/{person}").text
    assert "Recurrence" in patient and 'id="followups"' in patient
    assert not ISO.search(_visible(patient))

    flags = {code.value: "no" for code, _ in questions()}
    back = walker.post(
        "/return",
        data={"csrf": csrf_of(page), "action": "return", **flags},
        follow_redirects=False,
    )
    assert back.status_code == 303
    assert "You return to the program on" in walker.get("/today").text

    progress = walker.get("/progress").text
    assert "After the program" in progress and "Walking kept up after the program" in progress
    assert "4 days" not in progress or "days</strong> after the program" in progress


def test_refused_answers_and_the_outcomes_page(web: Web) -> None:
    dr = web.sign_up("dr@clinic.example", role="clinician")
    today = datetime.now(UTC).date()
    walker, person = _linked(web, "dr@clinic.example", "bo@example.org", "2025-01-06")
    followup.finish_program(
        UnitOfWork(web.db), Actor.console(), person, today - timedelta(days=200)
    )
    csrf = csrf_of(walker.get("/today").text)
    early = walker.post(
        "/followup",
        data={"csrf": csrf, "date": (today - timedelta(days=300)).isoformat(), "recurrence": "no"},
    )
    assert early.status_code == 422 and "ended on" in early.text
    missing = walker.post("/followup", data={"csrf": csrf, "date": today.isoformat()})
    assert missing.status_code == 422
    assert walker.get("/clinician/outcomes").status_code == 404  # clinicians only

    empty = dr.get("/clinician/outcomes")
    assert empty.status_code == 200 and "Not a trial result" in empty.text
    walker.post(
        "/followup",
        data={"csrf": csrf, "date": (today - timedelta(days=130)).isoformat(), "recurrence": "no"},
    )
    shown = dr.get("/clinician/outcomes?by=protocol")
    assert shown.status_code == 200
    assert "Number at risk" in shown.text and "median not reached" in shown.text
    assert 'class="band"' in shown.text and "bo" in shown.text
    assert not ISO.search(_visible(shown.text)) and "walking-6wk" not in _visible(shown.text)
    table = dr.get("/clinician/outcomes.csv?by=protocol")
    rows = list(csv.DictReader(io.StringIO(table.text)))
    assert table.headers["content-type"].startswith("text/csv")
    assert [(r["group"], r["day"], r["at_risk"], r["censored"]) for r in rows] == [
        ("walking-6wk", "0", "1", "0"),
        ("walking-6wk", "70", "1", "1"),
    ]
