"""Web test fixtures: the app on each database engine, TestClients, and sign-up/onboarding steps.

Clients talk to https://testserver so the `Secure` session cookie is sent back, as a browser on
http://localhost would. Steps go through the real forms, so the CSRF tokens are the pages' own.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from walkrx.services import accounts
from walkrx.services.accounts import User
from walkrx.storage import Database, UnitOfWork
from walkrx.web.app import create_app
from walkrx.web.settings import WebSettings

PASSWORD = "a long enough walk"
CSRF_RE = re.compile(r'name="csrf" value="([^"]*)"')


def csrf_of(html: str) -> str:
    found = CSRF_RE.search(html)
    assert found, "the page has no CSRF field"
    return found.group(1)


@dataclass
class Web:
    """One app on one database, and the clients opened on it (closed at the end)."""

    db: Database
    app: FastAPI
    stack: ExitStack
    clients: list[TestClient] = field(default_factory=list)

    def client(self) -> TestClient:
        client = TestClient(self.app, base_url="https://testserver")
        self.stack.enter_context(client)
        return client

    def sign_up(self, email: str, role: str = "walker") -> TestClient:
        """A new client, signed up (and so signed in) through the sign-up form."""
        client = self.client()
        form = client.get("/signup")
        response = client.post(
            "/signup",
            data={
                "email": email,
                "password": PASSWORD,
                "name": email.split("@", maxsplit=1)[0],
                "role": role,
                "csrf": csrf_of(form.text),
            },
            follow_redirects=False,
        )
        assert response.status_code == 303, response.text
        return client

    def onboard(
        self,
        client: TestClient,
        *,
        start: str = "2017-01-02",
        flags: tuple[str, ...] = (),
        timezone: str = "Europe/London",
        days: tuple[str, ...] = ("mon", "wed", "fri", "sat"),
    ) -> None:
        """Walk through the three onboarding steps with the given red-flag answers."""
        step1 = client.get("/onboarding")
        codes = re.findall(r'name="([a-z_]+)" value="yes"', step1.text)
        answers: dict[str, Any] = {c: ("yes" if c in flags else "no") for c in codes}
        answers["csrf"] = csrf_of(step1.text)
        step2 = client.post("/onboarding/flags", data=answers)
        assert step2.status_code == 200, step2.text
        profile = {
            "csrf": csrf_of(step2.text),
            "age": "50",
            "start": start,
            "timezone": timezone,
            "days": list(days),
            "protocol": "walking-6wk",
            "hrmax_formula": "tanaka",
            "zone_method": "hrmax",
            **dict.fromkeys(flags, "yes"),
        }
        step3 = client.post("/onboarding/profile", data=profile)
        assert step3.status_code == 200, step3.text
        carried: dict[str, list[str]] = {}
        for name, value in re.findall(
            r'<input type="hidden" name="([^"]+)" value="([^"]*)">', step3.text
        ):
            carried.setdefault(name, []).append(value)
        carried["csrf"] = carried["csrf"][:1]
        done = client.post("/onboarding/start", data=carried, follow_redirects=False)
        assert done.status_code == 303, done.text
        assert done.headers["location"] == "/today"

    def walker(self, email: str, **onboarding: Any) -> TestClient:
        client = self.sign_up(email)
        self.onboard(client, **onboarding)
        return client

    def user(self, email: str) -> User:
        user, token = accounts.sign_in(
            UnitOfWork(self.db), email=email, password=PASSWORD, client="tests"
        )
        accounts.sign_out(UnitOfWork(self.db), token)
        return user


def database_url(database: Database) -> str:
    return database.url.render_as_string(hide_password=False)


@pytest.fixture
def web(database: Database) -> Iterator[Web]:
    """The web app on a fresh database (SQLite and PostgreSQL), with a small upload limit."""
    settings = WebSettings(database_url=database_url(database), max_upload_bytes=4 << 20)
    with ExitStack() as stack:
        yield Web(database, create_app(settings), stack)


def page_csrf(client: TestClient, path: str = "/today") -> str:
    return csrf_of(client.get(path).text)
