"""The JSON API's response models (walkrx.web.schemas): documented, exact, and the CLI's shapes.

Every /api/v1 route must document its response in /openapi.json (routes are enumerated from the
OpenAPI document, so a route added without a model fails here). For a walker with real data
(walks logged by hand, real FIT files imported, check-ins, weeks reviewed) every route's JSON must
validate against its model and dump back to the very same JSON (same keys in the same order, ints
still ints, floats still floats), declare every key it carries, and equal the CLI's --json for the
same data: the CLI prints the services' dicts as they are, so the response models demonstrably
lose, add or convert nothing. The bytes sent are also those Starlette's JSONResponse wrote for the
plain dicts before the routes had models.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any, TypeVar

import pytest
from pydantic import BaseModel

from walkrx.cli.app import main
from walkrx.services import views
from walkrx.web import schemas
from walkrx.web.app import create_app
from walkrx.web.settings import WebSettings

from .conftest import Web, database_url, page_csrf

ROOT = Path(__file__).resolve().parents[2]
FIT = ROOT / "tests" / "data" / "fit"
FENIX_WALK = FIT / "fitparse__garmin-fenix-5-walk.fit"  # 2017-06-11, a short walk
FENIX_RUN = FIT / "fitparse__garmin-fenix-5-run.fit"  # a run: skipped, not a walk
HRM = FIT / "muktihari__HrmPluginTestActivity.fit"  # 2022-08-29, a walk with heart rate
START = "2017-06-05"  # a Monday

# The keys docs/json.md lists for the shapes the API shares with the CLI's --json.
ZONES_KEYS = [
    "hrmax",
    "hrmax_source",
    "hrmax_error_bpm",
    "band_bpm",
    "method",
    "percent",
    "resting_hr",
]
PRESCRIPTION_KEYS = [
    "walks_min",
    "walks_max",
    "minutes_min",
    "minutes_max",
    "long_walk_minutes",
    "tempo",
]
WEEK_KEYS = [
    "week",
    "start",
    "end",
    "position",
    "phase",
    "prescription",
    "walks",
    "walks_logged",
    "minutes",
    "zone_minutes",
    "longest_minutes",
    "long_walk_done",
    "tempo_done",
    "adherence",
    "morning_pain_mean",
    "pain",
]
REVIEW_KEYS = [
    *WEEK_KEYS,
    "decision",
    "reasons",
    "flags",
    "referrals",
    "red_flags",
    "explanation",
    "next",
]
PLAN_WEEK_KEYS = ["week", "start", "position", "phase", "projected", "prescription", "walks"]
PLAN_WALK_KEYS = ["date", "week", "position", "phase", "minutes", "long_walk", "tempo", "cues"]
TODAY_KEYS = [
    "date",
    "week",
    "position",
    "paused_by",
    "paused_by_clinician",
    "advice",
    "walk",
    "zones",
]
WALK_KEYS = [
    "id",
    "start",
    "timezone",
    "duration_s",
    "moving_s",
    "distance_m",
    "avg_hr",
    "max_hr",
    "effort",
    "pain_before",
    "pain_during",
    "pain_after",
    "pain_next_morning",
    "lower_limb_pain",
    "terrain",
    "talk_test",
    "tempo",
    "cues",
    "notes",
    "zone_in_s",
    "band_bpm",
    "pace_hr",
    "source",
    "counted",
    "check_reason",
    "confirmed",
    "import_notes",
    "pace",
]
CHECKIN_KEYS = [
    "id",
    "date",
    "morning_pain",
    "red_flags",
    "fear_of_movement",
    "psfs",
    "tsk17",
    "fabq_pa",
    "tier",
    "advice",
    "open_flags",
]


def _exact(value: Any) -> str:
    """JSON text that tells apart key order and 1 from 1.0, for exact comparisons."""
    return json.dumps(value)


def _undeclared(model: BaseModel, where: str = "") -> list[str]:
    """Keys a model (or any model inside it) carried without declaring them."""
    found = [f"{where}.{key}" for key in model.model_extra or {}]
    for name in type(model).model_fields:
        value = getattr(model, name)
        items = value if isinstance(value, list) else [value]
        for i, item in enumerate(items):
            if isinstance(item, BaseModel):
                found += _undeclared(item, f"{where}.{name}[{i}]")
    return found


M = TypeVar("M", bound=BaseModel)


def _matches(model: type[M], body: Any) -> M:
    """The body validates against the model, dumps back to the same JSON, and declares it all."""
    parsed = model.model_validate(body)
    assert _exact(parsed.model_dump(mode="json")) == _exact(body), model.__name__
    assert _undeclared(parsed) == [], f"{model.__name__} does not declare these keys"
    return parsed


def _keys(body: dict[str, Any], expected: list[str]) -> None:
    """The documented keys are all there, in the documented order."""
    assert [k for k in body if k in expected] == expected


def _files(*items: tuple[str, bytes]) -> list[tuple[str, tuple[str, bytes, str]]]:
    return [("files", (name, content, "application/octet-stream")) for name, content in items]


def _ok(response: Any, status: int = 200) -> Any:
    """The answer's JSON, checked to be byte for byte what the routes sent before they had
    response models (Starlette's JSONResponse of the plain dict), given the same values."""
    assert response.status_code == status, response.text
    body = response.json()
    before = json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    assert response.content == before.encode("utf-8")
    return body


class Cli:
    """walkrx commands on the web app's database, for one person."""

    def __init__(self, web: Web, person: int, capsys: pytest.CaptureFixture[str]) -> None:
        self.url = database_url(web.db)
        self.person = str(person)
        self.capsys = capsys

    def json(self, *args: str, flag: bool = True, person: bool = True, code: int = 0) -> Any:
        """The command's JSON (with --json unless `flag` is false) and its exit code checked."""
        options = ["--db", self.url, *(["--person", self.person] if person else [])]
        self.capsys.readouterr()
        with pytest.raises(SystemExit) as done:
            main([*args, *(["--json"] if flag else []), *options])
        out, err = self.capsys.readouterr()
        assert (done.value.code or 0) == code, err
        return json.loads(out)


def _schema_of(document: dict[str, Any], schema: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        found: dict[str, Any] = document["components"]["schemas"][schema["$ref"].split("/")[-1]]
        return found
    return schema


def _untyped(document: dict[str, Any], schema: dict[str, Any], seen: set[str]) -> list[str]:
    """Properties, in a schema and all it refers to, that say nothing of their type."""
    if "$ref" in schema:
        name = schema["$ref"].split("/")[-1]
        if name in seen:
            return []
        seen.add(name)
    schema = _schema_of(document, schema)
    found: list[str] = []
    for key, prop in schema.get("properties", {}).items():
        if not any(k in prop for k in ("type", "$ref", "anyOf", "enum", "const")):
            found.append(f"{schema.get('title')}.{key}")
        for part in [prop, *prop.get("anyOf", []), prop.get("items", {})]:
            if "$ref" in part or "properties" in part:
                found += _untyped(document, part, seen)
    return found


def test_every_api_route_documents_its_response() -> None:
    """Each /api/v1 operation in /openapi.json has a 2xx response whose schema is an object with
    typed properties (a route added later without a response model fails this test)."""
    app = create_app(WebSettings(database_url="sqlite:////nonexistent/dir/x.db"))
    document = app.openapi()
    documented = []
    for path, operations in document["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for method, operation in operations.items():
            ok = {c: r for c, r in operation["responses"].items() if c.startswith("2")}
            assert ok, f"{method.upper()} {path} documents no 2xx response"
            for code, response in ok.items():
                if code == "204":
                    continue
                where = f"{method.upper()} {path} {code}"
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                assert schema, f"{where}: no JSON schema"
                resolved = _schema_of(document, schema)
                assert resolved.get("type") == "object", f"{where}: not an object"
                assert resolved.get("properties"), f"{where}: an object without properties"
                assert _untyped(document, schema, set()) == [], where
                documented.append(where)
    assert len(documented) >= 12, documented  # today: every route but DELETE (204, no body)


def test_documented_keys_are_those_of_docs_json_md() -> None:
    """The key lists these tests check are the ones docs/json.md names."""
    text = (ROOT / "docs" / "json.md").read_text(encoding="utf-8")
    named = set(re.findall(r'[`"]([a-z_0-9]+)[`"]', text))
    lists = [ZONES_KEYS, PRESCRIPTION_KEYS, REVIEW_KEYS, PLAN_WEEK_KEYS, PLAN_WALK_KEYS]
    lists += [TODAY_KEYS, WALK_KEYS, CHECKIN_KEYS, ["complete", "pain_status"]]
    assert {k for keys in lists for k in keys} <= named


def test_api_json_matches_its_models_and_the_cli(
    web: Web, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """Real data through every JSON route: each answer validates against its model, dumps back
    to the same JSON, declares all its keys, has the keys docs/json.md lists, and equals the CLI's
    --json for the same data."""
    client = web.walker("ann@example.org", start=START)
    person = _ok(client.get("/api/v1/me"))["person_id"]
    _matches(schemas.Me, _ok(client.get("/api/v1/me")))
    base = f"/api/v1/people/{person}"
    write = {"X-CSRF-Token": page_csrf(client)}
    cli = Cli(web, person, capsys)

    # imports: a walk, a run (skipped), a broken file (failed), a walk with heart rate
    broken = b"this is not a FIT file"
    uploaded = [
        (FENIX_WALK.name, FENIX_WALK.read_bytes()),
        (FENIX_RUN.name, FENIX_RUN.read_bytes()),
        ("broken.fit", broken),
        (HRM.name, HRM.read_bytes()),
    ]
    imported = _ok(client.post(f"{base}/imports", headers=write, files=_files(*uploaded)))
    _matches(schemas.Imports, imported)
    files = imported["files"]
    assert [f["file"] for f in files] == [name for name, _ in uploaded]
    assert len(files[0]["stored"]) == len(files[3]["stored"]) == 1
    assert files[1]["skipped"] and not files[1]["walks"]
    assert files[2]["failed"] and not files[2]["stored"]
    assert files[3]["walks"][0]["avg_hr"] is not None
    for name, content in uploaded:
        (tmp_path / name).write_bytes(content)
    paths = [str(tmp_path / name) for name, _ in uploaded]
    analysed = cli.json("analyze", *paths, "--age", "50", person=False, code=2)  # 2: one failed
    for key in ("walks", "skipped", "failed"):  # the same figures as the CLI reads from them
        assert _exact([x for f in files for x in f[key]]) == _exact(analysed[key]), key
    again = _ok(client.post(f"{base}/imports", headers=write, files=_files(uploaded[0])))
    assert _matches(schemas.Imports, again).files[0].unchanged

    # walks logged by hand over three weeks, then one edited
    logged = []
    for day, extra in [
        ("2017-06-05", {"avg_hr": 130, "max_hr": 141, "distance_km": 2.5, "terrain": "flat"}),
        ("2017-06-07", {"effort": 4, "talk_test": True, "cues": ["tall", "arms"]}),
        ("2017-06-09", {"moving_minutes": 28, "pain_during": 4, "notes": "windy", "tempo": True}),
        ("2017-06-13", {"avg_hr": 150, "distance_km": 3, "lower_limb_pain": 1}),
        ("2017-06-20", {"start": "07:45", "timezone": "Europe/Paris", "minutes": 44}),
    ]:
        sent = {"date": day, "minutes": 30, "pain_before": 2, "pain_after": 3, **extra}
        body = _ok(client.post(f"{base}/walks", headers=write, json=sent), 201)
        _matches(schemas.LoggedWalk, body)
        _keys(body, [*WALK_KEYS, "pain_status", "ask_red_flags"])
        logged.append(body)
    edited = _ok(
        client.patch(
            f"{base}/walks/{logged[1]['id']}", headers=write, json={"pain_next_morning": 6}
        )
    )
    assert _matches(schemas.LoggedWalk, edited).ask_red_flags
    for body in [logged[0], edited, *logged[2:]]:  # a walk plus pain_status, as stored
        stored = {k: v for k, v in body.items() if k not in ("pain_status", "ask_red_flags")}
        assert _exact(stored) == _exact(cli.json("walks", "show", str(body["id"])))

    # check-ins: the API's answer equals the CLI's for the same answers (on another day)
    for sent, options in [
        (
            {"morning_pain": 3, "fear_of_movement": False, "psfs": [5, 6, 4]},
            ["--morning-pain", "3", "--fear-of-movement", "no", "--psfs", "5,6,4"],
        ),
        (
            {"morning_pain": 6, "red_flags": ["fever_unwell"]},
            ["--morning-pain", "6", "--red-flag", "fever_unwell"],
        ),
    ]:
        day = "2017-06-14" if "psfs" in sent else "2017-06-21"
        body = _ok(client.post(f"{base}/checkins", headers=write, json={"date": day, **sent}), 201)
        _matches(schemas.RecordedCheckIn, body)
        _keys(body, CHECKIN_KEYS)
        printed = cli.json("checkin", "--date", "2017-06-15", *options)
        assert _exact({**body, "id": 0, "date": ""}) == _exact({**printed, "id": 0, "date": ""})
    assert body["tier"] == "urgent" and body["advice"] and body["open_flags"] == ["fever_unwell"]

    # every GET route against its model and the CLI's --json
    zones = _ok(client.get(f"{base}/zones"))
    _matches(schemas.Zones, zones)
    _keys(zones, ZONES_KEYS)
    assert _exact(zones) == _exact(cli.json("zones"))

    today = _ok(client.get(f"{base}/today"))
    _matches(schemas.Today, today)
    _keys(today, TODAY_KEYS)
    assert today["paused_by"] == ["fever_unwell"] and today["advice"] and today["walk"] is None
    assert _exact(today) == _exact(cli.json("today"))

    plan = _ok(client.get(f"{base}/plan"))
    _matches(schemas.Plan, plan)
    for planned in plan["weeks"]:
        _keys(planned, PLAN_WEEK_KEYS)
        _keys(planned["prescription"], PRESCRIPTION_KEYS)
        for walk in planned["walks"]:
            _keys(walk, PLAN_WALK_KEYS)
    assert any(w["walks"] for w in plan["weeks"])
    assert _exact(plan) == _exact(cli.json("plan"))

    reviews = _ok(client.get(f"{base}/reviews"))
    _matches(schemas.Reviews, reviews)
    assert len(reviews["weeks"]) > 3
    for review in reviews["weeks"]:
        _keys(review, REVIEW_KEYS)
        _keys(review["zone_minutes"], ["measured", "by_effort"])
        _keys(review["adherence"], ["walks", "minutes"])
        _keys(review["next"], ["position", "phase", "prescription"])
    assert reviews["weeks"][1]["morning_pain_mean"] is not None
    assert _exact(reviews) == _exact(cli.json("review"))

    for number in (1, 2, 3, today["week"]):
        week = _ok(client.get(f"{base}/week/{number}"))
        parsed = _matches(schemas.Week, week)
        _keys(week, [*WEEK_KEYS, "complete", "decision"])
        assert parsed.complete == (number < today["week"])
        assert _exact(week) == _exact(cli.json("week", str(number)))

    walks = _ok(client.get(f"{base}/walks"))
    _matches(schemas.Walks, walks)
    assert sorted(w["source"] for w in walks["walks"]) == ["diary"] * 5 + ["fit"] * 2
    assert _exact(walks) == _exact(cli.json("walks", "list"))
    for walk in walks["walks"]:
        one = _ok(client.get(f"{base}/walks/{walk['id']}"))
        _matches(schemas.Walk, one)
        _keys(one, WALK_KEYS)
        assert _exact(one) == _exact(walk)


def test_models_refuse_a_shape_that_lost_a_key() -> None:
    """A model is no rubber stamp: a missing key or a wrong type is refused."""
    walk: dict[str, Any] = dict.fromkeys(WALK_KEYS)
    walk |= {"id": 1, "start": "2017-06-05T12:00:00+01:00", "timezone": "Europe/London"}
    walk |= {"duration_s": 1800, "tempo": False, "cues": [], "notes": "", "source": "diary"}
    walk |= {"counted": True, "confirmed": False, "import_notes": []}
    walk |= {"pace": {"moving_kmh": None, "band_kmh": [4.8, 6.4], "verdict": None}}
    schemas.Walk.model_validate(walk)
    with pytest.raises(ValueError, match="pace_hr"):
        schemas.Walk.model_validate({k: v for k, v in walk.items() if k != "pace_hr"})
    with pytest.raises(ValueError, match="duration_s"):
        schemas.Walk.model_validate({**walk, "duration_s": "long"})
    extra = schemas.Walk.model_validate({**walk, "new_key": 1})
    assert extra.model_dump(mode="json")["new_key"] == 1  # passed on, never dropped


def test_a_route_keeps_a_key_its_model_does_not_declare(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Should a service add a key before its model does, FastAPI still sends it (not dropped)."""
    zones_json = views.zones_json
    monkeypatch.setattr(views, "zones_json", lambda z: {**zones_json(z), "added": [1.0, 2]})
    client = web.walker("bo@example.org")
    person = _ok(client.get("/api/v1/me"))["person_id"]
    zones = _ok(client.get(f"/api/v1/people/{person}/zones"))
    assert zones["added"] == [1.0, 2] and isinstance(zones["added"][0], float)
    assert _undeclared(schemas.Zones.model_validate(zones)) == [".added"]
