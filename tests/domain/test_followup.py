"""After the program (spec 13, issue 13): when it ends, the follow-up schedule (due dates, missed
answers, a late answer), the first recurrence and the time to it, the return to the program, and
the weeks after a finish; with Hypothesis properties (a later answer never moves an earlier
recurrence; censoring is at the last answered follow-up)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from walkrx.domain.alerts import AlertKind, alerts
from walkrx.domain.codes import Decision, Reason
from walkrx.domain.followup import (
    FINISHED,
    MAINTENANCE,
    QuietPhase,
    after_program,
    due_dates,
    outcome,
    quiet_phases,
    schedule,
)
from walkrx.domain.model import Diary, FollowUp, ProgramStage
from walkrx.domain.plan import build_plan
from walkrx.domain.review import WeekReview, review_weeks
from walkrx.domain.stages import RETURNED, off_program

from .strategies import START, day_of, diary, on_track_week, person, protocol, walk

P6 = protocol("walking-6wk")
END = date(2024, 3, 1)


def answer(
    day: date, recurrence: bool = False, start: date | None = None, **kw: object
) -> FollowUp:
    return FollowUp(None, day, recurrence, start, **kw)  # type: ignore[arg-type]


def finished(on: date = END, answers: tuple[FollowUp, ...] = (), *more: ProgramStage) -> Diary:
    d = diary()
    return replace(d, stages=(ProgramStage(FINISHED, on), *more), followups=answers)


def weeks_of(d: Diary, today: date) -> list[WeekReview]:
    return review_weeks(d, P6, today, start_position=d.person.start_position)


def phases(d: Diary, today: date) -> list[QuietPhase]:
    return quiet_phases(d, P6, weeks_of(d, today), today)


# --- when the program ends ---------------------------------------------------------------------


def test_reaching_maintenance_ends_the_program_on_the_first_maintenance_day() -> None:
    d = replace(diary(on_track_week(1, 6)), person=replace(person(), start_position=6))
    (phase,) = phases(d, day_of(2, 3))
    assert phase.end.how == MAINTENANCE and phase.end.day == day_of(2)
    assert phase.end.position == 7 and phase.returned is None


def test_not_yet_ended_before_maintenance_or_a_finish() -> None:
    assert phases(diary(on_track_week(1, 1)), day_of(3)) == []


def test_a_finish_ends_it_and_plans_no_more_walks() -> None:
    d = replace(finished(day_of(2, 3)), walks=(walk(day_of(2, 2), 20),))
    (phase,) = phases(d, day_of(5))
    assert (phase.end.how, phase.end.day, phase.end.position) == (FINISHED, day_of(2, 3), 1)
    assert off_program(d.stages, day_of(2, 3)) and not off_program(d.stages, day_of(2, 2))
    weeks = review_weeks(d, P6, day_of(5))
    assert [w.decision for w in weeks[1:]] == [Decision.HOLD] * 3
    assert all(w.reasons == (Reason.PROGRAM_FINISHED,) and w.paused for w in weeks[1:])
    planned = [w.day for week in build_plan(P6, START, d.person.days, weeks) for w in week.walks]
    silent = [a for a in alerts(d, P6, planned, day_of(5)) if a.kind == AlertKind.NOT_LOGGING]
    assert silent == []  # no walk is planned after the finish: nobody is "not logging"


def test_a_finish_before_reaching_maintenance_is_the_end() -> None:
    d = replace(diary(on_track_week(1, 6)), person=replace(person(), start_position=6))
    d = replace(d, stages=(ProgramStage(FINISHED, day_of(1, 4)),))
    (phase,) = phases(d, day_of(3))
    assert phase.end.how == FINISHED and phase.end.day == day_of(1, 4)


# --- the schedule ------------------------------------------------------------------------------


def test_first_due_one_interval_after_the_end_then_every_interval() -> None:
    assert due_dates(END, 30, END + timedelta(days=29)) == ()
    assert due_dates(END, 30, END + timedelta(days=95)) == (
        END + timedelta(days=30),
        END + timedelta(days=60),
        END + timedelta(days=90),
    )
    (phase,) = phases(finished(), END + timedelta(days=10))
    plan = schedule(phase, 30, END + timedelta(days=10))
    assert not plan.due and plan.next_due == END + timedelta(days=30)


def test_missed_due_dates_and_the_one_due_today() -> None:
    today = END + timedelta(days=60)
    (phase,) = phases(finished(), today)
    plan = schedule(phase, 30, today)
    assert plan.unanswered == (END + timedelta(days=30), today)
    assert plan.missed(today) == (END + timedelta(days=30),) and plan.due


def test_a_late_answer_covers_the_due_dates_before_it() -> None:
    late = END + timedelta(days=75)
    today = END + timedelta(days=80)
    (phase,) = phases(finished(END, (answer(late),)), today)
    plan = schedule(phase, 30, today)
    assert plan.unanswered == () and plan.next_due == END + timedelta(days=90)


def test_an_early_answer_does_not_skip_the_next_due_date() -> None:
    (phase,) = phases(finished(END, (answer(END + timedelta(days=5)),)), END + timedelta(days=6))
    assert schedule(phase, 30, END + timedelta(days=6)).next_due == END + timedelta(days=30)


def test_a_recurrence_ends_the_quiet_phase_nothing_more_is_due() -> None:
    told = answer(END + timedelta(days=40), True, END + timedelta(days=33))
    today = END + timedelta(days=200)
    (phase,) = phases(finished(END, (told,)), today)
    plan = schedule(phase, 30, today)
    assert plan.unanswered == () and plan.next_due is None
    assert phase.recurrence == told


# --- recurrence and the time to it -------------------------------------------------------------


def test_a_recurrence_answered_late_counts_from_its_own_start() -> None:
    answers = (
        answer(END + timedelta(days=31)),
        answer(END + timedelta(days=100), True, END + timedelta(days=45), sought_care=True),
    )
    result = outcome(phases(finished(END, answers), END + timedelta(days=120)))
    assert result is not None
    assert (result.days, result.event, result.episode_start) == (45, True, END + timedelta(45))
    assert result.answers == 2


def test_no_recurrence_is_censored_at_the_last_answer() -> None:
    answers = (answer(END + timedelta(days=30)), answer(END + timedelta(days=62)))
    result = outcome(phases(finished(END, answers), END + timedelta(days=100)))
    assert result is not None and (result.days, result.event) == (62, False)


def test_no_answer_no_outcome_yet() -> None:
    assert outcome(phases(finished(), END + timedelta(days=100))) is None


def test_an_episode_start_before_the_end_counts_as_day_zero() -> None:
    told = answer(END + timedelta(days=10), True, END - timedelta(days=20))
    result = outcome(phases(finished(END, (told,)), END + timedelta(days=11)))
    assert result is not None and (result.days, result.event) == (0, True)


def test_an_episode_with_no_start_begins_the_day_after_the_previous_answer() -> None:
    answers = (answer(END + timedelta(days=30)), answer(END + timedelta(days=61), True))
    result = outcome(phases(finished(END, answers), END + timedelta(days=62)))
    assert result is not None and result.days == 31


def test_a_recurrence_alerts_the_clinician_once() -> None:
    told = FollowUp(7, END + timedelta(days=40), True, END + timedelta(days=33), True)
    found = [a for a in alerts(finished(END, (told,)), P6, [], told.day) if a.kind == "recurrence"]
    assert [(a.key, a.day, a.codes) for a in found] == [
        ("recurrence:7", told.day, ("sought_care",))
    ]


# --- the return to the program -----------------------------------------------------------------


def test_the_return_position_is_the_return_phase_never_above_the_end() -> None:
    assert P6.return_position(7) == 1 and P6.return_position(0) == 0
    p26 = protocol("walkback-26wk")
    assert p26.return_position(27) == 5 and p26.return_position(3) == 3


def test_a_return_takes_the_program_up_again_at_its_position() -> None:
    back_on = day_of(6)  # a program week's first day
    told = answer(day_of(4, 2), True, day_of(4))
    d = finished(day_of(2, 3), (told,), ProgramStage(RETURNED, back_on, 1))
    today = day_of(7, 1)
    weeks = review_weeks(d, P6, today)
    assert weeks[5].position == 1 and Reason.PROGRAM_FINISHED not in weeks[5].reasons
    assert Reason.PROGRAM_FINISHED in weeks[4].reasons
    assert not off_program(d.stages, back_on) and off_program(d.stages, back_on - timedelta(1))
    after = after_program(d, P6, weeks, today)
    assert after.current is None and after.outcome is not None and after.outcome.event
    (phase,) = after.phases
    assert phase.returned is not None and phase.returned.day == back_on


def test_after_a_return_the_program_can_end_again() -> None:
    back_on = day_of(3)
    d = finished(day_of(2), (), ProgramStage(RETURNED, back_on, 6))
    d = replace(d, walks=tuple(on_track_week(3, 6)))
    first, second = phases(d, day_of(4, 2))
    assert first.end.day == day_of(2) and first.returned is not None
    assert second.end.how == MAINTENANCE and second.end.day == day_of(4)


def test_the_return_offered_and_booked() -> None:
    told = answer(END + timedelta(days=3), True, END + timedelta(days=1))
    after = after_program(finished(END, (told,)), P6, [], END + timedelta(days=4))
    assert after.current is not None and after.return_position == 1 and after.return_on is None


# --- properties --------------------------------------------------------------------------------

gaps = st.lists(st.integers(1, 45), min_size=1, max_size=8)
flags = st.lists(st.booleans(), min_size=8, max_size=8)
starts_back = st.lists(st.integers(0, 60), min_size=8, max_size=8)


def _answers(days: list[int], recur: list[bool], back: list[int]) -> tuple[FollowUp, ...]:
    found, day = [], END
    for gap, told, earlier in zip(days, recur, back, strict=False):
        day += timedelta(days=gap)
        start = day - timedelta(days=earlier) if told else None
        found.append(answer(day, told, start))
    return tuple(found)


@settings(max_examples=60, deadline=None)
@given(gaps, flags, starts_back, st.integers(1, 45), st.booleans(), st.integers(0, 60))
def test_a_later_answer_never_moves_an_earlier_recurrence(
    days: list[int], recur: list[bool], back: list[int], gap: int, told: bool, earlier: int
) -> None:
    given_answers = _answers(days, recur, back)
    later_day = given_answers[-1].day + timedelta(days=gap)
    later = answer(later_day, told, later_day - timedelta(days=earlier) if told else None)
    today = later_day + timedelta(days=1)
    before = outcome(phases(finished(END, given_answers), today))
    after = outcome(phases(finished(END, (*given_answers, later)), today))
    assert before is not None and after is not None
    if before.event:
        assert (after.event, after.days, after.episode_start) == (
            True,
            before.days,
            before.episode_start,
        )
    assert 0 <= after.days <= (later_day - END).days


@settings(max_examples=60, deadline=None)
@given(gaps, st.integers(0, 400))
def test_without_a_recurrence_censoring_is_at_the_last_answer(days: list[int], extra: int) -> None:
    given_answers = _answers(days, [False] * len(days), [0] * len(days))
    today = given_answers[-1].day + timedelta(days=extra)
    result = outcome(phases(finished(END, given_answers), today))
    assert result is not None and not result.event
    assert result.days == (given_answers[-1].day - END).days == (result.last_answer - END).days


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(1, 45), max_size=6), st.integers(0, 300), st.integers(7, 60))
def test_the_schedule_covers_up_to_the_last_answer(
    days: list[int], extra: int, interval: int
) -> None:
    given_answers = _answers(days, [False] * len(days), [0] * len(days))
    last = given_answers[-1].day if given_answers else END
    today = last + timedelta(days=extra)
    (phase,) = phases(finished(END, given_answers), today)
    plan = schedule(phase, interval, today)
    assert all(d > last or not given_answers for d in plan.unanswered)
    assert all(d <= today for d in plan.unanswered)
    assert set(plan.missed(today)) <= set(plan.unanswered)
    assert plan.next_due is not None and plan.next_due > (last if given_answers else END)
    assert (plan.next_due - END).days % interval == 0
