"""Red-flag questions, the advice given at once on a yes (spec section 7), and the fear question.

Pure data and functions: no I/O, standard library only. The wording is walkrx's own; the signs it
asks about and their tiers follow:

- NICE guideline NG59, Low back pain and sciatica in over 16s: assessment and management (2016,
  updated 2020): exclude specific causes such as cancer, infection, fracture and cauda equina
  syndrome.
- NHS Clinical Knowledge Summaries, Back pain - low (without radiculopathy): red flags for cauda
  equina syndrome (emergency) and for cancer, infection, fracture and inflammatory disease.
- The UK cauda equina warning card (promoted by the Chartered Society of Physiotherapy, the GIRFT
  spinal program and patient groups): saddle numbness, bladder, bowel and sexual changes, and
  weakness in the legs mean going to an emergency department at once.
- Verhagen AP, Downie A, Popal N, Maher C, Koes BW. Red flags presented in current low back pain
  guidelines: a review. Eur Spine J 2016;25:2788-2802.

The fear-of-movement question feeds the `fear_of_movement` referral of spec section 8; it is a
single yes/no question in walkrx's own words and reproduces no item of the TSK or FABQ
questionnaires.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from types import MappingProxyType

from walkrx.domain.codes import RedFlag, RedFlagTier

# Each question is answered yes or no; yes means the sign is present now.
QUESTIONS: Mapping[RedFlag, str] = MappingProxyType(
    {
        # emergency tier: possible cauda equina syndrome or serious nerve compression
        RedFlag.SADDLE_NUMBNESS: (
            "Have you noticed new numbness, tingling or reduced feeling between your legs, "
            "around your genitals or back passage, or across your buttocks?"
        ),
        RedFlag.BLADDER_CHANGE: (
            "Is passing urine newly different: hard to start or stop, hard to feel when you need "
            "to go or while you are going, or are you leaking?"
        ),
        RedFlag.BOWEL_CONTROL: (
            "Have you lost control of your bowels, or become unable to feel or hold back a bowel "
            "movement?"
        ),
        RedFlag.SEXUAL_DYSFUNCTION: (
            "Has your sexual function changed recently, for example less feeling in the genitals "
            "or trouble getting or keeping an erection?"
        ),
        RedFlag.LEG_WEAKNESS: (
            "Are both legs newly weak or getting weaker, or does one foot drag or slap down "
            "because you cannot lift its front?"
        ),
        # urgent tier: possible infection, cancer, fracture or inflammatory disease
        RedFlag.FEVER_UNWELL: (
            "Along with the back pain, do you have a fever, chills or sweats, or feel generally "
            "unwell?"
        ),
        RedFlag.CANCER_HISTORY: (
            "Have you ever been treated for cancer, and has this back pain started since then?"
        ),
        RedFlag.WEIGHT_LOSS: "Have you lost weight recently without meaning to?",
        RedFlag.TRAUMA: (
            "Did this back pain start after a serious accident or fall, or after a small knock or "
            "fall while you have thin bones (osteoporosis) or take steroid tablets?"
        ),
        RedFlag.NIGHT_PAIN: (
            "Is the pain there all night, without easing when you change position?"
        ),
        RedFlag.AGE_ONSET: (
            "Did back pain like this start for the first time after you turned 50, or before "
            "you turned 20?"
        ),
        RedFlag.IMMUNOSUPPRESSION: (
            "Is your immune system weakened, for example by medicine after a transplant, "
            "chemotherapy, long-term steroids or HIV, or do you inject drugs?"
        ),
    }
)

# Shown the moment any question of the tier is answered yes, not at the next weekly review.
ADVICE: Mapping[RedFlagTier, str] = MappingProxyType(
    {
        RedFlagTier.EMERGENCY: (
            "Stop the walking program and go to an emergency department now, or call your local "
            "emergency number. This sign can mean pressure on the nerves at the base of the spine, "
            "which needs to be checked the same day; do not wait to see whether it passes. Tell "
            "the staff which sign you have."
        ),
        RedFlagTier.URGENT: (
            "Pause the walking program and arrange to see a doctor within the next few days; tell "
            "them which question you answered yes. Start walking again only after they have "
            "checked you, then clear the flag in walkrx. If you feel worse, or any of the "
            "emergency signs appear, go to an emergency department straight away."
        ),
    }
)

FEAR_OF_MOVEMENT_QUESTION = (
    "In the last two weeks, have you kept away from some movements or activities because you "
    "were afraid they would hurt or harm your back?"
)

# Most serious first; highest_tier relies on this order.
_TIER_ORDER: tuple[RedFlagTier, ...] = (RedFlagTier.EMERGENCY, RedFlagTier.URGENT)


def question(code: RedFlag | str) -> str:
    """The yes/no question for a red-flag code (a RedFlag or its string value)."""
    return QUESTIONS[RedFlag(code)]


def questions(tier: RedFlagTier | None = None) -> list[tuple[RedFlag, str]]:
    """The questions in asking order (emergency tier first), optionally those of one tier only."""
    return [(code, text) for code, text in QUESTIONS.items() if tier is None or code.tier is tier]


def highest_tier(codes: Iterable[RedFlag | str]) -> RedFlagTier | None:
    """The most serious tier among answered-yes codes; None when there are none."""
    tiers = {RedFlag(code).tier for code in codes}
    for tier in _TIER_ORDER:
        if tier in tiers:
            return tier
    return None


def advice(tier: RedFlagTier | str) -> str:
    """What to do at once when a question of this tier is answered yes."""
    return ADVICE[RedFlagTier(tier)]
