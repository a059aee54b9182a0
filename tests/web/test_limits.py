"""The request-body cap: an oversized upload is refused before its body is read or stored.

The app's limit is FastAPI's own `max_body_size` (per-file limit + form overhead); these tests
check that it is wired in, that it stops reading early, and that its 413 is worded for people.
"""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from fastapi.testclient import TestClient

from walkrx.web.settings import FORM_OVERHEAD_BYTES

from .conftest import Web, page_csrf

LIMIT = 4 << 20  # the `web` fixture's per-file limit
CAP = LIMIT + FORM_OVERHEAD_BYTES
BOUNDARY = "walkrxtestboundary"
CHUNK = 256 << 10


def _signed_in(web: Web, email: str) -> tuple[TestClient, str, str]:
    client = web.walker(email)
    person = client.get("/api/v1/me").json()["person_id"]
    return client, person, page_csrf(client)


def _post_raw(
    web: Web, client: TestClient, path: str, csrf: str, chunks: int, declared: int | None
) -> tuple[int, dict[str, Any], int]:
    """POST a multipart body of `chunks` x 256 kB straight to the ASGI app.

    Returns the status, the JSON body and how many chunks the app asked the client for.
    """
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="files"; filename="big.fit"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    parts = [head + b"\0" * (CHUNK - len(head))] + [b"\0" * CHUNK] * (chunks - 1)
    headers = [
        (b"content-type", f"multipart/form-data; boundary={BOUNDARY}".encode()),
        (b"cookie", "; ".join(f"{k}={v}" for k, v in client.cookies.items()).encode()),
        (b"x-csrf-token", csrf.encode()),
        (b"host", b"testserver"),
    ]
    if declared is not None:
        headers.append((b"content-length", str(declared).encode()))
    asked = 0
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        nonlocal asked
        asked += 1
        if asked > len(parts):
            return {"type": "http.disconnect"}
        return {"type": "http.request", "body": parts[asked - 1], "more_body": asked < len(parts)}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "https",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": headers,
        "client": ("127.0.0.1", 50000),
        "server": ("testserver", 443),
        "state": {},
    }
    # A thread of its own: the browser tests may leave an event loop running on this one.
    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, web.app(scope, receive, send)).result()
    status = next(m["status"] for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    assert body.startswith(b"{"), (status, body[:300])
    return status, json.loads(body), asked


def test_a_declared_length_over_the_cap_is_refused_before_the_body_is_read(web: Web) -> None:
    """Content-Length over the cap: 413 in the API's error shape, and not one chunk is read."""
    client, person, csrf = _signed_in(web, "gil@example.org")
    status, body, asked = _post_raw(
        web, client, f"/api/v1/people/{person}/imports", csrf, chunks=40, declared=40 * CHUNK
    )
    assert status == 413 and asked == 0
    assert body["error"]["type"] == "upload_too_large"
    assert "is 10 MB, over the limit of 4 MB for one upload" in body["error"]["message"]
    assert client.get(f"/api/v1/people/{person}/walks").json()["walks"] == []


def test_a_body_without_a_length_stops_being_read_once_it_passes_the_cap(web: Web) -> None:
    """Chunked upload: reading stops at the chunk that passes the cap (5 MB = 20 chunks)."""
    client, person, csrf = _signed_in(web, "hal@example.org")
    status, body, asked = _post_raw(
        web, client, f"/api/v1/people/{person}/imports", csrf, chunks=40, declared=None
    )
    assert status == 413
    assert asked == CAP // CHUNK + 1  # 21 of 40 chunks, never the rest
    assert "over the limit of 4 MB for one upload" in body["error"]["message"]
    assert client.get(f"/api/v1/people/{person}/walks").json()["walks"] == []


@pytest.mark.parametrize("path", ["/upload", "api"])
def test_an_oversized_upload_gets_a_clear_413_and_stores_nothing(web: Web, path: str) -> None:
    """Through the browser's routes: a 6 MB request is refused with a clear message, as a page
    on /upload and as the API's JSON error, and no walk is stored."""
    client, person, csrf = _signed_in(web, "flo@example.org")
    files = [("files", ("big.fit", b"\0" * (6 << 20), "application/octet-stream"))]
    if path == "api":
        response = client.post(
            f"/api/v1/people/{person}/imports", headers={"X-CSRF-Token": csrf}, files=files
        )
        assert response.status_code == 413
        error = response.json()["error"]
        assert error["type"] == "upload_too_large"
        assert "is 6 MB, over the limit of 4 MB for one upload" in error["message"]
    else:
        response = client.post("/upload", data={"csrf": csrf}, files=files)
        assert response.status_code == 413
        assert "over the limit of 4 MB for one upload" in response.text
        assert "walkrx import" in response.text
        assert response.headers["x-frame-options"] == "DENY"  # still a page of the app's own
    assert client.get(f"/api/v1/people/{person}/walks").json()["walks"] == []


def test_a_body_within_the_cap_is_read_whole(web: Web) -> None:
    """Just under the cap the request is read and judged by the per-file limit instead."""
    client, person, csrf = _signed_in(web, "ida@example.org")
    files = [("files", ("big.fit", b"\0" * (LIMIT + 1), "application/octet-stream"))]
    response = client.post(
        f"/api/v1/people/{person}/imports", headers={"X-CSRF-Token": csrf}, files=files
    )
    assert response.status_code == 413
    assert "big.fit is 4 MB, over the 4 MB limit per file" in response.json()["error"]["message"]
