"""docs/protocols.md documents every key of a protocol file, and its example loads."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from walkrx.domain.protocol import (
    PainThresholds,
    Phase,
    Protocol,
    ReferralThresholds,
    ReviewThresholds,
    ZoneDefaults,
)
from walkrx.protocols import parse

DOC = Path(__file__).parents[2] / "docs" / "protocols.md"


@pytest.mark.parametrize(
    "cls", [Protocol, Phase, PainThresholds, ReviewThresholds, ReferralThresholds, ZoneDefaults]
)
def test_every_key_is_documented(cls: type) -> None:
    """Every field of the protocol dataclasses appears as `key` in docs/protocols.md."""
    text = DOC.read_text(encoding="utf-8")
    for field in dataclasses.fields(cls):
        assert f"`{field.name}`" in text or f"[[{field.name}]]" in text or f"[{field.name}]" in text


def test_docs_example_loads() -> None:
    """The small example of docs/protocols.md is a valid protocol file."""
    text = DOC.read_text(encoding="utf-8")
    block = re.search(r"```toml\n(.*?)```", text, re.DOTALL)
    assert block
    protocol = parse(block.group(1), "docs/protocols.md")
    assert protocol.name == "clinic-8wk"
    assert protocol.referral.first_week == 6
