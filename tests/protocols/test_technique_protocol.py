"""How to walk as protocol data (issue 15): the pace band, the posture checklist and the weekly
lessons are read and validated like every other part of a protocol file, and the shipped files
hold them in walkrx's own words with their sources."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from walkrx.domain.lessons import lesson_at, word_count
from walkrx.domain.pace import PaceBand
from walkrx.errors import ProtocolFileError
from walkrx.protocols import available, customise, describe, load, parse

CLINIC = (Path(__file__).parent / "data" / "valid" / "clinic-8wk.toml").read_text("utf-8")
SEEDS = Path(__file__).resolve().parents[3] / "shared" / "seeds"


def _lesson(
    first: int,
    last: int | None,
    *,
    title: str = "A title",
    sources: str = '["s"]',
    text: str = "Some words.",
) -> str:
    weeks = f"first_week = {first}\n" + (f"last_week = {last}\n" if last is not None else "")
    return f'\n[[lessons]]\n{weeks}title = "{title}"\ntext = """{text}"""\nsources = {sources}\n'


def _refused(text: str) -> ProtocolFileError:
    with pytest.raises(ProtocolFileError) as caught:
        parse(text, "clinic.toml")
    return caught.value


def test_a_clinic_file_without_them_takes_the_defaults() -> None:
    protocol = parse(CLINIC, "clinic.toml")
    assert protocol.pace == PaceBand()
    assert protocol.posture == () and protocol.lessons == ()


def test_a_clinic_sets_its_own_band_checklist_and_lessons() -> None:
    text = (
        'posture = ["Walk tall", "Breathe"]\n'
        + CLINIC
        + '\n[pace]\nlow_kmh = 3.5\nhigh_kmh = 5.5\nsource = "our clinic"\n'
        + _lesson(1, 4)
        + _lesson(5, None, title="Later")
    )
    protocol = parse(text, "clinic.toml")
    assert protocol.pace == PaceBand(3.5, 5.5, "our clinic")
    assert protocol.posture == ("Walk tall", "Breathe")
    later = lesson_at(protocol.lessons, 12)
    assert later is not None and later.title == "Later"


@pytest.mark.parametrize(
    ("extra", "field", "problem"),
    [
        ("\n[pace]\nlow_kmh = 7.0\nhigh_kmh = 6.0\n", "pace.low_kmh", "greater than high_kmh"),
        ("\n[pace]\nhigh_kmh = 12.0\n", "pace.high_kmh", "at most 10"),
        ("\n[pace]\nlow_kmh = 0\n", "pace.low_kmh", "greater than 0"),
        ("\n[pace]\nfast_kmh = 9.0\n", "pace.fast_kmh", "unknown key"),
        (_lesson(2, 8), "lessons[1].first_week", "must start at week 1"),
        (_lesson(1, 3) + _lesson(5, 8), "lessons[2].first_week", "a week has no lesson"),
        (_lesson(1, 4) + _lesson(3, 8), "lessons[2].first_week", "overlap"),
        (_lesson(1, 4) + _lesson(5, 6), "lessons[2].last_week", "every week needs a lesson"),
        (_lesson(1, None) + _lesson(5, 8), "lessons[1].last_week", "only the last lesson"),
        (_lesson(1, 8, sources="[]"), "lessons[1].sources", "name at least one source"),
        (_lesson(1, 8, title=" "), "lessons[1].title", "empty"),
        (_lesson(1, 8, text="word " * 1001), "lessons[1].text", "1001 words"),
        (_lesson(1, 8) + "kind = 'x'\n", "lessons[1].kind", "unknown key"),
    ],
)
def test_a_bad_band_or_lesson_is_refused_naming_the_field(
    extra: str, field: str, problem: str
) -> None:
    error = _refused(CLINIC + extra)
    assert (error.file, error.field) == ("clinic.toml", field)
    assert problem in error.problem


@pytest.mark.parametrize(
    ("posture", "field", "problem"),
    [
        ('["Walk tall", "Walk tall"]', "posture[2]", "repeats"),
        ('["Walk tall", ""]', "posture[2]", "empty"),
        ('["' + "x" * 201 + '"]', "posture[1]", "201 characters"),
        ("[" + ", ".join(f'"cue {i}"' for i in range(21)) + "]", "posture", "21 cues"),
        ('"Walk tall"', "posture", "array"),
    ],
)
def test_a_bad_checklist_is_refused(posture: str, field: str, problem: str) -> None:
    error = _refused(f"posture = {posture}\n" + CLINIC)
    assert error.field == field and problem in error.problem


def test_a_clinician_adjusts_the_band_like_a_threshold() -> None:
    base = load("walking-6wk")
    slower = customise(base, {"pace.low_kmh": 3.2, "pace.high_kmh": 5.0}, "Ann")
    assert slower.pace.kmh == (3.2, 5.0)
    assert slower.pace.source == base.pace.source
    with pytest.raises(ProtocolFileError) as caught:
        customise(base, {"pace.low_kmh": 7.0}, "Ann")
    assert caught.value.field == "pace.low_kmh"


@pytest.mark.parametrize("name", available())
def test_shipped_protocols_hold_band_checklist_and_a_lesson_for_every_week(name: str) -> None:
    protocol = load(name)
    assert protocol.pace.kmh == (4.8, 6.4)
    assert "3 to 4 miles an hour" in protocol.pace.source
    assert "Simply Southern Chiropractic" in protocol.pace.source
    assert len(protocol.posture) == 9
    for week in range(0, protocol.last_week + 5):
        assert lesson_at(protocol.lessons, week) is not None, week
    for lesson in protocol.lessons:
        assert 200 <= word_count(lesson.text) <= 400, lesson.title
        assert lesson.sources
    titles = " ".join(lesson.title for lesson in protocol.lessons).lower()
    for topic in ("walking helps", "pain", "flare", "pacing", "shoes", "not enough"):
        assert topic in titles, topic
    shown = " ".join([*protocol.posture, *(lesson.text for lesson in protocol.lessons)])
    assert not re.search(r"\bkm\b|km/h|\bmph\b|\bmiles?\b", shown)  # read by every walker
    assert describe(protocol)["pace"]["low_kmh"] == 4.8


def _sentences(text: str) -> set[str]:
    found = re.split(r"(?<=[.!?:])\s+|\n", text)
    return {" ".join(s.lower().split()) for s in found if len(s.split()) >= 6}


@pytest.mark.skipif(not SEEDS.is_dir(), reason="the seed articles are not on this machine")
@pytest.mark.parametrize("name", available())
def test_no_sentence_of_the_seed_articles_is_copied(name: str) -> None:
    """The checklist and lessons are in walkrx's own words: no sentence of six words or more of
    either seed article appears in them."""
    seeds = set().union(*(_sentences(p.read_text("utf-8")) for p in SEEDS.glob("*.txt")))
    protocol = load(name)
    ours = " ".join(
        " ".join(s.lower().split())
        for s in [*protocol.posture, *(lesson.text for lesson in protocol.lessons)]
    )
    copied = [s for s in seeds if s.rstrip(".!?:") in ours]
    assert not copied
