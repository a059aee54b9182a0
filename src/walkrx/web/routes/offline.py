"""The installable app (issue 14): the web app manifest, the service worker and the page shown
offline. None of them holds anything about a person: the service worker's script carries only
the texts every walker's app needs without a network (the advice on a warning sign), and what it
keeps of a session it keeps per session (`walkrx.web.offline`; docs/decisions, the offline app).
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from walkrx.domain.codes import RedFlag, RedFlagTier
from walkrx.domain.redflags import advice
from walkrx.web.deps import page
from walkrx.web.offline import OFFLINE_PAGES, SESSION_HEADER

router = APIRouter(tags=["app"], include_in_schema=False)

STATIC = Path(__file__).resolve().parent.parent / "static"
THEME = "#1f4e9c"  # --brand in walkrx.css
MANIFEST = {
    "name": "walkrx: walking for low back pain",
    "short_name": "walkrx",
    "description": "Your walking program: today's walk, the walk log and the morning check-in, "
    "with or without a network.",
    "id": "/today",
    "start_url": "/today",
    "scope": "/",
    "display": "standalone",
    "orientation": "portrait",
    "background_color": "#ffffff",
    "theme_color": THEME,
    "icons": [
        {"src": "/static/icons/icon-192.png", "sizes": "192x192", "type": "image/png"},
        {"src": "/static/icons/icon-512.png", "sizes": "512x512", "type": "image/png"},
        {
            "src": "/static/icons/icon-maskable-512.png",
            "sizes": "512x512",
            "type": "image/png",
            "purpose": "maskable",
        },
    ],
}


@router.get("/manifest.webmanifest")
def manifest() -> JSONResponse:
    """What the phone needs to add walkrx to its home screen."""
    return JSONResponse(
        MANIFEST,
        media_type="application/manifest+json",
        headers={"Cache-Control": "max-age=3600"},
    )


@cache
def _script() -> str:
    """static/sw.js with the texts it shows offline and its version (a digest of the whole):
    a change of either makes browsers install the new worker."""
    texts = {
        "advice": {tier.value: advice(tier) for tier in RedFlagTier},
        "tiers": {flag.value: flag.tier.value for flag in RedFlag},
        "pages": list(OFFLINE_PAGES),
        "sessionHeader": SESSION_HEADER,
    }
    source = (STATIC / "sw.js").read_text(encoding="utf-8")
    source = source.replace("/*TEXTS*/{}", json.dumps(texts, ensure_ascii=False, sort_keys=True))
    version = hashlib.sha256(source.encode()).hexdigest()[:12]
    return source.replace("__VERSION__", version)


@router.get("/sw.js")
def service_worker() -> Response:
    """The service worker, from the site's root so that it may serve every page of it."""
    return Response(
        _script(),
        media_type="text/javascript",
        headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
    )


@router.get("/offline", response_class=HTMLResponse)
def offline(request: Request) -> Response:
    """What the app shows for a page it cannot open without a network. The same for everyone
    (it is kept with the app's files): no user, no session."""
    response = page(request, "offline.html")
    response.headers["Cache-Control"] = "no-cache"
    return response
