"""Device timestamps: the fast per-day path of `parse_time` agrees with the general ISO parser."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkrx.importers._xml import _parse_time_general, parse_time

OFFSETS = st.sampled_from(["Z", "", "+00:00", "-00:00", "-04:00", "+05:45", "+14:00", "-12:00"])
FRACTIONS = st.sampled_from(["", ".0", ".5", ".123", ".999999", ".1234567"])


@given(
    moment=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2090, 12, 31)),
    fraction=FRACTIONS,
    offset=OFFSETS,
)
def test_fast_path_matches_the_general_parser(moment: datetime, fraction: str, offset: str) -> None:
    """Any well-formed device timestamp gives the same instant and offset on both paths."""
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + offset
    fast, general = parse_time(text), _parse_time_general(text)
    assert fast is not None and general is not None
    assert fast[0] == pytest.approx(general[0], abs=1e-6)
    assert fast[1] == general[1]


@pytest.mark.parametrize(
    "text",
    [
        "2024-02-30T06:00:00Z",  # no such day
        "2024-05-18T24:00:00Z",
        "2024-05-18T06:00:60Z",
        "2024-05-18T06:00:00+0200",
        "2024-05-18T6:00:00Z",
        " 2024-05-18T06:00:00Z",
        "2024-05-18T06:00:00.Z",
        "",
        None,
    ],
)
def test_odd_shapes_agree_too(text: str | None) -> None:
    """Shapes the fast path does not take still give the general parser's answer (or None)."""
    assert parse_time(text) == _parse_time_general(text)


def test_offsets_and_utc() -> None:
    """A stated local offset is kept; Z and a zero offset say nothing about local time."""
    assert parse_time("2020-12-27T15:59:36.000+01:00") == (
        datetime(2020, 12, 27, 15, 59, 36, tzinfo=timezone(timedelta(hours=1))).timestamp(),
        3600,
    )
    assert parse_time("2012-12-26T21:29:53Z") == (
        datetime(2012, 12, 26, 21, 29, 53, tzinfo=UTC).timestamp(),
        None,
    )
