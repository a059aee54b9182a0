"""The PDF progress report on the web (issue 12): the walker's download from the progress page,
a linked clinician's from the patient's page (on the audit trail), and no one else's: another
walker and an unlinked clinician get 404."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from walkrx.domain.explain import DISCLAIMER
from walkrx.services import care
from walkrx.services.access import Actor
from walkrx.storage import UnitOfWork

from .conftest import Web, page_csrf

DAYS = ("2017-01-03", "2017-01-05", "2017-01-10", "2017-01-17")  # the program starts 2 Jan 2017


def _text(data: bytes, folder: Path) -> str:
    tool = shutil.which("pdftotext")
    if tool is None:
        pytest.fail("pdftotext is missing: install Debian's poppler-utils (scripts/check does)")
    source = folder / "report.pdf"
    source.write_bytes(data)
    out = subprocess.run([tool, str(source), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def _walker_with_walks(web: Web, email: str) -> tuple[TestClient, int]:
    client = web.walker(email)
    person = client.get("/api/v1/me").json()["person_id"]
    csrf = page_csrf(client)
    for n, day in enumerate(DAYS):
        logged = client.post(
            f"/api/v1/people/{person}/walks",
            json={"date": day, "minutes": 25 + n, "avg_hr": 128, "pain_before": 2},
            headers={"X-CSRF-Token": csrf},
        )
        assert logged.status_code == 201, logged.text
    return client, person


def _report_events(web: Web, person: int) -> list[tuple[str, str, str]]:
    with UnitOfWork(web.db) as uow:
        events = uow.audit.of_person(person, limit=1000)
    return [(e.actor, e.role, e.via) for e in events if e.action == "report"]


def test_the_walker_downloads_the_report_from_the_progress_page(web: Web, tmp_path: Path) -> None:
    client, person = _walker_with_walks(web, "ann@example.org")
    page = client.get("/progress")
    assert 'href="/progress/report.pdf"' in page.text

    response = client.get("/progress/report.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.headers["content-disposition"].startswith("attachment;")
    assert response.content.startswith(b"%PDF-")
    text = _text(response.content, tmp_path)
    assert "Walking progress report" in text and "ann" in text
    assert "Week 1: Mon 2 Jan 2017 to Sun 8 Jan 2017" in text
    assert DISCLAIMER in text

    some = client.get("/progress/report.pdf", params={"from": "2017-01-09", "to": "2017-01-15"})
    assert some.status_code == 200
    text = _text(some.content, tmp_path)
    assert "Week 2: Mon 9 Jan 2017" in text and "Week 1:" not in text
    assert client.get("/progress/report.pdf", params={"from": "soon"}).status_code == 422
    assert _report_events(web, person) == []  # the walker's own download is not recorded


def test_a_linked_clinician_downloads_it_and_is_recorded_and_no_one_else_can(
    web: Web, tmp_path: Path
) -> None:
    _, person = _walker_with_walks(web, "ann@example.org")
    other = web.walker("bob@example.org")
    assert other.get(f"/clinician/patients/{person}/report.pdf").status_code == 404
    stranger = web.sign_up("stranger@clinic.example", role="clinician")
    assert stranger.get(f"/clinician/patients/{person}/report.pdf").status_code == 404

    doctor = web.sign_up("doc@clinic.example", role="clinician")
    invitation = care.invite(
        UnitOfWork(web.db), web.user("doc@clinic.example").id, "ann@example.org"
    )
    care.accept_invitation(
        UnitOfWork(web.db), Actor.user(web.user("ann@example.org").id), invitation.code
    )
    patient = doctor.get(f"/clinician/patients/{person}")
    assert f'href="/clinician/patients/{person}/report.pdf"' in patient.text

    response = doctor.get(f"/clinician/patients/{person}/report.pdf")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    disposition = response.headers["content-disposition"]
    assert disposition == f'attachment; filename="walkrx-progress-report-{person}.pdf"'
    assert "Walking progress report" in _text(response.content, tmp_path)
    assert _report_events(web, person) == [("doc@clinic.example", "clinician", "session")]
    assert stranger.get(f"/clinician/patients/{person}/report.pdf").status_code == 404
