"""Invariants of the loader over generated protocol files (Hypothesis)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkrx.errors import ProtocolFileError
from walkrx.protocols import parse

# A table phase: (weeks, walks_min, extra walks, minutes_min, extra minutes)
_phase = st.tuples(
    st.integers(1, 6), st.integers(1, 7), st.integers(0, 3), st.integers(5, 60), st.integers(0, 30)
)


def _render(phases: list[tuple[int, int, int, int, int]], shift: int = 0) -> str:
    lines = ['name = "generated"', 'title = "Generated"', 'description = "Generated."']
    week = 1
    for number, (weeks, walks, extra_walks, minutes, extra_minutes) in enumerate(phases, start=1):
        first = week + (shift if number == len(phases) else 0)
        lines += [
            "[[phases]]",
            f"number = {number}",
            f'name = "Phase {number}"',
            'purpose = "Walk."',
            f"first_week = {first}",
            f"last_week = {week + weeks - 1}",
            f"walks_min = {walks}",
            f"walks_max = {walks + extra_walks}",
            f"minutes_min = {minutes}",
            f"minutes_max = {minutes + extra_minutes}",
        ]
        week += weeks
    weeks, walks, extra_walks, minutes, extra_minutes = phases[-1]
    lines += [
        "[[phases]]",
        f"number = {len(phases) + 1}",
        'name = "Maintenance"',
        'purpose = "Keep walking."',
        f"first_week = {week}",
        f"walks_min = {walks}",
        f"walks_max = {walks + extra_walks}",
        f"minutes_min = {minutes}",
        f"minutes_max = {minutes + extra_minutes}",
    ]
    return "\n".join(lines) + "\n"


@given(st.lists(_phase, min_size=1, max_size=6))
def test_contiguous_tables_load_and_every_position_has_its_phase(
    phases: list[tuple[int, int, int, int, int]],
) -> None:
    """Any contiguous phase table from week 1 plus maintenance loads; each position maps to the
    phase whose weeks contain it, and positions past the table to maintenance."""
    protocol = parse(_render(phases), "generated.toml")
    position = 1
    for number, (weeks, walks, _, minutes, _) in enumerate(phases, start=1):
        for _ in range(weeks):
            p = protocol.prescription(position)
            assert (p.phase, p.walks_min, p.minutes_min) == (number, walks, minutes)
            position += 1
    assert protocol.last_week == position - 1
    assert protocol.prescription(position).phase == len(phases) + 1


@given(st.lists(_phase, min_size=2, max_size=6), st.integers(-3, 3).filter(lambda s: s != 0))
def test_shifted_phase_start_is_an_overlap_or_a_gap(
    phases: list[tuple[int, int, int, int, int]], shift: int
) -> None:
    """Moving the last table phase's first week off the end of the previous phase is refused,
    naming that phase's first_week (or last_week when the phase would end before it starts)."""
    with pytest.raises(ProtocolFileError) as caught:
        parse(_render(phases, shift), "generated.toml")
    index = len(phases)
    assert caught.value.field in {f"phases[{index}].first_week", f"phases[{index}].last_week"}
