"""Concurrent writers through the real HTTP API, on SQLite and PostgreSQL (issue 10).

Several people, and one person in several tabs, write at once: every request gets an answer that
is not a server error, and the database holds exactly the walks whose requests succeeded.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import httpx

from walkrx.services import diary
from walkrx.services.access import Actor
from walkrx.storage import Database, UnitOfWork

from .conftest import Server, make_walker

WRITERS = 24  # requests in flight at once
PER_WRITER = 5


def test_concurrent_walk_posts_all_succeed_and_are_all_stored(
    served: tuple[Server, Database],
) -> None:
    server, db = served
    walkers = [make_walker(db, f"w{i}@example.org") for i in range(4)]
    today = datetime.now(UTC).date().isoformat()

    def post(n: int) -> int:
        walker = walkers[n % len(walkers)]  # four people, each in six "tabs" at once
        with httpx.Client(base_url=server.url, timeout=60) as client:
            codes = []
            for k in range(PER_WRITER):
                response = client.post(
                    f"/api/v1/people/{walker.person_id}/walks",
                    headers=walker.headers,
                    json={"date": today, "minutes": 20 + k, "pain_before": 2, "notes": f"{n}-{k}"},
                )
                codes.append(response.status_code)
            return sum(1 for c in codes if c == 201) * 1000 + max(codes)

    with ThreadPoolExecutor(max_workers=WRITERS) as pool:
        results = list(pool.map(post, range(WRITERS)))
    created = sum(r // 1000 for r in results)
    worst = max(r % 1000 for r in results)
    assert worst < 500, f"a server error among the answers (worst status {worst})"
    stored = sum(
        len(diary.list_walks(UnitOfWork(db), Actor.console(), w.person_id)) for w in walkers
    )
    assert created == WRITERS * PER_WRITER
    assert stored == created
