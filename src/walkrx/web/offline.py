"""What the phone app's service worker needs to know about a page's session (issue 14).

Pages of a signed-in walker say which session they belong to, without giving the session away:
`session_tag` is a digest of the session cookie, `owner_tag` one of the account. The service
worker (static/sw.js) keeps Today, the log form and the check-in in a cache named by the session
tag, and entries saved offline under the owner tag: a page of another session empties the cache,
a page of another account (or of nobody) drops what the last one left waiting. Pages are never
kept by the browser's own cache (`Cache-Control: no-store`), only by that session's cache.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from walkrx.services.accounts import SESSION_LIFETIME, User

SESSION_HEADER = "X-Walkrx-Session"  # on every page: the session's tag, or empty for no walker
# The paths the service worker keeps for the session, so that they open without a network.
OFFLINE_PAGES = ("/today", "/log", "/checkin")


def _digest(kind: str, value: str) -> str:
    return hashlib.sha256(f"walkrx-offline:{kind}:{value}".encode()).hexdigest()[:32]


@dataclass(frozen=True)
class OfflineSession:
    """A walker's session as the phone's app knows it (see the module docstring)."""

    tag: str  # names the session's page cache
    owner: str  # names whose entries wait in the outbox
    csrf: str  # the session's CSRF secret, for entries sent once the network is back
    max_age_s: int  # how long the session lasts without use: the cache lasts no longer

    def meta(self) -> dict[str, str]:
        """The attributes of the page's <meta name="walkrx-session">."""
        return {
            "content": self.tag,
            "data-owner": self.owner,
            "data-csrf": self.csrf,
            "data-max-age": str(self.max_age_s),
        }


def offline_session(token: str | None, user: User | None, csrf: str) -> OfflineSession | None:
    """The page's session for the offline app, from the session cookie's `token`: a signed-in
    walker with a program and a session cookie (an API token, a clinician, or nobody: None, and
    the app keeps nothing)."""
    if user is None or user.person_id is None or not token or not csrf:
        return None
    return OfflineSession(
        tag=_digest("session", token),
        owner=_digest("owner", str(user.id)),
        csrf=csrf,
        max_age_s=int(SESSION_LIFETIME.total_seconds()),
    )
