"""The person's own export (issue 12): everything walkrx holds about them, as one zip.

`OwnDataZip` writes into a binary file it is given: `README.txt` (what each file is, written
first), `fhir-bundle.json` (the program as a FHIR R4 Bundle), `tables/*.csv` (the research tables
for this person alone, with their real dates and their program's name where the research export
has a pseudonym, and the columns' dictionary), `device-files/` (the original files their walks
were imported from, byte for byte), `account.json` (the account, its sessions, API token labels,
sign-in attempts, care links and clinics) and `records.json` (every stored row about them, table
by table). Device files are added one at a time, so an export holds one of them in memory at
once. Pure: no storage, no services, no clock.
"""

from __future__ import annotations

import csv
import io
import json
import re
import textwrap
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import TracebackType
from typing import IO, Any

from walkrx.reports.table_columns import COLUMNS, csv_value, dictionary_rows

README = "README.txt"
FHIR = "fhir-bundle.json"
TABLES = "tables/"
DICTIONARY = TABLES + "data_dictionary.csv"
DEVICE_FILES = "device-files/"
ACCOUNT = "account.json"
RECORDS = "records.json"
_UNSAFE = re.compile(r"[^A-Za-z0-9._ -]+")


@dataclass(frozen=True)
class OwnDataAbout:
    """What the README says about this export."""

    generated: datetime  # aware
    name: str | None  # the program's name (None: no program)
    email: str | None  # the account's address (None: a program made at the console)
    table_rows: Mapping[str, int] = field(default_factory=dict)  # research table -> rows
    device_files: int = 0


def _json_value(value: Any) -> Any:
    if isinstance(value, datetime):
        return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
    if isinstance(value, date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not written as JSON")


def device_file_name(file_id: int, filename: str) -> str:
    """Where a device file goes in the zip: its id (names repeat) and its name, made safe (no
    folders, no characters a file system may refuse)."""
    base = filename.replace("\\", "/").rsplit("/", 1)[-1]
    safe = _UNSAFE.sub("_", base).strip(" .") or "file"
    return f"{DEVICE_FILES}{file_id:05d}-{safe[:120]}"


class OwnDataZip:
    """Writes the export's parts into `out` (a binary file open for writing)."""

    def __init__(self, out: IO[bytes], generated: datetime) -> None:
        self._zip = zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED)
        moment = generated.astimezone(UTC)
        self._stamp = (moment.year, moment.month, moment.day, moment.hour, moment.minute, 0)
        self.names: list[str] = []

    def __enter__(self) -> OwnDataZip:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self._zip.close()

    def _add(self, name: str, data: bytes) -> None:
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, data)
        self.names.append(name)

    def add_readme(self, about: OwnDataAbout) -> None:
        self._add(README, readme(about).encode("utf-8"))

    def add_json(self, name: str, data: Any) -> None:
        text = json.dumps(data, ensure_ascii=False, indent=2, default=_json_value)
        self._add(name, (text + "\n").encode("utf-8"))

    def add_tables(self, rows: Mapping[str, Sequence[Sequence[Any]]]) -> None:
        """Each research table as `tables/<table>.csv`, and the columns' dictionary."""
        for table, columns in COLUMNS.items():
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow([c.name for c in columns])
            writer.writerows([csv_value(v) for v in row] for row in rows.get(table, ()))
            self._add(f"{TABLES}{table}.csv", buffer.getvalue().encode("utf-8"))
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerows(dictionary_rows())
        self._add(DICTIONARY, buffer.getvalue().encode("utf-8"))

    def add_device_file(self, file_id: int, filename: str, content: bytes) -> str:
        name = device_file_name(file_id, filename)
        self._add(name, content)
        return name


def _rows(n: int) -> str:
    return "1 row" if n == 1 else f"{n:,} rows"


def _wrapped(text: str) -> list[str]:
    return textwrap.wrap(text, width=88, initial_indent="  ", subsequent_indent="  ")


def readme(about: OwnDataAbout) -> str:
    """README.txt: whose export, when, and what each file is."""
    whose = ", ".join(x for x in (about.name, about.email) if x) or "a person"
    lines = [
        "walkrx: everything walkrx holds about you",
        "",
        f"Exported for {whose} on {about.generated.astimezone(UTC):%Y-%m-%d %H:%M} UTC.",
        "It is your own data: the names, notes and dates are as walkrx stores them. Keep this",
        "file safe: it holds health information.",
        "",
        "What each file is:",
        "",
        f"{README}",
        "  This file.",
    ]
    if about.name is not None:
        tables = ", ".join(f"{t} ({_rows(n)})" for t, n in about.table_rows.items())
        lines += [
            "",
            f"{FHIR}",
            "  Your walking program as a FHIR R4 Bundle (JSON), the format health records use:",
            "  you, each walk with its pain ratings, the weekly target-zone minutes and reviews,",
            "  and the walking prescription as a care plan. Codes: docs/fhir.md in walkrx.",
            "",
            f"{TABLES}*.csv",
            *_wrapped(f"Your program as tables (UTF-8 CSV, one header line): {tables}."),
            "  They are the research tables of walkrx for you alone, except that the `person`",
            "  column holds your program's name instead of a pseudonym, and every date is as",
            "  recorded (not shifted). data_dictionary.csv explains each column (its words about",
            "  pseudonyms and shifted dates are about research exports, not this one).",
            "",
            f"{DEVICE_FILES}",
            *_wrapped(
                f"The original files your walks were imported from ({about.device_files}), byte "
                "for byte, each named by its number in walkrx and its name when it was imported."
            ),
        ]
    lines += [
        "",
        f"{ACCOUNT}",
        "  Your account: e-mail address, name, when you signed up; your sessions (when they",
        "  started and were last used), API tokens (their labels and dates), sign-in attempts",
        "  with your address (when, from which network address, whether they succeeded), the",
        "  clinicians and clinics you share your program with or were invited by. Never your",
        "  password, its hash, or any token or code: walkrx keeps only digests of those.",
        "",
        f"{RECORDS}",
        "  Every row walkrx stores about you, table by table, as stored (the same rows an",
        "  erasure would remove): your program's settings, every walk (with notes, posture cues",
        "  and import notes, and duplicates set aside), check-ins, red-flag clearings with their",
        "  notes, clinicians' pauses with their reasons, alerts, the clinicians' panel line, and",
        "  the record of who looked at or changed your program.",
    ]
    return "\n".join(lines) + "\n"
