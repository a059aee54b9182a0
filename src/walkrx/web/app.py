"""The walkrx web app: `create_app(settings)` builds it; nothing runs at import.

One database is opened in the lifespan handler; routers come one per resource from
`walkrx.web.routes`; one handler on `WalkrxError` maps every error to its HTTP status, as a
friendly page for people and as `{"error": {"type", "message"}}` under /api/.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from markupsafe import Markup, escape
from sqlalchemy import text
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from walkrx.domain.explain import DISCLAIMER
from walkrx.errors import InvalidInputError, WalkrxError
from walkrx.services.context import open_database
from walkrx.web.deps import get_db, get_settings, is_api, page
from walkrx.web.limits import RequestBodyLimit
from walkrx.web.routes import api, auth, imports, walker
from walkrx.web.settings import WebSettings
from walkrx.web.uploads import request_too_large_message

HERE = Path(__file__).resolve().parent


def _day(iso: str) -> str:
    """An ISO date as people read it: 2026-03-02 -> Mon 2 Mar 2026."""
    return date.fromisoformat(iso).strftime("%a %-d %b %Y")


_CLI_PREFER = re.compile(r"'walkrx walks prefer (\d+)'")
_CLI_DELETE = re.compile(r"'walkrx walks delete ID'")


def _web_hints(message: str) -> Markup:
    """Service messages name CLI commands; on a page they become links to the walk's page."""
    parts = _CLI_PREFER.split(_CLI_DELETE.sub("delete it from its page", message))
    html = Markup("")
    for index, part in enumerate(parts):
        if index % 2:  # a walk id captured by the pattern
            html += Markup('<a href="/walks/{0}">open walk {0} and keep that record</a>').format(
                int(part)
            )
        else:
            html += escape(part)
    return html


def _error_type(exc: WalkrxError) -> str:
    """A stable snake_case name of the error's class: InvalidInputError -> invalid_input."""
    name = type(exc).__name__.removesuffix("Error")
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def _status_type(status: int) -> str:
    return {
        404: "not_found",
        405: "method_not_allowed",
        401: "sign_in_required",
        413: "upload_too_large",
    }.get(status, "http_error")


async def _walkrx_error(request: Request, exc: Exception) -> Response:
    """The one place errors become responses: pages for people, JSON for the API."""
    assert isinstance(exc, WalkrxError)
    status = exc.http_status
    if is_api(request):
        return JSONResponse(
            {"error": {"type": _error_type(exc), "message": exc.message}}, status_code=status
        )
    location = getattr(exc, "location", None)
    if location:
        target = location
        if location == "/signin" and request.method == "GET":
            target += "?next=" + quote(request.url.path)
        return RedirectResponse(target, status_code=303)
    return page(request, "error.html", status_code=status, status=status, message=exc.message)


async def _http_error(request: Request, exc: Exception) -> Response:
    """Unknown URLs and wrong methods: the same two shapes as every other error."""
    assert isinstance(exc, StarletteHTTPException)
    message = str(exc.detail) if exc.detail else "that did not work"
    if exc.status_code == 404:
        message = "there is no such page: check the address, or start again from Today"
    elif exc.status_code == 413:
        message = request_too_large_message(
            request.headers.get("content-length"), get_settings(request).max_upload_bytes
        )
    if is_api(request):
        return JSONResponse(
            {"error": {"type": _status_type(exc.status_code), "message": message}},
            status_code=exc.status_code,
            headers=getattr(exc, "headers", None),
        )
    return page(
        request, "error.html", status_code=exc.status_code, status=exc.status_code, message=message
    )


async def _validation_error(request: Request, exc: Exception) -> Response:
    """A request FastAPI could not parse (a JSON body of the wrong shape) is refused input too."""
    assert isinstance(exc, RequestValidationError)
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error.get("loc", ()) if part != "body")
        problems.append(f"{where}: {error.get('msg', 'invalid')}" if where else error["msg"])
    return await _walkrx_error(request, InvalidInputError("; ".join(problems) or "invalid input"))


def _optional_router(module: str) -> Any:
    """A router another part of the project adds (the clinician panel); absent until it lands."""
    try:
        return importlib.import_module(module).router
    except ModuleNotFoundError as missing:
        if missing.name != module:
            raise
        return None


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "same-origin",
}
# Pages need nothing from another origin; the API explorer at /docs loads Swagger UI from a CDN.
CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
    "script-src 'self' 'unsafe-inline'; frame-ancestors 'none'; form-action 'self'"
)


class SecurityHeaders:
    """Pure ASGI middleware adding the security headers to every response.

    Pure ASGI rather than `BaseHTTPMiddleware`, which reads the request body in a task of its own:
    there a body over the size limit would escape the app's error handlers.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with_csp = not str(scope.get("path", "")).startswith(("/docs", "/redoc"))

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                if with_csp:
                    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def create_app(settings: WebSettings) -> FastAPI:
    """Build the app for these settings; the database opens when the app starts."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        db = await run_in_threadpool(open_database, settings.database_url)
        app.state.db = db
        try:
            yield
        finally:
            db.close()

    app = FastAPI(
        title="walkrx",
        summary="A progressive walking program for low back pain.",
        description=DISCLAIMER,
        version="1",
        lifespan=lifespan,
    )
    app.state.settings = settings
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["disclaimer"] = DISCLAIMER
    templates.env.filters["day"] = _day
    templates.env.filters["web_hints"] = _web_hints
    app.state.templates = templates
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    app.add_exception_handler(WalkrxError, _walkrx_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_middleware(SecurityHeaders)
    # Oversized bodies are refused as they arrive, before a byte is written to a temporary file;
    # `_http_error` words the 413.
    app.add_middleware(RequestBodyLimit, max_bytes=settings.max_body_bytes)

    @app.get("/healthz", tags=["health"])
    def healthz(request: Request) -> JSONResponse:
        """200 when the app answers and its database runs `SELECT 1`; 503 otherwise."""
        try:
            with get_db(request).engine.connect() as connection:
                connection.execute(text("SELECT 1"))
        except Exception as error:  # any failure at all means "not healthy"
            return JSONResponse(
                {"status": "unavailable", "error": type(error).__name__}, status_code=503
            )
        return JSONResponse({"status": "ok"})

    for router in (auth.router, walker.router, imports.router, api.router):
        app.include_router(router)
    clinician = _optional_router("walkrx.web.routes.clinician")
    if clinician is not None:
        app.include_router(clinician)
    return app
