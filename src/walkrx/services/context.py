"""What every use case needs: the database, the person it acts for, and their local today.

Services are the only entry point for the CLI and the web app. They take plain values, validate
them, call the domain, and return domain objects or plain data.
"""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from walkrx import protocols
from walkrx.domain.model import Diary, Person
from walkrx.domain.protocol import Protocol
from walkrx.errors import InvalidInputError, NotFoundError
from walkrx.storage import Database, UnitOfWork


def open_database(url: str | None = None) -> Database:
    """Open (and migrate) the database named by `url`, WALKRX_DATABASE_URL, or the default file."""
    return Database.open(url, migrate=True)


def find_person(uow: UnitOfWork, ref: str | None) -> Person:
    """The person named by `ref` (a name or an id), or the only person when there is one."""
    if ref is not None:
        # names can never be all digits (init refuses them), so a digit string is always an id
        found = uow.people.get(int(ref)) if ref.isdigit() else uow.people.by_name(ref)
        if found is not None:
            return found
    people = uow.people.list()
    if ref is None:
        if len(people) == 1:
            return people[0]
        if not people:
            raise NotFoundError(
                "this database has no program yet: create one with "
                "'walkrx init --name NAME --age N --start YYYY-MM-DD' (or try 'walkrx demo')"
            )
        names = ", ".join(p.name for p in people)
        raise InvalidInputError(
            f"this database holds {len(people)} people ({names}): choose one with --person NAME"
        )
    known = ", ".join(p.name for p in people) or "none yet"
    raise NotFoundError(f"no person called '{ref}' in this database (people: {known})")


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
            "America/New_York"
        ) from None
    if name not in available_timezones() and name != "UTC":
        raise InvalidInputError(
            f"unknown time zone '{name}': use an IANA name such as Europe/Paris"
        )
    return name


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
        if name and name in available_timezones():
            return name
    return "UTC"
