"""Stable codes of the program (spec section 11), used in JSON output, exports and tests."""

from __future__ import annotations

from enum import StrEnum


class Decision(StrEnum):
    PROGRESS = "progress"
    HOLD = "hold"
    STEP_BACK = "step_back"
    SEEK_CARE_URGENT = "seek_care_urgent"
    SEEK_CARE_EMERGENCY = "seek_care_emergency"


class Reason(StrEnum):
    PAIN_RED = "pain_red"
    MORNING_PAIN_RISING = "morning_pain_rising"
    TOO_LITTLE = "too_little"
    TOO_MUCH_TOO_SOON = "too_much_too_soon"
    PAIN_AMBER = "pain_amber"
    NO_WALKS = "no_walks"
    RED_FLAG = "red_flag"
    ON_TRACK = "on_track"
    PAUSED_BY_CLINICIAN = "paused_by_clinician"  # issue 11: a clinician paused the program
    PROGRAM_FINISHED = "program_finished"  # issue 13: the program was finished, not taken up again


class Flag(StrEnum):
    CLINICIAN_REVIEW = "clinician_review"
    NOT_LOGGING = "not_logging"
    RED_FLAG_OPEN = "red_flag_open"


class Referral(StrEnum):
    PLATEAU = "plateau"
    STILL_LIMITED = "still_limited"
    FEAR_OF_MOVEMENT = "fear_of_movement"
    RETURN_TO_SPORT = "return_to_sport"


class PainStatus(StrEnum):
    GREEN = "green"
    AMBER = "amber"
    RED = "red"
    UNKNOWN = "unknown"


class Terrain(StrEnum):
    FLAT = "flat"
    HILLY = "hilly"
    MIXED = "mixed"
    TREADMILL = "treadmill"


class RedFlagTier(StrEnum):
    EMERGENCY = "emergency"
    URGENT = "urgent"


class RedFlag(StrEnum):
    SADDLE_NUMBNESS = "saddle_numbness"
    BLADDER_CHANGE = "bladder_change"
    BOWEL_CONTROL = "bowel_control"
    SEXUAL_DYSFUNCTION = "sexual_dysfunction"
    LEG_WEAKNESS = "leg_weakness"
    FEVER_UNWELL = "fever_unwell"
    CANCER_HISTORY = "cancer_history"
    WEIGHT_LOSS = "weight_loss"
    TRAUMA = "trauma"
    NIGHT_PAIN = "night_pain"
    AGE_ONSET = "age_onset"
    IMMUNOSUPPRESSION = "immunosuppression"

    @property
    def tier(self) -> RedFlagTier:
        return RedFlagTier.EMERGENCY if self in _EMERGENCY else RedFlagTier.URGENT


_EMERGENCY = frozenset(
    {
        RedFlag.SADDLE_NUMBNESS,
        RedFlag.BLADDER_CHANGE,
        RedFlag.BOWEL_CONTROL,
        RedFlag.SEXUAL_DYSFUNCTION,
        RedFlag.LEG_WEAKNESS,
    }
)

# Goals a person may name; return_to_sport triggers the referral of spec section 8.
GOALS = frozenset({"return_to_sport"})
