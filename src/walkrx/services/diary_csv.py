"""Import a paper diary kept as CSV: walks, or morning check-ins, told apart by the header.

The whole file is read and checked before anything is stored: one bad row is reported with its line
and column, and nothing of that file is written.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, time
from typing import TypeVar

from walkrx.domain.model import CheckIn, Walk
from walkrx.errors import ImportFileError, InvalidInputError
from walkrx.services import status
from walkrx.services.access import Actor, person_for
from walkrx.services.context import load_protocol
from walkrx.services.diary import (
    parse_red_flags,
    validate_checkin,
    validate_walk,
    walk_start,
    with_diary_figures,
)
from walkrx.storage import UnitOfWork

WALK_COLUMNS = [
    "date",
    "start",
    "minutes",
    "distance_km",
    "avg_hr",
    "max_hr",
    "effort",
    "pain_before",
    "pain_during",
    "pain_after",
    "pain_next_morning",
    "terrain",
    "talk_test",
    "notes",
]
CHECKIN_COLUMNS = ["date", "morning_pain", "red_flags", "fear_of_movement", "psfs"]
MAX_CSV_BYTES = 20 * 1024 * 1024

T = TypeVar("T")


@dataclass(frozen=True)
class CsvImport:
    kind: str  # walks | checkins
    rows: int


class _RowError(Exception):
    def __init__(self, column: str, problem: str) -> None:
        super().__init__(problem)
        self.column = column
        self.problem = problem


def _cell(
    row: dict[str, str], column: str, parse: Callable[[str], T], required: bool = False
) -> T | None:
    raw = (row.get(column) or "").strip()
    if not raw:
        if required:
            raise _RowError(column, "is empty but required")
        return None
    try:
        return parse(raw)
    except (ValueError, InvalidInputError) as exc:
        raise _RowError(column, f"'{raw}' {_why(exc)}") from None


def _why(exc: Exception) -> str:
    if isinstance(exc, InvalidInputError):
        return f"is not accepted: {exc.message}"
    return "is not a valid value"


def _int(text: str) -> int:
    return int(text)


def _yes_no(text: str) -> bool:
    lowered = text.lower()
    if lowered in ("yes", "y", "true", "1"):
        return True
    if lowered in ("no", "n", "false", "0"):
        return False
    raise ValueError(text)


def _ratings(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in text.split(";") if part.strip())


def _walk_row(row: dict[str, str], tz: str) -> Walk:
    day = _cell(row, "date", date.fromisoformat, required=True)
    assert day is not None
    start = _cell(row, "start", time.fromisoformat)
    minutes = _cell(row, "minutes", float, required=True)
    assert minutes is not None
    distance = _cell(row, "distance_km", float)
    return Walk(
        id=None,
        start=walk_start(day, start, tz),
        timezone=tz,
        duration_s=round(minutes * 60),
        distance_m=distance * 1000 if distance is not None else None,
        avg_hr=_cell(row, "avg_hr", float),
        max_hr=_cell(row, "max_hr", _int),
        effort=_cell(row, "effort", _int),
        pain_before=_cell(row, "pain_before", _int),
        pain_during=_cell(row, "pain_during", _int),
        pain_after=_cell(row, "pain_after", _int),
        pain_next_morning=_cell(row, "pain_next_morning", _int),
        terrain=_cell(row, "terrain", str.lower),
        talk_test=_cell(row, "talk_test", _yes_no),
        notes=(row.get("notes") or "").strip(),
        source="csv",
    )


def _checkin_row(row: dict[str, str]) -> CheckIn:
    day = _cell(row, "date", date.fromisoformat, required=True)
    assert day is not None
    flags = _cell(row, "red_flags", lambda t: parse_red_flags(t.split(";"))) or ()
    return CheckIn(
        id=None,
        day=day,
        seq=0,
        morning_pain=_cell(row, "morning_pain", _int),
        red_flags=flags,
        fear_of_movement=_cell(row, "fear_of_movement", _yes_no),
        psfs=_cell(row, "psfs", _ratings) or (),
    )


def _column_of(error: InvalidInputError, columns: list[str]) -> str:
    """The column a whole-record check refers to (the error's field), for the error location."""
    return error.field if error.field in columns else columns[0]


def import_diary_csv(
    uow: UnitOfWork, actor: Actor, person_id: int, name: str, data: bytes
) -> CsvImport:
    """Store a diary file's rows, all or none (one use case, one transaction)."""
    if len(data) > MAX_CSV_BYTES:
        raise ImportFileError(name, "is larger than 20 MB: split it into smaller files")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            name, "is not UTF-8 text: save it as UTF-8 CSV", f"byte {exc.start}"
        ) from None
    reader = csv.DictReader(io.StringIO(text))
    header = [h.strip() for h in reader.fieldnames or []]
    if header == WALK_COLUMNS:
        kind = "walks"
    elif header == CHECKIN_COLUMNS:
        kind = "checkins"
    else:
        raise ImportFileError(
            name,
            "has an unknown header: a walk diary needs the columns "
            + ",".join(WALK_COLUMNS)
            + " and a check-in diary needs "
            + ",".join(CHECKIN_COLUMNS),
            "line 1",
        )
    reader.fieldnames = header
    with uow:
        person = person_for(uow, actor, person_id, write=True)
        assert person.id is not None
        protocol = load_protocol(person)
        walks: list[Walk] = []
        checkins: list[CheckIn] = []
        for row in reader:
            line = reader.line_num
            if None in row:
                raise ImportFileError(name, "has more cells than the header", f"line {line}")
            try:
                if kind == "walks":
                    walk = _walk_row(row, person.timezone)
                    try:
                        walk = validate_walk(walk, person)
                    except InvalidInputError as exc:
                        raise _RowError(_column_of(exc, WALK_COLUMNS), exc.message) from None
                    walks.append(with_diary_figures(walk, person, protocol))
                else:
                    checkin = _checkin_row(row)
                    try:
                        checkins.append(validate_checkin(checkin))
                    except InvalidInputError as exc:
                        raise _RowError(_column_of(exc, CHECKIN_COLUMNS), exc.message) from None
            except _RowError as exc:
                raise ImportFileError(
                    name,
                    f"column '{exc.column}' {exc.problem}; nothing from this file was stored",
                    f"line {line}, column {exc.column}",
                ) from None
        for walk in walks:
            uow.walks.add(person.id, walk)
        for checkin in checkins:
            uow.checkins.add(person.id, checkin)
        status.refresh(uow, person)
        uow.commit()
    return CsvImport(kind, len(walks) + len(checkins))
