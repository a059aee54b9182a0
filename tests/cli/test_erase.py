"""`walkrx erase --person NAME --yes` (issue 12): without --yes nothing goes and the command says
what would; with it the program and everything of theirs go, leaving one audit event that names
nobody; on SQLite and PostgreSQL."""

from __future__ import annotations

from .conftest import Cli


def _log(cli: Cli) -> None:
    cli.ok("log", "--date", "2026-03-04", "--minutes", "20", "--notes", "a secret note")
    cli.ok("checkin", "--date", "2026-03-05", "--morning-pain", "3")


def test_without_yes_nothing_is_erased_and_the_command_says_what_would_be(ann: Cli) -> None:
    _log(ann)
    before = ann.snapshot()
    code, out, err = ann.run("erase", "--person", "Ann")
    assert code == 2
    assert "This would erase, for good, Ann's program (no account):" in out
    assert "walks: 1" in out and "morning check-ins: 1" in out and "the walking program: 1" in out
    assert "nothing was erased" in err and "--yes" in err
    assert ann.snapshot() == before


def test_with_yes_the_person_and_their_rows_are_gone(ann: Cli) -> None:
    _log(ann)
    ann.ok("init", "--name", "Bo", "--age", "40", "--start", "2026-03-02", "--timezone", "UTC")
    out = ann.ok("erase", "--person", "Ann", "--yes")
    assert out.startswith("Erased Ann: ")
    assert "walks: 1" in out and "Erasure id " in out
    assert "The space they held was overwritten" in out
    rows = ann.snapshot()
    assert "Ann" not in repr(rows) and "a secret note" not in repr(rows)
    assert len(rows["people"]) == 1 and "Bo" in rows["people"][0][1]
    for table in ("walks", "checkins", "zone_settings"):  # Bo's zone settings stay
        assert len(rows[table]) == (1 if table == "zone_settings" else 0)
    (event,) = rows["audit_events"]
    assert "'erased'" in event and "'console'" in event
    code, _, err = ann.run("today", "--person", "Ann")
    assert code == 3 and "no person called 'Ann'" in err


def test_erase_names_its_person(ann: Cli) -> None:
    code, _, err = ann.run("erase", "--person", "Nobody", "--yes")
    assert code == 3 and "no person called 'Nobody'" in err
    code, _, err = ann.run("erase", "--yes")
    assert code == 2 and "--person" in err
    assert ann.snapshot()["people"]
