"""Device timestamps: `parse_time` (lean, with a cached offset per zone) agrees with a plain
reference reading of ISO 8601 written out in full here."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from walkrx.importers._xml import parse_time


def reference(text: str | None) -> tuple[float, int | None] | None:
    """The obvious reading: Python's ISO parser, naive as UTC, and Z or +00:00 as 'no offset'."""
    if text is None:
        return None
    try:
        dt = datetime.fromisoformat(text.strip())
    except ValueError:
        return None
    off = dt.utcoffset()
    if off is None:
        return dt.replace(tzinfo=UTC).timestamp(), None
    return dt.timestamp(), int(off.total_seconds()) or None


OFFSETS = st.sampled_from(["Z", "", "+00:00", "-00:00", "-04:00", "+05:45", "+14:00", "-12:00"])
FRACTIONS = st.sampled_from(["", ".0", ".5", ".123", ".999999", ".1234567"])


@given(
    moment=st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2090, 12, 31)),
    fraction=FRACTIONS,
    offset=OFFSETS,
)
def test_matches_the_reference_reading(moment: datetime, fraction: str, offset: str) -> None:
    """Any well-formed device timestamp gives the reference instant and offset."""
    moment = moment.replace(microsecond=0)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S") + fraction + offset
    got, expected = parse_time(text), reference(text)
    assert got is not None and expected is not None
    assert got[0] == pytest.approx(expected[0], abs=1e-6)
    assert got[1] == expected[1]
    # The instant itself, computed without any parser.
    local = moment + timedelta(microseconds=int((fraction or ".0")[1:7].ljust(6, "0")))
    shift = timedelta(0) if offset in ("Z", "") else _offset(offset)
    assert got[0] == pytest.approx((local - shift).replace(tzinfo=UTC).timestamp(), abs=1e-6)


def _offset(text: str) -> timedelta:
    sign = -1 if text[0] == "-" else 1
    return sign * timedelta(hours=int(text[1:3]), minutes=int(text[4:6]))


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
        "2024-05-18T06:00:00+02:00 ",
        "",
        None,
    ],
)
def test_odd_shapes_agree_too(text: str | None) -> None:
    """Odd shapes (impossible dates, other offset forms, blanks) give the reference answer."""
    assert parse_time(text) == reference(text)


@pytest.mark.parametrize(
    "text", ["2024-02-30T06:00:00Z", "2024-05-18T24:00:00Z", "noon", "2024-05-18T06:61:00Z"]
)
def test_impossible_times_are_none(text: str) -> None:
    """A time that is not a real instant is not read (its sample is left out, not invented)."""
    assert parse_time(text) is None


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
