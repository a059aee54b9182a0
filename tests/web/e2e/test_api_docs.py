"""The API explorer at /docs in a real browser (issue 10): Swagger UI renders every /api/v1
operation from files the app serves itself, under the pages' content security policy, with no
request to another host (the `browsing` fixture fails the test on any)."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

import pytest

try:
    from playwright.sync_api import expect
except ImportError:  # without the package: skip, unless the browser tests are required
    if os.environ.get("WALKRX_REQUIRE_BROWSER", "").strip() not in ("", "0", "false", "no"):
        raise
    pytest.skip(
        "browser tests skipped: the playwright package is not installed", allow_module_level=True
    )

from tests.web.e2e.test_journeys import _email, sign_up

if TYPE_CHECKING:
    from tests.web.e2e.conftest import Browsing


def test_swagger_ui_renders_the_api_from_the_app_alone(browsing: Browsing) -> None:
    context = browsing.context()
    page = context.new_page()
    console: list[str] = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))

    anonymous = context.new_page()
    anonymous.goto("/docs")
    assert "/signin" in anonymous.url  # nobody signed in: sign in first
    anonymous.close()

    sign_up(browsing, page, _email("docs"), role="clinician")
    response = page.goto("/docs")
    assert response is not None and response.ok
    assert "default-src 'self'" in (response.headers.get("content-security-policy") or "")
    expect(page.get_by_text("/api/v1/people/{person_id}/walks").first).to_be_visible()
    operations = page.locator(".opblock")
    expect(operations.first).to_be_visible()
    assert operations.count() >= 14  # every /api/v1 operation, and /healthz
    browsing.shot(page, "api-docs")
    refused = [line for line in console if "Content Security Policy" in line]
    assert refused == [], refused
