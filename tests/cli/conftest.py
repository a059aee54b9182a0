"""Fixtures for CLI tests: a `Cli` that runs walkrx commands against one database.

Each test database is migrated before the first snapshot, so a snapshot shows only user data.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from sqlalchemy import create_engine, inspect, text

from walkrx.cli.app import main
from walkrx.storage import Database

START = "2026-03-02"  # a Monday


class Cli:
    """Runs walkrx commands against one database and captures their output."""

    def __init__(self, url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.url = url
        self.capsys = capsys

    def run(self, *args: str) -> tuple[int, str, str]:
        self.capsys.readouterr()
        code = 0
        try:
            main([*args, "--db", self.url])
        except SystemExit as exc:
            code = int(exc.code or 0)
        out, err = self.capsys.readouterr()
        return code, out, err

    def ok(self, *args: str) -> str:
        code, out, err = self.run(*args)
        assert code == 0, f"walkrx {' '.join(args)} failed ({code}): {err}"
        return out

    def json(self, *args: str) -> Any:
        return json.loads(self.ok(*args, "--json"))

    def snapshot(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row of every table, to prove a refused command changed nothing."""
        engine = create_engine(
            self.url.replace("postgresql://", "postgresql+psycopg://", 1)
            if self.url.startswith("postgresql://")
            else self.url
        )
        try:
            tables = sorted(inspect(engine).get_table_names())
            with engine.connect() as connection:
                return {
                    t: sorted(
                        (
                            tuple(map(repr, row))
                            for row in connection.execute(text(f'SELECT * FROM "{t}"'))
                        ),
                    )
                    for t in tables
                }
        finally:
            engine.dispose()


@pytest.fixture
def cli(empty_database_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    Database.open(empty_database_url, migrate=True).close()  # the schema, before any snapshot
    return Cli(empty_database_url, capsys)


@pytest.fixture
def ann(cli: Cli) -> Cli:
    cli.ok(
        "init",
        "--name",
        "Ann",
        "--age",
        "50",
        "--start",
        START,
        "--timezone",
        "Europe/London",
        "--days",
        "mon,wed,fri,sat",
    )
    return cli
