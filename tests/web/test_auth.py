"""Sign-up, sign-in and sign-out through the forms; cookie attributes; CSRF on every form; sign-in
throttling per client, and where the client address comes from (`walkrx serve`)."""

from __future__ import annotations

import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import closing, contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest
import uvicorn
from fastapi.testclient import TestClient

from walkrx.cli.app import main
from walkrx.services import accounts
from walkrx.web.deps import SESSION_COOKIE

from .conftest import PASSWORD, Web, csrf_of, page_csrf


def _set_cookie(response_headers: list[str], name: str) -> str:
    found = [h for h in response_headers if h.startswith(f"{name}=")]
    assert found, f"no {name} cookie set"
    return found[0]


def test_sign_up_signs_in_and_leads_to_onboarding(web: Web) -> None:
    """A new walker is signed in at once and sent to the onboarding steps."""
    client = web.sign_up("ann@example.org")
    response = client.get("/today", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/onboarding"
    assert client.get("/api/v1/me").json()["email"] == "ann@example.org"


def test_session_cookie_is_httponly_secure_and_lax(web: Web) -> None:
    """The session cookie cannot be read by scripts, travels only over https, and is SameSite."""
    client = web.client()
    form = client.get("/signup")
    response = client.post(
        "/signup",
        data={"email": "bo@example.org", "password": PASSWORD, "name": "Bo"}
        | {"csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    cookie = _set_cookie(response.headers.get_list("set-cookie"), SESSION_COOKIE).lower()
    assert "httponly" in cookie
    assert "secure" in cookie
    assert "samesite=lax" in cookie
    assert "path=/" in cookie


def test_sign_out_then_sign_in_again(web: Web) -> None:
    """Signing out ends the session on the server; signing in with the password opens a new one."""
    client = web.walker("cy@example.org")
    old = client.cookies.get(SESSION_COOKIE)
    out = client.post("/signout", data={"csrf": page_csrf(client)}, follow_redirects=False)
    assert out.status_code == 303
    assert client.get("/today", follow_redirects=False).headers["location"].startswith("/signin")
    replay = web.client()
    replay.cookies.set(SESSION_COOKIE, old or "", domain="testserver")
    assert replay.get("/api/v1/me").status_code == 401
    form = client.get("/signin")
    signed_in = client.post(
        "/signin",
        data={"email": "cy@example.org", "password": PASSWORD, "csrf": csrf_of(form.text)},
        follow_redirects=False,
    )
    assert signed_in.status_code == 303
    assert signed_in.headers["location"] == "/today"
    assert client.get("/today").status_code == 200


def test_wrong_password_is_refused_with_a_page(web: Web) -> None:
    """A wrong password gives a 403 page with a message, and no session."""
    web.sign_up("dee@example.org")
    client = web.client()
    form = client.get("/signin")
    response = client.post(
        "/signin",
        data={
            "email": "dee@example.org",
            "password": "not the password",
            "csrf": csrf_of(form.text),
        },
    )
    assert response.status_code == 403
    assert "<html" in response.text
    assert SESSION_COOKIE not in client.cookies


def test_form_without_csrf_token_is_refused(web: Web) -> None:
    """A form post without the CSRF field is 403 and changes nothing; with the field it works."""
    client = web.walker("eve@example.org")
    refused = client.post("/log", data={"minutes": "20", "date": "2017-01-03"})
    assert refused.status_code == 403
    assert client.get("/api/v1/me").status_code == 200
    person = client.get("/api/v1/me").json()["person_id"]
    assert client.get(f"/api/v1/people/{person}/walks").json()["walks"] == []
    wrong = client.post("/log", data={"minutes": "20", "date": "2017-01-03", "csrf": "forged"})
    assert wrong.status_code == 403
    accepted = client.post(
        "/log", data={"minutes": "20", "date": "2017-01-03", "csrf": page_csrf(client)}
    )
    assert accepted.status_code == 200
    assert len(client.get(f"/api/v1/people/{person}/walks").json()["walks"]) == 1


def test_api_with_session_needs_the_csrf_header(web: Web) -> None:
    """A cookie session on the API needs X-CSRF-Token on unsafe methods."""
    client = web.walker("fay@example.org")
    person = client.get("/api/v1/me").json()["person_id"]
    url = f"/api/v1/people/{person}/walks"
    assert client.post(url, json={"minutes": 20}).status_code == 403
    ok = client.post(url, json={"minutes": 20}, headers={"X-CSRF-Token": page_csrf(client)})
    assert ok.status_code == 201


def test_sign_in_form_needs_its_double_submit_token(web: Web) -> None:
    """Sign-in and sign-up without the pre-session token (a cross-site post) are refused."""
    web.sign_up("gus@example.org")
    client = web.client()
    response = client.post(
        "/signin", data={"email": "gus@example.org", "password": PASSWORD, "csrf": "x"}
    )
    assert response.status_code == 403
    response = client.post(
        "/signup", data={"email": "new@example.org", "password": PASSWORD, "name": "N"}
    )
    assert response.status_code == 403


def test_signed_out_pages_redirect_and_api_answers_401(web: Web) -> None:
    """Without a session, pages send the person to sign in and the API gives a JSON 401."""
    client = web.client()
    page = client.get("/walks", follow_redirects=False)
    assert page.status_code == 303
    assert page.headers["location"] == "/signin?next=/walks"
    api = client.get("/api/v1/me")
    assert api.status_code == 401
    assert api.json()["error"]["type"] == "sign_in_required"


def test_next_only_goes_to_local_paths(web: Web) -> None:
    """After sign-in, `next` may send the person to a page of walkrx, never to another site."""
    web.walker("hal@example.org")
    client = web.client()
    form = client.get("/signin?next=//evil.example/x")
    response = client.post(
        "/signin",
        data={
            "email": "hal@example.org",
            "password": PASSWORD,
            "csrf": csrf_of(form.text),
            "next": "//evil.example/x",
        },
        follow_redirects=False,
    )
    assert response.headers["location"] == "/today"


ATTACKER = ("203.0.113.5", 50000)
OWNER = ("198.51.100.7", 50000)


def _client_at(web: Web, address: tuple[str, int]) -> TestClient:
    """A browser at this network address (what `request.client` says)."""
    client = TestClient(web.app, base_url="https://testserver", client=address)
    web.stack.enter_context(client)
    return client


def _sign_in(
    client: TestClient, email: str, password: str, headers: dict[str, str] | None = None
) -> httpx.Response:
    form = client.get("/signin")
    return client.post(
        "/signin",
        data={"email": email, "password": password, "csrf": csrf_of(form.text)},
        headers=headers,
        follow_redirects=False,
    )


def test_wrong_passwords_from_one_client_do_not_keep_the_owner_out(web: Web) -> None:
    """Issue 10: after five wrong passwords from one client the owner signs in at once from
    another; the failing client gets 429 with Retry-After, even with the right password."""
    web.sign_up("ida@example.org")
    attacker = _client_at(web, ATTACKER)
    for _ in range(5):
        assert _sign_in(attacker, "ida@example.org", "not the password").status_code == 403
    limited = _sign_in(attacker, "ida@example.org", PASSWORD)
    assert limited.status_code == 429
    assert 20 <= int(limited.headers["retry-after"]) <= 30
    assert "seconds and try again" in limited.text
    assert SESSION_COOKIE not in attacker.cookies
    owner = _client_at(web, OWNER)
    signed_in = _sign_in(owner, "ida@example.org", PASSWORD)
    assert signed_in.status_code == 303
    assert owner.get("/api/v1/me").json()["email"] == "ida@example.org"


def test_the_failing_client_waits_longer_after_each_failure(
    web: Web, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each failure after the fifth doubles the wait (30 s, 1 min, 2 min); an X-Forwarded-For
    header the client makes up changes nothing (no proxy is trusted)."""
    web.sign_up("jo@example.org")
    real_now = accounts._now
    later = [timedelta(0)]  # the services' clock, moved on instead of sleeping
    monkeypatch.setattr(accounts, "_now", lambda now: real_now(now) + later[0])
    attacker = _client_at(web, ATTACKER)
    for n in range(5):
        forged = {"X-Forwarded-For": f"192.0.2.{n}"}
        assert _sign_in(attacker, "jo@example.org", "not it at all", forged).status_code == 403
    waits = []
    for n in range(3):
        forged = {"X-Forwarded-For": f"192.0.2.{10 + n}"}
        limited = _sign_in(attacker, "jo@example.org", PASSWORD, forged)
        assert limited.status_code == 429
        waits.append(int(limited.headers["retry-after"]))
        later[0] += timedelta(seconds=waits[-1] + 1)
        assert _sign_in(attacker, "jo@example.org", "not it at all", forged).status_code == 403
    assert [round(wait, -1) for wait in waits] == [30, 60, 120]


def test_serve_trusts_x_forwarded_for_only_from_proxies_the_operator_names(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """`walkrx serve` turns uvicorn's proxy headers off (it trusts 127.0.0.1 by default) unless
    --forwarded-allow-ips names the proxies; a list that is not addresses is refused."""
    calls: list[dict[str, Any]] = []
    monkeypatch.setattr(uvicorn, "run", lambda app, **kwargs: calls.append(kwargs))

    def serve(*args: str) -> int:
        try:
            main(["serve", "--db", str(tmp_path / "walkrx.db"), *args])
        except SystemExit as exc:
            return int(exc.code or 0)
        return 0

    assert serve() == 0
    assert calls[-1]["proxy_headers"] is False
    assert calls[-1]["forwarded_allow_ips"] is None
    assert serve("--forwarded-allow-ips", " 127.0.0.1, 10.0.0.0/8 ") == 0
    assert calls[-1]["proxy_headers"] is True
    assert calls[-1]["forwarded_allow_ips"] == "127.0.0.1,10.0.0.0/8"
    assert "X-Forwarded-For when sent by: 127.0.0.1,10.0.0.0/8" in capsys.readouterr().out
    assert serve("--forwarded-allow-ips", "proxy.example") == 2
    refused = " ".join(capsys.readouterr().err.replace("│", " ").split())  # unboxed
    assert "'proxy.example' is not an IP address or network" in refused
    assert len(calls) == 2


@contextmanager
def _served(tmp_path: Path, *options: str) -> Iterator[str]:
    """A real `walkrx serve` on a free port of 127.0.0.1 (plain http); yields its URL."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = (tmp_path / f"serve-{port}.log").open("wb")
    command = [sys.executable, "-m", "walkrx", "serve", "--port", str(port)]
    command += ["--db", str(tmp_path / "walkrx.db"), "--insecure-cookies", *options]
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            assert process.poll() is None, (tmp_path / f"serve-{port}.log").read_text()
            try:
                if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "walkrx serve did not start within 30 s"
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)
        log.close()


def _http_sign_in(browser: httpx.Client, email: str, forwarded_for: str) -> httpx.Response:
    form = browser.get("/signin")
    assert form.status_code == 200, form.text
    return browser.post(
        "/signin",
        data={"email": email, "password": "not the password", "csrf": csrf_of(form.text)},
        headers={"X-Forwarded-For": forwarded_for},
    )


def test_a_real_server_takes_the_client_from_x_forwarded_for_only_when_told(
    tmp_path: Path,
) -> None:
    """From 127.0.0.1 without --forwarded-allow-ips a made-up X-Forwarded-For is ignored: 20
    failures across addresses, each 'from' a new address, still count against one client. With
    --forwarded-allow-ips 127.0.0.1 (a proxy on this machine) the header names the client."""
    with _served(tmp_path) as url, httpx.Client(base_url=url, timeout=30) as browser:
        for n in range(20):
            wrong = _http_sign_in(browser, f"guess{n}@example.org", f"192.0.2.{n}")
            assert wrong.status_code == 403, wrong.text
        limited = _http_sign_in(browser, "guess20@example.org", "192.0.2.20")
        assert limited.status_code == 429
        assert limited.headers["retry-after"] == "60"
    assert _clients_recorded(tmp_path) == {"127.0.0.1"}  # request.client.host: the peer
    with (
        _served(tmp_path, "--forwarded-allow-ips", "127.0.0.1") as url,
        httpx.Client(base_url=url, timeout=30) as browser,
    ):
        for _ in range(5):
            assert _http_sign_in(browser, "kim@example.org", "198.51.100.7").status_code == 403
        assert _http_sign_in(browser, "kim@example.org", "198.51.100.7").status_code == 429
        assert _http_sign_in(browser, "kim@example.org", "198.51.100.8").status_code == 403
    assert _clients_recorded(tmp_path) == {"127.0.0.1", "198.51.100.7", "198.51.100.8"}


def _clients_recorded(tmp_path: Path) -> set[str]:
    with closing(sqlite3.connect(tmp_path / "walkrx.db")) as connection:
        return {row[0] for row in connection.execute("SELECT client FROM login_attempts")}
