"""The research tables (issue 12): people's programs as rows, streamed to CSV and Parquet.

`person_rows` turns one person's program (person, protocol, diary, reviews, alerts) into the rows
of every table, pseudonymised and, on request, with its dates shifted; `TableWriter` appends those
rows to `<table>.csv` and `<table>.parquet` as they come (CSV at once, Parquet one row group per
`row_group_rows` rows), so an export holds one row group per table in memory, however many people
it covers; `finish` writes the data dictionary. The columns are defined once, in `table_columns`.

De-identification (`Deidentifier`): a person's pseudonym is HMAC-SHA256 of their id under a key
made for one export and never written out, so it is the same in every table of that export and
unrelated in any other; the date shift is a whole number of weeks (−52..−1 or +1..+52) drawn from
the same keyed hash, applied to every date and instant of that person, so weekdays and intervals
are kept. Left out: names, e-mail addresses, free text (walk notes, import notes, cue texts, pause
reasons, clearing notes), time zone names, internal ids (rows are numbered per person), who
acknowledged an alert. Pure: no storage, no services, no clock.
"""

from __future__ import annotations

import csv
import hashlib
import hmac
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from types import TracebackType
from typing import Any, TextIO

import pyarrow as pa
import pyarrow.parquet as pq

from walkrx.domain.model import Diary, Person, Walk
from walkrx.domain.pain import pain_status
from walkrx.domain.protocol import Protocol
from walkrx.domain.review import WeekReview, counts_by_effort, current_position
from walkrx.reports.table_columns import (
    COLUMNS,
    LIST_SEPARATOR,
    TABLES,
    WEEKDAYS,
    Column,
    csv_value,
    dictionary_rows,
)
from walkrx.reports.tables_followup import followup_rows

Row = tuple[Any, ...]
ROW_GROUP_ROWS = 10_000
SHIFT_WEEKS = 52  # a shift is -52..-1 or +1..+52 weeks: never none
MAX_AGE = 90  # ages over 89 are given as 90 (they identify people)
PSEUDONYM_HEX = 16  # 64 bits: collisions among a million people are about 1 in 40 million
DICTIONARY = ("data_dictionary.md", "data_dictionary.csv")
FLOAT_DIGITS = 4


class Deidentifier:
    """The pseudonyms and date shifts of one export: keyed hashes of each person's id under the
    export's random key (kept in memory only, never written out)."""

    def __init__(self, key: bytes, *, shift_dates: bool) -> None:
        if len(key) < 16:
            raise ValueError("the export's key must have at least 16 random bytes")
        self._key = key
        self.shift_dates = shift_dates

    def _digest(self, purpose: str, person_id: int) -> bytes:
        message = f"{purpose}:{person_id}".encode()
        return hmac.new(self._key, message, hashlib.sha256).digest()

    def pseudonym(self, person_id: int) -> str:
        return self._digest("person", person_id).hex()[:PSEUDONYM_HEX]

    def shift(self, person_id: int) -> timedelta:
        """The person's date shift: whole weeks, never zero; none when dates are not shifted."""
        if not self.shift_dates:
            return timedelta(0)
        n = int.from_bytes(self._digest("shift", person_id)[:8], "big") % (2 * SHIFT_WEEKS)
        return timedelta(weeks=n - SHIFT_WEEKS if n < SHIFT_WEEKS else n - SHIFT_WEEKS + 1)


@dataclass(frozen=True)
class AlertFacts:
    """An alert as the tables need it (no key, no one's name)."""

    kind: str
    day: date
    walk_id: int | None
    checkin_id: int | None
    codes: tuple[str, ...]
    raised_at: datetime
    acked_at: datetime | None


@dataclass(frozen=True)
class PersonFacts:
    """What the tables hold about one person, as of `today` (their reviews run up to it)."""

    person: Person
    protocol: Protocol
    diary: Diary
    reviews: Sequence[WeekReview]
    today: date
    alerts: Sequence[AlertFacts] = ()


def _join(codes: Iterable[object]) -> str:
    return LIST_SEPARATOR.join(str(getattr(c, "value", c)) for c in codes)


def _num(value: float | None) -> float | None:
    return None if value is None else round(float(value), FLOAT_DIGITS)


def _minutes(seconds: float | None) -> float | None:
    return None if seconds is None else _num(seconds / 60)


def _instant(moment: datetime | None, shift: timedelta) -> datetime | None:
    """An instant in UTC, to the second, moved by the shift (a naive one is taken as UTC)."""
    if moment is None:
        return None
    aware = moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)
    return (aware.astimezone(UTC) + shift).replace(microsecond=0)


def _walk_row(person: str, n: int, walk: Walk, facts: PersonFacts, shift: timedelta) -> Row:
    band = walk.band_bpm
    return (
        person,
        n,
        facts.person.week_of(walk.local_date),
        _instant(walk.start, shift),
        (walk.local_start.replace(tzinfo=None) + shift).replace(microsecond=0),
        walk.local_date + shift,
        _minutes(walk.duration_s),
        _minutes(walk.moving_s),
        None if walk.distance_m is None else _num(walk.distance_m / 1000),
        _num(walk.avg_hr),
        walk.max_hr,
        _minutes(walk.zone_in_s),
        None if band is None else band[0],
        None if band is None else band[1],
        walk.effort,
        walk.talk_test,
        counts_by_effort(walk),
        walk.pain_before,
        walk.pain_during,
        walk.pain_after,
        walk.pain_next_morning,
        walk.lower_limb_pain,
        pain_status(walk, facts.protocol.pain).value,
        walk.terrain,
        walk.tempo,
        len(walk.cues),
        _num(walk.pace_hr),
        walk.source,
        walk.check_reason,
    )


def _week_row(person: str, review: WeekReview, shift: timedelta) -> Row:
    s, rx = review.summary, review.summary.prescription
    return (
        person,
        review.week,
        s.start + shift,
        s.end + shift,
        review.position,
        rx.phase,
        rx.walks_min,
        rx.walks_max,
        rx.minutes_min,
        rx.minutes_max,
        rx.long_walk_minutes,
        rx.tempo,
        s.walks_logged,
        s.walks_counted,
        _num(s.minutes),
        _num(s.zone_measured_min),
        _num(s.zone_by_effort_min),
        _num(s.longest_min),
        s.long_walk_done,
        s.tempo_done,
        s.pain.value,
        _num(s.morning_pain_mean),
        s.morning_checkins,
        _num(s.adherence_walks) if rx.walks_min else None,
        _num(s.adherence_minutes) if rx.total_min else None,
        review.decision.value,
        _join(review.reasons),
        _join(review.flags),
        _join(review.red_flags),
        review.next_position,
    )


def person_rows(facts: PersonFacts, pseudonym: str, shift: timedelta) -> dict[str, list[Row]]:
    """The rows of every table for one person, in the order of `COLUMNS`."""
    p = facts.person
    walks = sorted(facts.diary.walks, key=lambda w: (w.start, w.duration_s, w.id or 0))
    walk_no: dict[int | None, int] = {w.id: n for n, w in enumerate(walks, 1) if w.id}
    checkins = sorted(facts.diary.checkins, key=lambda c: (c.day, c.seq))
    checkin_no: dict[int | None, int] = {c.id: n for n, c in enumerate(checkins, 1) if c.id}
    settings = p.zone_settings_on(facts.today)
    people: Row = (
        pseudonym,
        facts.protocol.name,
        bool(p.adjustments),
        p.start + shift,
        p.start_position,
        _join(WEEKDAYS[d] for d in p.days),
        _join(p.goals),
        None if settings.age is None else min(settings.age, MAX_AGE),
        settings.max_hr,
        settings.resting_hr,
        settings.hrmax_formula,
        settings.zone_method,
        len(facts.reviews),
        current_position(facts.reviews, p.start_position),
    )
    alerts = sorted(facts.alerts, key=lambda a: (a.day, a.raised_at))
    return {
        "people": [people],
        "walks": [_walk_row(pseudonym, n, w, facts, shift) for n, w in enumerate(walks, 1)],
        "checkins": [
            (
                pseudonym,
                n,
                c.day + shift,
                p.week_of(c.day),
                c.morning_pain,
                _join(c.red_flags),
                c.fear_of_movement,
                _join(c.psfs) if c.psfs else None,
                _num(sum(c.psfs) / len(c.psfs)) if c.psfs else None,
                c.tsk17,
                c.fabq_pa,
            )
            for n, c in enumerate(checkins, 1)
        ],
        "weeks": [_week_row(pseudonym, r, shift) for r in facts.reviews],
        "referrals": [
            (pseudonym, r.week, r.summary.end + shift, code.value)
            for r in facts.reviews
            for code in r.referrals
        ],
        "alerts": [
            (
                pseudonym,
                n,
                a.kind,
                a.day + shift,
                walk_no.get(a.walk_id),
                checkin_no.get(a.checkin_id),
                _join(a.codes),
                _instant(a.raised_at, shift),
                a.acked_at is not None,
                _instant(a.acked_at, shift),
            )
            for n, a in enumerate(alerts, 1)
        ],
        **followup_rows(
            facts.diary, facts.protocol, facts.reviews, facts.today, pseudonym, shift
        ),  # after the program (issue 13)
    }


# --- files -----------------------------------------------------------------------------------

ARROW_TYPES = {
    "string": pa.string(),
    "int": pa.int64(),
    "float": pa.float64(),
    "bool": pa.bool_(),
    "date": pa.date32(),
    "timestamp_utc": pa.timestamp("us", tz="UTC"),
    "timestamp_local": pa.timestamp("us"),
}


def arrow_schema(columns: Sequence[Column]) -> Any:
    return pa.schema([pa.field(c.name, ARROW_TYPES[c.type]) for c in columns])


def file_names() -> list[str]:
    """Every file an export writes into its folder."""
    return [f"{t}.{ext}" for t in TABLES for ext in ("csv", "parquet")] + list(DICTIONARY)


def _part(path: Path) -> Path:
    return path.with_name(path.name + ".part")


@dataclass(frozen=True)
class ExportAbout:
    """What the data dictionary says about the export as a whole."""

    people: int
    scope: str  # whose programs, in words ("every program in the database", "...clinic...")
    shifted: bool
    made_on: date | None  # left out of shifted exports: it would hint at the shifts


class TableWriter:
    """Streams rows into `<table>.csv` and `<table>.parquet` in `folder`.

    Files are written under a `.part` name and take their own only when `finish` succeeds;
    `abort`, or leaving a `with` block on an error, removes them.
    """

    def __init__(self, folder: Path, *, row_group_rows: int = ROW_GROUP_ROWS) -> None:
        self.folder = folder
        self.counts = dict.fromkeys(TABLES, 0)
        self._row_group = row_group_rows
        self._schemas = {t: arrow_schema(columns) for t, columns in COLUMNS.items()}
        self._buffers: dict[str, list[Row]] = {t: [] for t in TABLES}
        self._files: list[TextIO] = []
        self._csv: dict[str, Any] = {}
        self._parquet: dict[str, Any] = {}
        folder.mkdir(parents=True, exist_ok=True)
        try:
            for table, columns in COLUMNS.items():
                handle = _part(folder / f"{table}.csv").open("w", newline="", encoding="utf-8")
                self._files.append(handle)
                self._csv[table] = csv.writer(handle, lineterminator="\n")
                self._csv[table].writerow([c.name for c in columns])
                self._parquet[table] = pq.ParquetWriter(
                    str(_part(folder / f"{table}.parquet")), self._schemas[table]
                )
        except BaseException:
            self.abort()
            raise

    def __enter__(self) -> TableWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        if exc is not None:
            self.abort()

    def add(self, rows: Mapping[str, Sequence[Row]]) -> None:
        for table, table_rows in rows.items():
            width = len(COLUMNS[table])
            writer, buffer = self._csv[table], self._buffers[table]
            for row in table_rows:
                assert len(row) == width, (table, len(row), width)
                writer.writerow([csv_value(v) for v in row])
                buffer.append(row)
            self.counts[table] += len(table_rows)
            if len(buffer) >= self._row_group:
                self._flush(table)

    def _flush(self, table: str) -> None:
        rows, schema = self._buffers[table], self._schemas[table]
        if not rows:
            return
        arrays = [
            pa.array([row[i] for row in rows], type=schema.field(i).type)
            for i in range(len(schema))
        ]
        self._parquet[table].write_table(pa.Table.from_arrays(arrays, schema=schema))
        rows.clear()

    def finish(self, about: ExportAbout) -> list[Path]:
        """Write the last row groups and the data dictionary; the files take their names."""
        for table in TABLES:
            self._flush(table)
        self._close()
        (self.folder / "data_dictionary.md.part").write_text(
            dictionary_markdown(about, self.counts), encoding="utf-8"
        )
        with (self.folder / "data_dictionary.csv.part").open(
            "w", newline="", encoding="utf-8"
        ) as handle:
            writer = csv.writer(handle, lineterminator="\n")
            writer.writerows(dictionary_rows())
        written = []
        for name in file_names():
            _part(self.folder / name).replace(self.folder / name)
            written.append(self.folder / name)
        return written

    def _close(self) -> None:
        for handle in self._files:
            handle.close()
        for writer in self._parquet.values():
            writer.close()
        self._files, self._parquet = [], {}

    def abort(self) -> None:
        """Close and remove every file of this export written so far."""
        try:
            self._close()
        finally:
            for name in file_names():
                _part(self.folder / name).unlink(missing_ok=True)


# --- the data dictionary ---------------------------------------------------------------------


TABLE_TEXT = {
    "people": "one row per person: the program and the settings in force at the export",
    "walks": "one row per walk in the diary (superseded duplicates and imported walks still "
    "waiting for the person's confirmation are left out)",
    "checkins": "one row per check-in (morning pain, red-flag answers, questionnaires)",
    "weeks": "one row per reviewed program week: the prescription, what was done, the decision",
    "referrals": "one row per referral a weekly review raised",
    "alerts": "one row per alert raised for the person's clinicians",
    "followups": "one row per answer to the follow-up after the program",
    "outcomes": "one row per person followed up after the program: the time from its end to the "
    "first recurrence, or to the last answer (the data behind the Kaplan-Meier curve)",
}


def _count(n: int, one: str, many: str) -> str:
    return f"1 {one}" if n == 1 else f"{n:,} {many}"


def dictionary_markdown(about: ExportAbout, counts: Mapping[str, int]) -> str:
    made = f" on {about.made_on.isoformat()}" if about.made_on else ""
    shift = (
        "Dates and times are **shifted**: each person's by their own whole number of weeks "
        f"(between {SHIFT_WEEKS} weeks back and {SHIFT_WEEKS} weeks on, never none), the same for "
        "every date and instant of theirs, so weekdays, times of day and intervals are kept; the "
        "shifts are not written anywhere. The day of the export is left out (people's latest "
        "records lie close to it)."
        if about.shifted
        else "Dates and times are **as recorded** (not shifted)."
    )
    lines = [
        "# walkrx research tables: data dictionary",
        "",
        f"Exported{made}: {about.scope}, {_count(about.people, 'person', 'people')}. Each table "
        "is written twice with "
        "the same rows: `<table>.csv` (UTF-8, comma-separated, one header line) and "
        "`<table>.parquet`.",
        "",
        "- **Pseudonyms.** `person` is HMAC-SHA256 of the person's internal id under a random key "
        "made for this export and never written out: the same person has the same pseudonym in "
        "every table of this export and an unrelated one in any other export.",
        f"- **Dates.** {shift}",
        "- **Left out.** Names, e-mail addresses and every free-text field (walk notes, import "
        "notes, posture cue texts, the reasons of clinicians' pauses, the notes of red-flag "
        "clearings: free text can identify people), time zone names (`start_local` minus "
        "`start_utc` gives the offset), internal ids (rows are numbered per person: `walk_no`, "
        "`checkin_no`, `alert_no`) and who acknowledged an alert.",
        "- **CSV.** An empty field is a missing value; booleans are `true`/`false`; dates "
        "`YYYY-MM-DD`; instants (`_utc` columns) `YYYY-MM-DD HH:MM:SS+00:00`, to the second; "
        "`start_local`, the walker's wall-clock time, `YYYY-MM-DD HH:MM:SS`; a list of codes "
        "is one field, codes separated by `;`.",
        "- **Types.** `string`, `int`, `float`, `bool`, `date`, `timestamp_utc` (an instant, "
        "in UTC) and `timestamp_local` (a wall-clock time, no zone); in Parquet `string`, "
        "`int64`, `double`, `bool`, `date32`, `timestamp[us, UTC]` and `timestamp[us]`.",
        "- Pain and effort are 0-10 numeric rating scales (0 none, 10 worst or maximal).",
    ]
    for table, columns in COLUMNS.items():
        lines += [
            "",
            f"## {table} ({_count(counts.get(table, 0), 'row', 'rows')})",
            "",
            TABLE_TEXT[table].capitalize() + ".",
            "",
            "| column | type | unit | description | codes |",
            "|---|---|---|---|---|",
        ]
        lines += [
            f"| `{c.name}` | {c.type} | {c.unit} | {c.description} | {', '.join(c.codes)} |"
            for c in columns
        ]
    return "\n".join(lines) + "\n"
