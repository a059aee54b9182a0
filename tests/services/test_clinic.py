"""The clinician's panel: linked patients only, most urgent first, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest

from walkrx.domain.codes import Decision, Flag, RedFlag, Referral
from walkrx.errors import AdjustmentError, NotFoundError
from walkrx.services import accounts, adjusting, care, clinic, diary, onboarding, program
from walkrx.services.access import Actor
from walkrx.services.accounts import User
from walkrx.services.adjusting import Proposal
from walkrx.services.status import Urgency
from walkrx.storage import Database, UnitOfWork

START = date(2026, 3, 2)  # a Monday
PASSWORD = "correct horse battery staple"


CONSOLE = Actor.console()


def _as(user: User) -> Actor:
    return Actor.user(user.id)


def _walk(
    day: date, minutes: int, before: int = 2, peak: int = 2, morning: int = 2
) -> diary.WalkEntry:
    return diary.WalkEntry(
        day=day,
        start=time(9, 0),
        timezone="UTC",
        minutes=minutes,
        effort=4,
        pain_before=before,
        pain_during=peak,
        pain_after=peak,
        pain_next_morning=morning,
    )


def _on_track_week(db: Database, ref: str, week: int, minutes: int = 17) -> None:
    """Four walks of a phase-1 length, no pain: a week the review calls `progress`."""
    first = START + timedelta(days=7 * (week - 1))
    for offset in (0, 2, 4, 6):
        _log(db, ref, _walk(first + timedelta(days=offset), minutes))


def _log(db: Database, ref: str, entry: diary.WalkEntry) -> None:
    diary.log_walk(UnitOfWork(db), CONSOLE, int(ref), entry)


def _program(db: Database, ref: str, today: date) -> program.Program:
    return program.load_program(UnitOfWork(db), CONSOLE, int(ref), today)


def _clinician(db: Database) -> User:
    return accounts.sign_up(
        UnitOfWork(db),
        email="dr@clinic.example",
        password=PASSWORD,
        name="Dr Who",
        role="clinician",
    )


def _patient(db: Database, clinician: User | None, email: str, **init: object) -> str:
    """A walker with a program, linked to the clinician (when given); returns the person ref."""
    walker = accounts.sign_up(
        UnitOfWork(db), email=email, password=PASSWORD, name=email, role="walker"
    )
    person = program.new_person(name=email, start=START, age=45, timezone="UTC", **init)  # type: ignore[arg-type]
    onboarded = datetime.combine(START, time(8, 0), tzinfo=UTC)
    walker = onboarding.complete_onboarding(UnitOfWork(db), walker.id, person, (), onboarded)
    assert walker.person_id is not None
    if clinician is not None:
        invitation = care.invite(UnitOfWork(db), clinician.id, email)
        care.accept_invitation(UnitOfWork(db), Actor.user(walker.id), invitation.code)
    return str(walker.person_id)


def _checkin(db: Database, ref: str, day: date, **fields: object) -> None:
    red_flags = tuple(flag.value for flag in fields.pop("red_flags", ()))  # type: ignore[attr-defined]
    entry = diary.CheckInEntry(day=day, red_flags=red_flags, **fields)  # type: ignore[arg-type]
    diary.record_checkin(UnitOfWork(db), CONSOLE, int(ref), entry)


Story = Callable[[Database, str], None]


def _emergency(db: Database, ref: str) -> None:
    _on_track_week(db, ref, 1)
    _checkin(db, ref, START + timedelta(days=8), red_flags=(RedFlag.SADDLE_NUMBNESS,))


def _urgent(db: Database, ref: str) -> None:
    _on_track_week(db, ref, 1)
    _checkin(db, ref, START + timedelta(days=8), red_flags=(RedFlag.FEVER_UNWELL,))


def _red_week(db: Database, ref: str) -> None:
    _on_track_week(db, ref, 1)
    first = START + timedelta(days=7)
    for offset in (0, 2, 4):
        _log(db, ref, _walk(first + timedelta(days=offset), 17))
    _log(db, ref, _walk(first + timedelta(days=6), 17, before=2, peak=9))


def _not_logging(db: Database, ref: str) -> None:
    _checkin(db, ref, START + timedelta(days=3), morning_pain=3)


def _referral(db: Database, ref: str) -> None:
    # walking-6wk checks referrals from week 4: bring that forward for this patient
    with UnitOfWork(db) as uow:
        person = uow.people.get(int(ref))
        assert person is not None
        program.apply_adjustment(uow, person, adjustments={"referral.first_week": 2})
        uow.commit()
    _on_track_week(db, ref, 1)
    _checkin(db, ref, START + timedelta(days=8), fear_of_movement=True)
    _on_track_week(db, ref, 2)


def _low_adherence(db: Database, ref: str) -> None:
    _on_track_week(db, ref, 1)
    _log(db, ref, _walk(START + timedelta(days=7), 17))


def _on_track(db: Database, ref: str) -> None:
    _on_track_week(db, ref, 1)
    _on_track_week(db, ref, 2)


TODAY = START + timedelta(days=15)  # week 3: weeks 1 and 2 are reviewed

# listed out of order on purpose: the panel must sort them
STORIES: list[tuple[str, Story, Urgency]] = [
    ("ontrack@x.example", _on_track, Urgency.ON_TRACK),
    ("lowadherence@x.example", _low_adherence, Urgency.LOW_ADHERENCE),
    ("referral@x.example", _referral, Urgency.REFERRAL),
    ("redweek@x.example", _red_week, Urgency.RED_WEEK),
    ("notlogging@x.example", _not_logging, Urgency.NOT_LOGGING),
    ("urgent@x.example", _urgent, Urgency.URGENT),
    ("emergency@x.example", _emergency, Urgency.EMERGENCY),
]


@pytest.fixture
def linked(database: Database) -> tuple[Database, User, dict[str, str]]:
    doctor = _clinician(database)
    refs: dict[str, str] = {}
    for email, story, _level in STORIES:
        refs[email] = _patient(database, doctor, email)
        story(database, refs[email])
    return database, doctor, refs


def test_panel_orders_most_urgent_first(linked: tuple[Database, User, dict[str, str]]) -> None:
    """Emergency flag, urgent flag, red week, not logging, referral, low adherence, on track."""
    db, doctor, _refs = linked
    rows = clinic.panel(UnitOfWork(db), _as(doctor), TODAY)
    assert [row.level for row in rows] == sorted(level for _, _, level in STORIES)
    assert [row.name for row in rows] == [
        "emergency@x.example",
        "urgent@x.example",
        "redweek@x.example",
        "notlogging@x.example",
        "referral@x.example",
        "lowadherence@x.example",
        "ontrack@x.example",
    ]


def test_panel_rows_say_why(linked: tuple[Database, User, dict[str, str]]) -> None:
    """Each row carries the facts behind its place: flags, decision, referrals, adherence."""
    db, doctor, _refs = linked
    rows = {row.name: row for row in clinic.panel(UnitOfWork(db), _as(doctor), TODAY)}
    emergency = rows["emergency@x.example"]
    assert emergency.open_red_flags == (RedFlag.SADDLE_NUMBNESS,)
    assert emergency.paused
    assert "emergency" in emergency.why.lower()
    red = rows["redweek@x.example"]
    assert red.decision is Decision.STEP_BACK
    assert red.last_walk == START + timedelta(days=13)
    assert red.days_since_log == 2
    assert Flag.NOT_LOGGING in rows["notlogging@x.example"].flags
    assert Referral.FEAR_OF_MOVEMENT in rows["referral@x.example"].referrals
    low = rows["lowadherence@x.example"]
    assert low.adherence_walks == pytest.approx(0.25)
    on_track = rows["ontrack@x.example"]
    assert on_track.decision is Decision.PROGRESS
    assert on_track.week == 3
    assert on_track.position == 3
    assert on_track.phase == 2


def test_panel_shows_only_linked_patients(database: Database) -> None:
    """An unlinked walker, or one whose invitation is still pending, is not on the panel."""
    doctor = _clinician(database)
    mine = _patient(database, doctor, "mine@x.example")
    other = _patient(database, None, "other@x.example")
    care.invite(UnitOfWork(database), doctor.id, "pending@x.example")
    panel = clinic.panel(UnitOfWork(database), _as(doctor), TODAY)
    assert [row.person_id for row in panel] == [int(mine)]
    with pytest.raises(NotFoundError):
        clinic.picture(UnitOfWork(database), _as(doctor), int(other), TODAY)
    with pytest.raises(NotFoundError):
        clinic.clear_red_flags(UnitOfWork(database), _as(doctor), int(other), TODAY, "seen")
    sent = clinic.sent_invitations(UnitOfWork(database), _as(doctor))
    assert [(i.patient_email, i.status) for i in sent] == [
        ("pending@x.example", "pending"),
        ("mine@x.example", "accepted"),
    ]
    assert sent[1].person_id == int(mine)


def test_clear_flag_records_the_clinician(database: Database) -> None:
    """Clearing a flag stores the clinician's e-mail and the date; the pause ends."""
    doctor = _clinician(database)
    ref = _patient(database, doctor, "flag@x.example")
    _emergency(database, ref)
    clearing, closed = clinic.clear_red_flags(
        UnitOfWork(database), _as(doctor), int(ref), TODAY, "seen in clinic, no cauda equina"
    )
    assert closed == (RedFlag.SADDLE_NUMBNESS,)
    assert clearing.by == "dr@clinic.example"
    picture = clinic.picture(UnitOfWork(database), _as(doctor), int(ref), TODAY)
    assert picture.clearings[0].by == "dr@clinic.example"
    assert picture.clearings[0].day == TODAY
    assert picture.row.open_red_flags == ()


def test_adjust_thresholds_changes_the_review(database: Database) -> None:
    """Lowering too_little_fraction turns a too-little hold into progress; bad values are named."""
    doctor = _clinician(database)
    ref = _patient(database, doctor, "adjust@x.example")
    first = START
    for offset in (0, 2, 4, 6):  # four walks of 10 minutes: 40 of a 60-minute minimum total
        _log(database, ref, _walk(first + timedelta(days=offset), 10))
    assert _program(database, ref, TODAY).reviews[0].decision is Decision.HOLD
    with pytest.raises(AdjustmentError) as refused:
        adjusting.adjust(
            UnitOfWork(database),
            _as(doctor),
            int(ref),
            Proposal(values={"review.too_little_fraction": "lots", "review.count_fraction": "0.3"}),
        )
    assert set(refused.value.errors) == {"review.too_little_fraction"}
    adjusting.adjust(
        UnitOfWork(database),
        _as(doctor),
        int(ref),
        Proposal(values={"review.too_little_fraction": "0.5", "review.count_fraction": "0.5"}),
    )
    assert _program(database, ref, TODAY).reviews[0].decision is Decision.PROGRESS
    picture = clinic.picture(UnitOfWork(database), _as(doctor), int(ref), TODAY)
    thresholds = {t.key: t for t in picture.thresholds}
    assert thresholds["review.too_little_fraction"].value == 0.5
    assert thresholds["review.too_little_fraction"].adjusted
    assert not thresholds["review.count_fraction"].adjusted  # same as the protocol: not stored
    with pytest.raises(AdjustmentError) as out_of_range:
        adjusting.adjust(UnitOfWork(database), _as(doctor), int(ref), Proposal(start_position="99"))
    assert set(out_of_range.value.errors) == {"start_position"}


def test_switching_protocol_does_not_carry_the_old_defaults(database: Database) -> None:
    """A form posted with the old protocol's values, and a new protocol, stores no adjustment."""
    doctor = _clinician(database)
    ref = _patient(database, doctor, "switch@x.example", protocol="walkback-26wk")
    person = _program(database, ref, TODAY).person
    shown = {t.key: str(t.value) for t in clinic.thresholds(person)}
    assert shown["referral.first_week"] == "8"
    shown["review.too_much_fraction"] = "1.5"  # the one change the clinician made
    adjusting.adjust(
        UnitOfWork(database), _as(doctor), int(ref), Proposal(protocol="walking-6wk", values=shown)
    )
    changed = _program(database, ref, TODAY).person
    assert changed.protocol == "walking-6wk"
    assert changed.adjustments == (("review.too_much_fraction", 1.5),)
