"""Dependencies every route shares: the database, the signed-in user, CSRF, and page rendering.

Who may see what is decided by the services inside each use case's transaction
(`walkrx.services.access.person_for`, decision 0006): routes hand them the actor and the person
id. Errors are raised, never caught here: the app's one handler on `WalkrxError` turns them into a
page or a JSON error.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from starlette.datastructures import FormData

from walkrx.errors import ForbiddenError, NotFoundError, OnboardingRequired, SignInRequired
from walkrx.services import accounts
from walkrx.services.access import API_TOKEN, SESSION, Actor
from walkrx.services.accounts import User
from walkrx.storage import Database, UnitOfWork
from walkrx.web.offline import SESSION_HEADER, offline_session
from walkrx.web.settings import WebSettings

SESSION_COOKIE = "walkrx_session"
PRESESSION_COOKIE = "walkrx_csrf"  # double-submit token for the sign-in and sign-up forms
CSRF_FIELD = "csrf"
CSRF_HEADER = "x-csrf-token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
SESSION_DAYS = 14


def is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


def get_settings(request: Request) -> WebSettings:
    settings: WebSettings = request.app.state.settings
    return settings


def get_db(request: Request) -> Database:
    db: Database = request.app.state.db
    return db


Db = Annotated[Database, Depends(get_db)]
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
        user = await run_in_threadpool(accounts.api_token_user, UnitOfWork(db), token)
        if user is None:
            raise SignInRequired("this API token is not valid (revoked or mistyped): create one")
        request.state.user = user
        request.state.via = API_TOKEN
        return user
    session = request.cookies.get(SESSION_COOKIE)
    found = (
        await run_in_threadpool(accounts.signed_in, UnitOfWork(db), session) if session else None
    )
    if found is None:
        raise SignInRequired("please sign in first")
    request.state.user = found.user
    request.state.csrf = found.csrf
    if request.method not in SAFE_METHODS:
        sent = await _sent_csrf(request)
        if not found.csrf or not secrets.compare_digest(sent.encode(), found.csrf.encode()):
            raise ForbiddenError(
                "this form has expired or did not come from walkrx: reload the page and try again"
            )
    return found.user


async def optional_user(request: Request) -> User | None:
    """The signed-in user on pages anyone may see (no CSRF: only used on safe methods)."""
    session = request.cookies.get(SESSION_COOKIE)
    if not session:
        return None
    found = await run_in_threadpool(accounts.signed_in, UnitOfWork(get_db(request)), session)
    if found is None:
        return None
    request.state.user = found.user
    request.state.csrf = found.csrf
    return found.user


CurrentUser = Annotated[User, Depends(authenticate)]
MaybeUser = Annotated[User | None, Depends(optional_user)]


@dataclass(frozen=True)
class Acting:
    """A signed-in user acting on one person's data. The services authorise `actor` for
    `person_id` inside their own transaction (decision 0006); this only says who asks for whom."""

    db: Database
    user: User
    actor: Actor
    person_id: int

    def uow(self) -> UnitOfWork:
        """A new unit of work for one service call."""
        return UnitOfWork(self.db)


def actor_of(request: Request, user: User) -> Actor:
    """The user as an actor of the services: how they came (session or API token) and from where."""
    via = getattr(request.state, "via", SESSION)
    client = request.client.host if request.client else None
    return Actor.user(user.id, via=via, client=client)


def _own_program(request: Request, db: Database, user: User) -> Acting:
    if user.person_id is None:
        if user.role == "clinician":
            raise NotFoundError("clinicians have no walking program of their own: see /clinician")
        raise OnboardingRequired("set up your walking program first")
    return Acting(db, user, actor_of(request, user), user.person_id)


def walker_acting(request: Request, db: Db, user: CurrentUser) -> Acting:
    """The signed-in walker acting on their own program (pages act on user.person_id only)."""
    return _own_program(request, db, user)


Walker = Annotated[Acting, Depends(walker_acting)]


def person_acting(request: Request, person_id: int, db: Db, user: CurrentUser) -> Acting:
    """The signed-in user acting on person `person_id` (the service decides whether they may)."""
    return Acting(db, user, actor_of(request, user), person_id)


ForPerson = Annotated[Acting, Depends(person_acting)]


def templates(request: Request) -> Jinja2Templates:
    found: Jinja2Templates = request.app.state.templates
    return found


def page(request: Request, name: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    """Render a page with what every page needs: the user, the CSRF secret, the demo flag, and
    the session as the phone's offline app knows it (`walkrx.web.offline`). A signed-in user's
    page is never kept by the browser's cache: only the offline app keeps a few, per session."""
    user = getattr(request.state, "user", None)
    csrf = getattr(request.state, "csrf", "")
    session = offline_session(request.cookies.get(SESSION_COOKIE), user, csrf)
    response = templates(request).TemplateResponse(
        request,
        name,
        {
            "user": user,
            "csrf": csrf,
            "demo": get_settings(request).demo,
            "offline": session,
            "units": getattr(user, "units", "metric"),  # miles or km (issue 15)
            **context,
        },
        status_code=status_code,
    )
    response.headers[SESSION_HEADER] = session.tag if session else ""
    if user is not None:
        response.headers["Cache-Control"] = "no-store"
    return response


def new_presession_token() -> str:
    return secrets.token_urlsafe(24)


async def _form_data(request: Request) -> FormData:
    """The submitted form, parsed once (sync routes take it and call services directly)."""
    return await request.form()


PostedForm = Annotated[FormData, Depends(_form_data)]
