"""What each adjustable threshold of a protocol means, in words a physiotherapist reads.

The thresholds themselves are protocol data (`walkrx.domain.protocol`, the `[pain]`, `[review]`,
`[referral]`, `[zones]` and `[pace]` tables of a protocol file); this module only says, for each
dotted key (`review.too_little_fraction`), its label, its unit and one line on what it does,
grouped as a clinician thinks about them: how a walk's pain is judged, how the week is reviewed,
when walking alone may not be enough, the heart-rate zone, and the walking pace band (advice
only). Every adjustable key has its words here (a test checks that none is missing).
"""

from __future__ import annotations

from dataclasses import dataclass

PAIN_POINTS = "points on the 0–10 pain scale"


@dataclass(frozen=True)
class ThresholdWords:
    """How one threshold is shown: a label, its unit and what it does."""

    key: str  # dotted key, e.g. "review.too_little_fraction"
    label: str
    unit: str
    explains: str


@dataclass(frozen=True)
class ThresholdGroup:
    """Thresholds that act together, shown under one heading."""

    name: str  # "pain", "review", "referral", "zones"
    title: str
    intro: str
    thresholds: tuple[ThresholdWords, ...]


def _w(key: str, label: str, unit: str, explains: str) -> ThresholdWords:
    return ThresholdWords(key, label, unit, explains)


GROUPS: tuple[ThresholdGroup, ...] = (
    ThresholdGroup(
        "pain",
        "Pain response to a walk",
        "How each walk is rated green, amber or red from the pain before it, its peak (the higher "
        "of pain during and right after) and the next morning.",
        (
            _w(
                "pain.settle_rise",
                "Not settled by the next morning",
                PAIN_POINTS,
                "A walk is red when next-morning pain is at least this much above the pain "
                "before it.",
            ),
            _w(
                "pain.red_peak",
                "Red: peak pain",
                PAIN_POINTS,
                "A walk is red when its peak pain reaches this, whatever the pain before it.",
            ),
            _w(
                "pain.red_peak_with_rise",
                "Red: peak pain with a rise",
                PAIN_POINTS,
                "A walk is also red when its peak reaches this and pain rose by at least the "
                "red rise.",
            ),
            _w(
                "pain.red_rise",
                "Red: rise in pain",
                PAIN_POINTS,
                "The rise (peak minus pain before) that makes a walk red together with the peak "
                "above.",
            ),
            _w(
                "pain.amber_peak",
                "Amber: peak pain",
                PAIN_POINTS,
                "A walk that is not red is amber when its peak reaches this, even without a rise.",
            ),
            _w(
                "pain.amber_peak_with_rise",
                "Amber: peak pain with a rise",
                PAIN_POINTS,
                "A walk is also amber when its peak reaches this and pain rose by at least the "
                "amber rise.",
            ),
            _w(
                "pain.amber_rise",
                "Amber: rise in pain",
                PAIN_POINTS,
                "The rise that makes a walk amber together with the peak above.",
            ),
        ),
    ),
    ThresholdGroup(
        "review",
        "Weekly review",
        "How much walking a week needs before the program moves on, and when it holds or steps "
        "back.",
        (
            _w(
                "review.count_fraction",
                "Shortest walk that counts",
                "share of the minimum minutes per walk (0.5 = 50 %)",
                "A walk counts toward the week's number of walks when it lasts at least this "
                "share of the prescribed minimum.",
            ),
            _w(
                "review.too_little_fraction",
                "Too little walking",
                "share of the weekly minimum (0.75 = 75 %)",
                "The week is held when its total minutes fall below this share of the minimum "
                "total (fewest walks × shortest minutes).",
            ),
            _w(
                "review.too_much_fraction",
                "Too much too soon",
                "multiple of the weekly maximum (1.25 = 125 %)",
                "The week is held when its total minutes go above this multiple of the maximum "
                "total (most walks × longest minutes).",
            ),
            _w(
                "review.morning_rise",
                "Morning pain rising",
                PAIN_POINTS,
                "The week steps back when its average morning pain is at least this much above "
                "the week before.",
            ),
            _w(
                "review.morning_min_checkins",
                "Mornings needed to compare",
                "check-ins with morning pain, in each of the two weeks",
                "Morning pain is compared only when both weeks have at least this many days "
                "with a morning pain rating.",
            ),
            _w(
                "review.ease_in_scale",
                "Ease-in week length",
                "share of the first phase's minutes (0.8 = 80 %)",
                "The ease-in week (position 0) prescribes the first phase's minutes shortened "
                "to this share.",
            ),
        ),
    ),
    ThresholdGroup(
        "referral",
        "When walking may not be enough",
        "When a review suggests individual rehabilitation alongside or instead of walking. Weeks "
        "here are calendar weeks since the start, not program positions.",
        (
            _w(
                "referral.first_week",
                "Referral checks start",
                "week of the program",
                "From this week on, every review checks for a plateau and fear of movement.",
            ),
            _w(
                "referral.outcome_week",
                "Outcome checks start",
                "week of the program",
                "From this week on, the pain, pace, function and return-to-sport checks apply too.",
            ),
            _w(
                "referral.plateau_reviews",
                "Reviews without progress",
                "weekly reviews (paused weeks left out)",
                "A plateau is suggested when none of this many latest reviews moved the program "
                "on.",
            ),
            _w(
                "referral.baseline_pain_min",
                "Starting pain that should improve",
                f"{PAIN_POINTS} (mean peak pain of weeks 1–2)",
                "The pain-and-pace plateau check applies only when walks in weeks 1–2 averaged "
                "at least this peak pain.",
            ),
            _w(
                "referral.pain_improve_points",
                "Pain improvement expected: points",
                PAIN_POINTS,
                "Peak pain of the last two weeks counts as improved when it is at least this "
                "many points below weeks 1–2 …",
            ),
            _w(
                "referral.pain_improve_fraction",
                "Pain improvement expected: share",
                "share of the starting pain (0.30 = 30 %)",
                "… and also at least this share below it.",
            ),
            _w(
                "referral.pace_improve_fraction",
                "Pace improvement expected",
                "share of the starting pace at the same heart rate (0.03 = 3 %)",
                "With neither less pain nor this much faster walking at the same heart rate, a "
                "plateau is suggested.",
            ),
            _w(
                "referral.psfs_good",
                "Function good enough",
                "Patient-Specific Functional Scale mean (0–10)",
                "Still limited is suggested while the latest PSFS mean is below this …",
            ),
            _w(
                "referral.psfs_improve_points",
                "Function improvement expected",
                "points on the Patient-Specific Functional Scale (0–10)",
                "… and less than this many points above the first PSFS recorded.",
            ),
            _w(
                "referral.tsk17_high",
                "High fear of movement: TSK-17",
                "TSK-17 score (17–68)",
                "A latest TSK-17 above this suggests help with fear of movement.",
            ),
            _w(
                "referral.fabq_pa_high",
                "High fear-avoidance: FABQ physical activity",
                "FABQ physical-activity score (0–24)",
                "A latest FABQ physical-activity score above this suggests help with fear of "
                "movement.",
            ),
        ),
    ),
    ThresholdGroup(
        "zones",
        "Heart-rate zone",
        "The target band walks aim for. It is worked out from maximum heart rate (HRmax), or from "
        "heart-rate reserve when the patient's zones use their resting heart rate.",
        (
            _w(
                "zones.hrmax_low",
                "Bottom of the band",
                "share of HRmax (0.70 = 70 % of HRmax)",
                "The lowest heart rate that counts as in the target zone.",
            ),
            _w(
                "zones.hrmax_high",
                "Top of the band",
                "share of HRmax (0.80 = 80 % of HRmax)",
                "The highest heart rate that counts as in the target zone.",
            ),
            _w(
                "zones.hrr_low",
                "Bottom of the band, reserve method",
                "share of heart-rate reserve (0.50 = 50 %)",
                "Used instead of the HRmax band when zones use the resting heart rate: resting + "
                "this share of (HRmax − resting).",
            ),
            _w(
                "zones.hrr_high",
                "Top of the band, reserve method",
                "share of heart-rate reserve (0.65 = 65 %)",
                "The top of the band by the reserve method.",
            ),
        ),
    ),
    ThresholdGroup(
        "pace",
        "Walking pace (advice)",
        "The moderate pace band each walk with a distance is compared with. It is advice only: "
        "the heart-rate zone and the talk test guide the walk, and no review reads pace. Lower "
        "it for a patient whose gait is slow after an injury.",
        (
            _w(
                "pace.low_kmh",
                "Bottom of the pace band",
                "km/h (4.8 km/h = 3 mph)",
                "A walk whose moving pace, to one decimal, is below this is shown as slower "
                "than the band.",
            ),
            _w(
                "pace.high_kmh",
                "Top of the pace band",
                "km/h (6.4 km/h = 4 mph)",
                "A walk whose moving pace, to one decimal, is above this is shown as faster "
                "than the band.",
            ),
        ),
    ),
)

WORDS: dict[str, ThresholdWords] = {w.key: w for group in GROUPS for w in group.thresholds}


def words_for(key: str) -> ThresholdWords:
    """The words of a threshold; a key without any (a clinic's new field) is shown as itself."""
    found = WORDS.get(key)
    if found is not None:
        return found
    return ThresholdWords(key, key.partition(".")[2].replace("_", " ").capitalize(), "", "")


def group_of(key: str) -> str:
    """The group a dotted key is shown in: its section."""
    return key.partition(".")[0]
