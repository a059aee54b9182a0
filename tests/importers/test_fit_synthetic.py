"""The FIT importer on small files built here with known content (a minimal FIT encoder).

Real files cannot show every trap with a known answer: these do (treadmill sub-sport, hr messages
with a known beat timing, timer pauses, a record dated 2085, device-relative times, sentinels).
"""

from __future__ import annotations

import struct
from datetime import UTC, datetime, timedelta

import pytest
from fitdecode.utils import compute_crc

from walkrx.errors import ImportFileError
from walkrx.importers import read_file

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
T0 = int((datetime(2024, 5, 1, 7, 0, tzinfo=UTC) - FIT_EPOCH).total_seconds())

# FIT base types as (struct format, base type code); MESSAGES lists (field number, base type)
U8, U16, U32, S32 = ("B", 0x02), ("H", 0x84), ("I", 0x86), ("i", 0x85)
ENUM, BYTE = ("B", 0x00), ("B", 0x0D)
MESSAGES = {
    "file_id": (0, [(0, ENUM), (1, U16), (4, U32)]),
    "session": (18, [(253, U32), (2, U32), (7, U32), (9, U32), (5, ENUM), (6, ENUM)]),
    "record": (20, [(253, U32), (0, S32), (1, S32), (3, U8), (5, U32)]),
    "event": (21, [(253, U32), (0, ENUM), (1, ENUM)]),
    "activity": (34, [(253, U32), (5, U32)]),
    "hr_anchor": (132, [(253, U32), (0, U16), (9, U32), (6, U8)]),
}


class FitBuilder:
    """Writes definition + data messages (one local type per message kind) and the CRCs."""

    def __init__(self) -> None:
        self.body = bytearray()
        self.local: dict[str, int] = {}

    def _define(self, kind: str, fields: list[tuple[int, tuple[str, int], int]]) -> int:
        local = len(self.local) % 16
        self.local[kind] = local
        global_num = 132 if kind.startswith("hr") else MESSAGES[kind][0]
        self.body += struct.pack("<BBBHB", 0x40 | local, 0, 0, global_num, len(fields))
        for num, (fmt, base), count in fields:
            self.body += struct.pack("<BBB", num, struct.calcsize(fmt) * count, base)
        return local

    def add(self, kind: str, *values: int) -> FitBuilder:
        """A message of one of MESSAGES' kinds with one value per field (invalid = all ones)."""
        _, fields = MESSAGES[kind]
        spec = [(num, typ, 1) for num, typ in fields]
        local = self.local.get(kind)
        if local is None:
            local = self._define(kind, spec)
        self.body += bytes([local])
        for (_, (fmt, _), _), v in zip(spec, values, strict=True):
            self.body += struct.pack("<" + fmt, v)
        return self

    def add_hr_packed(self, bpms: list[int], events_1024: list[int]) -> FitBuilder:
        """An hr message with 8 filtered_bpm and their event times packed as 12-bit deltas."""
        kind = "hr:packed"
        local = self.local.get(kind)
        if local is None:
            local = self._define(kind, [(6, U8, 8), (10, BYTE, 12)])
        packed = sum((e & 0xFFF) << (12 * k) for k, e in enumerate(events_1024))
        self.body += bytes([local]) + bytes(bpms) + packed.to_bytes(12, "little")
        return self

    def build(self) -> bytes:
        header = struct.pack("<BBHI4s", 14, 0x20, 2132, len(self.body), b".FIT")
        header += struct.pack("<H", compute_crc(header))
        data = header + bytes(self.body)
        return data + struct.pack("<H", compute_crc(data))


INVALID_U8, INVALID_S32 = 0xFF, 0x7FFFFFFF


def walk(sport: int = 11, sub_sport: int = 0, n: int = 10, hr: int | None = 100) -> FitBuilder:
    """A walk of n one-second records starting at T0, with an activity message at UTC+2."""
    b = FitBuilder().add("file_id", 4, 1, T0)
    b.add("event", T0, 0, 0)
    for i in range(n):
        b.add("record", T0 + i, 600_000_000, 100_000_000, INVALID_U8 if hr is None else hr, i * 120)
    b.add("session", T0 + n, T0, n * 1000, n * 120, sport, sub_sport)
    b.add("activity", T0 + n, T0 + n + 7200)
    return b


def test_treadmill_walk_is_indoor_treadmill_walking() -> None:
    """walking + sub_sport treadmill -> treadmill_walking, indoor; offset from local_timestamp."""
    (a,) = read_file(walk(sub_sport=1).build(), "tm.fit")
    assert (a.sport, a.sub_sport, a.indoor) == ("treadmill_walking", "treadmill", True)
    assert a.utc_offset_s == 7200
    assert a.start == FIT_EPOCH + timedelta(seconds=T0)
    assert a.duration_s == 10.0 and a.total_distance_m == 12.0


def test_positions_in_degrees_and_sentinels_are_missing() -> None:
    """Semicircles become degrees; heart rate 255 and latitude 0x7FFFFFFF become None."""
    (a,) = read_file(walk(hr=None).build(), "s.fit")
    assert a.lat[0] == pytest.approx(600_000_000 * 180 / 2**31)
    assert a.lon[0] == pytest.approx(100_000_000 * 180 / 2**31)
    assert all(h is None for h in a.hr_bpm)
    b = FitBuilder().add("file_id", 4, 1, T0)
    b.add("record", T0, INVALID_S32, INVALID_S32, 90, 0)
    b.add("record", T0 + 1, INVALID_S32, INVALID_S32, 0, 100)
    (c,) = read_file(b.build(), "c.fit")
    assert c.lat == (None, None) and c.hr_bpm == (90.0, None)  # 0 bpm is no reading
    assert c.sport == "other"


def test_timer_stop_and_start_become_a_pause() -> None:
    """A timer stop at +60 s and start at +360 s is the pause (60, 360)."""
    b = FitBuilder().add("file_id", 4, 1, T0)
    b.add("event", T0, 0, 0)
    for i in range(61):
        b.add("record", T0 + i, INVALID_S32, INVALID_S32, 100, i * 100)
    b.add("event", T0 + 60, 0, 4)  # stop_all
    b.add("event", T0 + 360, 0, 0)  # start
    for i in range(360, 400):
        b.add("record", T0 + i, INVALID_S32, INVALID_S32, 100, i * 100)
    b.add("event", T0 + 399, 0, 4)
    b.add("session", T0 + 399, T0, 399_000, 0, 11, 0)
    (a,) = read_file(b.build(), "p.fit")
    assert a.pauses == ((60.0, 360.0),)
    assert a.sport == "walking"


def test_record_dated_2085_is_dropped() -> None:
    """A record decades after the rest (as in the Strava file) is dropped and noted."""
    b = walk(n=5)
    b.add("record", 3_000_000_000, INVALID_S32, INVALID_S32, 100, 0)  # 2085-01-24
    (a,) = read_file(b.build(), "bogus.fit")
    assert len(a.t_s) == 5 and a.t_s[-1] == 4.0
    assert any("impossible times" in n for n in a.notes)


def test_device_relative_times_are_refused() -> None:
    """Timestamps below 0x10000000 cannot be dated: the file is refused with a clear message."""
    b = FitBuilder().add("file_id", 4, 1, 1000)
    for i in range(3):
        b.add("record", 1000 + i, INVALID_S32, INVALID_S32, 100, 0)
    with pytest.raises(ImportFileError, match="date cannot be known"):
        read_file(b.build(), "fr70.fit")


def test_hr_messages_merge_by_beat_time() -> None:
    """Beats rebuilt from the anchor and 12-bit deltas land on the records they belong to.

    The anchor pairs UTC T0 with event time E0 (not a multiple of 4096, so the accumulator must be
    seeded from it). Beat k is at E0 + k·1024 (T0 + k s) with 100 + k bpm; records at T0 + k
    without heart rate get exactly 100 + k.
    """
    e0 = 1_000_000 * 1024 + 500
    b = FitBuilder().add("file_id", 4, 1, T0)
    for i in range(1, 9):
        b.add("record", T0 + i, INVALID_S32, INVALID_S32, INVALID_U8, i * 100)
    b.add("session", T0 + 9, T0 + 1, 8000, 800, 11, 0)
    b.add("hr_anchor", T0, 0, e0, 100)
    b.add_hr_packed([100 + k for k in range(1, 9)], [e0 + k * 1024 for k in range(1, 9)])
    (a,) = read_file(b.build(), "hr.fit")
    assert a.hr_bpm == tuple(float(100 + k) for k in range(1, 9))


def test_damaged_byte_reports_the_offset() -> None:
    """Flipping a byte in the body breaks the CRC: the error names the file and a byte offset."""
    data = bytearray(walk().build())
    data[40] ^= 0xFF
    with pytest.raises(ImportFileError) as caught:
        read_file(bytes(data), "bad.fit")
    assert caught.value.where is not None and caught.value.where.startswith("byte ")
    assert "bad.fit" in caught.value.message


def test_truncated_file_before_any_record_is_refused() -> None:
    """A file cut before its first record holds nothing to read: refused as truncated."""
    data = walk().build()
    first_record = 14 + 6 + 3 * 3 + 1 + 4 + 2 + 4  # header, file_id definition and message
    with pytest.raises(ImportFileError, match="truncated") as caught:
        read_file(data[: first_record + 3], "cut.fit")
    assert caught.value.where == f"byte {first_record + 3}"


def test_truncated_file_keeps_the_records_before_the_cut() -> None:
    """A walk cut in the middle of its 7th record: the 6 before are read, and a note says so."""
    b = walk(n=10)
    data = b.build()
    cut = data.index(bytes([b.local["record"]]) + struct.pack("<I", T0 + 6)) + 5
    (a,) = read_file(data[:cut], "cut.fit")
    assert a.t_s == (0.0, 1.0, 2.0, 3.0, 4.0, 5.0)
    assert a.sport == "other" and a.duration_s is None  # the session came after the cut
    assert a.notes == (
        f"The file ends in the middle of a message (byte {cut}): the 6 records before it were "
        "read; anything recorded after is lost.",
    )


def test_session_start_time_after_its_records_when_elapsed_runs_from_them() -> None:
    """start_time 45 min after the first record, elapsed time spanning the records from the first:
    the activity starts at the first record and a note says why; a consistent session has none."""
    n = 3600
    b = FitBuilder().add("file_id", 4, 1, T0)
    for i in range(0, n + 1, 5):
        b.add("record", T0 + i, INVALID_S32, INVALID_S32, 100, i * 100)
    b.add("session", T0 + n, T0 + 2700, n * 1000, n * 100, 11, 0)
    (a,) = read_file(b.build(), "late.fit")
    assert a.start == FIT_EPOCH + timedelta(seconds=T0)
    assert a.t_s[-1] == n and a.duration_s == n
    assert any("started 45 minutes after its first record" in note for note in a.notes)
    (ok,) = read_file(walk().build(), "ok.fit")
    assert not ok.notes


def test_session_without_total_distance_says_where_the_distance_comes_from() -> None:
    """No total_distance in the session, a cumulative distance in the records: noted."""
    b = FitBuilder().add("file_id", 4, 1, T0)
    for i in range(5):
        b.add("record", T0 + i, INVALID_S32, INVALID_S32, 100, i * 100)
    b.add("session", T0 + 4, T0, 4000, 0xFFFFFFFF, 11, 0)
    (a,) = read_file(b.build(), "nodist.fit")
    assert a.total_distance_m is None
    assert any("no total distance" in note for note in a.notes)
    (with_total,) = read_file(walk().build(), "w.fit")
    assert not with_total.notes
