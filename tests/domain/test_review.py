"""The weekly review (spec section 6) and red flags in it (spec section 7): hand-written cases."""

from __future__ import annotations

from dataclasses import replace
from datetime import time, timedelta

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from walkrx.domain.codes import Decision, Flag, PainStatus, Reason, RedFlag
from walkrx.domain.model import Diary, ProgramPause
from walkrx.domain.pain import pain_status
from walkrx.domain.review import (
    SEVERITY,
    completed_weeks,
    current_position,
    daily_morning_pain,
    open_red_flags,
    review_weeks,
)
from walkrx.services.views import review_json

from .strategies import (
    START,
    any_diary,
    checkin,
    clearing,
    day_of,
    diaries,
    diary,
    green_walk_for,
    green_walks,
    on_track_week,
    person,
    program_diaries,
    protocol,
    reviews,
    walk,
)

P6 = protocol("walking-6wk")
P26 = protocol("walkback-26wk")


def red_walk(week: int, offset: int = 0, minutes: float = 20) -> object:
    return walk(day_of(week, offset), minutes, before=2, during=8)


def amber_walk(week: int, offset: int = 0, minutes: float = 20) -> object:
    return walk(day_of(week, offset), minutes, before=3, during=4)


def only(week: int, d: object, weeks: int | None = None, **kw: int) -> object:
    return reviews(d, weeks or week, **kw)[week - 1]  # type: ignore[arg-type]


# --- positions, prescriptions and when a week is reviewed ----------------------------------------


def test_on_track_week_progresses() -> None:
    """spec 6 rule 7: a week done as prescribed with green walks progresses one position."""
    r = only(1, diary(on_track_week(1, 1)))
    assert r.decision is Decision.PROGRESS
    assert r.reasons == (Reason.ON_TRACK,)
    assert (r.position, r.next_position) == (1, 2)
    assert r.flags == r.referrals == r.red_flags == ()
    assert r.summary.pain is PainStatus.GREEN


def test_program_week_1_is_position_1() -> None:
    """spec 6 position: program week 1 is at position 1 by default."""
    assert reviews(diary(), 1)[0].position == 1
    assert current_position([]) == 1


def test_week_reviewed_only_once_ended() -> None:
    """spec 6: a week is reviewed once it has ended (today after its last day)."""
    d = diary(on_track_week(1, 1))
    last_day = day_of(1, 6)
    assert completed_weeks(d, last_day) == 0
    assert review_weeks(d, P6, last_day) == []
    assert completed_weeks(d, last_day + timedelta(days=1)) == 1
    assert len(review_weeks(d, P6, last_day + timedelta(days=1))) == 1
    assert completed_weeks(d, START - timedelta(days=3)) == 0
    assert completed_weeks(d, day_of(3, 6)) == 2


def test_week_3_at_position_3_prescription() -> None:
    """spec 1 and 6 (review JSON example): week 3 at position 3 is phase 2, 5-6 walks of 25-35 min,
    a long walk of 40 min and no tempo walk."""
    d = diary([*on_track_week(1, 1), *on_track_week(2, 2), *on_track_week(3, 3)])
    r = reviews(d, 3)[2]
    assert r.position == 3
    rx = r.summary.prescription
    assert (rx.position, rx.phase) == (3, 2)
    assert (rx.walks_min, rx.walks_max, rx.minutes_min, rx.minutes_max) == (5, 6, 25, 35)
    assert rx.long_walk_minutes == 40
    assert rx.tempo is False
    assert r.decision is Decision.PROGRESS
    assert r.next_position == 4
    js = review_json(r)
    assert js["position"] == 3
    assert js["phase"] == 2
    assert js["prescription"] == {
        "walks_min": 5,
        "walks_max": 6,
        "minutes_min": 25,
        "minutes_max": 35,
        "long_walk_minutes": 40,
        "tempo": False,
    }
    assert js["next"]["position"] == 4


@pytest.mark.parametrize(
    ("position", "phase", "walks", "minutes", "long_walk", "tempo"),
    [
        (0, 1, (4, 5), (12, 16), None, False),  # ease-in: phase 1 minutes x 0.8
        (1, 1, (4, 5), (15, 20), None, False),
        (2, 1, (4, 5), (15, 20), None, False),
        (3, 2, (5, 6), (25, 35), 40, False),
        (4, 2, (5, 6), (25, 35), 40, False),
        (5, 3, (6, 7), (30, 45), None, True),
        (6, 3, (6, 7), (30, 45), None, True),
        (7, 4, (6, 7), (30, 45), None, True),  # maintenance: phase 3's walks, tempo optional
        (12, 4, (6, 7), (30, 45), None, True),
    ],
)
def test_walking_6wk_prescriptions(
    position: int,
    phase: int,
    walks: tuple[int, int],
    minutes: tuple[int, int],
    long_walk: int | None,
    tempo: bool,
) -> None:
    """spec 1 table and spec 6 position: the prescription of each position of walking-6wk."""
    rx = P6.prescription(position)
    assert rx.phase == phase
    assert (rx.walks_min, rx.walks_max) == walks
    assert (rx.minutes_min, rx.minutes_max) == minutes
    assert rx.long_walk_minutes == long_walk
    assert rx.tempo is tempo


@pytest.mark.parametrize(
    ("position", "phase", "walks", "minutes"),
    [
        (0, 1, (3, 4), (12, 16)),
        (1, 1, (3, 4), (15, 20)),
        (4, 1, (3, 4), (15, 20)),
        (5, 2, (4, 5), (20, 25)),
        (8, 2, (4, 5), (20, 25)),
        (9, 3, (4, 5), (25, 30)),
        (13, 3, (4, 5), (25, 30)),
        (14, 4, (5, 6), (30, 40)),
        (26, 4, (5, 6), (30, 40)),
        (27, 5, (5, 6), (30, 40)),
        (40, 5, (5, 6), (30, 40)),
    ],
)
def test_walkback_26wk_prescriptions(
    position: int, phase: int, walks: tuple[int, int], minutes: tuple[int, int]
) -> None:
    """spec 1 walkback-26wk table: the prescription of each position, maintenance as phase 4."""
    rx = P26.prescription(position)
    assert rx.phase == phase
    assert (rx.walks_min, rx.walks_max) == walks
    assert (rx.minutes_min, rx.minutes_max) == minutes


# --- rule 7 and counting ---------------------------------------------------------------------


def test_maintenance_position_keeps_counting() -> None:
    """spec 1 maintenance: its position keeps counting (7, 8, ...) on progress."""
    r = only(1, diary(on_track_week(1, 7)), start_position=7)
    assert r.decision is Decision.PROGRESS
    assert r.next_position == 8
    assert r.next_prescription.phase == 4


def test_ease_in_week_progresses_to_position_1() -> None:
    """spec 6 position 0: the ease-in week has 12-16 min walks and a walk counts from 6 min."""
    walks = [walk(day_of(1, i), 12, before=0, during=0) for i in range(4)]
    r = only(1, diary(walks), start_position=0)
    assert r.summary.prescription.minutes_min == 12
    assert r.decision is Decision.PROGRESS
    assert r.next_position == 1


def test_walk_counts_from_half_the_minimum_minutes() -> None:
    """spec 6 counting: a walk counts when it lasts >= half the minimum minutes (7.5 of 15)."""
    base = green_walks(1, 3, 20)
    short = walk(day_of(1, 5), 7.5, before=0, during=0)
    r = only(1, diary([*base, short]))
    assert r.summary.walks_counted == 4
    assert r.summary.walks_logged == 4
    assert r.decision is Decision.PROGRESS  # 67.5 min >= 45 (75 % of 60)

    too_short = walk(day_of(1, 5), 7.49, before=0, during=0)  # 449 s
    r = only(1, diary([*base, too_short]))
    assert r.summary.walks_counted == 3
    assert r.summary.walks_logged == 4
    assert r.decision is Decision.HOLD
    assert r.reasons == (Reason.TOO_LITTLE,)


def test_every_walking_minute_counts_toward_the_total() -> None:
    """spec 6 counting: walks too short to count still add their minutes to the total."""
    walks = [*green_walks(1, 4, 11), walk(day_of(1, 5), 5, before=0, during=0)]
    r = only(1, diary(walks))
    assert r.summary.minutes == pytest.approx(49)
    assert r.summary.walks_counted == 4
    assert r.decision is Decision.PROGRESS  # 49 >= 45


@pytest.mark.parametrize(
    ("minutes", "too_little"),
    [(11, True), (11.25, False), (11.5, False)],  # 4 walks; 75 % of 4 x 15 = 45
)
def test_too_little_total_boundary(minutes: float, too_little: bool) -> None:
    """spec 6 rule 4: a total below 75 % of the minimum total holds (45 of 60 min is enough)."""
    r = only(1, diary(green_walks(1, 4, minutes)))
    assert (Reason.TOO_LITTLE in r.reasons) is too_little
    assert r.decision is (Decision.HOLD if too_little else Decision.PROGRESS)
    assert r.next_position == (1 if too_little else 2)


def test_too_few_counted_walks_holds() -> None:
    """spec 6 rule 4: fewer counted walks than the minimum holds, even with plenty of minutes."""
    r = only(1, diary(green_walks(1, 3, 20)))
    assert r.decision is Decision.HOLD
    assert r.reasons == (Reason.TOO_LITTLE,)
    assert r.next_position == 1


@pytest.mark.parametrize(
    ("minutes", "too_much"),
    [(31.25, False), (31.5, True)],  # 4 walks; 125 % of 5 x 20 = 125
)
def test_too_much_too_soon_boundary(minutes: float, too_much: bool) -> None:
    """spec 6 rule 5: a total above 125 % of the maximum total holds (125 min exactly does not)."""
    r = only(1, diary(green_walks(1, 4, minutes)))
    assert (Reason.TOO_MUCH_TOO_SOON in r.reasons) is too_much
    assert r.decision is (Decision.HOLD if too_much else Decision.PROGRESS)


def test_too_little_and_too_much_both_listed() -> None:
    """spec 6: every matching rule is listed (3 long walks: too few counted, too many minutes)."""
    r = only(1, diary(green_walks(1, 3, 45)))
    assert r.decision is Decision.HOLD
    assert r.reasons == (Reason.TOO_LITTLE, Reason.TOO_MUCH_TOO_SOON)


def test_amber_week_holds() -> None:
    """spec 6 rule 6: an amber walk (none red) holds with reason pain_amber."""
    walks = [*green_walks(1, 3, 20), amber_walk(1, 4)]
    r = only(1, diary(walks))
    assert r.decision is Decision.HOLD
    assert r.reasons == (Reason.PAIN_AMBER,)
    assert r.next_position == 1
    assert r.summary.pain is PainStatus.AMBER


def test_amber_and_too_little_listed_in_rule_order() -> None:
    """spec 6: reasons are listed in rule order (too_little before pain_amber)."""
    r = only(1, diary([amber_walk(1, 0)]))
    assert r.decision is Decision.HOLD
    assert r.reasons == (Reason.TOO_LITTLE, Reason.PAIN_AMBER)


def test_unknown_pain_week_can_progress() -> None:
    """spec 6: the week's pain status is unknown when no walk has a pain figure."""
    walks = [walk(day_of(1, i), 20) for i in range(4)]
    r = only(1, diary(walks))
    assert r.summary.pain is PainStatus.UNKNOWN
    assert r.decision is Decision.PROGRESS


# --- rule 3: no walks ------------------------------------------------------------------------


def test_no_walks_holds_and_second_empty_week_flags_not_logging() -> None:
    """spec 6 rule 3: no walks holds (no_walks); a second empty week in a row: not_logging."""
    rs = reviews(diary(), 3)
    assert [r.decision for r in rs] == [Decision.HOLD] * 3
    assert all(Reason.NO_WALKS in r.reasons for r in rs)
    assert rs[0].reasons == (Reason.NO_WALKS, Reason.TOO_LITTLE)  # rule 4 matches as well
    assert rs[0].flags == ()
    assert rs[1].flags == (Flag.NOT_LOGGING,)
    assert rs[2].flags == (Flag.NOT_LOGGING,)
    assert [r.next_position for r in rs] == [1, 1, 1]
    assert rs[0].summary.pain is PainStatus.UNKNOWN


def test_short_walk_is_not_an_empty_week() -> None:
    """spec 6 rule 3: 'no walks at all (of any length)': a 2-minute walk is not no_walks."""
    rs = reviews(diary([walk(day_of(2, 0), 2)]), 2)
    assert Reason.NO_WALKS not in rs[1].reasons
    assert rs[1].reasons == (Reason.TOO_LITTLE,)
    assert rs[1].flags == ()


def test_not_logging_needs_consecutive_weeks() -> None:
    """spec 6 rule 3: a week with walks between two empty weeks ends the run."""
    rs = reviews(diary(green_walks(2, 1, 20)), 3)
    assert [r.flags for r in rs] == [(), (), ()]


def test_not_logging_on_an_empty_red_week() -> None:
    """spec 6 rules 2-3 (our safest reading): a second empty week in a row raises not_logging even
    when rising morning pain makes it a red week (rule 3 matches and is listed)."""
    checkins = [checkin(day_of(1, i), i, morning_pain=2) for i in range(3)]
    checkins += [checkin(day_of(2, i), 10 + i, morning_pain=4) for i in range(3)]
    rs = reviews(diary([], checkins), 2)
    assert rs[1].decision is Decision.STEP_BACK
    assert rs[1].reasons[:2] == (Reason.MORNING_PAIN_RISING, Reason.NO_WALKS)
    assert Flag.NOT_LOGGING in rs[1].flags


# --- rule 2: red weeks -----------------------------------------------------------------------


def test_red_walk_steps_back_and_lists_other_reasons() -> None:
    """spec 6 rule 2: a red walk steps back (pain_red); other matching rules are listed too."""
    r = only(1, diary([red_walk(1)]), start_position=3)
    assert r.decision is Decision.STEP_BACK
    assert r.reasons == (Reason.PAIN_RED, Reason.TOO_LITTLE)
    assert r.next_position == 2
    assert r.summary.pain is PainStatus.RED


def test_red_and_amber_walks_do_not_list_pain_amber() -> None:
    """spec 6 rule 6: an amber week has any amber walk and none red."""
    walks = [*green_walks(1, 3, 20), amber_walk(1, 4), red_walk(1, 5)]
    r = only(1, diary(walks))
    assert r.reasons == (Reason.PAIN_RED,)


def test_unsettled_next_morning_makes_a_red_week() -> None:
    """spec 5 and 6 rule 2: a walk not settled by the next morning is red: the week steps back."""
    walks = [*green_walks(1, 3, 20), walk(day_of(1, 4), 20, before=2, next_morning=4)]
    r = only(1, diary(walks), start_position=2)
    assert r.decision is Decision.STEP_BACK
    assert r.reasons == (Reason.PAIN_RED,)
    assert r.next_position == 0


@pytest.mark.parametrize(
    ("start_position", "expected"),
    [
        (0, 0),  # ease-in -> 0
        (1, 0),  # phase 1 -> 0
        (2, 0),
        (3, 2),  # phase 2 -> last week of phase 1
        (4, 2),
        (5, 4),  # phase 3 -> last week of phase 2
        (6, 4),
        (7, 4),  # maintenance -> last week of the phase before the table's last phase
        (11, 4),
    ],
)
def test_step_back_positions_walking_6wk(start_position: int, expected: int) -> None:
    """spec 6 rule 2: step back to the last week of the previous phase; maintenance -> 4."""
    r = only(1, diary([red_walk(1)]), start_position=start_position)
    assert r.decision is Decision.STEP_BACK
    assert r.next_position == expected
    assert r.next_prescription == P6.prescription(expected)


@pytest.mark.parametrize(
    ("start_position", "expected"),
    [
        (0, 0),
        (1, 0),
        (4, 0),
        (5, 4),
        (8, 4),
        (9, 8),
        (13, 8),
        (14, 13),
        (26, 13),
        (27, 13),
        (30, 13),
    ],
)
def test_step_back_positions_walkback_26wk(start_position: int, expected: int) -> None:
    """spec 6 rule 2: walkback-26wk steps back by phase; from maintenance to 13."""
    d = diary([red_walk(1)], who=person(protocol_name="walkback-26wk"))
    r = reviews(d, 1, start_position=start_position)[0]
    assert r.decision is Decision.STEP_BACK
    assert r.next_position == expected


def test_two_red_weeks_raise_clinician_review_on_the_second() -> None:
    """spec 6 rule 2: two red weeks in a row raise clinician_review on the second (and a third)."""
    rs = reviews(diary([red_walk(1), red_walk(2), red_walk(3)]), 3, start_position=5)
    assert [r.decision for r in rs] == [Decision.STEP_BACK] * 3
    assert [r.flags for r in rs] == [(), (Flag.CLINICIAN_REVIEW,), (Flag.CLINICIAN_REVIEW,)]
    assert [r.next_position for r in rs] == [4, 2, 0]


def test_red_weeks_apart_do_not_raise_clinician_review() -> None:
    """spec 6 rule 2: only consecutive calendar weeks count as 'in a row'."""
    rs = reviews(diary([red_walk(1), red_walk(3)]), 3)
    assert [r.flags for r in rs] == [(), (), ()]


def test_week_1_has_no_previous_week() -> None:
    """spec 6: week 1 has no previous week to compare morning pain with (onboarding check-ins
    dated before the start do not form a week)."""
    checkins = [checkin(START - timedelta(days=i + 1), i, morning_pain=0) for i in range(3)]
    checkins += [checkin(day_of(1, i), 10 + i, morning_pain=9) for i in range(7)]
    r = only(1, diary(on_track_week(1, 1), checkins))
    assert r.decision is Decision.PROGRESS
    assert Reason.MORNING_PAIN_RISING not in r.reasons


def _morning(week: int, pains: list[int], seq0: int) -> list[object]:
    return [checkin(day_of(week, i), seq0 + i, morning_pain=p) for i, p in enumerate(pains)]


@pytest.mark.parametrize(
    ("week1", "week2", "rising"),
    [
        ([2, 2, 2], [3, 3, 3], True),  # exactly 1 point higher
        ([2, 2, 2], [3, 3, 2], False),  # 0.67 higher
        ([2, 2], [5, 5, 5], False),  # previous week has only 2 check-in days
        ([2, 2, 2], [5, 5], False),  # this week has only 2 check-in days
        ([4, 4, 4, 4], [5, 5, 5], True),
        ([5, 5, 5], [3, 3, 3], False),  # falling
    ],
)
def test_morning_pain_rising(week1: list[int], week2: list[int], rising: bool) -> None:
    """spec 6 rule 2: mean morning pain >= 1 point above the previous week's, with >= 3 check-in
    days in both weeks, makes a red week (morning_pain_rising -> step_back)."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 2)]
    checkins = [*_morning(1, week1, 1), *_morning(2, week2, 100)]
    r = reviews(diary(walks, checkins), 2)[1]
    assert (Reason.MORNING_PAIN_RISING in r.reasons) is rising
    assert r.decision is (Decision.STEP_BACK if rising else Decision.PROGRESS)
    if rising:
        assert r.reasons == (Reason.MORNING_PAIN_RISING,)
        assert r.summary.pain is PainStatus.RED  # a red week's pain status is red
        assert r.next_position == 0


def test_several_checkins_on_one_day_count_once_and_last_wins() -> None:
    """spec 3 and 6 rule 2: several check-ins on a day are one check-in day; the last recorded
    (highest seq) morning pain wins, and a later empty field changes nothing."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 2)]
    week1 = _morning(1, [2, 2, 2], 1)
    # week 2: three days at 3 -> rising; but day 0's last recorded value is 0 (seq 50 > 40)
    week2 = [
        checkin(day_of(2, 0), 50, morning_pain=0),
        checkin(day_of(2, 0), 40, morning_pain=9),  # recorded earlier, listed later
        checkin(day_of(2, 0), 60),  # empty morning pain: changes nothing
        checkin(day_of(2, 1), 41, morning_pain=3),
        checkin(day_of(2, 2), 42, morning_pain=3),
    ]
    r = reviews(diary(walks, [*week1, *week2]), 2)[1]
    assert r.summary.morning_checkins == 3
    assert r.summary.morning_pain_mean == pytest.approx(2.0)
    assert Reason.MORNING_PAIN_RISING not in r.reasons

    # five check-ins on two days are still only two check-in days: no comparison at all
    week2_two_days = [checkin(day_of(2, i % 2), 70 + i, morning_pain=9) for i in range(5)]
    r = reviews(diary(walks, [*week1, *week2_two_days]), 2)[1]
    assert r.summary.morning_checkins == 2
    assert Reason.MORNING_PAIN_RISING not in r.reasons
    assert daily_morning_pain(week2) == {day_of(2, 0): 0, day_of(2, 1): 3, day_of(2, 2): 3}


# --- rule 1: red flags -------------------------------------------------------------------------


def test_urgent_red_flag_pauses() -> None:
    """spec 6 rule 1: an urgent red-flag answer in the week gives seek_care_urgent, reason red_flag,
    red_flag_open while still open; nothing else is listed and the position does not move."""
    walks = [red_walk(1), amber_walk(1, 1)]
    checkins = [checkin(day_of(1, 3), 1, red_flags=(RedFlag.FEVER_UNWELL,))]
    r = only(1, diary(walks, checkins), start_position=3)
    assert r.decision is Decision.SEEK_CARE_URGENT
    assert r.reasons == (Reason.RED_FLAG,)
    assert r.flags == (Flag.RED_FLAG_OPEN,)
    assert r.red_flags == (RedFlag.FEVER_UNWELL,)
    assert r.referrals == ()
    assert r.paused
    assert (r.position, r.next_position) == (3, 3)


def test_emergency_red_flag() -> None:
    """spec 6 rule 1 and 7: an emergency-tier answer gives seek_care_emergency."""
    checkins = [checkin(day_of(1, 0), 1, red_flags=(RedFlag.SADDLE_NUMBNESS,))]
    r = only(1, diary(on_track_week(1, 1), checkins))
    assert r.decision is Decision.SEEK_CARE_EMERGENCY
    assert r.reasons == (Reason.RED_FLAG,)


def test_emergency_beats_urgent_in_the_week() -> None:
    """spec 6 rule 1: the highest tier among the week's answers decides (emergency over urgent)."""
    checkins = [
        checkin(day_of(1, 0), 1, red_flags=(RedFlag.NIGHT_PAIN,)),
        checkin(day_of(1, 2), 2, red_flags=(RedFlag.LEG_WEAKNESS, RedFlag.TRAUMA)),
    ]
    r = only(1, diary([], checkins))
    assert r.decision is Decision.SEEK_CARE_EMERGENCY
    assert set(r.red_flags) == {RedFlag.NIGHT_PAIN, RedFlag.LEG_WEAKNESS, RedFlag.TRAUMA}


def test_emergency_still_open_beats_urgent_answered_this_week() -> None:
    """spec 6 rule 1: the tier is the highest among the week's answers and flags still open."""
    checkins = [
        checkin(day_of(1, 1), 1, red_flags=(RedFlag.BLADDER_CHANGE,)),
        checkin(day_of(2, 1), 2, red_flags=(RedFlag.WEIGHT_LOSS,)),
    ]
    rs = reviews(diary([], checkins), 2)
    assert rs[1].decision is Decision.SEEK_CARE_EMERGENCY
    assert set(rs[1].red_flags) == {RedFlag.BLADDER_CHANGE, RedFlag.WEIGHT_LOSS}


def test_flag_answered_before_and_still_open_pauses_later_weeks() -> None:
    """spec 6 rule 1: a red flag answered before the week and not cleared pauses it too."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 1), *on_track_week(3, 1)]
    checkins = [checkin(day_of(1, 6), 1, red_flags=(RedFlag.CANCER_HISTORY,))]
    rs = reviews(diary(walks, checkins), 3)
    assert [r.decision for r in rs] == [Decision.SEEK_CARE_URGENT] * 3
    assert all(r.flags == (Flag.RED_FLAG_OPEN,) for r in rs)
    assert [r.next_position for r in rs] == [1, 1, 1]
    assert rs[2].red_flags == (RedFlag.CANCER_HISTORY,)


def test_onboarding_flag_before_start_pauses_week_1() -> None:
    """spec 3 and 6 rule 1: a red flag at onboarding (dated before the start) still open pauses."""
    checkins = [checkin(START - timedelta(days=2), 1, red_flags=(RedFlag.AGE_ONSET,))]
    r = only(1, diary(on_track_week(1, 1), checkins))
    assert r.decision is Decision.SEEK_CARE_URGENT
    assert r.flags == (Flag.RED_FLAG_OPEN,)


def test_clearing_resumes_at_the_same_position() -> None:
    """spec 6 rule 1: after clearing, the program resumes at the position it was paused at."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 2), *on_track_week(3, 2), *on_track_week(4, 3)]
    checkins = [checkin(day_of(2, 1), 1, red_flags=(RedFlag.FEVER_UNWELL,))]
    clearings = [clearing(day_of(3, 6), 2)]
    rs = reviews(diary(walks, checkins, clearings), 4)
    assert [r.decision for r in rs] == [
        Decision.PROGRESS,
        Decision.SEEK_CARE_URGENT,
        Decision.PROGRESS,  # cleared on the last day of week 3: week 3 is not paused
        Decision.PROGRESS,
    ]
    assert [r.position for r in rs] == [1, 2, 2, 3]


def test_flag_answered_and_cleared_in_the_same_week() -> None:
    """spec 6 rule 1 (safest reading): an answer in the week pauses it even if cleared within the
    week; red_flag_open is only raised when still open at its end."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 1)]
    checkins = [checkin(day_of(1, 1), 1, red_flags=(RedFlag.TRAUMA,))]
    clearings = [clearing(day_of(1, 3), 2)]
    rs = reviews(diary(walks, checkins, clearings), 2)
    assert rs[0].decision is Decision.SEEK_CARE_URGENT
    assert rs[0].flags == ()
    assert rs[0].red_flags == (RedFlag.TRAUMA,)
    assert rs[1].decision is Decision.PROGRESS
    assert rs[1].position == 1


def test_clearing_closes_flags_recorded_before_and_dated_on_or_before_it() -> None:
    """spec 6 rule 1 / 7: a clearing dated D closes flags with lower seq dated on or before D."""
    d = diary(
        checkins=[
            checkin(day_of(1, 1), 1, red_flags=(RedFlag.TRAUMA,)),
            checkin(day_of(1, 3), 2, red_flags=(RedFlag.NIGHT_PAIN,)),  # dated D itself
        ],
        clearings=[clearing(day_of(1, 3), 3)],
    )
    assert open_red_flags(d, day_of(1, 2)) == (RedFlag.TRAUMA,)
    assert open_red_flags(d, day_of(1, 3)) == ()
    assert open_red_flags(d, day_of(4, 0)) == ()


def test_flag_recorded_after_a_clearing_stays_open() -> None:
    """spec 6 rule 1 / 7: a flag recorded after the clearing (higher seq) stays open, even when it
    is dated on or before the clearing's date (a late entry)."""
    d = diary(
        checkins=[checkin(day_of(1, 1), 5, red_flags=(RedFlag.WEIGHT_LOSS,))],
        clearings=[clearing(day_of(1, 3), 4)],
    )
    assert open_red_flags(d, day_of(2, 6)) == (RedFlag.WEIGHT_LOSS,)
    rs = reviews(d, 2)
    assert rs[1].decision is Decision.SEEK_CARE_URGENT
    assert rs[1].flags == (Flag.RED_FLAG_OPEN,)


def test_flag_dated_after_the_clearing_date_stays_open() -> None:
    """spec 6 rule 1 / 7: a clearing dated D never closes a flag dated after D, whatever its seq."""
    d = diary(
        checkins=[checkin(day_of(1, 5), 1, red_flags=(RedFlag.FEVER_UNWELL,))],
        clearings=[clearing(day_of(1, 3), 2)],
    )
    assert open_red_flags(d, day_of(2, 0)) == (RedFlag.FEVER_UNWELL,)


def test_clearing_dated_after_the_week_does_not_clear_it() -> None:
    """spec 6: the review of week k uses only data dated up to its end: a clearing dated in week
    k+1 leaves week k paused with red_flag_open; week k+1 (no answer in it, flag closed by its
    end) is not paused."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 1), *on_track_week(3, 1)]
    d = diary(
        walks,
        [checkin(day_of(1, 4), 1, red_flags=(RedFlag.IMMUNOSUPPRESSION,))],
        [clearing(day_of(2, 0), 2)],
    )
    rs = reviews(d, 3)
    assert rs[0].decision is Decision.SEEK_CARE_URGENT
    assert rs[0].flags == (Flag.RED_FLAG_OPEN,)
    assert rs[1].decision is Decision.PROGRESS
    assert rs[2].decision is Decision.PROGRESS


def test_clearing_only_closes_earlier_flags_not_later_answers() -> None:
    """spec 7: clearing is explicit; a new answer after a clearing opens a new pause."""
    d = diary(
        on_track_week(1, 1) + on_track_week(2, 2) + on_track_week(3, 2),
        [
            checkin(day_of(1, 0), 1, red_flags=(RedFlag.TRAUMA,)),
            checkin(day_of(2, 4), 3, red_flags=(RedFlag.SADDLE_NUMBNESS,)),
        ],
        [clearing(day_of(1, 2), 2)],
    )
    rs = reviews(d, 3)
    assert rs[0].decision is Decision.SEEK_CARE_URGENT
    assert rs[0].flags == ()
    assert rs[1].decision is Decision.SEEK_CARE_EMERGENCY
    assert rs[1].flags == (Flag.RED_FLAG_OPEN,)
    assert rs[2].decision is Decision.SEEK_CARE_EMERGENCY
    assert rs[2].red_flags == (RedFlag.SADDLE_NUMBNESS,)


def test_paused_week_is_judged_by_rule_1_alone() -> None:
    """spec 6 rule 1: a paused week raises no other reason, flag or referral, even in week 6
    with a return-to-sport goal, an empty diary and red pain."""
    who = person(goals=("return_to_sport",))
    checkins = [
        checkin(day_of(6, 0), 1, red_flags=(RedFlag.NIGHT_PAIN,), fear_of_movement=True, tsk17=50)
    ]
    d = diary([red_walk(6)], checkins, who=who)
    r = reviews(d, 6)[5]
    assert r.reasons == (Reason.RED_FLAG,)
    assert r.flags == (Flag.RED_FLAG_OPEN,)
    assert r.referrals == ()
    assert r.next_position == r.position


def test_paused_week_ends_a_run_of_red_weeks() -> None:
    """spec 6 rule 1: a paused week ends a run of red weeks; the next red week starts a new run."""
    d = diary(
        [red_walk(1), red_walk(2), red_walk(3), red_walk(4)],
        [checkin(day_of(2, 0), 1, red_flags=(RedFlag.FEVER_UNWELL,))],
        [clearing(day_of(2, 6), 2)],
    )
    rs = reviews(d, 4, start_position=5)
    assert [r.decision for r in rs] == [
        Decision.STEP_BACK,
        Decision.SEEK_CARE_URGENT,
        Decision.STEP_BACK,
        Decision.STEP_BACK,
    ]
    assert [r.flags for r in rs] == [(), (), (), (Flag.CLINICIAN_REVIEW,)]
    assert [r.position for r in rs] == [5, 4, 4, 2]


def test_paused_week_ends_a_run_of_empty_weeks() -> None:
    """spec 6 rule 1: a paused week ends a run of empty weeks; the next empty week starts anew."""
    d = diary(
        [],
        [checkin(day_of(2, 0), 1, red_flags=(RedFlag.FEVER_UNWELL,))],
        [clearing(day_of(2, 6), 2)],
    )
    rs = reviews(d, 4)
    assert [r.decision for r in rs] == [
        Decision.HOLD,
        Decision.SEEK_CARE_URGENT,
        Decision.HOLD,
        Decision.HOLD,
    ]
    assert [r.flags for r in rs] == [(), (), (), (Flag.NOT_LOGGING,)]


def test_morning_pain_after_a_paused_week_compares_with_it() -> None:
    """spec 6 rule 2 (our reading): 'the previous week' is the previous calendar week, paused or
    not, so rising morning pain after a pause is still caught."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 2)]
    checkins = [
        *_morning(1, [2, 2, 2], 1),
        checkin(day_of(1, 0), 10, red_flags=(RedFlag.TRAUMA,)),
        *_morning(2, [4, 4, 4], 20),
    ]
    rs = reviews(diary(walks, checkins, [clearing(day_of(1, 6), 11)]), 2)
    assert rs[0].paused
    assert rs[1].decision is Decision.STEP_BACK
    assert Reason.MORNING_PAIN_RISING in rs[1].reasons


# --- time and weeks ----------------------------------------------------------------------------


def test_walk_belongs_to_its_local_start_date_week() -> None:
    """spec 1 and 4: a walk at 23:30 local on the last day of week 1 in America/New_York (already
    the next day in UTC) belongs to week 1."""
    late = walk(day_of(1, 6), 20, at=time(23, 30), tz="America/New_York", before=0, during=0)
    assert late.start.date() == day_of(2, 0)  # UTC date is in week 2
    walks = [*green_walks(1, 3, 20), late]
    rs = reviews(diary(walks), 2)
    assert rs[0].summary.walks_logged == 4
    assert rs[0].decision is Decision.PROGRESS
    assert rs[1].summary.walks_logged == 0


def test_walk_just_after_local_midnight_belongs_to_the_next_week() -> None:
    """spec 1 and 4: a walk at 00:30 local on the first day of week 2 in Asia/Tokyo (still week 1
    in UTC) belongs to week 2."""
    early = walk(day_of(2, 0), 20, at=time(0, 30), tz="Asia/Tokyo", before=0, during=0)
    assert early.start.date() == day_of(1, 6)
    rs = reviews(diary([early]), 2)
    assert rs[0].summary.walks_logged == 0
    assert rs[1].summary.walks_logged == 1


def test_walks_before_the_start_are_not_in_any_week() -> None:
    """spec 1: program week 1 starts on the start date; earlier walks belong to no week."""
    d = diary([walk(START - timedelta(days=1), 20, during=9)])
    r = reviews(d, 1)[0]
    assert r.summary.walks_logged == 0


# --- zone minutes --------------------------------------------------------------------------------


def test_zone_minutes_measured_and_by_effort() -> None:
    """spec 2 and 9: measured zone minutes and 'by effort' minutes (effort 3-6, or no effort and
    the talk test held) are reported separately."""
    day = day_of(1, 0)
    walks = [
        walk(day, 30, zone_in_s=600, avg_hr=125),  # measured: 10 min
        walk(day, 20, avg_hr=150, zone_in_s=0, effort=4),  # has heart rate: not by effort
        walk(day, 10, effort=3),  # by effort
        walk(day, 11, effort=6),  # by effort
        walk(day, 12, effort=2),  # too easy
        walk(day, 13, effort=7),  # too hard
        walk(day, 14, talk_test=True),  # no effort, talk test held
        walk(day, 15, talk_test=False),
        walk(day, 16, effort=7, talk_test=True),  # effort given and outside 3-6
        walk(day, 17),  # neither
    ]
    s = reviews(diary(walks), 1)[0].summary
    assert s.zone_measured_min == pytest.approx(10)
    assert s.zone_by_effort_min == pytest.approx(10 + 11 + 14)
    assert s.zone_min == pytest.approx(45)


def test_long_walk_and_tempo_in_summary() -> None:
    """spec 9 weekly: whether the long walk and the tempo walk happened."""
    s = reviews(diary(on_track_week(3, 3)), 3, start_position=1)[2].summary
    assert s.long_walk_done is None  # position 1 prescribes no long walk
    rs = reviews(
        diary([*on_track_week(1, 3), walk(day_of(1, 6), 30, tempo=True)]), 1, start_position=3
    )
    assert rs[0].summary.long_walk_done is True
    assert rs[0].summary.tempo_done is True
    assert rs[0].summary.longest_min == pytest.approx(40)


# --- reproducibility ---------------------------------------------------------------------------


def test_data_after_week_k_does_not_change_its_review() -> None:
    """spec 6: the review of week k uses only data dated up to its end."""
    base = diary(
        [*on_track_week(1, 1), *on_track_week(2, 2)],
        [checkin(day_of(1, 0), 1, morning_pain=2)],
    )
    later = diary(
        [*base.walks, red_walk(3)],
        [
            *base.checkins,
            checkin(day_of(3, 0), 2, red_flags=(RedFlag.SADDLE_NUMBNESS,), morning_pain=9),
        ],
        [clearing(day_of(3, 1), 3)],
    )
    assert reviews(base, 2) == reviews(later, 3)[:2]


def test_next_morning_pain_of_week_k_walks_counts_for_week_k() -> None:
    """spec 6: the review of week k uses the next-morning pain of week k's walks, even when that
    morning is in week k+1."""
    walks = green_walks(1, 3, 20)
    last = walk(day_of(1, 6), 20, before=1, during=1)
    settled = reviews(diary([*walks, last]), 1)[0]
    flared = reviews(
        diary([*walks, walk(day_of(1, 6), 20, before=1, during=1, next_morning=3)]), 1
    )[0]
    assert settled.decision is Decision.PROGRESS
    assert flared.decision is Decision.STEP_BACK
    assert flared.reasons == (Reason.PAIN_RED,)


def test_late_entry_changes_reviews_from_that_week_on() -> None:
    """spec 6: a late entry dated in an earlier week changes the reviews from that week on."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 2), *on_track_week(3, 3)]
    before = reviews(diary(walks), 3)
    after = reviews(diary([*walks, red_walk(2, 6)]), 3)
    assert before[0] == after[0]
    assert after[1].decision is Decision.STEP_BACK
    assert after[2].position == 0
    assert before[2].position == 3


def test_walks_with_the_same_start_in_any_order() -> None:
    """spec 6: reviews are a function of the stored data: two walks with the same start and
    duration give the same summary whatever order they come in."""
    a = walk(day_of(1, 0), 20, before=0, during=5)
    b = walk(day_of(1, 0), 20, before=0, during=1)
    assert reviews(diary([a, b]), 1) == reviews(diary([b, a]), 1)


def test_severity_order() -> None:
    """spec 6 (severity used in properties): progress < hold < step_back < seek_care."""
    order = [
        Decision.PROGRESS,
        Decision.HOLD,
        Decision.STEP_BACK,
        Decision.SEEK_CARE_URGENT,
        Decision.SEEK_CARE_EMERGENCY,
    ]
    assert [SEVERITY[d] for d in order] == sorted(SEVERITY.values())
    assert len(set(SEVERITY.values())) == 5


# --- properties (Hypothesis) ------------------------------------------------------------------

PROPERTY = settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
start_positions = st.integers(0, 9)
WEEKS = 8


@PROPERTY
@given(d=any_diary, start=start_positions)
def test_property_red_walk_never_progresses(d: Diary, start: int) -> None:
    """spec 6 rule 2: a week with any red walk never progresses (it steps back, or pauses)."""
    for r in reviews(d, WEEKS, start_position=start):
        if PainStatus.RED in r.summary.walk_pain:
            assert r.decision is not Decision.PROGRESS
            assert r.decision in (
                Decision.STEP_BACK,
                Decision.SEEK_CARE_URGENT,
                Decision.SEEK_CARE_EMERGENCY,
            )


@PROPERTY
@given(d=any_diary, start=start_positions, data=st.data())
def test_property_reviews_independent_of_input_order(
    d: Diary, start: int, data: st.DataObject
) -> None:
    """spec 6: reviews are a function of the stored data, whatever order walks, check-ins and
    clearings are given in."""
    if d.walks and data.draw(st.booleans()):
        # a twin: same start and duration, other pain figures (e.g. one walk logged twice)
        twin = replace(data.draw(st.sampled_from(d.walks)), pain_during=9, pain_before=0)
        d = replace(d, walks=(*d.walks, twin))
    shuffled = replace(
        d,
        walks=tuple(data.draw(st.permutations(d.walks))),
        checkins=tuple(data.draw(st.permutations(d.checkins))),
        clearings=tuple(data.draw(st.permutations(d.clearings))),
    )
    assert reviews(shuffled, WEEKS, start_position=start) == reviews(d, WEEKS, start_position=start)


@PROPERTY
@given(d=any_diary, start=start_positions, data=st.data())
def test_property_green_walk_never_worsens_a_too_little_week(
    d: Diary, start: int, data: st.DataObject
) -> None:
    """spec 6 rules 4-7: adding a green walk to a too_little week never makes its decision worse
    (severity progress < hold < step_back < seek_care)."""
    before = reviews(d, WEEKS, start_position=start)
    thin = [r for r in before if Reason.TOO_LITTLE in r.reasons]
    assume(thin)
    r = data.draw(st.sampled_from(thin))
    day = r.summary.start + timedelta(days=data.draw(st.integers(0, 6)))
    extra = green_walk_for(day, data.draw(st.integers(1, 90)))
    assert pain_status(extra, P6.pain) is PainStatus.GREEN
    after = reviews(replace(d, walks=(*d.walks, extra)), WEEKS, start_position=start)
    assert after[: r.week - 1] == before[: r.week - 1]
    new = after[r.week - 1]
    assert new.position == r.position
    assert SEVERITY[new.decision] <= SEVERITY[r.decision]


@PROPERTY
@given(d=any_diary, start=start_positions)
def test_property_positions(d: Diary, start: int) -> None:
    """spec 6: a hold or step back never moves the position forward; a progress moves it one
    forward; a paused week never moves it; positions never go below 0; each week starts where the
    previous review left it."""
    rs = reviews(d, WEEKS, start_position=start)
    position = start
    for r in rs:
        assert r.position == position
        assert r.next_position >= 0
        assert r.next_prescription == P6.prescription(r.next_position)
        if r.decision is Decision.HOLD:
            assert r.next_position == r.position
        elif r.decision is Decision.STEP_BACK:
            assert r.next_position <= r.position
            assert r.next_position == P6.step_back_position(r.position)
        elif r.decision is Decision.PROGRESS:
            assert r.next_position == r.position + 1
            assert r.reasons == (Reason.ON_TRACK,)
        else:
            assert r.paused
        if r.paused:
            assert r.next_position == r.position
            assert r.reasons == (Reason.RED_FLAG,)
            assert r.referrals == ()
            assert set(r.flags) <= {Flag.RED_FLAG_OPEN}
        position = r.next_position


@PROPERTY
@given(d=any_diary, start=start_positions, data=st.data())
def test_property_later_data_does_not_change_earlier_reviews(
    d: Diary, start: int, data: st.DataObject
) -> None:
    """spec 6: the review of week k does not change when data dated after week k is added (walks,
    check-ins with red flags or morning pain, and clearings)."""
    k = data.draw(st.integers(1, WEEKS - 1))
    first_later = (k) * 7  # first day offset of week k+1
    extra = data.draw(
        diaries(weeks=WEEKS, max_walks=10, max_checkins=10, goals=False).filter(lambda x: True)
    )
    later_walks = tuple(
        w for w in extra.walks if (w.local_date - d.person.start).days >= first_later
    )
    top = max([0, *(c.seq for c in d.checkins), *(c.seq for c in d.clearings)])
    later_checkins = tuple(
        replace(c, seq=top + c.seq)
        for c in extra.checkins
        if (c.day - d.person.start).days >= first_later
    )
    later_clearings = tuple(
        replace(c, seq=top + c.seq)
        for c in extra.clearings
        if (c.day - d.person.start).days >= first_later
    )
    bigger = replace(
        d,
        walks=(*d.walks, *later_walks),
        checkins=(*d.checkins, *later_checkins),
        clearings=(*d.clearings, *later_clearings),
    )
    assert reviews(bigger, k, start_position=start) == reviews(d, k, start_position=start)
    assert (
        reviews(bigger, WEEKS, start_position=start)[:k]
        == reviews(d, WEEKS, start_position=start)[:k]
    )


@PROPERTY
@given(d=program_diaries(), start=start_positions)
def test_property_week_pain_status(d: Diary, start: int) -> None:
    """spec 6: the week's pain status is red for a red week, else amber if any walk is amber, else
    green if any walk is green, else unknown."""
    for r in reviews(d, WEEKS, start_position=start):
        s = r.summary
        if r.decision is Decision.STEP_BACK or PainStatus.RED in s.walk_pain:
            assert s.pain is PainStatus.RED
        elif PainStatus.AMBER in s.walk_pain:
            assert s.pain is PainStatus.AMBER
        elif PainStatus.GREEN in s.walk_pain:
            assert s.pain is PainStatus.GREEN
        elif not r.paused:
            assert s.pain is PainStatus.UNKNOWN


# --- a clinician's pause (issue 11) --------------------------------------------------------------


def paused(d: Diary, *pauses: ProgramPause) -> Diary:
    return replace(d, pauses=pauses)


def test_clinician_pause_holds_the_position() -> None:
    """issue 11: a week that overlaps a clinician's pause keeps its position, reason
    paused_by_clinician alone, even when its walking was on track; the weeks around it go on."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 2), *on_track_week(3, 2)]
    pause = ProgramPause(day_of(2, 3), day_of(3, 0), "flare of sciatica, seen in clinic")
    rs = reviews(paused(diary(walks), pause), 3)
    assert [r.decision for r in rs] == [Decision.PROGRESS, Decision.HOLD, Decision.PROGRESS]
    assert rs[1].reasons == (Reason.PAUSED_BY_CLINICIAN,)
    assert rs[1].paused
    assert (rs[1].flags, rs[1].referrals, rs[1].red_flags) == ((), (), ())
    assert [(r.position, r.next_position) for r in rs] == [(1, 2), (2, 2), (2, 3)]


def test_open_clinician_pause_holds_every_week_from_its_start() -> None:
    """issue 11: a pause not yet resumed holds every week from the one it began in."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 2), *on_track_week(3, 2)]
    rs = reviews(paused(diary(walks), ProgramPause(day_of(2, 6), None, "surgery")), 3)
    assert [r.next_position for r in rs] == [2, 2, 2]
    assert [r.reasons for r in rs[1:]] == [(Reason.PAUSED_BY_CLINICIAN,)] * 2


def test_clinician_pause_resumed_on_a_weeks_first_day_leaves_that_week_alone() -> None:
    """issue 11: the resume date is the first day walked again: a pause resumed on the first day
    of week 2 covers week 1 only; one resumed on the day it began covers no day."""
    walks = [*on_track_week(1, 1), *on_track_week(2, 2)]
    rs = reviews(paused(diary(walks), ProgramPause(day_of(1, 5), day_of(2, 0))), 2)
    assert [r.decision for r in rs] == [Decision.HOLD, Decision.PROGRESS]
    cancelled = ProgramPause(day_of(1, 2), day_of(1, 2))
    assert reviews(paused(diary(walks), cancelled), 2) == reviews(diary(walks), 2)


def test_red_flag_week_under_a_clinician_pause_lists_both() -> None:
    """issue 11 and spec 6 rule 1: a red flag still decides the week (seek care); the clinician's
    pause is listed beside it, and the position does not move."""
    checkins = [checkin(day_of(1, 1), 1, red_flags=(RedFlag.FEVER_UNWELL,))]
    d = paused(diary(on_track_week(1, 1), checkins), ProgramPause(day_of(1, 0), None))
    r = only(1, d)
    assert r.decision is Decision.SEEK_CARE_URGENT
    assert r.reasons == (Reason.RED_FLAG, Reason.PAUSED_BY_CLINICIAN)
    assert r.next_position == r.position


def test_clinician_pause_ends_a_run_of_red_weeks() -> None:
    """issue 11, as a red-flag pause: a paused week ends a run of red weeks, so the red week
    after it raises no clinician_review."""
    d = paused(
        diary([red_walk(1), red_walk(2), red_walk(3)]), ProgramPause(day_of(2, 0), day_of(3, 0))
    )
    rs = reviews(d, 3, start_position=5)
    assert [r.decision for r in rs] == [Decision.STEP_BACK, Decision.HOLD, Decision.STEP_BACK]
    assert [r.flags for r in rs] == [(), (), ()]


def test_review_json_words_the_pause() -> None:
    """issue 11: the new reason has its sentence, as every reason does."""
    d = paused(diary(on_track_week(1, 1)), ProgramPause(day_of(1, 0), None, "holiday"))
    words = review_json(only(1, d))
    assert words["reasons"] == ["paused_by_clinician"]
    assert "clinician paused" in words["explanation"]["reasons"][0]


@PROPERTY
@given(d=program_diaries(), start=start_positions, data=st.data())
def test_property_clinician_pause_holds_and_changes_nothing_before(
    d: Diary, start: int, data: st.DataObject
) -> None:
    """issue 11: every week overlapping a clinician's pause keeps its position and raises no
    referral; the weeks that ended before the pause began are reviewed as without it."""
    first = data.draw(st.integers(0, 7 * WEEKS - 1))
    length = data.draw(st.none() | st.integers(0, 30))
    pause = ProgramPause(
        d.person.start + timedelta(days=first),
        None if length is None else d.person.start + timedelta(days=first + length),
    )
    without = reviews(d, WEEKS, start_position=start)
    held = reviews(paused(d, pause), WEEKS, start_position=start)
    for before, r in zip(without, held, strict=True):
        s = r.summary
        if pause.overlaps(s.start, s.end):
            assert r.paused
            assert Reason.PAUSED_BY_CLINICIAN in r.reasons
            assert r.next_position == r.position
            assert r.referrals == ()
        elif s.end < pause.start:
            assert r == before
