"""After the program, in a real browser (issue 13): a walker in maintenance answers a due
follow-up with a recurrence; the return to the program is offered (warning signs first); the
clinician sees the alert on the panel and the patient page, and the outcomes curve now counts the
recurrence. At phone and desk sizes: no sideways scroll, no stable code or ISO date on screen.
"""

from __future__ import annotations

import dataclasses
import os
import re
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

import pytest
from tests.web.e2e.test_journeys import (
    SIZES,
    _email,
    _fits_and_speaks_words,
    _visit,
    accept,
    invite,
    new_walker,
    sign_up,
)

try:
    from playwright.sync_api import expect
except ImportError:  # without the package: skip, unless the browser tests are required
    if os.environ.get("WALKRX_REQUIRE_BROWSER", "").strip() not in ("", "0", "false", "no"):
        raise
    pytest.skip(
        "browser tests skipped: the playwright package is not installed", allow_module_level=True
    )

if TYPE_CHECKING:
    from tests.web.e2e.conftest import Browsing


def _in_maintenance(database_url: str, email: str, clinician_email: str) -> None:
    """The walker's program started 70 days ago at maintenance (a clinician's start position):
    it ended then, and two follow-ups are due. Another patient of the clinician, finished 100
    days ago, answered once without a recurrence (the curve before)."""
    from walkrx.services import followup, program  # noqa: PLC0415
    from walkrx.services.access import Actor  # noqa: PLC0415
    from walkrx.storage import Database, UnitOfWork  # noqa: PLC0415

    db = Database.open(database_url)
    today = datetime.now(UTC).date()
    with UnitOfWork(db) as uow:
        user = uow.users.by_email(email)
        assert user is not None and user.person_id is not None
        person = uow.people.get(user.person_id)
        assert person is not None
        uow.people.update(
            dataclasses.replace(person, start=today - timedelta(days=70), start_position=7)
        )
        other_email = _email("censored")
        other = uow.users.add(email=other_email, name="Cy", role="walker", password_hash="x")
        made = program.new_person(
            name=other_email,
            display_name="Cy Censored",
            start=today - timedelta(days=150),
            age=60,
            timezone="UTC",
        )
        stored = program.store_new_person(uow, made)
        assert stored.id is not None
        uow.users.set_person(other.id, stored.id)
        dr = uow.users.by_email(clinician_email)
        assert dr is not None
        now = datetime.now(UTC)
        link = uow.links.add(clinician_id=dr.id, patient_email=other_email, now=now)
        uow.links.answer(link.id, status="accepted", patient_user_id=other.id, now=now)
        uow.commit()
    console = Actor.console()
    followup.finish_program(UnitOfWork(db), console, stored.id, today - timedelta(days=100))
    entry = followup.FollowUpEntry(False, today - timedelta(days=10), usual_minutes=120)
    followup.record_followup(UnitOfWork(db), console, stored.id, entry)
    db.close()


@pytest.mark.parametrize("size", ["phone", "desk"])
def test_a_recurrence_after_the_program_reaches_the_clinician(
    browsing: Browsing, database_url: str, size: str
) -> None:
    viewport = SIZES[size]
    walker_context = browsing.context(viewport=viewport)
    walker, email = new_walker(browsing, walker_context)
    doctor = browsing.context(viewport=viewport).new_page()
    doctor_email = _email("clinician")
    sign_up(browsing, doctor, doctor_email, role="clinician")
    accept(browsing, walker, invite(browsing, doctor, email))
    _in_maintenance(database_url, email, doctor_email)

    # the curve before: one patient, followed up, no recurrence
    _visit(browsing, doctor, "/clinician/outcomes", f"{size}-outcomes-before")
    expect(doctor.locator("#km-summary")).to_contain_text("1 patient, 0 recurrences")
    expect(doctor.locator("#observational")).to_contain_text("Not a trial result")
    _fits_and_speaks_words(doctor)

    # the walker is asked, and tells a recurrence
    _visit(browsing, walker, "/today", f"{size}-today-followup-due")
    expect(walker.locator("#after-program")).to_contain_text("A follow-up is due")
    _fits_and_speaks_words(walker)
    form = walker.locator("#followup-form")
    form.locator("label[for=recurrence-yes]").click()
    started = datetime.now(UTC).date() - timedelta(days=6)
    form.locator("#episode_start").fill(started.isoformat())
    form.locator("label[for=sought_care-no]").click()
    form.get_by_label("How many minutes do you walk in a usual week now?").fill("60")
    form.get_by_role("button", name="Send my answer").click()
    expect(walker.locator("#return-form")).to_be_visible()
    expect(walker.locator("#after-program")).to_contain_text("Back to the program, gently")
    browsing.shot(walker, f"{size}-today-return-offered")
    _fits_and_speaks_words(walker)
    _visit(browsing, walker, "/progress", f"{size}-progress-after")
    expect(walker.locator("#after-outcome")).to_contain_text("days")
    _fits_and_speaks_words(walker)

    # the clinician: the alert on the panel and the patient page, and the updated curve
    _visit(browsing, doctor, "/clinician", f"{size}-panel-recurrence")
    name = email.split("@", maxsplit=1)[0]
    row = doctor.locator("#panel tr").filter(has_text=name)
    link = row.get_by_role("link", name=re.compile("daily activities again"))
    expect(link).to_be_visible()
    _fits_and_speaks_words(doctor)
    link.click()
    expect(doctor.locator("#alerts")).to_contain_text("daily activities again")
    expect(doctor.locator("#after-program")).to_contain_text("Recurrence")
    browsing.shot(doctor, f"{size}-patient-recurrence")
    _fits_and_speaks_words(doctor)
    _visit(browsing, doctor, "/clinician/outcomes", f"{size}-outcomes-after")
    expect(doctor.locator("#km-summary")).to_contain_text("2 patients, 1 recurrence.")
    expect(doctor.locator("#km-summary")).to_contain_text("Median time to a recurrence")
    expect(doctor.locator("svg.walkrx-chart .median")).to_have_count(1)
    expect(doctor.locator("svg.walkrx-chart .at-risk").first).to_have_text("2")
    _fits_and_speaks_words(doctor)
