"""The walking protocol as data: phases, prescriptions and every clinical threshold.

Protocol objects are built by `walkrx.protocols` from TOML files; nothing here reads files.
Positions follow spec section 6: 0 is the ease-in week, 1..last_week the table, then maintenance.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from walkrx.domain.lessons import Lesson
from walkrx.domain.numbers import exact, round_half_up
from walkrx.domain.pace import PaceBand


@dataclass(frozen=True)
class Phase:
    number: int
    name: str
    purpose: str
    first_week: int  # protocol weeks (positions); maintenance has first_week = last table week + 1
    last_week: int | None  # None for maintenance (open-ended)
    walks_min: int
    walks_max: int
    minutes_min: int
    minutes_max: int
    long_walk_minutes: int | None = None  # one walk of at least this long is prescribed
    tempo: bool = False  # an optional tempo walk is offered
    weekly_zone_minutes: tuple[int, int] | None = (
        None  # weekly target-zone goal, if the phase has one
    )
    cues: tuple[str, ...] = ()  # focus cues shown on the day's plan


@dataclass(frozen=True)
class PainThresholds:
    """Per-walk traffic light (spec section 5)."""

    settle_rise: int = 2  # next-morning pain >= before + this -> red (not settled)
    red_peak: int = 8  # peak >= this -> red
    red_peak_with_rise: int = 6  # peak >= this with rise >= red_rise -> red
    red_rise: int = 2
    amber_peak: int = 6  # peak >= this -> amber (not red)
    amber_peak_with_rise: int = 4  # peak >= this with rise >= amber_rise -> amber
    amber_rise: int = 1


@dataclass(frozen=True)
class ReviewThresholds:
    """Weekly review (spec section 6)."""

    count_fraction: float = 0.5  # a walk counts when it lasts >= this x minimum minutes
    too_little_fraction: float = 0.75  # total below this x minimum total -> too_little
    too_much_fraction: float = 1.25  # total above this x maximum total -> too_much_too_soon
    morning_rise: float = 1.0  # weekly mean morning pain rise that makes a week red
    morning_min_checkins: int = 3  # both weeks need this many morning check-ins
    ease_in_scale: float = 0.8  # position 0: the first phase's minutes scaled by this


@dataclass(frozen=True)
class ReferralThresholds:
    """When walking is not enough (spec section 8)."""

    first_week: int = 4  # referral checks start at this calendar program week
    outcome_week: int = 6  # "from week 6 on" rules start here
    plateau_reviews: int = 3  # none of the last N unpaused reviews progressed
    baseline_pain_min: float = 3.0  # pain route applies when weeks 1-2 mean peak pain >= this
    pain_improve_points: float = 2.0
    pain_improve_fraction: float = 0.30
    pace_improve_fraction: float = 0.03
    psfs_good: float = 7.0  # still_limited when latest PSFS mean below this...
    psfs_improve_points: float = 2.0  # ...and less than this above the first
    tsk17_high: int = 37  # TSK-17 > this is high
    fabq_pa_high: int = 15  # FABQ physical-activity > this is high


@dataclass(frozen=True)
class ZoneDefaults:
    """The target band (spec section 2)."""

    hrmax_low: float = 0.70
    hrmax_high: float = 0.80
    hrr_low: float = 0.50
    hrr_high: float = 0.65


@dataclass(frozen=True)
class FollowUpRules:
    """After the program (spec 13): how often to ask the follow-up, and where a return after a
    recurrence puts the program (the start of this phase, never above where it ended)."""

    interval_days: int = 30  # a follow-up is due every this many days after the end
    return_phase: int = 1  # a return starts at this phase's first week


@dataclass(frozen=True)
class Prescription:
    position: int
    phase: int
    walks_min: int
    walks_max: int
    minutes_min: int
    minutes_max: int
    long_walk_minutes: int | None
    tempo: bool

    @property
    def total_min(self) -> int:
        return self.walks_min * self.minutes_min

    @property
    def total_max(self) -> int:
        return self.walks_max * self.minutes_max


@dataclass(frozen=True)
class Protocol:
    name: str
    title: str
    description: str
    phases: tuple[Phase, ...]  # the table's phases in order, then maintenance as the last entry
    tempo_description: str = ""
    safety: tuple[str, ...] = ()  # warm-up, shoes, talk test... shown on the day's plan
    talk_test: str = ""
    sources: tuple[str, ...] = ()
    pain: PainThresholds = field(default_factory=PainThresholds)
    review: ReviewThresholds = field(default_factory=ReviewThresholds)
    referral: ReferralThresholds = field(default_factory=ReferralThresholds)
    zones: ZoneDefaults = field(default_factory=ZoneDefaults)
    followup: FollowUpRules = field(default_factory=FollowUpRules)
    # how to walk (issue 15): the moderate pace band, the posture checklist, the week's lessons
    pace: PaceBand = field(default_factory=PaceBand)
    posture: tuple[str, ...] = ()  # cues offered before a walk and ticked after it
    lessons: tuple[Lesson, ...] = ()  # a short read per protocol week (walkrx.domain.lessons)

    @property
    def table_phases(self) -> tuple[Phase, ...]:
        return self.phases[:-1]

    @property
    def maintenance(self) -> Phase:
        return self.phases[-1]

    @property
    def last_week(self) -> int:
        last = self.table_phases[-1].last_week
        assert last is not None
        return last

    def phase_at(self, position: int) -> Phase:
        """The phase of a position; position 0 (ease-in) belongs to the first phase."""
        if position <= 0:
            return self.phases[0]
        for phase in self.table_phases:
            assert phase.last_week is not None
            if phase.first_week <= position <= phase.last_week:
                return phase
        return self.maintenance

    def prescription(self, position: int) -> Prescription:
        phase = self.phase_at(position)
        if position <= 0:
            scale = self.review.ease_in_scale
            return Prescription(
                position=0,
                phase=phase.number,
                walks_min=phase.walks_min,
                walks_max=phase.walks_max,
                minutes_min=round_half_up(exact(phase.minutes_min) * exact(scale)),
                minutes_max=round_half_up(exact(phase.minutes_max) * exact(scale)),
                long_walk_minutes=None,
                tempo=False,
            )
        return Prescription(
            position=position,
            phase=phase.number,
            walks_min=phase.walks_min,
            walks_max=phase.walks_max,
            minutes_min=phase.minutes_min,
            minutes_max=phase.minutes_max,
            long_walk_minutes=phase.long_walk_minutes,
            tempo=phase.tempo,
        )

    def return_position(self, ended_at: int) -> int:
        """Where a return after a recurrence puts the program (issue 13): the first week of the
        protocol's return phase, or where the program ended if that was lower."""
        phase = self.table_phases[min(self.followup.return_phase, len(self.table_phases)) - 1]
        return max(0, min(phase.first_week, ended_at))

    def step_back_position(self, position: int) -> int:
        """Where a red week sends the program (spec section 6, rule 2)."""
        if position <= 0:
            return 0
        table = self.table_phases
        phase = self.phase_at(position)
        # from maintenance, to the last week of the phase before the table's last phase
        index = len(table) - 1 if phase is self.maintenance else table.index(phase)
        if index == 0:
            return 0
        previous_last = table[index - 1].last_week
        assert previous_last is not None
        return previous_last
