"""Real-browser fixtures: the app served by uvicorn on 127.0.0.1, driven by Debian's Chromium.

The server runs in a background thread for the whole session, on a free port and a temp SQLite
database. Playwright drives /usr/bin/chromium (no browser download: `playwright install` is never
used). Every browser context blocks requests to any host but 127.0.0.1 and records them, so a test
can assert the pages need nothing from the internet (no CDN for charts, fonts or scripts).
Missing Chromium skips these tests with the reason, unless WALKRX_REQUIRE_BROWSER=1 (as in
scripts/check), which makes them fail instead. A full-page screenshot of every page visited is
kept in test-artifacts/screenshots/ (or the folder WALKRX_SCREENSHOTS names).
"""

from __future__ import annotations

import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlparse

import pytest
import uvicorn

from walkrx.storage import resolve_url
from walkrx.web.app import create_app
from walkrx.web.settings import WebSettings

if TYPE_CHECKING:  # playwright is imported when a browser is wanted, so its absence can skip
    from playwright.sync_api import Browser, BrowserContext, Page, Request, Route

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
ROOT = Path(__file__).resolve().parents[3]
# WALKRX_SCREENSHOTS moves the pictures elsewhere (a CI job's artifact folder, say)
SCREENSHOTS = Path(
    os.environ.get("WALKRX_SCREENSHOTS", "").strip() or ROOT / "test-artifacts" / "screenshots"
)
LOCAL_HOSTS = frozenset({"127.0.0.1"})


def _require_browser() -> bool:
    return os.environ.get("WALKRX_REQUIRE_BROWSER", "").strip() not in ("", "0", "false", "no")


def _unavailable(reason: str) -> None:
    if _require_browser():
        pytest.fail(f"a browser is required (WALKRX_REQUIRE_BROWSER) but {reason}")
    pytest.skip(f"browser tests skipped: {reason}; install it with 'apt-get install chromium'")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """The app's SQLite database, for tests that prepare data with the services directly."""
    return resolve_url(str(tmp_path_factory.mktemp("e2e") / "walkrx.db"))


@pytest.fixture(scope="session")
def base_url(database_url: str) -> Iterator[str]:
    """The address of the real app, served by uvicorn in a thread for this test session."""
    # secure_cookies stays on, as in production: browsers treat http://127.0.0.1 as secure
    app = create_app(WebSettings(database_url=database_url))
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, name="walkrx-e2e-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            pytest.fail("the walkrx server did not start within 30 s")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@pytest.fixture(scope="session")
def screenshots() -> Path:
    """The screenshot folder, emptied of the last run's pictures."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob("*.png"):
        old.unlink()
    return SCREENSHOTS


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """Debian's Chromium, launched once per session."""
    if not CHROMIUM.exists():
        _unavailable(f"{CHROMIUM} is missing")
    try:
        from playwright.sync_api import sync_playwright  # noqa: PLC0415  (absent: skip)
    except ImportError:
        _unavailable("the playwright package is not installed (pip install -e '.[dev]')")
        raise  # unreachable: _unavailable raises
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield launched
        finally:
            launched.close()


@dataclass
class Browsing:
    """Opens browser contexts that may reach only the app, and keeps what they tried elsewhere."""

    browser: Browser
    base_url: str
    test_name: str
    folder: Path
    foreign: list[str] = field(default_factory=list)
    contexts: list[BrowserContext] = field(default_factory=list)
    shots: int = 0

    def context(self, **options: Any) -> BrowserContext:
        context = self.browser.new_context(base_url=self.base_url, **options)
        context.set_default_timeout(15_000)

        def guard(route: Route, request: Request) -> None:
            host = urlparse(request.url).hostname
            if request.url.startswith(("data:", "blob:")) or host in LOCAL_HOSTS:
                route.continue_()
            else:
                self.foreign.append(request.url)
                route.abort()

        context.route("**/*", guard)
        self.contexts.append(context)
        return context

    def shot(self, page: Page, label: str) -> Path:
        """A full-page screenshot, named by test, order and label."""
        self.shots += 1
        name = re.sub(r"[^A-Za-z0-9_.-]+", "-", f"{self.test_name}-{self.shots:02d}-{label}")
        path = self.folder / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path


@pytest.fixture
def browsing(
    browser: Browser, base_url: str, screenshots: Path, request: pytest.FixtureRequest
) -> Iterator[Browsing]:
    """Browser contexts for one test; at the end, no request may have gone to another host."""
    session = Browsing(browser, base_url, request.node.name, screenshots)
    try:
        yield session
    finally:
        for context in session.contexts:
            context.close()
    assert session.foreign == [], f"pages tried to reach other hosts: {session.foreign}"
