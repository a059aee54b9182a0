"""The walkrx web app: `create_app(settings)` builds it; nothing runs at import.

One database is opened in the lifespan handler; routers come one per resource from
`walkrx.web.routes`; one handler on `WalkrxError` maps every error to its HTTP status, as a
friendly page for people and as `{"error": {"type", "message"}}` under /api/.
"""

from __future__ import annotations

import importlib
import importlib.util
import re
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import FileResponse, HTMLResponse, JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from pydantic import TypeAdapter, ValidationError
from sqlalchemy import text
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from walkrx.domain.explain import DISCLAIMER
from walkrx.errors import InvalidInputError, NotFoundError, WalkrxError
from walkrx.services.context import open_database
from walkrx.web import measures, words
from walkrx.web.deps import CurrentUser, get_db, get_settings, is_api, page
from walkrx.web.limits import RequestBodyLimit
from walkrx.web.routes import (
    account,
    api,
    auth,
    clinics,
    followup,
    imports,
    learning,
    offline,
    sharing,
    walker,
)
from walkrx.web.schemas import MAX_ID
from walkrx.web.settings import WebSettings
from walkrx.web.uploads import request_too_large_message

HERE = Path(__file__).resolve().parent
# Swagger UI for /docs comes from the installed swagger-ui-py package, never from a CDN; only
# these files of it are served (found without importing the package).
_SWAGGER_UI_SPEC = importlib.util.find_spec("swagger_ui")
SWAGGER_UI = (
    Path(next(iter(_SWAGGER_UI_SPEC.submodule_search_locations or ()))) / "static"
    if _SWAGGER_UI_SPEC
    else None
)
SWAGGER_UI_FILES = ("swagger-ui-bundle.js", "swagger-ui.css", "favicon-32x32.png")
_AN_INT = TypeAdapter(int)


def _day(value: str | date | datetime) -> str:
    """A date as people read it: 2026-03-02 (text, a date or an instant) -> Mon 2 Mar 2026."""
    day = value if isinstance(value, date) else date.fromisoformat(value)
    if isinstance(day, datetime):
        day = day.date()
    return day.strftime("%a %-d %b %Y")


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
    retry = getattr(exc, "retry_after_s", None)  # too many sign-ins, or a busy database
    headers = {"Retry-After": str(retry)} if isinstance(retry, int) else None
    if is_api(request):
        return JSONResponse(
            {"error": {"type": _error_type(exc), "message": exc.message}},
            status_code=status,
            headers=headers,
        )
    location = getattr(exc, "location", None)
    if location:
        target = location
        if location == "/signin" and request.method == "GET":
            target += "?next=" + quote(request.url.path)
        return RedirectResponse(target, status_code=303)
    response = page(request, "error.html", status_code=status, status=status, message=exc.message)
    response.headers.update(headers or {})
    return response


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
        if error.get("type") == "json_invalid":
            problems.append("the request body is not valid JSON: send an object of the fields")
            continue
        loc = error.get("loc", ())
        where = ".".join(str(part) for part in loc if part not in ("body", "path", "query"))
        problems.append(f"{where}: {error.get('msg', 'invalid')}" if where else error["msg"])
    return await _walkrx_error(request, InvalidInputError("; ".join(problems) or "invalid input"))


async def _ids_in_range(request: Request) -> None:
    """An id in the path past what the database holds (`MAX_ID`) names nothing: 404 at once,
    rather than an overflow in the database driver (500). Ids that are not numbers are left to
    the route's own validation (422)."""
    for name, value in request.path_params.items():
        if not name.endswith("_id") or not isinstance(value, str):
            continue
        try:
            number = _AN_INT.validate_python(value)
        except ValidationError:
            continue
        if abs(number) > MAX_ID:
            shown = value if len(value) <= 12 else value[:12] + "..."
            kind = name.removesuffix("_id")
            raise NotFoundError(f"there is no {kind} {shown}: check the address", kind=kind)


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
# No page loads anything from another origin, /docs included (Swagger UI is served from here).
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

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in SECURITY_HEADERS.items():
                    headers.setdefault(name, value)
                headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
            await send(message)

        await self.app(scope, receive, send_with_headers)


def _add_docs(app: FastAPI, files: Path) -> None:
    """/docs: Swagger UI over /api/v1/openapi.json for signed-in users, and its few files."""

    @app.get("/docs", include_in_schema=False)
    def docs(user: CurrentUser) -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=api.OPENAPI_PATH,
            title="walkrx API",
            swagger_js_url="/docs/assets/swagger-ui-bundle.js",
            swagger_css_url="/docs/assets/swagger-ui.css",
            swagger_favicon_url="/docs/assets/favicon-32x32.png",
            swagger_ui_parameters={"validatorUrl": None},  # no badge from another host
        )

    def asset(path: Path) -> Callable[[], FileResponse]:
        return lambda: FileResponse(path, headers={"Cache-Control": "max-age=86400"})

    for name in SWAGGER_UI_FILES:
        app.add_api_route(f"/docs/assets/{name}", asset(files / name), include_in_schema=False)


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
        # The API description is for signed-in users (decision 0005): /api/v1/openapi.json
        # (routes/api.py) and the /docs page below, never FastAPI's public defaults.
        openapi_url=None,
        docs_url=None,
        redoc_url=None,
        dependencies=[Depends(_ids_in_range)],
    )
    app.state.settings = settings
    templates = Jinja2Templates(directory=HERE / "templates")
    templates.env.globals["disclaimer"] = DISCLAIMER
    templates.env.filters["day"] = _day
    words.install(templates.env)
    measures.install(templates.env)
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

    if SWAGGER_UI is not None:
        _add_docs(app, SWAGGER_UI)
    for router in (auth.router, walker.router, sharing.router, imports.router, api.router):
        app.include_router(router)
    app.include_router(clinics.router)
    app.include_router(account.router)
    app.include_router(offline.router)
    app.include_router(learning.router)
    app.include_router(followup.router)
    clinician = _optional_router("walkrx.web.routes.clinician")
    if clinician is not None:
        app.include_router(clinician)
        app.include_router(followup.clinician_router)
    return app
