"""The person's own export (issue 12), on SQLite and PostgreSQL: one zip that opens and holds the
FHIR Bundle, their tables (real dates, their name, no pseudonym), the original device file byte
for byte, their account and every stored row about them (as many as an erasure removes), with a
README; no password hash, token or code digest, and nothing of another person. Only the walker
or the console may export it: a clinician, even a linked one, may not.
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from typing import Any

import pytest
from sqlalchemy import text

from walkrx.errors import ForbiddenError, NotFoundError
from walkrx.reports.fhir_read import read_bundle
from walkrx.reports.table_columns import TABLES
from walkrx.services import erasure, own_export, program
from walkrx.services.access import Actor
from walkrx.storage import Database, UnitOfWork

from .test_erasure import (
    HRM,
    START,
    ZEB_CLEARING,
    ZEB_EMAIL,
    ZEB_NAME,
    ZEB_NOTE,
    _account,
    _world,
)


def _zip(db: Database, actor: Actor, person_id: int | None) -> zipfile.ZipFile:
    out = io.BytesIO()
    own_export.export_all(UnitOfWork(db), actor, person_id, out)
    return zipfile.ZipFile(io.BytesIO(out.getvalue()))


def _csv(archive: zipfile.ZipFile, name: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(archive.read(name).decode("utf-8"))))


def _secrets(db: Database) -> list[str]:
    """Every hash and digest stored for accounts, sessions, tokens and invitation codes."""
    with db.engine.connect() as connection:
        found = [
            value
            for query in (
                "SELECT password_hash FROM users",
                "SELECT token_sha256 FROM sessions",
                "SELECT csrf_secret FROM sessions",
                "SELECT token_sha256 FROM api_tokens",
                "SELECT code_sha256 FROM care_links WHERE code_sha256 IS NOT NULL",
            )
            for (value,) in connection.execute(text(query))
        ]
    assert len(found) > 10
    return found


def test_the_walker_downloads_everything_in_one_zip(database: Database) -> None:
    world = _world(database)
    me = Actor.user(world.zeb.id, client="198.51.100.7")
    archive = _zip(database, me, world.zeb_person)
    assert archive.testzip() is None
    names = archive.namelist()
    assert names[0] == "README.txt"
    device = f"device-files/00001-{HRM.name}"
    expected = {"fhir-bundle.json", "account.json", "records.json", device}
    expected |= {f"tables/{t}.csv" for t in TABLES} | {"tables/data_dictionary.csv"}
    assert set(names) == expected | {"README.txt"}
    readme = archive.read("README.txt").decode()
    for name in ("fhir-bundle.json", "tables/", "device-files/", "account.json", "records.json"):
        assert name in readme
    assert ZEB_NAME in readme and ZEB_EMAIL in readme

    assert archive.read(device) == HRM.read_bytes()  # the original, byte for byte
    bundle = read_bundle(json.loads(archive.read("fhir-bundle.json")))
    assert len(bundle.walks) == 2 and bundle.patient["resourceType"] == "Patient"
    assert ZEB_NAME in json.dumps(bundle.patient)
    walks = _csv(archive, "tables/walks.csv")
    assert {w["person"] for w in walks} == {ZEB_NAME}  # their name, no pseudonym
    assert sorted(w["local_date"] for w in walks) == ["2017-01-04", "2022-08-29"]  # real dates
    (people,) = _csv(archive, "tables/people.csv")
    assert people["start_date"] == START.isoformat()
    checkins = _csv(archive, "tables/checkins.csv")  # onboarding's, and the red flag's
    assert [(c["date"], c["red_flags"]) for c in checkins] == [
        ("2017-01-02", ""),
        ("2017-01-05", "saddle_numbness"),
    ]

    account: dict[str, Any] = json.loads(archive.read("account.json"))
    assert account["account"]["email"] == ZEB_EMAIL and account["account"]["name"] == ZEB_NAME
    assert "password_hash" not in account["account"]
    assert [t["label"] for t in account["api_tokens"]] == ["my phone"]
    assert account["sessions"] and all("token_sha256" not in s for s in account["sessions"])
    assert {a["succeeded"] for a in account["sign_in_attempts"]} == {True, False}
    assert {(link["clinician"] or {}).get("email") for link in account["care_links"]} == {
        "dr@clinic.example",
        "boss@clinic.example",
    }
    assert sorted(c["clinic"] for c in account["clinics"]) == ["Hillside", "Riverside"]
    records: dict[str, Any] = json.loads(archive.read("records.json"))
    assert next(iter(records)) == "people"
    assert {w["notes"] for w in records["walks"]} >= {ZEB_NOTE}
    assert [c["note"] for c in records["flag_clearings"]] == [ZEB_CLEARING]
    assert records["program_pauses"][0]["reason"] == "off to the physio first"
    assert {e["action"] for e in records["audit_events"]} >= {"read", "join_clinic"}
    assert "content" not in records["source_files"][0]

    # as complete as an erasure: the same rows, table by table
    preview = erasure.erasure_preview(UnitOfWork(database), me, world.zeb_person)
    keys = own_export.ACCOUNT_TABLES
    exported = {t: len(rows) for t, rows in records.items()}
    exported |= {t: len(account[k]) for t, k in keys.items() if t != "users" and account[k]}
    exported["users"] = 1
    assert exported == preview.rows

    everything = b"".join(archive.read(n) for n in names if not n.startswith("device-files/"))
    for secret in _secrets(database):
        assert secret.encode() not in everything
    assert b"ann@example.org" not in everything and b"Ann Other" not in everything


def test_a_clinician_cannot_export_a_patient(database: Database) -> None:
    world = _world(database)
    for user in (world.dr, world.admin, world.ann):
        with pytest.raises(NotFoundError):
            own_export.export_all(
                UnitOfWork(database), Actor.user(user.id), world.zeb_person, io.BytesIO()
            )
    with pytest.raises(ForbiddenError):
        own_export.export_all(UnitOfWork(database), Actor.user(world.dr.id), None, io.BytesIO())


def test_the_console_and_a_walker_without_a_program(database: Database) -> None:
    made = program.create_program(
        UnitOfWork(database), program.new_person(name="Cy", start=START, age=60, timezone="UTC")
    )
    assert made.id is not None
    archive = _zip(database, Actor.console(), made.id)
    assert json.loads(archive.read("account.json"))["account"] is None
    assert "fhir-bundle.json" in archive.namelist()
    walker = _account(database, "dee@example.org", "walker")
    alone = _zip(database, Actor.user(walker.id), None)
    assert alone.namelist() == ["README.txt", "account.json", "records.json"]
    assert json.loads(alone.read("account.json"))["account"]["email"] == "dee@example.org"
