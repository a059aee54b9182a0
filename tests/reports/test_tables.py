"""The research tables' writer (issue 12), without a database: rows, de-identification, files.

- A pseudonym is a keyed hash: the same under one key, unrelated under another; a date shift is
  a whole number of weeks, never none, within a year either way.
- A person's rows fill every column of every table, shift every date and instant by the same
  whole weeks (weekdays, times of day and intervals kept) and carry no name or free text.
- The writer streams rows into CSV and Parquet row groups and a data dictionary listing every
  column; files appear only when the export finishes, and a failed export leaves none.
"""

from __future__ import annotations

import csv
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from walkrx import protocols
from walkrx.domain.codes import Decision, Reason, RedFlag, Referral
from walkrx.domain.model import (
    CheckIn,
    Diary,
    FlagClearing,
    Person,
    ProgramPause,
    Walk,
    ZoneSettings,
)
from walkrx.domain.review import review_weeks
from walkrx.reports.table_columns import COLUMNS, TABLES, TYPES, dictionary_rows
from walkrx.reports.tables import (
    DICTIONARY,
    AlertFacts,
    Deidentifier,
    ExportAbout,
    PersonFacts,
    TableWriter,
    dictionary_markdown,
    file_names,
    person_rows,
)

START = date(2026, 3, 2)  # a Monday
TODAY = date(2026, 4, 20)  # seven weeks later
KEY = bytes(range(32))
SECRETS = (
    "Ann Onymous",
    "walk note XYZZY",
    "import note QWERTY",
    "cue text PLUGH",
    "clearing note FROBOZZ",
    "pause reason GRUE",
    "Europe/London",
)


def _walk(day: date, n: int, *, during: int = 3) -> Walk:
    return Walk(
        id=100 + n,
        start=datetime.combine(day, time(9, 30), tzinfo=UTC),
        timezone="Europe/London",
        duration_s=1500 + 60 * n,
        distance_m=2000.0 + n,
        effort=4,
        pain_before=2,
        pain_during=during,
        pain_after=3,
        talk_test=True,
        notes="walk note XYZZY",
        cues=("cue text PLUGH",),
        import_notes=("import note QWERTY",),
    )


def facts(weeks: int = 6) -> PersonFacts:
    person = Person(
        id=7,
        name="Ann Onymous",
        start=START,
        timezone="Europe/London",
        protocol="walking-6wk",
        zones=(ZoneSettings(effective=START, age=93, resting_hr=60),),
        days=(0, 2, 4, 5),
        goals=("return_to_sport",),
    )
    walks = [
        _walk(START + timedelta(days=7 * w + d), 10 * w + d, during=8 if (w, d) == (2, 2) else 3)
        for w in range(weeks)
        for d in (0, 2, 4, 5)
    ]
    checkins = [
        CheckIn(id=200 + k, day=START + timedelta(days=k), seq=k, morning_pain=2 + k % 2)
        for k in range(0, 7 * weeks, 3)
    ]
    checkins.append(
        CheckIn(
            id=300,
            day=START + timedelta(days=30),
            seq=99,
            red_flags=(RedFlag.NIGHT_PAIN,),
            psfs=(4, 5, 6),
            fear_of_movement=True,
        )
    )
    diary = Diary(
        person=person,
        walks=tuple(walks),
        checkins=tuple(checkins),
        clearings=(FlagClearing(None, START + timedelta(days=31), 100, "clearing note FROBOZZ"),),
        pauses=(
            ProgramPause(
                START + timedelta(days=35),
                START + timedelta(days=37),
                "pause reason GRUE",
                "dr@example.org",
            ),
        ),
    )
    protocol = protocols.load("walking-6wk")
    raised = datetime(2026, 3, 18, 11, 0, 5, 123456, tzinfo=UTC)
    alerts = [
        AlertFacts("red_walk", walks[9].local_date, walks[9].id, None, (), raised, None),
        AlertFacts(
            "red_flag",
            START + timedelta(days=30),
            None,
            300,
            ("night_pain",),
            raised + timedelta(days=12),
            raised + timedelta(days=13),
        ),
    ]
    reviews = review_weeks(diary, protocol, TODAY)
    return PersonFacts(person, protocol, diary, reviews, TODAY, alerts)


def _as_dicts(rows: dict[str, list[tuple[object, ...]]]) -> dict[str, list[dict[str, object]]]:
    return {
        t: [dict(zip([c.name for c in COLUMNS[t]], r, strict=True)) for r in rows[t]]
        for t in TABLES
    }


# --- de-identification ---------------------------------------------------------------------------


def test_a_pseudonym_is_the_same_under_one_key_and_unrelated_under_another() -> None:
    one, again, other = (Deidentifier(k, shift_dates=False) for k in (KEY, KEY, KEY[::-1]))
    assert [one.pseudonym(i) for i in range(50)] == [again.pseudonym(i) for i in range(50)]
    assert len({one.pseudonym(i) for i in range(1000)}) == 1000
    assert not {one.pseudonym(i) for i in range(1000)} & {other.pseudonym(i) for i in range(1000)}
    assert all(len(one.pseudonym(i)) == 16 for i in range(5))
    with pytest.raises(ValueError):
        Deidentifier(b"short", shift_dates=True)


def test_a_date_shift_is_whole_weeks_within_a_year_and_never_none() -> None:
    deid = Deidentifier(KEY, shift_dates=True)
    weeks = [deid.shift(i) / timedelta(weeks=1) for i in range(2000)]
    assert all(w == int(w) and w != 0 and -52 <= w <= 52 for w in weeks)
    assert min(weeks) == -52 and max(weeks) == 52  # the whole range is used
    assert deid.shift(5) == Deidentifier(KEY, shift_dates=True).shift(5)
    assert Deidentifier(KEY, shift_dates=False).shift(5) == timedelta(0)


# --- a person's rows -----------------------------------------------------------------------------


def test_every_row_fills_every_column_in_order() -> None:
    f = facts()
    rows = person_rows(f, "p1", timedelta(0))
    assert set(rows) == set(TABLES)
    for table, table_rows in rows.items():
        assert all(len(row) == len(COLUMNS[table]) for row in table_rows), table
    tables = _as_dicts(rows)
    (person,) = tables["people"]
    assert person["age"] == 90  # 93: ages over 89 are given as 90
    assert person["walking_days"] == "mon;wed;fri;sat" and person["goals"] == "return_to_sport"
    assert person["weeks_reviewed"] == 7 and person["start_date"] == START
    walks = tables["walks"]
    assert [w["walk_no"] for w in walks] == list(range(1, 25))
    assert walks[0]["start_local"] == datetime(2026, 3, 2, 9, 30)  # London = UTC in March
    assert walks[0]["cues_ticked"] == 1 and walks[0]["counts_by_effort"] is True
    assert walks[9]["pain_status"] == "red"
    weeks = tables["weeks"]
    assert [w["week"] for w in weeks] == list(range(1, 8))
    assert weeks[2]["decision"] == Decision.STEP_BACK and Reason.PAIN_RED in str(
        weeks[2]["reasons"]
    )
    assert {r["referral"] for r in tables["referrals"]} >= {Referral.RETURN_TO_SPORT.value}
    red_walk, red_flag = tables["alerts"]
    assert red_walk["walk_no"] == 10 and red_walk["acknowledged"] is False
    assert red_flag["checkin_no"] == 12  # after the 11 check-ins of days 0, 3, ... 30
    assert red_flag["codes"] == "night_pain" and red_flag["acknowledged"] is True
    assert red_walk["raised_at_utc"] == datetime(2026, 3, 18, 11, 0, 5, tzinfo=UTC)  # to the second
    flagged = next(c for c in tables["checkins"] if c["red_flags"])
    assert flagged["psfs"] == "4;5;6" and flagged["psfs_mean"] == 5.0


def test_a_shift_moves_every_date_and_instant_alike_keeping_weekdays_and_intervals() -> None:
    f = facts()
    shift = timedelta(weeks=-37)
    plain = _as_dicts(person_rows(f, "p1", timedelta(0)))
    moved = _as_dicts(person_rows(f, "p1", shift))
    kinds = {"date", "timestamp_utc", "timestamp_local"}
    checked = 0
    for table in TABLES:
        for before, after in zip(plain[table], moved[table], strict=True):
            for column in COLUMNS[table]:
                old, new = before[column.name], after[column.name]
                if column.type in kinds and old is not None:
                    assert isinstance(old, date) and isinstance(new, date)
                    assert new - old == shift, (table, column.name)
                    assert new.weekday() == old.weekday()
                    checked += 1
                else:
                    assert new == old, (table, column.name)
    assert checked > 100
    assert moved["walks"][0]["start_local"].time() == time(9, 30)  # type: ignore[union-attr]


def test_no_name_or_free_text_reaches_the_rows() -> None:
    text = repr(person_rows(facts(), "p1", timedelta(0)))
    assert not [s for s in SECRETS if s in text]


# --- files ---------------------------------------------------------------------------------------


def _write(folder: Path, people: int = 3, row_group_rows: int = 10_000) -> TableWriter:
    deid = Deidentifier(KEY, shift_dates=True)
    f = facts()
    with TableWriter(folder, row_group_rows=row_group_rows) as writer:
        for person_id in range(people):
            writer.add(person_rows(f, deid.pseudonym(person_id), deid.shift(person_id)))
        writer.finish(ExportAbout(people, "a test", shifted=True, made_on=None))
    return writer


def test_csv_and_parquet_hold_the_same_rows_in_row_groups(tmp_path: Path) -> None:
    writer = _write(tmp_path, people=3, row_group_rows=10)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(file_names())
    for table in TABLES:
        parquet = pq.ParquetFile(tmp_path / f"{table}.parquet")
        assert parquet.schema_arrow.names == [c.name for c in COLUMNS[table]]
        with (tmp_path / f"{table}.csv").open(newline="", encoding="utf-8") as handle:
            header, *rows = list(csv.reader(handle))
        assert header == [c.name for c in COLUMNS[table]]
        assert len(rows) == parquet.metadata.num_rows == writer.counts[table]
    walks = pq.ParquetFile(tmp_path / "walks.parquet")
    assert walks.metadata.num_rows == 72 and walks.num_row_groups == 3  # one per 10 rows or more
    first = walks.read_row_group(0).to_pylist()[0]
    with (tmp_path / "walks.csv").open(newline="", encoding="utf-8") as handle:
        row = next(iter(csv.DictReader(handle)))
    assert row["start_utc"] == first["start_utc"].strftime("%Y-%m-%d %H:%M:%S+00:00")
    assert row["talk_test"] == "true" and row["moving_min"] == "" and first["moving_min"] is None


def test_the_dictionary_lists_every_column_with_its_type_unit_and_codes(tmp_path: Path) -> None:
    _write(tmp_path)
    with (tmp_path / "data_dictionary.csv").open(newline="", encoding="utf-8") as handle:
        listed = list(csv.DictReader(handle))
    assert [(r["table"], r["column"]) for r in listed] == [
        (t, c.name) for t, cols in COLUMNS.items() for c in cols
    ]
    assert all(r["type"] in TYPES and r["description"] for r in listed)
    decision = next(r for r in listed if (r["table"], r["column"]) == ("weeks", "decision"))
    assert decision["codes"].split(";") == [d.value for d in Decision]
    text = (tmp_path / "data_dictionary.md").read_text(encoding="utf-8")
    for table, columns in COLUMNS.items():
        assert f"## {table} (" in text
        assert all(f"`{c.name}`" in text for c in columns)
    assert "shifted" in text and "Exported:" in text  # no day of export when shifted
    assert "free text" in text and "HMAC-SHA256" in text
    assert dictionary_rows()[0] == ["table", "column", "type", "unit", "description", "codes"]
    plain = dictionary_markdown(ExportAbout(1, "x", shifted=False, made_on=TODAY), {})
    assert f"Exported on {TODAY.isoformat()}" in plain and "as recorded" in plain


def test_a_failed_export_leaves_no_file(tmp_path: Path) -> None:
    f = facts()
    with pytest.raises(RuntimeError), TableWriter(tmp_path) as writer:
        writer.add(person_rows(f, "p1", timedelta(0)))
        raise RuntimeError("the database went away")
    assert list(tmp_path.iterdir()) == []
    writer = TableWriter(tmp_path / "new")
    writer.abort()
    assert list((tmp_path / "new").iterdir()) == []
    assert DICTIONARY[0] in file_names()
