"""Sign up, sign in and sign out; the session lives in an HttpOnly cookie.

The sign-in and sign-up forms come before any session, so their CSRF protection is a double
submit: a random cookie set with the form, echoed in a hidden field.
"""

from __future__ import annotations

import secrets
from typing import Annotated, Any

from fastapi import APIRouter, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from walkrx.errors import ForbiddenError
from walkrx.services import accounts
from walkrx.services.accounts import User
from walkrx.storage import UnitOfWork
from walkrx.web.deps import (
    PRESESSION_COOKIE,
    SESSION_COOKIE,
    SESSION_DAYS,
    CurrentUser,
    Db,
    MaybeUser,
    Settings,
    new_presession_token,
    page,
)
from walkrx.web.settings import WebSettings

router = APIRouter(tags=["auth"], include_in_schema=False)
SIGN_OUT_CLEARS = '"cache", "storage"'  # Clear-Site-Data: cached pages, offline entries, workers


def _safe_next(target: str | None) -> str | None:
    """Only local paths: an open redirect would let another site borrow walkrx's sign-in."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return None


def client_address(request: Request) -> str:
    """The network address sign-in attempts are counted against: the peer of the connection,
    or, behind a reverse proxy the operator named (`walkrx serve --forwarded-allow-ips`), the
    client that proxy names in X-Forwarded-For. The server decides which before the app sees the
    request; an X-Forwarded-For header from anyone else changes nothing."""
    return request.client.host if request.client else "unknown"


def home_of(user: User) -> str:
    if user.role == "clinician":
        return "/clinician"
    return "/today" if user.person_id is not None else "/onboarding"


def set_session(response: Response, token: str, settings: WebSettings) -> None:
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=SESSION_DAYS * 24 * 3600,
        path="/",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )
    response.delete_cookie(PRESESSION_COOKIE, path="/")


def _form_page(request: Request, name: str, settings: WebSettings, **context: Any) -> Response:
    token = request.cookies.get(PRESESSION_COOKIE) or new_presession_token()
    response = page(request, name, presession=token, **context)
    response.set_cookie(
        PRESESSION_COOKIE,
        token,
        max_age=3600,
        path="/",
        httponly=True,
        secure=settings.secure_cookies,
        samesite="lax",
    )
    return response


def _check_presession(request: Request, sent: str) -> None:
    expected = request.cookies.get(PRESESSION_COOKIE, "")
    if not expected or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise ForbiddenError(
            "this form has expired or did not come from walkrx: reload the page and try again"
        )


@router.get("/", response_class=HTMLResponse)
def home(request: Request, user: MaybeUser) -> Response:
    if user is not None:
        return RedirectResponse(home_of(user), status_code=303)
    return page(request, "home.html")


@router.get("/signin", response_class=HTMLResponse)
def signin_form(
    request: Request, user: MaybeUser, settings: Settings, next: str | None = None
) -> Response:
    if user is not None:
        return RedirectResponse(home_of(user), status_code=303)
    return _form_page(request, "signin.html", settings, next=_safe_next(next) or "")


@router.post("/signin")
async def signin(
    request: Request,
    db: Db,
    settings: Settings,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    csrf: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    _check_presession(request, csrf)
    client = client_address(request)
    user, token = await run_in_threadpool(
        lambda: accounts.sign_in(UnitOfWork(db), email=email, password=password, client=client)
    )
    response = RedirectResponse(_safe_next(next) or home_of(user), status_code=303)
    set_session(response, token, settings)
    return response


@router.get("/signup", response_class=HTMLResponse)
def signup_form(request: Request, user: MaybeUser, settings: Settings) -> Response:
    if user is not None:
        return RedirectResponse(home_of(user), status_code=303)
    return _form_page(request, "signup.html", settings)


@router.post("/signup")
async def signup(
    request: Request,
    db: Db,
    settings: Settings,
    email: Annotated[str, Form()],
    password: Annotated[str, Form()],
    name: Annotated[str, Form()] = "",
    role: Annotated[str, Form()] = "walker",
    csrf: Annotated[str, Form()] = "",
) -> Response:
    _check_presession(request, csrf)
    client = client_address(request)
    user, token = await run_in_threadpool(
        lambda: accounts.sign_up_and_in(
            UnitOfWork(db), email=email, password=password, name=name, role=role, client=client
        )
    )
    response = RedirectResponse(home_of(user), status_code=303)
    set_session(response, token, settings)
    return response


@router.post("/signout")
def signout(request: Request, db: Db, user: CurrentUser) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        accounts.sign_out(UnitOfWork(db), token)
    response = RedirectResponse("/signin", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    # the phone's app keeps pages and unsent entries of the session: signing out clears them
    # (static/app.js clears them too, for browsers without Clear-Site-Data)
    response.headers["Clear-Site-Data"] = SIGN_OUT_CLEARS
    return response
