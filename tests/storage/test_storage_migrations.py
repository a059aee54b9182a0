"""Migrations: an empty database upgrades to head, and the result matches the ORM rows exactly."""

from __future__ import annotations

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from walkrx.storage import Database, upgrade
from walkrx.storage.database import (
    alembic_config,
    at_head,
    downgrade,
    head_revision,
    make_engine,
)
from walkrx.storage.rows import Base

TABLES = {
    "people",
    "zone_settings",
    "source_files",
    "walks",
    "checkins",
    "flag_clearings",
    "users",
    "sessions",
    "api_tokens",
    "care_links",
    "login_attempts",
    "clinics",
    "clinic_members",
    "clinic_patients",
    "alerts",
    "audit_events",
    "person_status",
    "program_pauses",
    "program_stages",
    "followups",
}


def _head() -> str:
    heads = ScriptDirectory.from_config(alembic_config()).get_heads()
    assert len(heads) == 1, f"migrations have several heads: {heads}"
    return heads[0]


def test_an_empty_database_upgrades_to_the_single_head(empty_database_url: str) -> None:
    """Upgrading creates every table and records the head revision."""
    upgrade(empty_database_url)
    engine = make_engine(empty_database_url)
    try:
        with engine.connect() as connection:
            assert MigrationContext.configure(connection).get_current_revision() == _head()
        assert set(inspect(engine).get_table_names()) == TABLES | {"alembic_version"}
    finally:
        engine.dispose()


def test_the_migrated_schema_matches_the_orm_rows(database: Database) -> None:
    """Like `alembic check`: autogenerate finds nothing to change (types included)."""
    with database.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_the_indexes_the_queries_need_exist(database: Database) -> None:
    """Walks are looked up by (person, start); check-ins and clearings by (person, day)."""
    inspector = inspect(database.engine)

    def indexed(table: str) -> list[list[str | None]]:
        return [index["column_names"] for index in inspector.get_indexes(table)]

    assert ["person_id", "start"] in indexed("walks")
    assert ["person_id", "day"] in indexed("checkins")
    assert ["person_id", "day"] in indexed("flag_clearings")


def test_upgrading_twice_changes_nothing(database: Database) -> None:
    """Opening an up-to-date database migrates nothing and keeps the data."""
    upgrade(database.engine)
    assert set(inspect(database.engine).get_table_names()) == TABLES | {"alembic_version"}


def test_downgrade_to_base_and_back(database: Database) -> None:
    """Every migration can be undone, and redone on the emptied database."""
    downgrade(database.engine, "base")
    assert set(inspect(database.engine).get_table_names()) <= {"alembic_version"}
    upgrade(database.engine)
    assert set(inspect(database.engine).get_table_names()) == TABLES | {"alembic_version"}


def test_head_revision_without_alembic_agrees_with_alembic() -> None:
    """Opening a current database skips Alembic by reading the newest revision from the files;
    that reading must be Alembic's own head."""
    assert head_revision() == _head()


def test_a_current_database_is_not_migrated_again(tmp_path: Path) -> None:
    """The second open of a database finds it at head; an empty one is not."""
    engine = make_engine(f"sqlite:///{tmp_path / 'h.db'}")
    try:
        assert not at_head(engine)
        upgrade(engine)
        assert at_head(engine)
    finally:
        engine.dispose()


def test_existing_care_links_survive_the_clinic_migration(empty_database_url: str) -> None:
    """Migration 0007 (issue 11) keeps the care links made before it, as they were."""
    upgrade(empty_database_url, "0006")
    engine = make_engine(empty_database_url)
    try:
        with engine.begin() as connection:
            now = "2026-11-01 10:00:00"
            for email, role in (("c@example.org", "clinician"), ("w@example.org", "walker")):
                connection.execute(
                    text(
                        "INSERT INTO users (email, name, role, password_hash) "
                        "VALUES (:e, :e, :r, 'x')"
                    ),
                    {"e": email, "r": role},
                )
            ids = dict(connection.execute(text("SELECT email, id FROM users")).all())
            connection.execute(
                text(
                    "INSERT INTO care_links (clinician_id, patient_email, patient_user_id, "
                    "status, created_at, answered_at) VALUES (:c, 'w@example.org', :w, "
                    "'accepted', :now, :now)"
                ),
                {"c": ids["c@example.org"], "w": ids["w@example.org"], "now": now},
            )
        upgrade(engine)
        with engine.connect() as connection:
            rows = connection.execute(
                text("SELECT clinician_id, patient_user_id, status, code_sha256 FROM care_links")
            ).all()
        assert rows == [(ids["c@example.org"], ids["w@example.org"], "accepted", None)]
    finally:
        engine.dispose()
