"""Heart rate from a chest strap's FIT `hr` messages, for the FIT importer: each beat's time
rebuilt from the packed timestamps, and records without heart rate filled from the beats.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

import fitdecode

from walkrx.domain.numbers import round_half_up
from walkrx.importers._fit_messages import DEVICE_RELATIVE_LIMIT

__all__ = ["beats", "merge_beats"]


def beats(hr_messages: Sequence[Sequence[fitdecode.types.FieldData]]) -> list[tuple[float, int]]:
    """(raw FIT time in seconds, bpm) for every beat in `hr` messages, in order."""
    beats: list[tuple[float, int]] = []
    anchor_time: float | None = None
    anchor_event: int = 0  # event_timestamp at the anchor, 1/1024 s
    acc: int | None = None  # last event_timestamp, 1/1024 s, for the 12-bit accumulation
    for fields in hr_messages:
        timestamp: int | None = None
        fractional = 0.0
        events: list[int] = []
        packed: Sequence[int] | None = None
        bpms: list[int | None] = []
        for fd in fields:
            if fd.field_def is None:  # components that fitdecode expanded: we decode them ourselves
                continue
            raw = fd.raw_value
            if fd.name == "timestamp" and isinstance(raw, int):
                timestamp = raw
            elif fd.name == "fractional_timestamp" and isinstance(fd.value, int | float):
                fractional = float(fd.value)
            elif fd.name == "event_timestamp" and raw is not None:
                values = raw if isinstance(raw, tuple | list) else (raw,)
                events.extend(int(v) for v in values if v is not None)
            elif fd.name == "event_timestamp_12" and raw is not None:
                packed = raw if isinstance(raw, tuple | list) else None
            elif fd.name == "filtered_bpm" and raw is not None:
                values = raw if isinstance(raw, tuple | list) else (raw,)
                bpms.extend(values)
        if timestamp is not None and events and timestamp >= DEVICE_RELATIVE_LIMIT:
            anchor_time = timestamp + fractional
            anchor_event = events[0]
        if packed is not None and acc is not None:
            as_int = int.from_bytes(bytes(packed), "little")
            for k in range(len(packed) * 8 // 12):
                low = (as_int >> (12 * k)) & 0xFFF
                value = (acc & ~0xFFF) + low
                if value < acc:
                    value += 0x1000
                events.append(value)
                acc = value
        elif events:
            acc = events[-1]
        if anchor_time is None:
            continue
        previous: int | None = None
        for event, bpm in zip(events, bpms, strict=False):
            if event == previous or bpm is None or bpm in (0, 255):
                previous = event
                continue  # devices pad the last packed message by repeating its last beat
            previous = event
            beats.append((anchor_time + (event - anchor_event) / 1024.0, int(bpm)))
    return beats


def merge_beats(
    times: Sequence[int], hr: list[float | None], beats: list[tuple[float, int]]
) -> int:
    """Fill records without heart rate from beats in (previous record, record]; count filled."""
    if not beats or not times:
        return 0
    beats.sort()
    beat_times = [b[0] for b in beats]
    filled = 0
    for i, t in enumerate(times):
        if hr[i] is not None:
            continue
        lo = times[i - 1] if i > 0 else t - 1
        first = bisect_right(beat_times, lo)
        last = bisect_right(beat_times, t)
        if last > first:
            window = [beats[k][1] for k in range(first, last)]
            hr[i] = float(round_half_up(sum(window) / len(window)))
            filled += 1
    return filled
