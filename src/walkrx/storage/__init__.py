"""Storage: SQLAlchemy rows, repositories and a unit of work over SQLite (default) or PostgreSQL.

    database = Database.open(url)          # resolves the URL and migrates to head
    with UnitOfWork(database) as uow:
        uow.people.add(person)
        uow.commit()

Repositories speak in `walkrx.domain.model` records; rows stay inside this package.
"""

from walkrx.storage.database import (
    Database,
    default_database_url,
    make_engine,
    resolve_url,
    upgrade,
)
from walkrx.storage.repositories import SourceFile, SourceFileInfo
from walkrx.storage.uow import UnitOfWork

__all__ = [
    "Database",
    "SourceFile",
    "SourceFileInfo",
    "UnitOfWork",
    "default_database_url",
    "make_engine",
    "resolve_url",
    "upgrade",
]
