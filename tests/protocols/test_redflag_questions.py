"""Red-flag questions, tiers and immediate advice (spec 7) and the fear question (spec 8)."""

from __future__ import annotations

import pytest

from walkrx.domain import redflags
from walkrx.domain.codes import RedFlag, RedFlagTier

EMERGENCY = {
    "saddle_numbness",
    "bladder_change",
    "bowel_control",
    "sexual_dysfunction",
    "leg_weakness",
}
URGENT = {
    "fever_unwell",
    "cancer_history",
    "weight_loss",
    "trauma",
    "night_pain",
    "age_onset",
    "immunosuppression",
}


def test_every_code_has_a_yes_no_question() -> None:
    """Spec section 7: each red-flag code has its own question, a short yes/no question."""
    assert set(redflags.QUESTIONS) == set(RedFlag)
    texts = list(redflags.QUESTIONS.values())
    assert len(set(texts)) == len(texts)
    for text in texts:
        assert text.endswith("?")
        assert 20 < len(text) <= 200


def test_tiers_match_the_spec() -> None:
    """Spec sections 7 and 11: five emergency codes, seven urgent ones."""
    assert {c.value for c in RedFlag if c.tier is RedFlagTier.EMERGENCY} == EMERGENCY
    assert {c.value for c in RedFlag if c.tier is RedFlagTier.URGENT} == URGENT
    assert {c.value for c, _ in redflags.questions(RedFlagTier.EMERGENCY)} == EMERGENCY
    assert {c.value for c, _ in redflags.questions(RedFlagTier.URGENT)} == URGENT


def test_questions_are_asked_emergency_first() -> None:
    """The most serious signs are asked first."""
    tiers = [code.tier for code, _ in redflags.questions()]
    assert tiers == sorted(tiers, key=lambda tier: tier is RedFlagTier.URGENT)
    assert len(tiers) == len(RedFlag)


@pytest.mark.parametrize(
    ("codes", "expected"),
    [
        ([], None),
        ([RedFlag.WEIGHT_LOSS], RedFlagTier.URGENT),
        ([RedFlag.NIGHT_PAIN, RedFlag.TRAUMA], RedFlagTier.URGENT),
        ([RedFlag.BLADDER_CHANGE], RedFlagTier.EMERGENCY),
        ([RedFlag.FEVER_UNWELL, RedFlag.SADDLE_NUMBNESS], RedFlagTier.EMERGENCY),
        (["leg_weakness", "age_onset"], RedFlagTier.EMERGENCY),
        (["cancer_history"], RedFlagTier.URGENT),
    ],
)
def test_highest_tier(codes: list[RedFlag | str], expected: RedFlagTier | None) -> None:
    """Spec section 6 rule 1: the decision follows the highest tier among the yes answers."""
    assert redflags.highest_tier(codes) is expected


def test_highest_tier_rejects_unknown_codes() -> None:
    """An unknown code is a programming error, not silently ignored."""
    with pytest.raises(ValueError):
        redflags.highest_tier(["back_ache"])


def test_advice_per_tier() -> None:
    """Spec section 7: emergency -> stop, emergency department now; urgent -> doctor within days."""
    emergency = redflags.advice(RedFlagTier.EMERGENCY).lower()
    assert "stop" in emergency and "emergency department" in emergency and "now" in emergency
    urgent = redflags.advice(RedFlagTier.URGENT).lower()
    assert "pause" in urgent and "doctor" in urgent and "days" in urgent
    assert redflags.advice("urgent") == redflags.advice(RedFlagTier.URGENT)
    assert set(redflags.ADVICE) == set(RedFlagTier)


def test_question_lookup_by_string() -> None:
    """question() accepts a code or its stable string value."""
    assert redflags.question("trauma") == redflags.QUESTIONS[RedFlag.TRAUMA]


def test_fear_of_movement_question() -> None:
    """Spec section 8: a yes/no question about avoiding movement for fear of hurting the back."""
    text = redflags.FEAR_OF_MOVEMENT_QUESTION
    assert text.endswith("?")
    assert "afraid" in text or "fear" in text
    assert "back" in text


def test_sources_cited_in_module_docstring() -> None:
    """The module names its sources: NICE NG59, NHS CKS, the cauda equina card, Verhagen 2016."""
    doc = redflags.__doc__ or ""
    for source in ("NG59", "Clinical Knowledge Summaries", "cauda equina warning card", "Verhagen"):
        assert source in doc
