"""`walkrx export tables` and its use case (issue 12), on SQLite and PostgreSQL.

- The tables load in DuckDB (`read_parquet`, `read_csv_auto`) and pandas with no schema given,
  with the columns of the data dictionary, CSV and Parquet alike.
- A person has one pseudonym across the tables of an export and another in the next export.
- `--shift-dates` moves each person's dates and instants by whole weeks: weekdays and intervals
  are kept.
- No name, e-mail address, note or other free text is in any file.
- A clinic's export holds the patients who share with it now, and nobody else; its
  administrator may export it (each patient read on the audit trail), an administrator of
  another clinic, a plain member or a walker may not.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow.parquet as pq
import pytest

from walkrx.domain.codes import RedFlag
from walkrx.domain.model import CheckIn, FlagClearing, FollowUp, Walk
from walkrx.errors import ConflictError, ForbiddenError, NotFoundError
from walkrx.reports.table_columns import COLUMNS, TABLES
from walkrx.services import accounts, program, tables
from walkrx.services.access import Actor
from walkrx.storage import Database, UnitOfWork

from .conftest import Cli

START = date(2026, 3, 2)  # a Monday
TODAY = date(2026, 4, 20)
NOW = datetime(2026, 4, 20, 12, 0, tzinfo=UTC)
PASSWORD = "a long test password 1"
SECRETS = (
    "Walker Forty",
    "Shown Name",
    "@example.org",
    "walk note XYZZY",
    "import note QWERTY",
    "cue text PLUGH",
    "clearing note FROBOZZ",
    "pause reason GRUE",
    "Dr Ackbar",
    "Europe/London",
)


@dataclass(frozen=True)
class World:
    people: dict[int, int]  # age -> person id (ages are unique: they tell the rows apart)
    clinic_a: int
    clinic_b: int
    admin_a: int
    admin_b: int
    member_a: int
    walker: int


def _person(uow: UnitOfWork, age: int, acker: int) -> int:
    name = {40: "Walker Forty"}.get(age, f"Walker {age}x")
    person = program.new_person(
        name=name, start=START, age=age, timezone="Europe/London", display_name="Shown Name"
    )
    stored = program.store_new_person(uow, person)
    assert stored.id is not None
    pid = stored.id
    for week in range(6):
        for k, offset in enumerate((0, 2, 4)):
            day = START + timedelta(days=7 * week + offset)
            uow.walks.add(
                pid,
                Walk(
                    id=None,
                    start=datetime.combine(day, time(8 + k, 15), tzinfo=UTC),
                    timezone="Europe/London",
                    duration_s=1200 + 60 * week,
                    distance_m=1800.0,
                    pain_before=2,
                    pain_during=8 if (week, k) == (2, 1) else 3,
                    pain_after=3,
                    effort=4,
                    notes="walk note XYZZY",
                    cues=("cue text PLUGH",),
                    import_notes=("import note QWERTY",),
                ),
            )
    for offset in range(0, 35, 2):
        uow.checkins.add(pid, CheckIn(None, START + timedelta(days=offset), 0, morning_pain=3))
    flagged = CheckIn(None, START + timedelta(days=23), 0, red_flags=(RedFlag.NIGHT_PAIN,))
    uow.checkins.add(pid, flagged)  # week 4: seek care
    uow.clearings.add(
        pid,
        FlagClearing(
            None, START + timedelta(days=24), 0, "clearing note FROBOZZ", "dr.clear@example.org"
        ),
    )
    uow.pauses.add(pid, START + timedelta(days=36), "pause reason GRUE", "dr.pause@example.org")
    # finished in week 7, then two follow-ups, the second telling a recurrence (issue 13)
    uow.stages.add(pid, "finished", START + timedelta(days=42), "dr.finish@example.org")
    uow.followups.add(pid, FollowUp(None, START + timedelta(days=45), False, usual_minutes=90))
    uow.followups.add(
        pid, FollowUp(None, START + timedelta(days=48), True, START + timedelta(days=46), False)
    )
    walk = uow.walks.list(pid)[7]
    assert walk.id is not None
    uow.alerts.raise_once(
        pid,
        kind="red_walk",
        key=f"red_walk:{walk.id}",
        day=walk.local_date,
        now=NOW - timedelta(days=40),
        walk_id=walk.id,
    )
    (alert,) = uow.alerts.of_person(pid)
    uow.alerts.acknowledge(
        pid, alert.id, user_id=acker, name="Dr Ackbar", now=NOW - timedelta(days=39)
    )
    return pid


def _account(db: Database, email: str, role: str = "clinician") -> int:
    return accounts.sign_up(
        UnitOfWork(db), email=email, password=PASSWORD, name="Dr Ackbar", role=role
    ).id


def world(db: Database) -> World:
    """Four walkers (ages 40-43): 40 shares with clinic A, 41 with B, 42 shared with A and
    stopped, 43 with no clinic; A's administrator and plain member, B's administrator."""
    admin_a, admin_b = _account(db, "admin.a@example.org"), _account(db, "admin.b@example.org")
    member_a = _account(db, "member.a@example.org")
    walker = _account(db, "walker@example.org", "walker")
    with UnitOfWork(db) as uow:
        people = {age: _person(uow, age, admin_a) for age in (40, 41, 42, 43)}
        a, b = uow.clinics.add("Clinic A"), uow.clinics.add("Clinic B")
        uow.clinics.set_member(a.id, admin_a, "admin", NOW)
        uow.clinics.set_member(a.id, member_a, "clinician", NOW)
        uow.clinics.set_member(b.id, admin_b, "admin", NOW)
        uow.clinics.join(a.id, people[40], NOW)
        uow.clinics.join(b.id, people[41], NOW)
        uow.clinics.join(a.id, people[42], NOW)
        uow.clinics.leave(a.id, people[42], NOW)
        uow.users.set_person(walker, people[43])
        uow.commit()
    return World(people, a.id, b.id, admin_a, admin_b, member_a, walker)


def export(db: Database, folder: Path, actor: Actor | None = None, **kw: object) -> Path:
    tables.export_tables(UnitOfWork(db), actor or Actor.console(), folder, today=TODAY, **kw)  # type: ignore[arg-type]
    return folder


def read(folder: Path, table: str) -> pd.DataFrame:
    return pd.read_parquet(folder / f"{table}.parquet")


def by_age(folder: Path) -> dict[int, str]:
    people = read(folder, "people")
    return dict(zip(people["age"], people["person"], strict=True))


# --- loading without a schema --------------------------------------------------------------------


def test_the_tables_load_in_duckdb_and_pandas_without_a_schema(cli: Cli, tmp_path: Path) -> None:
    world(Database.open(cli.url))
    out = tmp_path / "tables"
    printed = cli.ok("export", "tables", "--out", str(out), "--today", TODAY.isoformat())
    assert "4 people" in printed and "walks 72" in printed
    con = duckdb.connect()
    for table in TABLES:
        names = [c.name for c in COLUMNS[table]]
        parquet = con.sql(f"SELECT * FROM read_parquet('{out / table}.parquet')")
        from_csv = con.sql(f"SELECT * FROM read_csv_auto('{out / table}.csv')")
        assert parquet.columns == names and from_csv.columns == names
        assert len(parquet.fetchall()) == len(from_csv.fetchall()) > 0, table
        frame, csv_frame = (
            pd.read_parquet(out / f"{table}.parquet"),
            pd.read_csv(out / f"{table}.csv"),
        )
        assert list(frame.columns) == list(csv_frame.columns) == names
        assert len(frame) == len(csv_frame)
    described = con.sql(f"DESCRIBE SELECT * FROM read_csv_auto('{out}/walks.csv')").fetchall()
    types = {row[0]: row[1] for row in described}
    assert types["start_utc"] == "TIMESTAMP WITH TIME ZONE" and types["local_date"] == "DATE"
    assert types["tempo"] == "BOOLEAN" and types["duration_min"] == "DOUBLE"
    same = con.sql(
        f"SELECT person, walk_no, start_utc, local_date, duration_min, pain_status "
        f"FROM read_csv_auto('{out}/walks.csv') EXCEPT SELECT person, walk_no, start_utc, "
        f"local_date, duration_min, pain_status FROM read_parquet('{out}/walks.parquet')"
    )
    assert same.fetchall() == []
    weeks = con.sql(
        f"SELECT decision, count(*) FROM read_parquet('{out}/weeks.parquet') GROUP BY 1"
    )
    assert dict(weeks.fetchall())["step_back"] == 4  # week 3's red walk, for each person
    dictionary = pd.read_csv(out / "data_dictionary.csv", keep_default_na=False)
    assert len(dictionary) == sum(len(c) for c in COLUMNS.values())


# --- pseudonyms and shifted dates ----------------------------------------------------------------


def test_pseudonyms_are_stable_within_an_export_and_differ_across_exports(
    database: Database, tmp_path: Path
) -> None:
    world(database)
    first, second = export(database, tmp_path / "1"), export(database, tmp_path / "2")
    people = read(first, "people")["person"]
    assert len(set(people)) == 4 and list(people) == sorted(people)  # in pseudonym order
    for table in ("walks", "checkins", "weeks", "alerts", "referrals"):
        assert set(read(first, table)["person"]) <= set(people), table
    assert set(read(first, "walks")["person"]) == set(people)
    assert not set(people) & set(read(second, "people")["person"])
    again = by_age(first)
    walks = read(first, "walks")
    assert (walks.groupby("person").size() == 18).all()
    assert set(walks[walks["person"] == again[40]]["walk_no"]) == set(range(1, 19))


def test_shifted_dates_keep_weekdays_and_intervals(database: Database, tmp_path: Path) -> None:
    world(database)
    plain = export(database, tmp_path / "plain")
    moved = export(database, tmp_path / "moved", shift_dates=True)
    plain_ids, moved_ids = by_age(plain), by_age(moved)
    checks = {
        "people": ["start_date"],
        "walks": ["start_utc", "start_local", "local_date"],
        "checkins": ["date"],
        "weeks": ["start_date", "end_date"],
        "alerts": ["date", "raised_at_utc", "acknowledged_at_utc"],
        "followups": ["date"],
        "outcomes": ["ended", "episode_start", "last_answer"],
    }
    for age in plain_ids:
        shift = None
        for table, columns in checks.items():
            a = read(plain, table)
            b = read(moved, table)
            a, b = a[a["person"] == plain_ids[age]], b[b["person"] == moved_ids[age]]
            assert len(a) == len(b) > 0, table
            for column in columns:
                before, after = pd.to_datetime(a[column]), pd.to_datetime(b[column])
                # as Timedeltas: pandas 2 gives nanoseconds as ints here, pandas 3 Timedeltas
                deltas = {pd.Timedelta(d) for d in (after.to_numpy() - before.to_numpy()).tolist()}
                assert len(deltas) == 1, (table, column)  # one shift for all of a person's dates
                (delta,) = deltas
                shift = shift if shift is not None else delta
                assert delta == shift
                assert (before.dt.day_of_week.to_numpy() == after.dt.day_of_week.to_numpy()).all()
        assert shift is not None
        weeks = pd.Timedelta(shift) / pd.Timedelta(days=7)
        assert weeks == int(weeks) and weeks != 0 and abs(weeks) <= 52
    text = (moved / "data_dictionary.md").read_text(encoding="utf-8")
    assert "shifted" in text and "Exported on" not in text


def test_no_name_email_or_note_is_in_any_file(database: Database, tmp_path: Path) -> None:
    w = world(database)
    with UnitOfWork(database) as uow:  # a clinician's threshold change: the protocol is relabelled
        person = uow.people.get(w.people[40])
        assert person is not None
        program.apply_adjustment(uow, person, adjustments={"review.too_little_fraction": 0.6})
        uow.commit()
    out = export(database, tmp_path / "out", shift_dates=True)
    texts = [p.read_text(encoding="utf-8") for p in out.iterdir() if p.suffix in (".csv", ".md")]
    texts += [repr(pq.read_table(p).to_pylist()) for p in out.glob("*.parquet")]
    found = {s for s in SECRETS for text in texts if s.lower() in text.lower()}
    assert not found
    assert "walking-6wk" in repr(read(out, "people")["protocol"].tolist())


# --- clinics: consent and who may export ---------------------------------------------------------


def test_a_clinic_export_holds_its_current_patients_only(
    database: Database, tmp_path: Path
) -> None:
    w = world(database)
    by_console = export(database, tmp_path / "console", clinic_id=w.clinic_a)
    assert set(read(by_console, "people")["age"]) == {40}  # 42 stopped sharing; 41 is B's
    assert set(read(by_console, "walks")["person"]) == set(read(by_console, "people")["person"])
    admin = Actor.user(w.admin_a, client="203.0.113.9")
    by_admin = export(database, tmp_path / "admin", admin, clinic_id=w.clinic_a, now=NOW)
    assert set(read(by_admin, "people")["age"]) == {40}
    assert (
        "share their program with the clinic now" in (by_admin / "data_dictionary.md").read_text()
    )
    with UnitOfWork(database) as uow:
        trail = uow.audit.of_person(w.people[40])
        assert [(e.action, e.clinic_id, e.actor, e.client) for e in trail] == [
            ("export_tables", w.clinic_a, "admin.a@example.org", "203.0.113.9")
        ]
        assert uow.audit.of_person(w.people[41]) == []  # not exported, not read
    everyone = export(database, tmp_path / "all")
    assert set(read(everyone, "people")["age"]) == {40, 41, 42, 43}


@pytest.mark.parametrize(
    ("who", "clinic", "error"),
    [
        ("admin_b", "a", NotFoundError),  # an administrator of another clinic
        ("member_a", "a", ForbiddenError),  # a member who is not an administrator
        ("admin_a", None, ForbiddenError),  # a whole database is the console's alone
        ("walker", "a", NotFoundError),
        ("console", "missing", NotFoundError),
    ],
)
def test_who_may_not_export(
    database: Database, tmp_path: Path, who: str, clinic: str | None, error: type[Exception]
) -> None:
    w = world(database)
    actor = Actor.console() if who == "console" else Actor.user(getattr(w, who))
    clinic_id = {"a": w.clinic_a, "missing": 999, None: None}[clinic]
    with pytest.raises(error):
        export(database, tmp_path / "out", actor, clinic_id=clinic_id)
    assert not (tmp_path / "out").exists() or list((tmp_path / "out").iterdir()) == []
    with UnitOfWork(database) as uow:
        assert all(uow.audit.of_person(pid) == [] for pid in w.people.values())


# --- the command ---------------------------------------------------------------------------------


def test_the_command_refuses_to_overwrite_and_names_a_missing_clinic(
    ann: Cli, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    ann.ok("log", "--minutes", "20", "--date", "2026-03-04", "--notes", "walk note XYZZY")
    printed = ann.ok("export", "tables", "--out", str(out), "--shift-dates")
    assert "1 person (the database)" in printed and "dates shifted" in printed
    with (out / "walks.csv").open(newline="", encoding="utf-8") as handle:
        (walk,) = list(csv.DictReader(handle))
    assert walk["duration_min"] == "20.0" and date.fromisoformat(walk["local_date"]).weekday() == 2
    code, _, err = ann.run("export", "tables", "--out", str(out))
    assert code == ConflictError.exit_code and "already holds an export" in err
    code, _, err = ann.run("export", "tables", "--out", str(tmp_path / "x"), "--clinic", "7")
    assert code == NotFoundError.exit_code and "no clinic 7" in err
    assert not (tmp_path / "x").exists() or list((tmp_path / "x").iterdir()) == []


def test_progress_is_reported_person_by_person(database: Database, tmp_path: Path) -> None:
    world(database)
    seen: list[tuple[int, int]] = []
    done = tables.export_tables(
        UnitOfWork(database),
        Actor.console(),
        tmp_path / "out",
        today=TODAY,
        progress=lambda n, total: seen.append((n, total)),
        row_group_rows=20,
    )
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)]
    assert done.people == 4 and done.rows["walks"] == 72 and len(done.files) == 18
    assert (
        pq.ParquetFile(tmp_path / "out" / "walks.parquet").num_row_groups == 2
    )  # 36 rows, then 36: two flushes of 20 or more
