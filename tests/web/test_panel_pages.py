"""The clinician's panel and patient pages (issue 11): an alert reaches the panel on the next
page load with a link to the walk, acknowledging it is recorded, and no page shows a stable
code or an ISO date where a person reads.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime

from walkrx.domain.codes import Decision, Flag, Reason, RedFlag, Referral
from walkrx.services import diary
from walkrx.services.access import Actor
from walkrx.storage import UnitOfWork

from .conftest import Web, page_csrf

CODES = {c.value for enum in (Decision, Flag, Reason, RedFlag, Referral) for c in enum} - {
    "hold",  # an English word as well as a code
}
ISO_DATE = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")


def _visible_text(html: str) -> str:
    """The text a person reads: tags, attributes, styles and scripts removed."""
    html = re.sub(r"<(style|script)\b.*?</\1>", " ", html, flags=re.S)
    html = re.sub(r"<[^>]+>", " ", html)
    return re.sub(r"\s+", " ", html)


def _linked_walker(web: Web, clinician_email: str) -> tuple[int, int]:
    """A walker who signed up and onboarded, linked to the clinician (accepted)."""
    walker = web.walker("pat@example.org")
    me = walker.get("/api/v1/me").json()
    now = datetime.now(UTC)
    with UnitOfWork(web.db) as uow:
        dr = uow.users.by_email(clinician_email)
        assert dr is not None
        link = uow.links.add(clinician_id=dr.id, patient_email="pat@example.org", now=now)
        uow.links.answer(link.id, status="accepted", patient_user_id=me["id"], now=now)
        uow.commit()
    return me["person_id"], me["id"]


def test_a_red_walk_reaches_the_panel_with_a_link_and_is_acknowledged(web: Web) -> None:
    dr = web.sign_up("dr@clinic.example", role="clinician")
    person_id, _ = _linked_walker(web, "dr@clinic.example")
    today = datetime.now(UTC).date()
    red = diary.log_walk(
        UnitOfWork(web.db),
        Actor.console(),
        person_id,
        diary.WalkEntry(minutes=25, day=today, pain_before=2, pain_during=9, pain_after=8),
    ).walk

    panel = dr.get("/clinician")
    assert panel.status_code == 200
    assert f'href="/clinician/patients/{person_id}#walk-{red.id}"' in panel.text
    assert "flared the back pain" in panel.text
    attention = dr.get("/clinician?view=attention")
    assert f'data-person="{person_id}"' in attention.text

    page = dr.get(f"/clinician/patients/{person_id}")
    assert f'id="walk-{red.id}"' in page.text
    [ack] = re.findall(r'action="(/clinician/patients/\d+/alerts/\d+/ack)"', page.text)
    done = dr.post(ack, data={"csrf": page_csrf(dr, f"/clinician/patients/{person_id}")})
    assert done.status_code == 200 and "Seen by" in done.text
    assert "flared the back pain" not in dr.get("/clinician?view=attention").text
    with UnitOfWork(web.db) as uow:
        actions = {e.action for e in uow.audit.of_person(person_id)}
    assert {"panel", "read", "acknowledge_alert"} <= actions


def test_clinician_pages_show_words_not_codes_nor_iso_dates(web: Web) -> None:
    dr = web.sign_up("dr2@clinic.example", role="clinician")
    person_id, _ = _linked_walker(web, "dr2@clinic.example")
    today = datetime.now(UTC).date()
    diary.log_walk(
        UnitOfWork(web.db),
        Actor.console(),
        person_id,
        diary.WalkEntry(minutes=25, day=today, pain_before=2, pain_during=9, pain_after=8),
    )
    diary.record_checkin(
        UnitOfWork(web.db),
        Actor.console(),
        person_id,
        diary.CheckInEntry(day=today, red_flags=("night_pain",), morning_pain=4),
    )
    for path in ("/clinician", f"/clinician/patients/{person_id}"):
        text = _visible_text(dr.get(path).text)
        shown = {code for code in CODES if re.search(rf"\b{code}\b", text)}
        assert not shown, f"{path} shows codes {shown}"
        assert not ISO_DATE.search(text), f"{path} shows an ISO date: {ISO_DATE.search(text)}"
