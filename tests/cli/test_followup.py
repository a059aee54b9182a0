"""`walkrx finish`, `followup`, `return`, `outcomes` and `today` after the program (issue 13),
through the real CLI on SQLite and PostgreSQL: refused answers change nothing, the JSON shapes
are those docs/json.md documents."""

from __future__ import annotations

import re
from pathlib import Path

from .conftest import Cli

TODAY = "2026-09-01"
DOC = Path(__file__).resolve().parents[2] / "docs" / "json.md"


def _documented(title: str) -> set[str]:
    text = DOC.read_text(encoding="utf-8")
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return set(re.findall(r"`([a-z_]+)`", text[start : end if end >= 0 else None]))


def _keys(value: object) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in _keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in _keys(v)}
    return set()


def test_finish_follow_up_and_outcomes(ann: Cli) -> None:
    code, _, err = ann.run(
        "followup", "--date", "2026-05-01", "--recurrence", "no", "--today", TODAY
    )
    assert code == 2 and "has not ended yet" in err
    assert ann.json("finish", "--date", "2026-04-06", "--today", TODAY) == {
        "date": "2026-04-06",
        "by": "console",
    }
    assert ann.run("finish", "--date", "2026-04-07", "--today", TODAY)[0] == 4  # already

    before = ann.snapshot()
    for day, words in (("2026-04-05", "ended on Mon 6 Apr 2026"), ("2026-09-02", "after today")):
        code, _, err = ann.run("followup", "--date", day, "--recurrence", "no", "--today", TODAY)
        assert code == 2 and words in err and "--date" in err
    code, _, err = ann.run(
        "followup", "--date", "2026-05-01", "--recurrence", "maybe", "--today", TODAY
    )
    assert code == 2
    assert ann.snapshot() == before  # refused input changes nothing

    late = ann.json(
        "followup", "--date", "2026-06-20", "--recurrence", "no", "--usual-minutes", "150",
        "--today", TODAY,
    )  # fmt: skip
    assert late["usual_minutes"] == 150 and late["due"] == ["2026-07-05", "2026-08-04"]
    told = ann.json(
        "followup", "--date", "2026-08-10", "--recurrence", "yes", "--episode-start",
        "2026-07-30", "--sought-care", "yes", "--today", TODAY,
    )  # fmt: skip
    assert told["ask_red_flags"] is True and told["recurrence"] == "2026-08-10"
    assert told["return_position"] == 1 and told["due"] == []
    missing = _keys(told) - _documented("## `walkrx followup")
    assert not missing, f"followup keys not documented in docs/json.md: {sorted(missing)}"

    shown = ann.ok("today", "--today", TODAY)
    assert "finished on Monday 6 April" in shown and "walkrx return" in shown

    outcome = ann.json("outcomes", "--today", TODAY)
    [person] = outcome["people"]
    assert (person["name"], person["days"], person["event"]) == ("Ann", 115, True)
    assert outcome["median_days"] == 115
    assert [(r["day"], r["at_risk"], r["events"]) for r in outcome["curve"]] == [
        (0, 1, 0),
        (115, 1, 1),
    ]
    assert set(outcome["curve"][0]) >= {"day", "at_risk", "events", "survival", "low", "high"}
    assert "not a trial result" in outcome["observational"]
    assert ann.json("outcomes", "--person", "Ann", "--today", TODAY)["people"] == [person]
    missing = _keys(outcome) - _documented("## `walkrx outcomes")
    assert not missing, f"outcomes keys not documented in docs/json.md: {sorted(missing)}"

    back = ann.json("return", "--today", TODAY)
    assert back == {"date": "2026-09-07", "position": 1, "red_flags": [], "advice": None}
    assert "return to the program on Monday 7 September" in ann.ok("today", "--today", TODAY)


def test_outcomes_of_an_empty_database_and_a_curve_that_never_halves(ann: Cli) -> None:
    assert ann.json("outcomes", "--today", TODAY)["people"] == []
    assert "No follow-up answered yet" in ann.ok("outcomes", "--today", TODAY)
    ann.ok("finish", "--date", "2026-04-06", "--today", TODAY)
    ann.ok("followup", "--date", "2026-05-10", "--recurrence", "no", "--today", TODAY)
    found = ann.json("outcomes", "--today", TODAY, "--by", "protocol")
    assert found["median_days"] is None  # nobody had a recurrence: never falls to one half
    assert [g["group"] for g in found["groups"]] == ["walking-6wk"]
    assert "median days to recurrence: not reached" in ann.ok("outcomes", "--today", TODAY)
