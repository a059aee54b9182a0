"""Dependencies every route shares: the database, the signed-in user, CSRF, and page rendering.

Who may see what is decided in one place, `walkrx.services.accounts.authorise`; routes take the
person reference it returns and hand it to the services. Errors are raised, never caught here:
the app's one handler on `WalkrxError` turns them into a page or a JSON error.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from walkrx.errors import ForbiddenError, InvalidInputError, NotFoundError, WalkrxError
from walkrx.services import accounts
from walkrx.services.accounts import User
from walkrx.web.settings import WebSettings

if TYPE_CHECKING:  # the type only: the web layer reaches storage through services
    from walkrx.storage import Database

SESSION_COOKIE = "walkrx_session"
PRESESSION_COOKIE = "walkrx_csrf"  # double-submit token for the sign-in and sign-up forms
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_DAYS = 14


class SignInRequired(WalkrxError):
    """No valid session or API token: pages send the person to sign in, the API answers 401."""

    http_status = 401
    location = "/signin"


class OnboardingRequired(WalkrxError):
    """A walker without a program yet: pages send them to the onboarding steps."""

    http_status = 409
    location = "/onboarding"


class UploadTooLargeError(InvalidInputError):
    """An uploaded file is over the app's per-file limit; nothing from the request is stored."""

    http_status = 413


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated["Database", Depends(get_db)]
Settings = Annotated[WebSettings, Depends(get_settings)]


async def _sent_csrf(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()  # parsed once; FastAPI's own form parameters reuse it
        value = form.get(CSRF_FIELD)
        if isinstance(value, str):
            return value
    return ""


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


async def authenticate(request: Request) -> User:
    """The signed-in user, from the session cookie or (API only) a personal API token.

    Unsafe methods on a cookie session must carry the session's CSRF secret (form field `csrf`
    or header `X-CSRF-Token`); API-token calls need none, as browsers never send them by themselves.
    """
    db = get_db(request)
    token = _bearer(request) if is_api(request) else None
    if token is not None:
        user = await run_in_threadpool(accounts.api_token_user, db, token)
        if user is None:
            raise SignInRequired("this API token is not valid (revoked or mistyped): create one")
        request.state.user = user
        return user
    session = request.cookies.get(SESSION_COOKIE)
    user = await run_in_threadpool(accounts.session_user, db, session) if session else None
    if user is None or session is None:
        raise SignInRequired("please sign in first")
    expected = await run_in_threadpool(accounts.session_csrf, db, session)
    request.state.user = user
    request.state.csrf = expected or ""
    if request.method not in SAFE_METHODS:
        sent = await _sent_csrf(request)
        if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
            raise ForbiddenError(
                "this form has expired or did not come from walkrx: reload the page and try again"
            )
    return user


async def optional_user(request: Request) -> User | None:
    """The signed-in user on pages anyone may see (no CSRF: only used on safe methods)."""
    session = request.cookies.get(SESSION_COOKIE)
    if not session:
        return None
    db = get_db(request)
    user = await run_in_threadpool(accounts.session_user, db, session)
    if user is not None:
        request.state.user = user
        request.state.csrf = await run_in_threadpool(accounts.session_csrf, db, session) or ""
    return user


CurrentUser = Annotated[User, Depends(authenticate)]
MaybeUser = Annotated[User | None, Depends(optional_user)]


@dataclass(frozen=True)
class Acting:
    """A signed-in user acting on one person's data, with the reference `authorise` returned."""

    db: Database
    user: User
    person_id: int
    person_ref: str


def _own_program(db: Database, user: User, *, write: bool) -> Acting:
    if user.person_id is None:
        if user.role == "clinician":
            raise NotFoundError("clinicians have no walking program of their own: see /clinician")
        raise OnboardingRequired("set up your walking program first")
    ref = accounts.authorise(db, user, user.person_id, write=write)
    return Acting(db, user, user.person_id, ref)


def walker_reads(db: Db, user: CurrentUser) -> Acting:
    """The signed-in walker reading their own program (pages act on user.person_id only)."""
    return _own_program(db, user, write=False)


def walker_writes(db: Db, user: CurrentUser) -> Acting:
    """The signed-in walker changing their own program."""
    return _own_program(db, user, write=True)


WalkerReads = Annotated[Acting, Depends(walker_reads)]
WalkerWrites = Annotated[Acting, Depends(walker_writes)]


def person_reads(person_id: int, db: Db, user: CurrentUser) -> Acting:
    """Anyone authorised to read person `person_id` (their own, or a linked clinician's patient)."""
    return Acting(db, user, person_id, accounts.authorise(db, user, person_id, write=False))


def person_writes(person_id: int, db: Db, user: CurrentUser) -> Acting:
    return Acting(db, user, person_id, accounts.authorise(db, user, person_id, write=True))


PersonReads = Annotated[Acting, Depends(person_reads)]
PersonWrites = Annotated[Acting, Depends(person_writes)]


def templates(request: Request) -> Jinja2Templates:
    found: Jinja2Templates = request.app.state.templates
    return found


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with what every page needs: the user, the CSRF secret, the demo flag."""
    return templates(request).TemplateResponse(
        request,
        name,
        {
            "user": getattr(request.state, "user", None),
            "csrf": getattr(request.state, "csrf", ""),
            "demo": get_settings(request).demo,
            **context,
        },
        status_code=status_code,
    )


def new_presession_token() -> str:
    return secrets.token_urlsafe(24)


async def _form_data(request: Request) -> FormData:
    """The submitted form, parsed once (sync routes take it and call services directly)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(_form_data)]
