"""Reading a FIT stream with fitdecode for the FIT importer: chained files into groups of raw
messages, FIT's time base, and fitdecode's errors as `ImportFileError` naming the byte.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, BinaryIO

import fitdecode

from walkrx.errors import ImportFileError

__all__ = ["DEVICE_RELATIVE_LIMIT", "FIT_EPOCH", "Cut", "Group", "read_groups"]

FIT_EPOCH = datetime(1989, 12, 31, tzinfo=UTC)
# Below this, a FIT date_time counts seconds from device power-on, not from the FIT epoch.
DEVICE_RELATIVE_LIMIT = 0x10000000

_TIMER_STOPS = frozenset({"stop", "stop_all", "stop_disable", "stop_disable_all"})
_RECORD_FIELDS = frozenset(
    {
        "timestamp",
        "heart_rate",
        "distance",
        "position_lat",
        "position_long",
        "altitude",
        "enhanced_altitude",
    }
)
_OFFSET_IN_MESSAGE = re.compile(r"(?:@|offset:?)\s*(\d+)")


@dataclass
class Group:
    """The messages of one FIT file within a chain (with its hr-only tail parts)."""

    parts: int = 0
    file_id: dict[str, Any] = field(default_factory=dict)
    sessions: list[dict[str, Any]] = field(default_factory=list)
    sports: list[dict[str, Any]] = field(default_factory=list)
    activity: dict[str, Any] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    timer_events: list[tuple[int, bool]] = field(default_factory=list)  # (raw time, is_stop)
    hr_messages: list[list[fitdecode.types.FieldData]] = field(default_factory=list)


def _fields(message: fitdecode.FitDataMessage, raw_times: Iterable[str] = ()) -> dict[str, Any]:
    """Name -> value for the message's own (non-component) fields; raw ints for `raw_times`."""
    wanted_raw = set(raw_times)
    out: dict[str, Any] = {}
    for fd in message.fields:
        if fd.name in wanted_raw:
            out[fd.name] = fd.raw_value
        elif fd.name not in out or out[fd.name] is None:
            out[fd.name] = fd.value
    return out


def _offset(exc: Exception) -> int | None:
    """The byte offset a fitdecode error names, when it names one."""
    offset = getattr(exc, "offset", None)
    if offset is None:
        match = _OFFSET_IN_MESSAGE.search(str(exc))
        offset = int(match.group(1)) if match else None
    return offset if isinstance(offset, int) else None


def _error(name: str, exc: Exception) -> ImportFileError:
    offset = _offset(exc)
    where = f"byte {offset}" if offset is not None else None
    if isinstance(exc, fitdecode.FitCRCError):
        problem = "the file is damaged (its checksum does not match)"
    elif isinstance(exc, fitdecode.FitEOFError):
        problem = "the file is truncated (it ends in the middle of a message)"
    elif isinstance(exc, fitdecode.FitHeaderError):
        problem = "the file is damaged (a FIT header is invalid)"
    else:
        problem = f"the file is damaged and cannot be decoded ({exc})"
    return ImportFileError(
        name, f"{problem}; copy the activity from the watch or app again", where=where
    )


@dataclass
class Cut:
    """Where a truncated file ends: the byte offset fitdecode names (None when it names none)."""

    offset: int | None


def read_groups(stream: BinaryIO, name: str) -> tuple[list[Group], Cut | None]:
    """The file's groups, and where it ends early when it is cut in the middle of a message.

    A cut file keeps every message decoded before the cut; one with no record before it is refused.
    """
    groups: list[Group] = []
    current: Group | None = None
    pending_part = False
    try:
        with fitdecode.FitReader(
            stream,
            check_crc=fitdecode.CrcCheck.RAISE,
            error_handling=fitdecode.ErrorHandling.IGNORE,
        ) as reader:
            for frame in reader:
                if isinstance(frame, fitdecode.FitHeader):
                    pending_part = True
                    continue
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                mesg = frame.name
                if current is None or (mesg == "file_id" and (pending_part or current.file_id)):
                    current = Group(parts=0)
                    groups.append(current)
                if pending_part:
                    current.parts += 1
                    pending_part = False
                if mesg == "record":
                    rec: dict[str, Any] = {}
                    for fd in frame.fields:
                        if fd.name in _RECORD_FIELDS and rec.get(fd.name) is None:
                            rec[fd.name] = fd.raw_value if fd.name == "timestamp" else fd.value
                    current.records.append(rec)
                elif mesg == "hr":
                    current.hr_messages.append(list(frame.fields))
                elif mesg == "event":
                    ev = _fields(frame, ("timestamp",))
                    if ev.get("event") == "timer" and isinstance(ev.get("timestamp"), int):
                        current.timer_events.append(
                            (ev["timestamp"], ev.get("event_type") in _TIMER_STOPS)
                        )
                elif mesg == "session":
                    current.sessions.append(_fields(frame, ("timestamp", "start_time")))
                elif mesg == "sport":
                    current.sports.append(_fields(frame))
                elif mesg == "activity":
                    current.activity = _fields(frame, ("timestamp", "local_timestamp"))
                elif mesg == "file_id":
                    current.file_id = _fields(frame, ("time_created",))
    except fitdecode.FitEOFError as exc:
        if not any(g.records for g in groups):
            raise _error(name, exc) from exc
        return groups, Cut(_offset(exc))
    except fitdecode.FitError as exc:
        raise _error(name, exc) from exc
    except (ValueError, KeyError, IndexError, TypeError, AssertionError) as exc:
        # fitdecode can trip over malformed content in ways it does not wrap in FitError.
        raise ImportFileError(name, f"the file cannot be decoded ({exc!r})") from exc
    return groups, None
