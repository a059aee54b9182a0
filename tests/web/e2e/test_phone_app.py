"""The walker's phone (issue 14), in Debian's Chromium at 390 x 844: an installable app whose
Today, log form and check-in open without a network; a walk and a check-in saved offline wait on
the phone and are stored once when the network is back, even when the sending is retried; a
warning sign answered yes offline shows its advice at once; signing out clears what the phone
kept.

Playwright contexts are incognito profiles, which Chromium never offers to install: the
installability check expects exactly that one objection ("in-incognito") and no other.
"""

from __future__ import annotations

import os
import re
from typing import TYPE_CHECKING, Any

import pytest
from tests.web.e2e.test_journeys import new_walker

try:
    from playwright.sync_api import BrowserContext, Page, Route, expect
except ImportError:  # without the package: skip, unless the browser tests are required
    if os.environ.get("WALKRX_REQUIRE_BROWSER", "").strip() not in ("", "0", "false", "no"):
        raise
    pytest.skip(
        "browser tests skipped: the playwright package is not installed", allow_module_level=True
    )

if TYPE_CHECKING:
    from tests.web.e2e.conftest import Browsing

PHONE: dict[str, Any] = {"viewport": {"width": 390, "height": 844}, "has_touch": True}
KEPT_PAGES_JS = """
async () => {
  const name = (await caches.keys()).find(k => k.startsWith('walkrx-pages-'));
  if (!name) return false;
  const kept = (await (await caches.open(name)).keys()).map(r => new URL(r.url).pathname);
  return ['/today', '/log', '/checkin'].every(p => kept.includes(p));
}
"""
PHONE_STORE_JS = """
async () => {
  const caches_ = (await caches.keys()).filter(k => k.startsWith('walkrx-pages-'));
  const dbs = (await indexedDB.databases()).map(d => d.name);
  let entries = [], meta = null;
  if (dbs.includes('walkrx-outbox')) {
    entries = await WalkrxOutbox.all();
    meta = await WalkrxOutbox.meta();
  }
  return {pages: caches_, entries: entries.length, owner: meta ? meta.owner || '' : ''};
}
"""


def _worker_in_charge(page: Page) -> None:
    """Wait for the service worker to control the page and to keep the session's pages."""
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    if not page.evaluate("!!navigator.serviceWorker.controller"):
        page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")
    page.wait_for_function(KEPT_PAGES_JS, polling=200)


def _person_id(context: BrowserContext) -> int:
    person: int = context.request.get("/api/v1/me").json()["person_id"]
    return person


def test_the_app_can_be_installed(browsing: Browsing) -> None:
    """A manifest with a name, icons of 192 and 512 px, a start page and standalone display, and
    a service worker controlling the page: Chromium has nothing to object to but the profile."""
    context = browsing.context(**PHONE)
    page, _ = new_walker(browsing, context)
    _worker_in_charge(page)
    cdp = context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest.get("errors") == [], manifest.get("errors")
    assert manifest["url"].endswith("/manifest.webmanifest")
    parsed = manifest.get("manifest") or {}
    if parsed:  # newer Chromium also gives the manifest as it read it
        assert str(parsed.get("display", "")).lower().endswith("standalone")
    errors = [
        e["errorId"] for e in cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    ]
    assert set(errors) <= {"in-incognito"}, errors
    data = context.request.get("/manifest.webmanifest").json()
    assert data["start_url"] == "/today" and data["display"] == "standalone"
    sizes = {icon["sizes"] for icon in data["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in data["icons"]:
        response = context.request.get(icon["src"])
        assert response.ok and response.headers["content-type"] == "image/png"
    browsing.shot(page, "phone-installable-today")


def test_offline_walk_and_check_in_are_stored_once(browsing: Browsing) -> None:
    """Offline: Today, the log form and the check-in open from the phone; a walk and a check-in
    (with an emergency warning sign, whose advice shows at once) are saved on the phone and say
    so; back online they are sent, and a first sending whose answer is lost is retried: one walk
    and one check-in are stored."""
    context = browsing.context(**PHONE)
    page, _ = new_walker(browsing, context)
    person = _person_id(context)
    _worker_in_charge(page)

    context.set_offline(True)
    page.goto("/today")
    expect(page.locator("[data-offline-copy]")).to_contain_text("You are offline")
    browsing.shot(page, "offline-today")

    page.goto("/log")
    expect(page.get_by_role("heading", name="Log a walk")).to_be_visible()
    page.get_by_label("How long did you walk? (minutes)").fill("37")
    page.locator("label[for=pain_before-2]").click()
    page.locator("label[for=pain_after-3]").click()
    page.get_by_role("button", name="Save this walk").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    status = page.locator("#outbox-status")
    expect(status).to_contain_text("1 walk is saved on this phone, waiting to send")
    expect(status).to_have_attribute("data-pending", "1")
    browsing.shot(page, "offline-walk-saved")

    page.goto("/checkin")
    page.locator("label[for=morning_pain-6]").click()
    page.get_by_text("Safety questions").click()
    advice = page.locator("[data-advice=emergency]")
    expect(advice).to_be_hidden()
    page.locator("label[for=saddle_numbness-yes]").click()
    # at once, from the text the page holds: no network, no submit
    expect(page.get_by_role("alert")).to_contain_text("Go to an emergency department now")
    expect(advice).to_be_visible()
    browsing.shot(page, "offline-checkin-advice")
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    expect(page.get_by_role("alert")).to_contain_text("emergency department")
    expect(page.locator("#outbox-status")).to_have_attribute("data-pending", "2")

    # the first sending of the walk reaches walkrx, but its answer is lost on the way back
    lost: list[str] = []

    def lose_answer(route: Route) -> None:
        if not lost:
            route.fetch()  # walkrx stores the walk...
            lost.append(route.request.url)
            route.abort()  # ...and the phone never hears it
        else:
            route.continue_()

    context.route(re.compile(r".*/log$"), lose_answer)
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    # the lost answer leaves the walk waiting; the next sending (a page load) finishes the job
    page.wait_for_timeout(500)
    page.goto("/today")
    expect(page.locator("#outbox-status")).to_have_attribute("data-pending", "0", timeout=20_000)
    assert lost, "the walk was never sent"
    context.unroute(re.compile(r".*/log$"))

    walks = context.request.get(f"/api/v1/people/{person}/walks").json()["walks"]
    assert [w["duration_s"] for w in walks] == [37 * 60]
    today = context.request.get(f"/api/v1/people/{person}/today").json()
    assert today["paused_by"] == ["saddle_numbness"]
    page.reload()
    expect(page.get_by_role("heading", name="Your program is paused")).to_be_visible()
    browsing.shot(page, "online-synced-today")

    # sending everything again changes nothing
    page.evaluate("navigator.serviceWorker.controller.postMessage({type: 'flush'})")
    page.wait_for_timeout(500)
    again = context.request.get(f"/api/v1/people/{person}/walks").json()["walks"]
    assert len(again) == 1


def test_signing_out_clears_what_the_phone_kept(browsing: Browsing) -> None:
    """The session's pages and an entry waiting to send are gone after signing out; offline,
    Today then shows the offline page, not the walker's day."""
    context = browsing.context(**PHONE)
    page, _ = new_walker(browsing, context)
    _worker_in_charge(page)
    context.set_offline(True)
    page.goto("/log")
    page.get_by_label("How long did you walk? (minutes)").fill("12")
    page.get_by_role("button", name="Save this walk").click()
    expect(page.get_by_role("heading", name="Saved on this phone")).to_be_visible()
    kept = page.evaluate(PHONE_STORE_JS)
    assert kept["pages"] and kept["entries"] == 1 and kept["owner"]

    # back online, but the walk cannot be sent yet (walkrx answers 503): it still waits
    context.route(re.compile(r".*/log$"), lambda route: route.fulfill(status=503, body="busy"))
    context.set_offline(False)
    page.goto("/today")
    expect(page.locator("#outbox-status")).to_have_attribute("data-pending", "1")
    page.on("dialog", lambda dialog: dialog.accept())  # "not sent yet: sign out anyway?"
    page.locator(".nav-more summary").click()
    page.locator(".more-menu").get_by_role("button", name="Sign out").click()
    expect(page).to_have_url(re.compile(r"/signin"))
    context.unroute(re.compile(r".*/log$"))
    gone = page.evaluate(PHONE_STORE_JS)
    assert gone["pages"] == [] and gone["entries"] == 0 and gone["owner"] == ""
    # the worker comes back for the sign-in page (Clear-Site-Data removed it): it keeps nothing
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.wait_for_function("!!navigator.serviceWorker.controller")
    context.set_offline(True)
    page.goto("/today")
    expect(page.get_by_role("heading", name="You are offline")).to_be_visible()
    assert "Log this walk" not in page.content()
    browsing.shot(page, "signed-out-offline")
    context.set_offline(False)
