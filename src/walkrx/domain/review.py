"""The weekly review (spec sections 6-8): what each completed program week decides for the next.

A review is a pure function of the stored diary, the protocol and `today`: the review of week k
reads
only data dated up to the end of week k (plus the next-morning pain of week k's walks), so the same
data always gives the same decisions, whatever order it was entered in.

Rules, first match decides, every match is listed: red flag (pause) > paused by a clinician
(hold) > red week (step back) > no walks (hold) > too little (hold) > too much too soon (hold) >
amber week (hold) > progress. A week that overlaps a clinician's pause (`Diary.pauses`) is judged
like a red-flag week, by that rule alone: the position stays, no other reason, flag or referral
is raised, it ends runs of red or empty weeks and is left out of the plateau window (issue 11).
Referrals (walking is not enough) are checked on every unpaused week from the protocol's first
referral week on.
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta

from walkrx.domain.codes import (
    Decision,
    Flag,
    PainStatus,
    Reason,
    RedFlag,
    RedFlagTier,
    Referral,
)
from walkrx.domain.model import CheckIn, Diary, ProgramPause, Walk
from walkrx.domain.pain import pain_status, peak_pain
from walkrx.domain.protocol import Prescription, Protocol
from walkrx.domain.redflags import highest_tier
from walkrx.domain.stages import off_between, return_between

RETURN_TO_SPORT_GOAL = "return_to_sport"


@dataclass(frozen=True)
class WeekSummary:
    """What happened in one program week, measured against its prescription."""

    week: int
    start: date
    end: date
    prescription: Prescription
    walks_logged: int
    walks_counted: int  # walks lasting at least count_fraction x the minimum minutes
    minutes: float
    zone_measured_min: float
    zone_by_effort_min: float
    longest_min: float
    long_walk_done: bool | None  # None when the prescription has no long walk
    tempo_done: bool
    pain: PainStatus
    walk_pain: tuple[PainStatus, ...]
    morning_pain_mean: float | None
    morning_checkins: int

    @property
    def zone_min(self) -> float:
        return self.zone_measured_min + self.zone_by_effort_min

    @property
    def adherence_walks(self) -> float:
        return self.walks_counted / self.prescription.walks_min

    @property
    def adherence_minutes(self) -> float:
        return self.minutes / self.prescription.total_min


@dataclass(frozen=True)
class WeekReview:
    summary: WeekSummary
    position: int
    decision: Decision
    reasons: tuple[Reason, ...]
    flags: tuple[Flag, ...]
    referrals: tuple[Referral, ...]
    red_flags: tuple[RedFlag, ...]  # answered in the week or still open at its end
    next_position: int
    next_prescription: Prescription

    @property
    def week(self) -> int:
        return self.summary.week

    @property
    def paused(self) -> bool:
        """Paused by a red flag or by a clinician, or the program was finished (issue 13): the
        week is judged by that alone."""
        return bool(
            {Reason.RED_FLAG, Reason.PAUSED_BY_CLINICIAN, Reason.PROGRAM_FINISHED}
            & set(self.reasons)
        )


# --- check-ins -------------------------------------------------------------------------------


def daily_morning_pain(checkins: Iterable[CheckIn]) -> dict[date, int]:
    """Morning pain per day: the last check-in of a day that gives it wins (spec section 3)."""
    result: dict[date, int] = {}
    for checkin in sorted(checkins, key=lambda c: c.seq):
        if checkin.morning_pain is not None:
            result[checkin.day] = checkin.morning_pain
    return result


def open_red_flags(diary: Diary, as_of: date) -> tuple[RedFlag, ...]:
    """Red flags answered on or before `as_of` and not closed by a clearing dated on or before it.

    A clearing dated D closes every flag recorded before it (lower seq) and dated on or before D.
    """
    clearings = [c for c in diary.clearings if c.day <= as_of]
    found: list[RedFlag] = []
    for checkin in diary.checkins:
        if checkin.day > as_of or not checkin.red_flags:
            continue
        closed = any(c.seq > checkin.seq and c.day >= checkin.day for c in clearings)
        if not closed:
            found.extend(f for f in checkin.red_flags if f not in found)
    return tuple(sorted(found))


def paused_by_clinician(diary: Diary, first: date, last: date) -> bool:
    """Whether a clinician's pause covers any day from `first` to `last` (both included)."""
    return any(p.overlaps(first, last) for p in diary.pauses)


def clinician_pause_on(diary: Diary, day: date) -> ProgramPause | None:
    """The clinician's pause that covers `day`, if any (the latest begun, should two overlap)."""
    covering = [p for p in diary.pauses if p.covers(day)]
    return max(covering, key=lambda p: p.start) if covering else None


# --- weekly summary --------------------------------------------------------------------------


def walks_in(diary: Diary, start: date, end: date) -> list[Walk]:
    # a total order (repr breaks ties between walks with the same start and duration), so that a
    # week's summary does not depend on the order the walks were given in
    return sorted(
        (w for w in diary.walks if start <= w.local_date <= end),
        key=lambda w: (w.start, w.duration_s, repr(w)),
    )


def counts_by_effort(walk: Walk) -> bool:
    """A walk without heart rate counts by effort: rated 3-6, or unrated with the talk test held."""
    if walk.zone_in_s is not None or walk.avg_hr is not None:
        return False
    if walk.effort is not None:
        return 3 <= walk.effort <= 6
    return walk.talk_test is True


def summarise_week(diary: Diary, protocol: Protocol, week: int, position: int) -> WeekSummary:
    person = diary.person
    start = person.week_start(week)
    end = start + timedelta(days=6)
    rx = protocol.prescription(position)
    walks = walks_in(diary, start, end)
    threshold_s = protocol.review.count_fraction * rx.minutes_min * 60
    walk_pain = tuple(pain_status(w, protocol.pain) for w in walks)
    morning = {
        day: pain
        for day, pain in daily_morning_pain(c for c in diary.checkins if c.day <= end).items()
        if start <= day <= end
    }
    if PainStatus.RED in walk_pain:
        pain = PainStatus.RED
    elif PainStatus.AMBER in walk_pain:
        pain = PainStatus.AMBER
    elif PainStatus.GREEN in walk_pain:
        pain = PainStatus.GREEN
    else:
        pain = PainStatus.UNKNOWN
    longest = max((w.minutes for w in walks), default=0.0)
    return WeekSummary(
        week=week,
        start=start,
        end=end,
        prescription=rx,
        walks_logged=len(walks),
        walks_counted=sum(1 for w in walks if w.duration_s >= threshold_s),
        minutes=sum(w.minutes for w in walks),
        zone_measured_min=sum(w.zone_in_s for w in walks if w.zone_in_s is not None) / 60,
        zone_by_effort_min=sum(w.minutes for w in walks if counts_by_effort(w)),
        longest_min=longest,
        long_walk_done=None if rx.long_walk_minutes is None else longest >= rx.long_walk_minutes,
        tempo_done=any(w.tempo for w in walks),
        pain=pain,
        walk_pain=walk_pain,
        morning_pain_mean=statistics.fmean(morning.values()) if morning else None,
        morning_checkins=len(morning),
    )


# --- the review ------------------------------------------------------------------------------


def completed_weeks(diary: Diary, today: date) -> int:
    """Program weeks that have ended by `today` (a week is reviewed once today is after its end)."""
    days = (today - diary.person.start).days
    return max(0, days // 7)


def review_weeks(
    diary: Diary, protocol: Protocol, today: date, start_position: int = 1
) -> list[WeekReview]:
    """Review every completed program week up to `today`, in order."""
    reviews: list[WeekReview] = []
    position = start_position
    red_run = 0  # consecutive red weeks, ended by any other week (a paused week included)
    empty_run = 0
    previous: WeekSummary | None = None
    for week in range(1, completed_weeks(diary, today) + 1):
        first = diary.person.week_start(week)
        back = return_between(diary.stages, first, first + timedelta(days=6))
        position = position if back is None else back  # a return to the program (issue 13)
        summary = summarise_week(diary, protocol, week, position)
        review = _review_one(diary, protocol, summary, position, previous, red_run, empty_run)
        if review.paused:
            red_run = empty_run = 0
        else:
            red_run = red_run + 1 if review.decision is Decision.STEP_BACK else 0
            empty_run = empty_run + 1 if Reason.NO_WALKS in review.reasons else 0
        review = _with_referrals(diary, protocol, review, reviews)
        reviews.append(review)
        position = review.next_position
        previous = summary
    return reviews


def _review_one(
    diary: Diary,
    protocol: Protocol,
    s: WeekSummary,
    position: int,
    previous: WeekSummary | None,
    red_run: int,
    empty_run: int,
) -> WeekReview:
    answered = [f for c in diary.checkins if s.start <= c.day <= s.end for f in c.red_flags]
    still_open = open_red_flags(diary, s.end)
    tier = highest_tier([*answered, *still_open])
    held = paused_by_clinician(diary, s.start, s.end)
    off = off_between(diary.stages, s.start, s.end)  # the program was finished (issue 13)
    kept = (Reason.PAUSED_BY_CLINICIAN,) * held + (Reason.PROGRAM_FINISHED,) * off
    if tier is not None:
        decision = (
            Decision.SEEK_CARE_EMERGENCY
            if tier is RedFlagTier.EMERGENCY
            else Decision.SEEK_CARE_URGENT
        )
        return WeekReview(
            summary=s,
            position=position,
            decision=decision,
            reasons=(Reason.RED_FLAG, *kept),
            flags=(Flag.RED_FLAG_OPEN,) if still_open else (),
            referrals=(),
            red_flags=tuple(sorted(set(answered) | set(still_open))),
            next_position=position,
            next_prescription=protocol.prescription(position),
        )
    if kept:
        return WeekReview(
            summary=s,
            position=position,
            decision=Decision.HOLD,
            reasons=kept,
            flags=(),
            referrals=(),
            red_flags=(),
            next_position=position,
            next_prescription=protocol.prescription(position),
        )

    rx = s.prescription
    review = protocol.review
    reasons: list[Reason] = []
    if PainStatus.RED in s.walk_pain:
        reasons.append(Reason.PAIN_RED)
    if (
        previous is not None
        and s.morning_checkins >= review.morning_min_checkins
        and previous.morning_checkins >= review.morning_min_checkins
        and s.morning_pain_mean is not None
        and previous.morning_pain_mean is not None
        and s.morning_pain_mean >= previous.morning_pain_mean + review.morning_rise
    ):
        reasons.append(Reason.MORNING_PAIN_RISING)
    red_week = bool(reasons)
    if s.walks_logged == 0:
        reasons.append(Reason.NO_WALKS)
    if s.walks_counted < rx.walks_min or s.minutes < review.too_little_fraction * rx.total_min:
        reasons.append(Reason.TOO_LITTLE)
    if s.minutes > review.too_much_fraction * rx.total_max:
        reasons.append(Reason.TOO_MUCH_TOO_SOON)
    if PainStatus.AMBER in s.walk_pain and PainStatus.RED not in s.walk_pain:
        reasons.append(Reason.PAIN_AMBER)

    flags: list[Flag] = []
    if red_week:
        decision = Decision.STEP_BACK
        next_position = protocol.step_back_position(position)
        if red_run >= 1:
            flags.append(Flag.CLINICIAN_REVIEW)
    elif reasons:
        decision = Decision.HOLD
        next_position = position
    else:
        reasons.append(Reason.ON_TRACK)
        decision = Decision.PROGRESS
        next_position = position + 1
    # the second empty week in a row raises not_logging, an empty red week included (rule 3 matches)
    if Reason.NO_WALKS in reasons and empty_run >= 1:
        flags.append(Flag.NOT_LOGGING)
    # a red week is red for the summary's pain status too (morning pain rising)
    summary = s if not red_week or s.pain is PainStatus.RED else _with_pain(s, PainStatus.RED)
    return WeekReview(
        summary=summary,
        position=position,
        decision=decision,
        reasons=tuple(reasons),
        flags=tuple(flags),
        referrals=(),
        red_flags=(),
        next_position=next_position,
        next_prescription=protocol.prescription(next_position),
    )


def _with_pain(s: WeekSummary, pain: PainStatus) -> WeekSummary:
    return replace(s, pain=pain)


# --- referrals (spec section 8) --------------------------------------------------------------


def _with_referrals(
    diary: Diary, protocol: Protocol, review: WeekReview, earlier: Sequence[WeekReview]
) -> WeekReview:
    t = protocol.referral
    k = review.week
    if review.paused or k < t.first_week:
        return review
    end = review.summary.end
    referrals: list[Referral] = []
    if _plateau(diary, protocol, review, earlier):
        referrals.append(Referral.PLATEAU)
    if k >= t.outcome_week and _still_limited(diary, protocol, end):
        referrals.append(Referral.STILL_LIMITED)
    if _fear_of_movement(diary, protocol, review.summary.start - timedelta(days=7), end):
        referrals.append(Referral.FEAR_OF_MOVEMENT)
    if k >= t.outcome_week and RETURN_TO_SPORT_GOAL in diary.person.goals:
        referrals.append(Referral.RETURN_TO_SPORT)
    return replace(review, referrals=tuple(referrals))


def _plateau(
    diary: Diary, protocol: Protocol, review: WeekReview, earlier: Sequence[WeekReview]
) -> bool:
    t = protocol.referral
    unpaused = [r for r in [*earlier, review] if not r.paused]
    recent = unpaused[-t.plateau_reviews :]
    if len(recent) >= t.plateau_reviews and all(
        r.decision is not Decision.PROGRESS for r in recent
    ):
        return True
    if review.week < t.outcome_week:
        return False
    person = diary.person
    baseline_walks = walks_in(diary, person.week_start(1), person.week_start(3) - timedelta(1))
    recent_walks = walks_in(diary, person.week_start(review.week - 1), review.summary.end)
    baseline_peaks = [p for p in map(peak_pain, baseline_walks) if p is not None]
    if not baseline_peaks:
        return False
    baseline = statistics.fmean(baseline_peaks)
    if baseline < t.baseline_pain_min:
        return False
    recent_peaks = [p for p in map(peak_pain, recent_walks) if p is not None]
    pain_improved = bool(recent_peaks) and (
        statistics.fmean(recent_peaks)
        <= min(baseline - t.pain_improve_points, baseline * (1 - t.pain_improve_fraction))
    )
    baseline_pace = [w.pace_hr for w in baseline_walks if w.pace_hr is not None]
    recent_pace = [w.pace_hr for w in recent_walks if w.pace_hr is not None]
    pace_improved = bool(baseline_pace and recent_pace) and (
        statistics.median(recent_pace)
        >= statistics.median(baseline_pace) * (1 + t.pace_improve_fraction)
    )
    return not pain_improved and not pace_improved


def _latest_checkins(diary: Diary, end: date) -> list[CheckIn]:
    return sorted((c for c in diary.checkins if c.day <= end), key=lambda c: (c.day, c.seq))


def _still_limited(diary: Diary, protocol: Protocol, end: date) -> bool:
    t = protocol.referral
    scores = [statistics.fmean(c.psfs) for c in _latest_checkins(diary, end) if c.psfs]
    if not scores:
        return False
    first, latest = scores[0], scores[-1]
    return latest < t.psfs_good and latest < first + t.psfs_improve_points


def _fear_of_movement(diary: Diary, protocol: Protocol, start: date, end: date) -> bool:
    t = protocol.referral
    checkins = _latest_checkins(diary, end)
    if any(c.fear_of_movement is True and c.day >= start for c in checkins):
        return True
    tsk = [c.tsk17 for c in checkins if c.tsk17 is not None]
    fabq = [c.fabq_pa for c in checkins if c.fabq_pa is not None]
    return bool(tsk and tsk[-1] > t.tsk17_high) or bool(fabq and fabq[-1] > t.fabq_pa_high)


# --- where the program stands ------------------------------------------------------------------


def current_position(reviews: Sequence[WeekReview], start_position: int = 1) -> int:
    return reviews[-1].next_position if reviews else start_position


SEVERITY = {
    Decision.PROGRESS: 0,
    Decision.HOLD: 1,
    Decision.STEP_BACK: 2,
    Decision.SEEK_CARE_URGENT: 3,
    Decision.SEEK_CARE_EMERGENCY: 4,
}
