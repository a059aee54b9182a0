"""Property-based fuzzing of the JSON API from its own OpenAPI description (Schemathesis).

Every operation of /api/v1/openapi.json is called in-process (ASGI, no network) with a real API
token of a walker who has a program and some walks: data that fits the description (positive),
on the walker's own program and on any person id, and data that does not (negative). No answer
may be a 5xx, and every 4xx must have the one error shape `{"error": {"type", "message"}}`.

Bounded in time: a few examples per operation and mode (`EXAMPLES`), no deadline per example.
Hypothesis picks new examples on every run; a failure prints the case to reproduce it.
"""

from __future__ import annotations

import json
import os
from typing import Any

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from walkrx.services import accounts
from walkrx.storage import UnitOfWork

from .conftest import Web, page_csrf

EXAMPLES = int(
    os.environ.get("WALKRX_FUZZ_EXAMPLES", "12")
)  # per operation, mode and target: ~60 s for the whole test on both engines
MODES = (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)


def _check(case: Any, status: int, content: bytes) -> None:
    where = f"{case.method} {case.formatted_path} -> {status}: {content[:300]!r}"
    assert status < 500, where
    if 400 <= status < 500:
        body = json.loads(content)
        error = body["error"]
        assert set(error) >= {"type", "message"}, where
        assert isinstance(error["type"], str) and isinstance(error["message"], str), where
        assert error["message"], where


def _walker_with_token(web: Web) -> tuple[dict[str, str], int, list[int]]:
    """A walker with a program and three walks: the Authorization header of their API token,
    their person id and the walks' ids."""
    client = web.walker("fuzz@example.org")
    person = client.get("/api/v1/me").json()["person_id"]
    token = accounts.create_api_token(UnitOfWork(web.db), web.user("fuzz@example.org").id, "fuzz")
    headers = {"Authorization": f"Bearer {token.token}"}
    walks = []
    for day in ("2017-01-03", "2017-01-05", "2017-01-07"):
        logged = client.post(
            f"/api/v1/people/{person}/walks",
            json={"date": day, "minutes": 30, "avg_hr": 130, "pain_after": 2},
            headers={"X-CSRF-Token": page_csrf(client)},
        )
        assert logged.status_code == 201, logged.text
        walks.append(logged.json()["id"])
    return headers, person, walks


def test_no_api_operation_answers_5xx_and_every_4xx_has_the_error_shape(web: Web) -> None:
    headers, person, walks = _walker_with_token(web)
    schema = schemathesis.openapi.from_asgi("/api/v1/openapi.json", web.app, headers=headers)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 14  # every /api/v1 operation, /healthz too

    tried: dict[str, int] = {}
    for operation in operations:
        # on the walker's own program and walk (deep into the use cases), and on any ids
        own: dict[str, int] = {"person_id": person}
        if "{walk_id}" in operation.path:  # DELETE takes a walk of its own
            walk = {"person_id": person, "walk_id": walks[operation.method.upper() == "DELETE"]}
            targets: tuple[dict[str, int] | None, ...] = (walk, own, None)
        elif "{person_id}" in operation.path:
            targets = (own, None)
        else:
            targets = (None,)
        for mode in MODES:
            for fixed in targets:
                strategy = operation.as_strategy(generation_mode=mode, path_parameters=fixed)

                @settings(
                    max_examples=EXAMPLES,
                    deadline=None,
                    database=None,
                    suppress_health_check=list(HealthCheck),
                )
                @given(case=strategy)
                def call(case: Any) -> None:
                    response = case.call(headers=headers)
                    _check(case, response.status_code, response.content)
                    key = f"{case.method} {case.path}"
                    tried[key] = tried.get(key, 0) + 1

                try:
                    call()
                except Unsatisfiable:
                    # nothing to get wrong: no parameter or body left to break (GET /me)
                    assert mode is GenerationMode.NEGATIVE, operation.label
    assert len(tried) == len(operations)
