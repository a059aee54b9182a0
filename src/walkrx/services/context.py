"""What every use case needs: the database, the person it acts for, and their local today.

Services are the only entry point for the CLI and the web app. They take plain values, validate
them, call the domain, and return domain objects or plain data.
"""

from __future__ import annotations

import functools
import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from walkrx import protocols
from walkrx.domain.model import Diary, Person
from walkrx.domain.protocol import Protocol
from walkrx.errors import InvalidInputError
from walkrx.storage import Database, UnitOfWork


def open_database(url: str | None = None) -> Database:
    """Open (and migrate) the database named by `url`, WALKRX_DATABASE_URL, or the default file."""
    return Database.open(url, migrate=True)


def load_protocol(person: Person) -> Protocol:
    """The person's protocol with any threshold adjustments their clinician made."""
    return protocols.customise(
        protocols.load(person.protocol), dict(person.adjustments), person.name
    )


def local_today(person: Person, now: datetime | None = None) -> date:
    """Today's date where the person lives (the clock is read here, never in the domain)."""
    moment = now or datetime.now(ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(person.timezone)).date()


def load_diary(uow: UnitOfWork, person: Person) -> Diary:
    assert person.id is not None
    return uow.diary(person.id)


def check_timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidInputError(
            f"unknown time zone '{name}': use an IANA name such as Europe/London or "
            "America/New_York",
            field="timezone",
        ) from None
    if name not in _zone_names() and name != "UTC":
        raise InvalidInputError(
            f"unknown time zone '{name}': use an IANA name such as Europe/Paris", field="timezone"
        )
    return name


@functools.cache
def _zone_names() -> frozenset[str]:
    """Every IANA zone name (reading them lists the zone directory: done once per process)."""
    return frozenset(available_timezones())


def machine_timezone() -> str:
    """The machine's IANA zone: $TZ, else /etc/localtime's target, else /etc/timezone, else UTC."""
    candidates = [os.environ.get("TZ", "").lstrip(":")]
    localtime = Path("/etc/localtime")
    if localtime.is_symlink():
        target = str(localtime.resolve())
        if "zoneinfo/" in target:
            candidates.append(target.split("zoneinfo/", 1)[1])
    timezone_file = Path("/etc/timezone")
    if timezone_file.exists():
        candidates.append(timezone_file.read_text(encoding="utf-8").strip())
    for name in candidates:
        if name and name in _zone_names():
            return name
    return "UTC"
