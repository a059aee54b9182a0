"""Migrations: an empty database upgrades to head, and the result matches the ORM rows exactly."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from walkrx.storage import Database, upgrade
from walkrx.storage.database import alembic_config, downgrade, make_engine
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
