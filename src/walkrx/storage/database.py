"""Where the data lives: resolving a database URL, making an engine, migrating it, and `Database`.

SQLite is the default (a file in the user's data folder); PostgreSQL is used when a URL names it.
Nothing here connects or reads the environment until a function is called. Alembic is imported
only when a migration runs: opening a database that is already at the newest schema reads its
`alembic_version` row and compares it with the newest revision found in `migrations/versions`,
so a daily command does not pay for loading Alembic (docs/performance.md, CLI start-up).
"""

from __future__ import annotations

import functools
import os
import re
import threading
from pathlib import Path
from typing import TYPE_CHECKING, Any

import platformdirs
from sqlalchemy import Connection, Engine, create_engine, event, text
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from walkrx.errors import InvalidInputError

if TYPE_CHECKING:
    from alembic.config import Config

ENV_DATABASE_URL = "WALKRX_DATABASE_URL"
# Execution option of a connection whose transaction may write: on SQLite it begins IMMEDIATE.
IMMEDIATE = "walkrx_immediate"
SQLITE_BUSY_TIMEOUT_MS = 15_000  # how long a writer waits for another to finish before giving up
MIGRATIONS = Path(__file__).resolve().parent / "migrations"

_POSTGRES_NAMES = frozenset({"postgres", "postgresql"})


def default_database_url() -> str:
    """A SQLite file `walkrx.db` in the user's data folder (created if missing)."""
    folder = Path(platformdirs.user_data_dir("walkrx"))
    folder.mkdir(parents=True, exist_ok=True)
    return _sqlite_url(folder / "walkrx.db")


def resolve_url(value: str | None) -> str:
    """The SQLAlchemy URL for a setting: None -> $WALKRX_DATABASE_URL -> the default SQLite file.

    A bare path becomes a SQLite file URL with an absolute path; `postgresql://` and `postgres://`
    URLs are given the psycopg 3 driver; any other URL is used as written.
    """
    if value is None or not value.strip():
        from_env = os.environ.get(ENV_DATABASE_URL, "").strip()
        if not from_env:
            return default_database_url()
        value = from_env
    value = value.strip()
    if value == ":memory:":
        return "sqlite://"
    if "://" not in value:
        return _sqlite_url(Path(value).expanduser().resolve())
    try:
        url = make_url(value)
    except Exception as error:  # sqlalchemy raises ArgumentError; say what to write instead
        raise InvalidInputError(
            f"database URL {value!r} cannot be read ({error}); give a file path or a URL such as "
            "postgresql://user:password@host/dbname"
        ) from error
    if url.drivername in _POSTGRES_NAMES:
        url = url.set(drivername="postgresql+psycopg")
    return url.render_as_string(hide_password=False)


def make_engine(url: str) -> Engine:
    """An engine for a resolved URL. On SQLite: foreign keys on, WAL, and real transactions."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(parsed, pool_pre_ping=True)
    engine = create_engine(parsed)
    _configure_sqlite(engine, in_memory=parsed.database in (None, "", ":memory:"))
    return engine


def upgrade(engine_or_url: Engine | str, revision: str = "head") -> None:
    """Run the Alembic migrations up to `revision` (head by default), in one transaction."""
    if isinstance(engine_or_url, str):
        engine = make_engine(resolve_url(engine_or_url))
        try:
            _run_migrations(engine, "upgrade", revision)
        finally:
            engine.dispose()
    else:
        _run_migrations(engine_or_url, "upgrade", revision)


def downgrade(engine: Engine, revision: str) -> None:
    """Run the Alembic migrations down to `revision` ("base" empties the database)."""
    _run_migrations(engine, "downgrade", revision)


def alembic_config(connection: Connection | None = None) -> Config:
    """An Alembic configuration pointing at the package's migrations (no alembic.ini needed)."""
    from alembic.config import Config  # noqa: PLC0415 (only when migrating: see the docstring)

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    config.set_main_option("path_separator", "os")
    if connection is not None:
        config.attributes["connection"] = connection
    return config


class Database:
    """One database: its engine and session factory, made once per process from a URL."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.sessions: sessionmaker[Session] = sessionmaker(
            bind=engine, expire_on_commit=False, autoflush=False
        )
        # SQLite has one writer at a time: the threads of this process take turns here, in
        # order, instead of in SQLite's busy handler, which sleeps and retries (unfair: under
        # load some writers waited seconds while others went first). Other processes (the
        # command line beside a server) still queue through the busy timeout.
        self.write_turns: threading.RLock | None = (
            threading.RLock() if engine.dialect.name == "sqlite" else None
        )

    @classmethod
    def open(cls, url: str | None = None, *, migrate: bool = True) -> Database:
        """Open the database a setting names (see `resolve_url`), migrating it to head first."""
        engine = make_engine(resolve_url(url))
        if migrate and not at_head(engine):
            upgrade(engine)
        return cls(engine)

    @property
    def url(self) -> URL:
        return self.engine.url

    def close(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def _sqlite_url(path: Path) -> str:
    return URL.create("sqlite", database=str(path)).render_as_string()


def _configure_sqlite(engine: Engine, *, in_memory: bool) -> None:
    # pysqlite only opens a transaction before INSERT/UPDATE/DELETE, so reads that precede a write
    # (such as allocating the next sequence number) would sit outside it, and DDL would autocommit.
    # SQLAlchemy's documented recipe: switch that off and emit BEGIN ourselves.
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        if not in_memory:
            cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A transaction that may write takes the write lock now (waiting up to the busy timeout),
        # so it never fails half way when it upgrades from reading to writing (issue 10).
        immediate = connection.get_execution_options().get(IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")


@functools.cache
def head_revision() -> str:
    """The newest migration: the one revision no other names as its `down_revision`."""
    revisions: set[str] = set()
    parents: set[str] = set()
    pattern = re.compile(r'^(down_revision|revision)\b[^=]*=\s*"([^"]+)"', re.MULTILINE)
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for kind, value in pattern.findall(path.read_text(encoding="utf-8")):
            (parents if kind == "down_revision" else revisions).add(value)
    heads = revisions - parents
    if len(heads) != 1:
        raise RuntimeError(f"the migrations have {len(heads)} heads: {sorted(heads)}")
    return heads.pop()


def at_head(engine: Engine) -> bool:
    """Whether the database's schema is the newest (False when it has none yet)."""
    try:
        with engine.connect() as connection:
            stored = connection.execute(text("SELECT version_num FROM alembic_version")).all()
    except DBAPIError:  # no alembic_version table: an empty database
        return False
    return [row[0] for row in stored] == [head_revision()]


def _run_migrations(engine: Engine, direction: str, revision: str) -> None:
    from alembic import command  # noqa: PLC0415 (only when migrating: see the module docstring)

    with engine.connect() as connection:
        sqlite = engine.dialect.name == "sqlite"
        if sqlite:
            # Batch migrations rebuild tables; foreign keys must be off while they do, and the
            # pragma only takes effect outside a transaction.
            connection.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                "PRAGMA foreign_keys=OFF"
            )
        try:
            with connection.begin():
                config = alembic_config(connection)
                if direction == "upgrade":
                    command.upgrade(config, revision)
                else:
                    command.downgrade(config, revision)
                if sqlite:
                    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left broken foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                connection.connection.dbapi_connection.execute(  # type: ignore[union-attr]
                    "PRAGMA foreign_keys=ON"
                )
