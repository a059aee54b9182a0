"""A clinician adjusting a program (issue 11): worded thresholds, the preview of what would
change, measured heart rates, planned days, pausing and resuming; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pytest

from walkrx.domain.codes import Decision, Reason
from walkrx.domain.model import Person
from walkrx.domain.thresholds import GROUPS, WORDS
from walkrx.errors import AdjustmentError, ConflictError, InvalidInputError, NotFoundError
from walkrx.protocols.loader import ADJUSTABLE_SECTIONS
from walkrx.services import accounts, adjusting, care, diary, onboarding, pausing, program
from walkrx.services.access import Actor
from walkrx.services.accounts import User
from walkrx.services.adjusting import Proposal
from walkrx.storage import Database, UnitOfWork

START = date(2026, 3, 2)  # a Monday
TODAY = START + timedelta(days=21)  # the first day of week 4: weeks 1-3 are reviewed
PASSWORD = "correct horse battery staple"
CONSOLE = Actor.console()


def _clinician(db: Database) -> Actor:
    user = accounts.sign_up(
        UnitOfWork(db), email="dr@clinic.example", password=PASSWORD, name="Dr", role="clinician"
    )
    return Actor.user(user.id)


def _walker(db: Database, email: str, doctor: Actor | None) -> tuple[int, User]:
    """A walker with a program (age 45, Tanaka: HRmax 176.5, band 124-141 bpm), linked to the
    clinician when one is given; returns the person id and the walker."""
    walker = accounts.sign_up(
        UnitOfWork(db), email=email, password=PASSWORD, name=email, role="walker"
    )
    person = program.new_person(name=email, start=START, age=45, timezone="UTC")
    onboarded = datetime.combine(START, time(8, 0), tzinfo=UTC)
    walker = onboarding.complete_onboarding(UnitOfWork(db), walker.id, person, (), onboarded)
    assert walker.person_id is not None
    if doctor is not None:
        assert doctor.user_id is not None
        invitation = care.invite(UnitOfWork(db), doctor.user_id, email)
        care.accept_invitation(UnitOfWork(db), Actor.user(walker.id), invitation.code)
    return walker.person_id, walker


def _week(db: Database, person_id: int, week: int, minutes: int) -> None:
    """Four walks of `minutes`, no pain (green), on days 1, 3, 5 and 7 of the week."""
    first = START + timedelta(days=7 * (week - 1))
    for offset in (0, 2, 4, 6):
        entry = diary.WalkEntry(
            day=first + timedelta(days=offset),
            start=time(9, 0),
            timezone="UTC",
            minutes=minutes,
            effort=4,
            pain_before=2,
            pain_during=2,
            pain_after=2,
            pain_next_morning=2,
        )
        diary.log_walk(UnitOfWork(db), CONSOLE, person_id, entry)


def _program(db: Database, person_id: int, today: date = TODAY) -> program.Program:
    return program.load_program(UnitOfWork(db), CONSOLE, person_id, today)


def _person(db: Database, person_id: int) -> Person:
    return _program(db, person_id).person


# --- the words --------------------------------------------------------------------------------


def test_every_threshold_has_a_label_a_unit_and_a_line_in_its_group() -> None:
    """Every adjustable key of every protocol is worded, in the group of its section; the groups
    are the four issue 11 names and the pace band of issue 15, in that order."""
    assert [g.name for g in GROUPS] == list(ADJUSTABLE_SECTIONS)
    assert set(WORDS) == adjusting.threshold_keys()
    for group in GROUPS:
        assert group.title and group.intro
        for words in group.thresholds:
            assert words.key.startswith(f"{group.name}.")
            assert words.label and words.unit and words.explains
            assert "_" not in words.label + words.unit  # plain words, no codes
    labels = [w.label for w in WORDS.values()]
    assert len(labels) == len(set(labels))


def test_thresholds_are_grouped_with_nothing_left_out() -> None:
    person = program.new_person(name="x", start=START, age=45, timezone="UTC")
    found = adjusting.thresholds(person)
    sections = adjusting.grouped(found)
    assert [s.title for s in sections] == [
        "Pain response to a walk",
        "Weekly review",
        "When walking may not be enough",
        "Heart-rate zone",
        "Walking pace (advice)",  # issue 15
    ]
    assert sorted(t.key for s in sections for t in s.thresholds) == sorted(t.key for t in found)
    review = next(s for s in sections if s.name == "review")
    too_little = next(t for t in review.thresholds if t.key == "review.too_little_fraction")
    assert too_little.words.unit == "share of the weekly minimum (0.75 = 75 %)"
    assert too_little.value == 0.75


# --- the preview ------------------------------------------------------------------------------


def _three_weeks(db: Database, person_id: int) -> None:
    """Week 1 too little (4 x 10 min: 40 of a 60-minute minimum, below 75 %), weeks 2 and 3 on
    track for phase 1 (4 x 17 min): hold, progress, progress; next week at position 3."""
    _week(db, person_id, 1, 10)
    _week(db, person_id, 2, 17)
    _week(db, person_id, 3, 17)


def test_preview_lists_exactly_the_weeks_that_would_change(database: Database) -> None:
    """Lowering 'too little' to 50 %: week 1 progresses instead of holding; week 2 progresses
    either way (same decision, same reasons: not listed); week 3, now at position 3 (phase 2: at
    least 5 walks), holds instead of progressing. Nothing is stored."""
    doctor = _clinician(database)
    pid, _ = _walker(database, "preview@x.example", doctor)
    _three_weeks(database, pid)
    before = _program(database, pid).reviews
    assert [r.decision for r in before] == [Decision.HOLD, Decision.PROGRESS, Decision.PROGRESS]
    shown = adjusting.preview_adjustment(
        UnitOfWork(database),
        doctor,
        pid,
        Proposal(values={"review.too_little_fraction": "0.5"}),
        today=TODAY,
    )
    p = shown.preview
    assert p is not None
    assert p.weeks_reviewed == 3
    assert [c.week for c in p.changes] == [1, 3]
    week1, week3 = p.changes
    assert (week1.before.decision, week1.after.decision) == (Decision.HOLD, Decision.PROGRESS)
    assert week1.before.reasons == (Reason.TOO_LITTLE,)
    assert week1.after.reasons == (Reason.ON_TRACK,)
    assert (week3.before.decision, week3.after.decision) == (Decision.PROGRESS, Decision.HOLD)
    assert week3.after.reasons == (Reason.TOO_LITTLE,)
    assert (week3.start, week3.end) == (START + timedelta(days=14), START + timedelta(days=20))
    assert (p.position_before, p.position_after) == (3, 3)
    assert p.zones is None
    assert _program(database, pid).reviews == before  # nothing stored
    assert _person(database, pid).adjustments == ()


def test_preview_of_no_change_lists_no_week(database: Database) -> None:
    doctor = _clinician(database)
    pid, _ = _walker(database, "same@x.example", doctor)
    _three_weeks(database, pid)
    values = {t.key: str(t.value) for t in adjusting.thresholds(_person(database, pid))}
    shown = adjusting.preview_adjustment(
        UnitOfWork(database), doctor, pid, Proposal(values=values, days=("mon", "wed")), TODAY
    )
    assert shown.preview is not None
    assert shown.preview.changes == []
    assert shown.preview.days_after == (0, 2)


def test_preview_shows_the_band_a_measured_hrmax_gives(database: Database) -> None:
    doctor = _clinician(database)
    pid, _ = _walker(database, "band@x.example", doctor)
    proposal = Proposal(max_hr="190", zones_from=str(TODAY))
    shown = adjusting.preview_adjustment(UnitOfWork(database), doctor, pid, proposal, TODAY)
    assert shown.preview is not None
    zones = shown.preview.zones
    assert zones is not None
    assert zones.day == TODAY
    assert (zones.before.band_bpm, zones.after.band_bpm) == ((124, 141), (133, 152))
    assert shown.preview.changes == []  # zones never change a past decision


@pytest.mark.parametrize(
    ("field", "text"),
    [
        ("review.too_little_fraction", "inf"),
        ("review.too_little_fraction", "nan"),
        ("review.too_little_fraction", "-inf"),
        ("referral.first_week", "inf"),  # an integer threshold: was an OverflowError (500)
        ("referral.first_week", "1e999"),
        ("referral.first_week", "nan"),
        ("pain.red_peak", "11"),  # out of range
        ("review.morning_min_checkins", "2.5"),  # not a whole number
        ("pain.amber_peak", "9"),  # above the red peak
    ],
)
def test_refusals_name_the_field_for_preview_and_save(
    database: Database, field: str, text: str
) -> None:
    doctor = _clinician(database)
    pid, _ = _walker(database, "refused@x.example", doctor)
    proposal = Proposal(values={field: text})
    with pytest.raises(AdjustmentError) as previewed:
        adjusting.preview_adjustment(UnitOfWork(database), doctor, pid, proposal, TODAY)
    with pytest.raises(AdjustmentError) as saved:
        adjusting.adjust(UnitOfWork(database), doctor, pid, proposal, TODAY)
    assert set(previewed.value.errors) == set(saved.value.errors) == {field}
    assert "_" not in saved.value.errors[field]  # worded with labels, not keys
    assert _person(database, pid).adjustments == ()


def test_refusals_are_gathered_from_every_field(database: Database) -> None:
    doctor = _clinician(database)
    pid, _ = _walker(database, "many@x.example", doctor)
    proposal = Proposal(
        start_position="two",
        values={"review.count_fraction": "nan"},
        max_hr="300",
        resting_hr="fast",
        zones_from="yesterday",
        days=(),
    )
    with pytest.raises(AdjustmentError) as refused:
        adjusting.adjust(UnitOfWork(database), doctor, pid, proposal, TODAY)
    assert set(refused.value.errors) == {
        "start_position",
        "review.count_fraction",
        "max_hr",
        "resting_hr",
        "zones_from",
        "days",
    }
    with pytest.raises(AdjustmentError) as implausible:
        adjusting.adjust(UnitOfWork(database), doctor, pid, Proposal(max_hr="300"), TODAY)
    assert set(implausible.value.errors) == {"max_hr"}


# --- saving -----------------------------------------------------------------------------------


def test_measured_hrmax_changes_the_band_from_its_date_on(database: Database) -> None:
    """A measured HRmax from a date is a new zone-settings entry: the band before that date stays
    the age estimate's, from it on it is the measured one's."""
    doctor = _clinician(database)
    pid, _ = _walker(database, "hrmax@x.example", doctor)
    measured = START + timedelta(days=10)
    adjusting.adjust(
        UnitOfWork(database),
        doctor,
        pid,
        Proposal(max_hr="190", resting_hr="", zones_from=measured.isoformat()),
        TODAY,
    )
    prog = _program(database, pid)
    assert [z.effective for z in prog.person.zones] == [START, measured]
    assert prog.zones(measured - timedelta(days=1)).band_bpm == (124, 141)
    assert prog.zones(measured).band_bpm == (133, 152)
    assert prog.zones(TODAY).hrmax_bpm == 190
    assert not prog.zones(TODAY).estimated
    # the same values again store nothing new; clearing the measured value estimates from age
    adjusting.adjust(UnitOfWork(database), doctor, pid, Proposal(max_hr="190"), TODAY)
    assert len(_person(database, pid).zones) == 2
    adjusting.adjust(UnitOfWork(database), doctor, pid, Proposal(max_hr=""), TODAY)
    assert _program(database, pid).zones(TODAY).band_bpm == (124, 141)


def test_planned_days_and_start_position(database: Database) -> None:
    doctor = _clinician(database)
    pid, _ = _walker(database, "days@x.example", doctor)
    adjusting.adjust(
        UnitOfWork(database),
        doctor,
        pid,
        Proposal(start_position="0", days=("tue", "thu", "sat")),
        TODAY,
    )
    person = _person(database, pid)
    assert (person.start_position, person.days) == (0, (1, 3, 5))


def test_only_the_patients_clinician_adjusts(database: Database) -> None:
    doctor = _clinician(database)
    pid, walker = _walker(database, "own@x.example", None)
    with pytest.raises(NotFoundError):
        adjusting.adjust(UnitOfWork(database), doctor, pid, Proposal(days=("mon",)), TODAY)
    with pytest.raises(NotFoundError):  # the walker is not a clinician
        adjusting.adjust_page(UnitOfWork(database), Actor.user(walker.id), pid, TODAY)
    with pytest.raises(NotFoundError):
        pausing.pause_program(UnitOfWork(database), doctor, pid, "no", today=TODAY)


# --- pausing and resuming ---------------------------------------------------------------------


def test_pause_holds_the_position_and_shows_on_today(database: Database) -> None:
    """Paused during week 2 (whose walking was on track): week 2 keeps position 2, with the
    reason; Today plans no walk and says who paused it and why. Resumed at the start of week 3:
    week 3 goes on from position 2, and Today plans walks again."""
    doctor = _clinician(database)
    pid, _ = _walker(database, "pause@x.example", doctor)
    _week(database, pid, 1, 17)
    _week(database, pid, 2, 17)
    pause_day = START + timedelta(days=9)  # Wednesday of week 2
    pause = pausing.pause_program(
        UnitOfWork(database), doctor, pid, "  Sciatica flare:\n seen today ", pause_day, pause_day
    )
    assert (pause.start, pause.end, pause.reason) == (pause_day, None, "Sciatica flare: seen today")
    assert pause.by == "dr@clinic.example"
    during = _program(database, pid, START + timedelta(days=14))
    assert [r.decision for r in during.reviews] == [Decision.PROGRESS, Decision.HOLD]
    assert during.reviews[1].reasons == (Reason.PAUSED_BY_CLINICIAN,)
    assert during.position == 2
    today = program.today_view(during)  # a Monday, a planned day
    assert today.walk is None
    assert today.paused
    assert today.clinician_pause is not None
    assert today.clinician_pause.reason == "Sciatica flare: seen today"
    with pytest.raises(ConflictError):
        pausing.pause_program(UnitOfWork(database), doctor, pid, "again", today=pause_day)

    resumed = START + timedelta(days=14)
    ended = pausing.resume_program(UnitOfWork(database), doctor, pid, resumed, resumed)
    assert ended.end == resumed
    _week(database, pid, 3, 17)
    after = _program(database, pid, TODAY)
    assert [r.decision for r in after.reviews] == [
        Decision.PROGRESS,
        Decision.HOLD,
        Decision.PROGRESS,
    ]
    assert [r.position for r in after.reviews] == [1, 2, 2]
    back = program.today_view(_program(database, pid, resumed))
    assert back.clinician_pause is None
    assert back.walk is not None
    page = adjusting.adjust_page(UnitOfWork(database), doctor, pid, TODAY)
    assert page.paused is None
    assert [(p.start, p.end) for p in page.pauses] == [(pause_day, resumed)]


def test_pause_and_resume_refusals(database: Database) -> None:
    doctor = _clinician(database)
    pid, _ = _walker(database, "refusals@x.example", doctor)
    with pytest.raises(InvalidInputError) as no_reason:
        pausing.pause_program(UnitOfWork(database), doctor, pid, "  ", today=TODAY)
    assert no_reason.value.field == "pause_reason"
    with pytest.raises(InvalidInputError) as too_long:
        pausing.pause_program(UnitOfWork(database), doctor, pid, "x" * 2001, today=TODAY)
    assert too_long.value.field == "pause_reason"
    with pytest.raises(InvalidInputError) as too_late:
        pausing.pause_program(
            UnitOfWork(database), doctor, pid, "why", TODAY + timedelta(days=30), TODAY
        )
    assert too_late.value.field == "pause_from"
    with pytest.raises(InvalidInputError) as not_paused:
        pausing.resume_program(UnitOfWork(database), doctor, pid, today=TODAY)
    assert not_paused.value.field == "resume_on"
    pausing.pause_program(UnitOfWork(database), doctor, pid, "why", TODAY, TODAY)
    with pytest.raises(InvalidInputError) as before_pause:
        pausing.resume_program(UnitOfWork(database), doctor, pid, TODAY - timedelta(days=1), TODAY)
    assert before_pause.value.field == "resume_on"
    assert adjusting.adjust_page(UnitOfWork(database), doctor, pid, TODAY).paused is not None
