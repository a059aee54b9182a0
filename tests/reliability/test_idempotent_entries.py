"""Entries sent again are stored once, through a real `walkrx serve` on SQLite and PostgreSQL
(issue 14): a phone's outbox retries a walk and a check-in with their Idempotency-Key, several
requests of the same key in flight at once; one walk and one check-in are stored, the first
answer is 201 and every other one 200 with the same entry."""

from __future__ import annotations

import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx

from walkrx.services import diary
from walkrx.services.access import Actor
from walkrx.storage import Database, UnitOfWork

from .conftest import Server, make_walker

REPEATS = 12  # requests of one key in flight at once


def test_racing_retries_of_one_entry_store_it_once(served: tuple[Server, Database]) -> None:
    server, db = served
    walker = make_walker(db, "retry@example.org")
    today = datetime.now(UTC).date().isoformat()
    walk_key, checkin_key = str(uuid.uuid4()), str(uuid.uuid4())

    def post(n: int) -> tuple[int, int, str]:
        kind, key, body = (
            ("walks", walk_key, {"date": today, "minutes": 25, "pain_before": 2})
            if n % 2 == 0
            else ("checkins", checkin_key, {"date": today, "morning_pain": 3})
        )
        with httpx.Client(base_url=server.url, timeout=60) as client:
            response = client.post(
                f"/api/v1/people/{walker.person_id}/{kind}",
                headers={**walker.headers, "Idempotency-Key": key},
                json=body,
            )
        return response.status_code, response.json()["id"], kind

    with ThreadPoolExecutor(max_workers=2 * REPEATS) as pool:
        results = list(pool.map(post, range(2 * REPEATS)))
    for kind in ("walks", "checkins"):
        answers = [(status, entry) for status, entry, k in results if k == kind]
        statuses = sorted(status for status, _ in answers)
        assert statuses == [200] * (REPEATS - 1) + [201], f"{kind}: {statuses}"
        assert len({entry for _, entry in answers}) == 1, f"{kind}: several entries named"
    walks = diary.list_walks(UnitOfWork(db), Actor.console(), walker.person_id)
    assert len(walks) == 1
    with UnitOfWork(db).read() as uow:
        mornings = [c for c in uow.checkins.list(walker.person_id) if c.morning_pain == 3]
    assert len(mornings) == 1

    # a retry long after, with a different body, still returns the walk stored first
    with httpx.Client(base_url=server.url, timeout=60) as client:
        late = client.post(
            f"/api/v1/people/{walker.person_id}/walks",
            headers={**walker.headers, "Idempotency-Key": walk_key},
            json={"date": today, "minutes": 90},
        )
    assert late.status_code == 200
    assert late.headers["Idempotent-Replayed"] == "true"
    assert late.json()["duration_s"] == 25 * 60
