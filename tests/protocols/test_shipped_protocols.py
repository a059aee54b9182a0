"""The shipped protocols load and their prescriptions match the tables of spec section 1 exactly."""

from __future__ import annotations

import dataclasses
import json
import tomllib
from importlib import resources

import pytest

from walkrx.domain.protocol import (
    PainThresholds,
    Protocol,
    ReferralThresholds,
    ReviewThresholds,
    ZoneDefaults,
)
from walkrx.protocols import available, describe, load

SHIPPED = ("walking-6wk", "walkback-26wk")

# (first position, last position, walks_min, walks_max, minutes_min, minutes_max, long walk, tempo)
WALKING_6WK = [
    (1, 2, 4, 5, 15, 20, None, False),
    (3, 4, 5, 6, 25, 35, 40, False),
    (5, 6, 6, 7, 30, 45, None, True),
]
WALKBACK_26WK = [
    (1, 4, 3, 4, 15, 20, None, False),
    (5, 8, 4, 5, 20, 25, None, False),
    (9, 13, 4, 5, 25, 30, None, False),
    (14, 26, 5, 6, 30, 40, None, False),
]


def _raw(name: str) -> dict[str, object]:
    text = resources.files("walkrx.protocols").joinpath(f"{name}.toml").read_text("utf-8")
    return tomllib.loads(text)


def test_available_lists_both_shipped_protocols() -> None:
    """Spec section 1: walking-6wk and walkback-26wk ship with walkrx."""
    assert set(SHIPPED) <= set(available())
    assert available() == sorted(available())


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_protocol_loads_under_its_own_name(name: str) -> None:
    """A shipped file's name key equals its file name, so load(name).name == name."""
    protocol = load(name)
    assert isinstance(protocol, Protocol)
    assert protocol.name == name


@pytest.mark.parametrize(
    ("name", "table"), [("walking-6wk", WALKING_6WK), ("walkback-26wk", WALKBACK_26WK)]
)
def test_table_positions_match_the_spec(name: str, table: list[tuple[object, ...]]) -> None:
    """Spec section 1 tables: each protocol week's walks, minutes, long walk and tempo."""
    protocol = load(name)
    assert protocol.last_week == table[-1][1]
    for phase_number, row in enumerate(table, start=1):
        first, last, walks_min, walks_max, minutes_min, minutes_max, long_walk, tempo = row
        assert isinstance(first, int) and isinstance(last, int)
        for position in range(first, last + 1):
            p = protocol.prescription(position)
            assert (p.phase, p.walks_min, p.walks_max) == (phase_number, walks_min, walks_max)
            assert (p.minutes_min, p.minutes_max) == (minutes_min, minutes_max)
            assert (p.long_walk_minutes, p.tempo) == (long_walk, tempo)


@pytest.mark.parametrize("name", SHIPPED)
def test_ease_in_week_scales_first_phase_minutes(name: str) -> None:
    """Spec section 6: position 0 has phase 1's walks and 15-20 minutes scaled by 0.8 to 12-16."""
    p = load(name).prescription(0)
    first = load(name).phases[0]
    assert (p.phase, p.walks_min, p.walks_max) == (1, first.walks_min, first.walks_max)
    assert (p.minutes_min, p.minutes_max) == (12, 16)
    assert p.long_walk_minutes is None and p.tempo is False


def test_walking_6wk_examples_from_the_brief() -> None:
    """walking-6wk: position 0 -> 4-5 walks of 12-16 min; 3 -> 5-6 x 25-35 with a 40-min long walk;
    5 -> tempo; 9 -> maintenance (phase 4) with phase 3's numbers."""
    protocol = load("walking-6wk")
    p0, p3, p5, p9 = (protocol.prescription(i) for i in (0, 3, 5, 9))
    assert (p0.walks_min, p0.walks_max, p0.minutes_min, p0.minutes_max) == (4, 5, 12, 16)
    assert (p3.walks_min, p3.walks_max, p3.minutes_min, p3.minutes_max) == (5, 6, 25, 35)
    assert p3.long_walk_minutes == 40
    assert p5.tempo is True
    assert p9.phase == 4
    assert (p9.walks_min, p9.walks_max, p9.minutes_min, p9.minutes_max) == (6, 7, 30, 45)
    assert p9.long_walk_minutes is None
    assert p9.tempo is True  # offered, optional


@pytest.mark.parametrize(
    ("name", "maintenance_number", "first_week", "step_back"),
    [("walking-6wk", 4, 7, 4), ("walkback-26wk", 5, 27, 13)],
)
def test_maintenance_phase(
    name: str, maintenance_number: int, first_week: int, step_back: int
) -> None:
    """Spec sections 1 and 6: maintenance is the phase after the table, open-ended, with the last
    phase's walks and minutes and no long walk; a red week in it steps back to 4 (walking-6wk) or
    13 (walkback-26wk)."""
    protocol = load(name)
    maintenance, last = protocol.maintenance, protocol.table_phases[-1]
    assert maintenance.number == maintenance_number
    assert maintenance.first_week == first_week == protocol.last_week + 1
    assert maintenance.last_week is None
    assert (maintenance.walks_min, maintenance.walks_max) == (last.walks_min, last.walks_max)
    assert (maintenance.minutes_min, maintenance.minutes_max) == (
        last.minutes_min,
        last.minutes_max,
    )
    assert maintenance.long_walk_minutes is None
    for position in (first_week, first_week + 1, first_week + 20):
        assert protocol.prescription(position).phase == maintenance_number
        assert protocol.step_back_position(position) == step_back


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("walking-6wk", {0: 0, 1: 0, 2: 0, 3: 2, 4: 2, 5: 4, 6: 4}),
        ("walkback-26wk", {0: 0, 4: 0, 5: 4, 8: 4, 9: 8, 13: 8, 14: 13, 26: 13}),
    ],
)
def test_step_back_positions(name: str, expected: dict[int, int]) -> None:
    """Spec section 6 rule 2: a red week moves to the last week of the previous phase, or to 0."""
    protocol = load(name)
    for position, target in expected.items():
        assert protocol.step_back_position(position) == target


def test_walking_6wk_zone_goal_and_tempo() -> None:
    """Spec section 1: weekly target-zone goal 150-300 min in phase 3 and maintenance; the tempo
    walk is 4 x 5 min brisk with 2 min easy between, still in the zone."""
    protocol = load("walking-6wk")
    goals = [phase.weekly_zone_minutes for phase in protocol.phases]
    assert goals == [None, None, (150, 300), (150, 300)]
    assert [phase.tempo for phase in protocol.phases] == [False, False, True, True]
    text = protocol.tempo_description
    assert "5 minutes" in text and "2 minutes" in text and "4 " in text and "zone" in text


def test_walkback_has_no_tempo_long_walk_or_zone_goal() -> None:
    """Spec section 1: the walkback-26wk table prescribes walks and minutes only."""
    for phase in load("walkback-26wk").phases:
        assert phase.tempo is False
        assert phase.long_walk_minutes is None
        assert phase.weekly_zone_minutes is None


@pytest.mark.parametrize(
    ("name", "first", "outcome"), [("walking-6wk", 4, 6), ("walkback-26wk", 8, 14)]
)
def test_referral_weeks(name: str, first: int, outcome: int) -> None:
    """Spec section 8: first referral week and outcome week are protocol data."""
    referral = load(name).referral
    assert (referral.first_week, referral.outcome_week) == (first, outcome)


@pytest.mark.parametrize("name", SHIPPED)
def test_thresholds_equal_the_spec_defaults(name: str) -> None:
    """Spec sections 2, 5, 6, 8: pain, review and zone numbers are the spec's; referral weeks aside,
    the referral numbers too."""
    protocol = load(name)
    assert protocol.pain == PainThresholds(
        settle_rise=2, red_peak=8, red_peak_with_rise=6, red_rise=2,
        amber_peak=6, amber_peak_with_rise=4, amber_rise=1,
    )  # fmt: skip
    assert protocol.review == ReviewThresholds(
        count_fraction=0.5, too_little_fraction=0.75, too_much_fraction=1.25,
        morning_rise=1.0, morning_min_checkins=3, ease_in_scale=0.8,
    )  # fmt: skip
    assert protocol.zones == ZoneDefaults(
        hrmax_low=0.70, hrmax_high=0.80, hrr_low=0.50, hrr_high=0.65
    )
    referral = dataclasses.replace(protocol.referral, first_week=4, outcome_week=6)
    assert referral == ReferralThresholds(
        plateau_reviews=3, baseline_pain_min=3.0, pain_improve_points=2.0,
        pain_improve_fraction=0.30, pace_improve_fraction=0.03, psfs_good=7.0,
        psfs_improve_points=2.0, tsk17_high=37, fabq_pa_high=15,
    )  # fmt: skip


@pytest.mark.parametrize("name", SHIPPED)
def test_shipped_files_state_every_threshold_explicitly(name: str) -> None:
    """Every field of the thresholds dataclasses is written out in the shipped files, as data."""
    raw = _raw(name)
    for section, cls in (
        ("pain", PainThresholds),
        ("review", ReviewThresholds),
        ("referral", ReferralThresholds),
        ("zones", ZoneDefaults),
    ):
        table = raw[section]
        assert isinstance(table, dict)
        assert set(table) == {f.name for f in dataclasses.fields(cls)}


@pytest.mark.parametrize("name", SHIPPED)
def test_texts_shown_on_the_plan_are_present(name: str) -> None:
    """Spec section 1: purpose, focus cues and safety notes (warm-up and stretches, shoes, talk
    test) are protocol data; cues are short lines."""
    protocol = load(name)
    for phase in protocol.phases:
        assert phase.purpose
        assert phase.cues
        assert all(0 < len(cue) <= 90 for cue in phase.cues)
    safety = " ".join(protocol.safety).lower()
    for topic in ("warm up", "stretch", "shoes", "talk test"):
        assert topic in safety
    assert "full sentences" in protocol.talk_test


@pytest.mark.parametrize(
    ("name", "citations"),
    [
        ("walking-6wk", ("Silbernagel", "Ostelo", "NICE NG59", "Tanaka", "Verhagen", "Karvonen")),
        (
            "walkback-26wk",
            ("Pocovi", "Lancet 2024", "Silbernagel", "Ostelo", "NICE NG59", "Tanaka"),
        ),
    ],
)
def test_sources_cite_the_rules_and_name_own_choices(name: str, citations: tuple[str, ...]) -> None:
    """Spec preamble: sources are named for every rule; walkrx's own design choices are marked."""
    sources = " ".join(load(name).sources)
    for citation in citations:
        assert citation in sources
    assert "walkrx's own" in sources


def test_walkback_says_its_ramp_is_walkrx_own() -> None:
    """Spec section 1: the trial's increments are unpublished, so the file says the ramp is ours."""
    protocol = load("walkback-26wk")
    for text in (protocol.description, " ".join(protocol.sources)):
        assert "walkrx's own" in text
        assert "not published" in text
    assert "walkrx" in protocol.title


def test_walking_6wk_is_not_presented_as_walkback() -> None:
    """Spec section 1: never present the 6-week protocol as the WalkBack protocol."""
    protocol = load("walking-6wk")
    shown = " ".join(
        [protocol.title, protocol.description, *protocol.safety, *protocol.sources]
        + [f"{p.name} {p.purpose} {' '.join(p.cues)}" for p in protocol.phases]
    )
    assert "walkback" not in shown.lower()
    assert "pocovi" not in shown.lower()


@pytest.mark.parametrize("name", SHIPPED)
def test_describe_is_json_and_complete(name: str) -> None:
    """describe() is JSON-able, mirrors every file key, and lists each position's prescription."""
    protocol = load(name)
    description = describe(protocol)
    assert json.loads(json.dumps(description)) == description
    assert set(_raw(name)) <= set(description)
    assert description["last_week"] == protocol.last_week
    assert description["maintenance_from"] == protocol.last_week + 1
    assert description["phases"][-1]["maintenance"] is True
    assert not any(phase["maintenance"] for phase in description["phases"][:-1])
    prescriptions = description["prescriptions"]
    assert [entry["position"] for entry in prescriptions] == list(range(protocol.last_week + 2))
    assert prescriptions[0]["ease_in"] is True
    assert prescriptions[-1]["maintenance"] is True
    for entry in prescriptions:
        p = protocol.prescription(entry["position"])
        assert entry["minutes_min"] == p.minutes_min
        assert entry["total_min"] == p.total_min
        assert entry["total_max"] == p.total_max
        assert entry["step_back_to"] == protocol.step_back_position(entry["position"])


def test_describe_walking_6wk_numbers() -> None:
    """describe() carries the spec's numbers: phase 3's weekly zone goal, phase 2's long walk."""
    description = describe(load("walking-6wk"))
    assert description["phases"][1]["long_walk_minutes"] == 40
    assert description["phases"][2]["weekly_zone_minutes"] == [150, 300]
    assert description["referral"]["first_week"] == 4
    assert description["zones"]["hrmax_low"] == 0.70
