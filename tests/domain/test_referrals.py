"""When walking is not enough (spec section 8): referrals in the weekly review."""

from __future__ import annotations

from dataclasses import replace

import pytest
from hypothesis import HealthCheck, given, settings

from walkrx.domain.codes import Decision, RedFlag, Referral
from walkrx.domain.model import Diary, Walk
from walkrx.domain.protocol import PainThresholds, Protocol
from walkrx.domain.review import WeekReview, review_weeks

from .strategies import (
    START,
    any_diary,
    checkin,
    clearing,
    day_of,
    diary,
    on_track_week,
    person,
    protocol,
    reviews,
)

P6 = protocol("walking-6wk")
P26 = protocol("walkback-26wk")
# every walk green whatever its pain: isolates the referral rules from the pain-driven decisions
NO_PAIN_LIGHTS = PainThresholds(
    settle_rise=99,
    red_peak=99,
    red_peak_with_rise=99,
    red_rise=99,
    amber_peak=99,
    amber_peak_with_rise=99,
    amber_rise=99,
)
PERMISSIVE = replace(P6, pain=NO_PAIN_LIGHTS)


def on_track_program(weeks: int, p: Protocol = P6) -> list[Walk]:
    """Walks that progress every week from position 1 (week k is at position k)."""
    return [w for k in range(1, weeks + 1) for w in on_track_week(k, k, p.name)]


def with_pain(
    walks: list[Walk], weeks: set[int], peak: int, pace: float | None = None
) -> list[Walk]:
    """Set the peak pain (and pace at the same heart rate) of the walks in the given weeks."""
    return [
        replace(w, pain_before=peak, pain_during=peak, pain_after=None, pace_hr=pace)
        if (w.local_date - START).days // 7 + 1 in weeks
        else w
        for w in walks
    ]


def run(d: Diary, weeks: int, p: Protocol = P6) -> list[WeekReview]:
    return review_weeks(d, p, d.person.week_start(weeks + 1))


# --- none before the first referral week, none on paused weeks ---------------------------------


def test_no_referrals_before_the_first_referral_week() -> None:
    """spec 8: referrals are checked from the protocol's first referral week (4 in walking-6wk)."""
    who = person(goals=("return_to_sport",))
    checkins = [
        checkin(day_of(k, 0), k, fear_of_movement=True, tsk17=60, psfs=(1, 1, 1))
        for k in range(1, 5)
    ]
    rs = reviews(diary([], checkins, who=who), 4)
    assert [r.referrals for r in rs[:3]] == [(), (), ()]
    assert rs[3].referrals == (Referral.PLATEAU, Referral.FEAR_OF_MOVEMENT)


def test_no_referrals_on_paused_weeks() -> None:
    """spec 6 rule 1 and 8: a paused week raises no referral."""
    who = person(goals=("return_to_sport",))
    checkins = [
        checkin(day_of(6, 0), 1, fear_of_movement=True, tsk17=60, psfs=(1, 1, 1)),
        checkin(day_of(6, 1), 2, red_flags=(RedFlag.NIGHT_PAIN,)),
    ]
    rs = reviews(diary([], checkins, [clearing(day_of(6, 6), 3)], who=who), 7)
    assert rs[5].paused
    assert rs[5].referrals == ()
    assert rs[6].referrals == (
        Referral.PLATEAU,
        Referral.STILL_LIMITED,
        Referral.FEAR_OF_MOVEMENT,
        Referral.RETURN_TO_SPORT,
    )


# --- plateau: three reviews without progress ---------------------------------------------------


def test_plateau_after_three_reviews_without_progress() -> None:
    """spec 8 plateau: none of the last 3 unpaused reviews (this week's included) progressed."""
    rs = reviews(diary([]), 5)
    assert [Referral.PLATEAU in r.referrals for r in rs] == [False, False, False, True, True]


def test_plateau_window_slides() -> None:
    """spec 8 plateau: one progress among the last 3 reviews is enough to avoid it."""
    walks = on_track_week(3, 1)  # weeks 1-2 empty (hold), week 3 progresses, then empty again
    rs = reviews(diary(walks), 6)
    assert [r.decision for r in rs][:3] == [Decision.HOLD, Decision.HOLD, Decision.PROGRESS]
    assert [Referral.PLATEAU in r.referrals for r in rs] == [False] * 5 + [True]


def test_plateau_window_leaves_out_paused_weeks() -> None:
    """spec 6 rule 1 and 8: paused weeks are left out of the plateau window."""
    walks = on_track_week(1, 1)  # week 1 progresses; weeks 2-3 and 5 empty, week 4 paused
    checkins = [checkin(day_of(4, 0), 1, red_flags=(RedFlag.FEVER_UNWELL,))]
    d = diary(walks, checkins, [clearing(day_of(4, 6), 2)])
    rs = reviews(d, 5)
    assert rs[3].paused
    assert rs[3].referrals == ()
    # unpaused reviews: 1 progress, 2 hold, 3 hold, 5 hold -> the last three did not progress
    assert rs[4].referrals == (Referral.PLATEAU,)

    walks = on_track_week(2, 1)  # week 2 progresses: unpaused 1, 2 progress, 3, 5 -> no plateau
    rs = reviews(diary(walks, checkins, [clearing(day_of(4, 6), 2)]), 5)
    assert rs[4].referrals == ()


def test_plateau_needs_three_unpaused_reviews() -> None:
    """spec 8 plateau: fewer than 3 unpaused reviews cannot show a plateau."""
    checkins = [checkin(day_of(1, 0), 1, red_flags=(RedFlag.TRAUMA,))]
    rs = reviews(diary([], checkins, [clearing(day_of(3, 0), 2)]), 4)
    assert [r.paused for r in rs] == [True, True, False, False]
    assert rs[3].referrals == ()


# --- plateau: pain and pace from the outcome week ----------------------------------------------


def test_plateau_pain_route_from_the_outcome_week() -> None:
    """spec 8 plateau: from week 6, baseline mean peak pain >= 3 that has not dropped by 2 points
    and 30 %, with pace unknown, is a plateau even when every week progressed."""
    walks = with_pain(on_track_program(7), {1, 2, 3, 4, 5, 6, 7}, 4)
    rs = run(diary(walks), 7, PERMISSIVE)
    assert all(r.decision is Decision.PROGRESS for r in rs)
    assert [Referral.PLATEAU in r.referrals for r in rs] == [False] * 5 + [True, True]


@pytest.mark.parametrize(
    ("baseline", "recent", "plateau"),
    [
        (5, 3, False),  # 2 points and 40 % lower: improved
        (5, 4, True),  # 1 point lower
        (4, 2, False),  # 2 points, 50 %
        (4, 3, True),
        (10, 8, True),  # 2 points but only 20 %: both are needed
        (10, 7, False),  # 3 points and 30 %
        (3, 3, True),  # baseline exactly 3 applies
        (2, 2, False),  # baseline below 3: the pain route does not apply
    ],
)
def test_plateau_pain_needs_two_points_and_thirty_percent(
    baseline: int, recent: int, plateau: bool
) -> None:
    """spec 8 plateau: improved pain is at least 2 points AND 30 % below the weeks 1-2 mean."""
    walks = with_pain(on_track_program(6), {1, 2}, baseline)
    walks = with_pain(walks, {3, 4, 5, 6}, recent)
    r = run(diary(walks), 6, PERMISSIVE)[5]
    assert r.decision is Decision.PROGRESS
    assert (Referral.PLATEAU in r.referrals) is plateau


def test_plateau_pain_uses_only_the_last_two_weeks() -> None:
    """spec 8 plateau: 'the last 2 weeks' are weeks k-1 and k: weeks 3-4 do not count at week 6."""
    walks = with_pain(on_track_program(6), {1, 2, 3, 4}, 5)
    walks = with_pain(walks, {5, 6}, 2)
    assert Referral.PLATEAU not in run(diary(walks), 6, PERMISSIVE)[5].referrals
    walks = with_pain(on_track_program(6), {1, 2, 5}, 5)
    walks = with_pain(walks, {3, 4, 6}, 2)
    assert Referral.PLATEAU in run(diary(walks), 6, PERMISSIVE)[5].referrals  # mean 3.5 > 3


def test_plateau_no_recent_pain_figures_is_not_improved() -> None:
    """spec 8 plateau: no pain figures in the last 2 weeks counts as not improved."""
    walks = with_pain(on_track_program(6), {1, 2}, 6)
    walks = [
        replace(w, pain_before=None, pain_during=None, pain_after=None)
        if w.local_date >= day_of(5)
        else w
        for w in walks
    ]
    assert Referral.PLATEAU in run(diary(walks), 6, PERMISSIVE)[5].referrals


def test_plateau_no_baseline_pain_figures_does_not_apply() -> None:
    """spec 8 plateau (our reading): without any peak pain in weeks 1-2 the pain route does not
    apply (the baseline is not '3 or more')."""
    walks = with_pain(on_track_program(6), {3, 4, 5, 6}, 9)
    assert Referral.PLATEAU not in run(diary(walks), 6, PERMISSIVE)[5].referrals


@pytest.mark.parametrize(("recent_pace", "plateau"), [(1.03, False), (1.029, True), (0.9, True)])
def test_plateau_pace_improved_by_three_percent(recent_pace: float, plateau: bool) -> None:
    """spec 8 plateau: pace at the same heart rate up by 3 % or more (median of the last 2 weeks
    against weeks 1-2) avoids a plateau even when pain has not improved."""
    walks = with_pain(on_track_program(6), {1, 2}, 5, pace=1.0)
    walks = with_pain(walks, {3, 4}, 5, pace=0.5)  # weeks 3-4 are not in either window
    walks = with_pain(walks, {5, 6}, 5, pace=recent_pace)
    r = run(diary(walks), 6, PERMISSIVE)[5]
    assert (Referral.PLATEAU in r.referrals) is plateau


def test_plateau_pace_uses_medians() -> None:
    """spec 8 plateau: pace is compared as medians, so one fast walk does not hide a plateau."""
    walks = with_pain(on_track_program(6), {1, 2, 3, 4, 5, 6}, 5, pace=1.0)
    fast = replace(walks[-1], pace_hr=5.0)
    walks = [*walks[:-1], fast]
    assert Referral.PLATEAU in run(diary(walks), 6, PERMISSIVE)[5].referrals


def test_plateau_unknown_pace_is_not_improved() -> None:
    """spec 8 plateau: unknown pace (no eligible walks in a window) counts as not improved."""
    walks = with_pain(on_track_program(6), {1, 2}, 5, pace=None)
    walks = with_pain(walks, {3, 4, 5, 6}, 5, pace=2.0)
    assert Referral.PLATEAU in run(diary(walks), 6, PERMISSIVE)[5].referrals


# --- still_limited -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "latest", "limited"),
    [
        ((4, 4, 4), (5, 5, 5), True),  # 1 point better, below 7
        ((4, 4, 4), (6, 6, 6), False),  # exactly 2 points better
        ((4, 4, 4), (6, 6, 5), True),  # 1.67 points better
        ((6, 6, 6), (7, 7, 7), False),  # 7 is not below 7
        ((6, 6, 6), (7, 7, 6), True),  # 6.67 below 7, 0.67 better
        ((2, 2, 2, 2, 2), (5, 5, 5), False),
        ((8, 8, 8), (5, 5, 5), True),  # got worse
    ],
)
def test_still_limited(first: tuple[int, ...], latest: tuple[int, ...], limited: bool) -> None:
    """spec 8 still_limited: from week 6, the latest PSFS mean below 7 and less than 2 points above
    the first one recorded."""
    walks = on_track_program(6)
    checkins = [
        checkin(START, 1, psfs=first),
        checkin(day_of(3, 0), 2, psfs=(0, 0, 0)),  # neither the first nor the latest
        checkin(day_of(6, 2), 3, psfs=latest),
    ]
    rs = reviews(diary(walks, checkins), 6)
    assert (Referral.STILL_LIMITED in rs[5].referrals) is limited
    assert Referral.STILL_LIMITED not in rs[4].referrals  # week 5: before the outcome week


def test_still_limited_single_score() -> None:
    """spec 8 still_limited (our reading): with one PSFS only, it is both first and latest, so a
    mean below 7 triggers the referral."""
    rs = reviews(diary(on_track_program(6), [checkin(START, 1, psfs=(5, 6, 6))]), 6)
    assert Referral.STILL_LIMITED in rs[5].referrals


def test_still_limited_ignores_scores_after_the_week() -> None:
    """spec 6 and 8: the latest PSFS is the latest dated by the end of the week."""
    checkins = [checkin(START, 1, psfs=(3, 3, 3)), checkin(day_of(7, 0), 2, psfs=(9, 9, 9))]
    rs = reviews(diary(on_track_program(7), checkins), 7)
    assert Referral.STILL_LIMITED in rs[5].referrals
    assert Referral.STILL_LIMITED not in rs[6].referrals


# --- fear_of_movement --------------------------------------------------------------------------


def test_fear_of_movement_yes_in_the_last_two_weeks() -> None:
    """spec 8 fear_of_movement: a yes in weeks k-1 or k; a yes in week k-2 is too old."""
    checkins = [checkin(day_of(3, 6), 1, fear_of_movement=True)]
    rs = reviews(diary(on_track_program(6), checkins), 6)
    assert [Referral.FEAR_OF_MOVEMENT in r.referrals for r in rs] == [
        False,  # week 1-3: before the first referral week
        False,
        False,
        True,  # week 4: weeks 3-4
        False,  # week 5: weeks 4-5
        False,
    ]


def test_fear_of_movement_any_yes_counts() -> None:
    """spec 8 fear_of_movement (safest reading): a yes counts even if a later answer is no."""
    checkins = [
        checkin(day_of(4, 0), 1, fear_of_movement=True),
        checkin(day_of(4, 3), 2, fear_of_movement=False),
    ]
    rs = reviews(diary(on_track_program(4), checkins), 4)
    assert Referral.FEAR_OF_MOVEMENT in rs[3].referrals


@pytest.mark.parametrize(
    ("tsk17", "fabq_pa", "fear"),
    [(38, None, True), (37, None, False), (None, 16, True), (None, 15, False), (37, 15, False)],
)
def test_fear_of_movement_scores(tsk17: int | None, fabq_pa: int | None, fear: bool) -> None:
    """spec 8 fear_of_movement: the latest TSK-17 > 37 or FABQ-PA > 15 (any date up to the week)."""
    checkins = [checkin(START, 1, tsk17=tsk17, fabq_pa=fabq_pa)]
    rs = reviews(diary(on_track_program(5), checkins), 5)
    assert (Referral.FEAR_OF_MOVEMENT in rs[4].referrals) is fear


def test_fear_of_movement_uses_the_latest_score() -> None:
    """spec 8 fear_of_movement: only the latest clinician-entered score counts."""
    checkins = [checkin(START, 1, tsk17=45), checkin(day_of(5, 0), 2, tsk17=30)]
    rs = reviews(diary(on_track_program(5), checkins), 5)
    assert Referral.FEAR_OF_MOVEMENT in rs[3].referrals
    assert Referral.FEAR_OF_MOVEMENT not in rs[4].referrals


# --- return_to_sport ---------------------------------------------------------------------------


def test_return_to_sport_from_the_outcome_week() -> None:
    """spec 8 return_to_sport: from week 6 on when the goals include a return to sport."""
    d = diary(on_track_program(7), who=person(goals=("return_to_sport",)))
    rs = reviews(d, 7)
    assert [Referral.RETURN_TO_SPORT in r.referrals for r in rs] == [False] * 5 + [True, True]
    assert all(Referral.RETURN_TO_SPORT not in r.referrals for r in reviews(diary(d.walks), 7))


# --- walkback-26wk: first referral week 8, outcome week 14 -------------------------------------


def test_walkback_referral_weeks() -> None:
    """spec 8: walkback-26wk checks referrals from week 8 and outcome rules from week 14."""
    assert (P26.referral.first_week, P26.referral.outcome_week) == (8, 14)
    assert (P6.referral.first_week, P6.referral.outcome_week) == (4, 6)
    who = person(protocol_name="walkback-26wk", goals=("return_to_sport",))
    checkins = [checkin(START, 1, psfs=(3, 3, 3))]
    checkins += [checkin(day_of(k, 0), 1 + k, fear_of_movement=True) for k in (7, 13)]
    rs = reviews(diary([], checkins, who=who), 15)
    assert [r.referrals for r in rs[:7]] == [()] * 7
    assert rs[7].referrals == (Referral.PLATEAU, Referral.FEAR_OF_MOVEMENT)  # week 8
    assert rs[12].referrals == (Referral.PLATEAU, Referral.FEAR_OF_MOVEMENT)  # week 13
    assert rs[13].referrals == (  # week 14
        Referral.PLATEAU,
        Referral.STILL_LIMITED,
        Referral.FEAR_OF_MOVEMENT,
        Referral.RETURN_TO_SPORT,
    )
    assert rs[14].referrals == (Referral.PLATEAU, Referral.STILL_LIMITED, Referral.RETURN_TO_SPORT)


def test_walkback_pain_route_from_week_14() -> None:
    """spec 8 plateau: in walkback-26wk the pain route starts at the outcome week 14."""
    p = replace(P26, pain=NO_PAIN_LIGHTS)
    walks = with_pain(on_track_program(14, P26), set(range(1, 15)), 4)
    rs = run(diary(walks, who=person(protocol_name="walkback-26wk")), 14, p)
    assert all(r.decision is Decision.PROGRESS for r in rs)
    assert [Referral.PLATEAU in r.referrals for r in rs] == [False] * 13 + [True]


# --- properties --------------------------------------------------------------------------------


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(d=any_diary)
def test_property_referral_weeks(d: Diary) -> None:
    """spec 8: no referral before the first referral week or on a paused week; outcome-week-only
    referrals (still_limited, return_to_sport) never before the outcome week."""
    for r in reviews(d, 8):
        if r.week < P6.referral.first_week or r.paused:
            assert r.referrals == ()
        if r.week < P6.referral.outcome_week:
            assert Referral.STILL_LIMITED not in r.referrals
            assert Referral.RETURN_TO_SPORT not in r.referrals
        assert list(r.referrals) == sorted(r.referrals, key=list(Referral).index)
