"""Accounts: sign-up and sign-in, sessions and API tokens.

Each public function is one use case over one unit of work handed in unopened (decision 0006):
it opens it, commits at most once, and anything that goes wrong rolls the whole use case back.
Use cases take user ids; who may act on a person's program is decided inside the use cases that
touch it (`walkrx.services.access.person_for`). Care links live in `services.care`, onboarding in
`services.onboarding`; both use the helpers at the end of this module. Choices worth knowing
(docs/decisions/0004-web-accounts.md is the contract):

- Passwords are hashed with argon2id (argon2-cffi's defaults); a hash made with older parameters
  is replaced on the next successful sign-in. An unknown e-mail address costs the same hashing work
  as a wrong password and gets the same error, so sign-in does not reveal who has an account.
- Sign-in is throttled from the `login_attempts` table (`services.sign_in_limits` has the rules
  and numbers): failures count per e-mail address *and* client, with waits that double after the
  fifth; more loosely per client across addresses (spraying); and per address across clients
  only at an extreme level (a distributed attack), which spares clients that have signed in to
  that address before. Wrong passwords from one client never keep the owner out of the account
  from another. A refused attempt raises `SignInLimitedError` (how long to wait, in words and
  `retry_after_s`) and is not recorded, so the wait does not grow while someone keeps knocking;
  concurrent attempts for one address or from one client are taken one at a time. A success ends
  the count of that client's failures for that address only; failures from a client keep counting
  against it across addresses, or one could sign in to one's own account between guesses at
  others. Attempts are kept as a record for LOGIN_ATTEMPT_RETENTION (90 days: long enough to look
  into a break-in attempt) and deleted at the next sign-in after that, as they name e-mail
  addresses and network addresses (an IPv6 client as its /64 network). Signing up opens the new
  account's first session in the same transaction (recorded as a successful attempt; no limit
  applies, as nobody's password is being guessed).
- Session and API tokens are `secrets.token_urlsafe(32)`, stored only as SHA-256 hex digests.
  A session lasts 14 days from its last use; uses are written at most once a minute.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from walkrx.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    SignInLimitedError,
)
from walkrx.services import sign_in_limits
from walkrx.services.sign_in_limits import ACCOUNT, ACCOUNT_AND_CLIENT, CLIENT, Counted
from walkrx.storage import UnitOfWork
from walkrx.storage.accounts import StoredUser

ROLES = ("walker", "clinician")
MIN_PASSWORD_LENGTH = 10
MAX_PASSWORD_LENGTH = 1024  # argon2 takes any length; this bounds the work one request can cause
MAX_EMAIL_LENGTH = 320
MAX_NAME_LENGTH = 200
MAX_LABEL_LENGTH = 200

SESSION_LIFETIME = timedelta(days=14)
SESSION_TOUCH_INTERVAL = timedelta(minutes=1)
LOGIN_ATTEMPT_RETENTION = timedelta(days=90)

WRONG_CREDENTIALS = (
    "the e-mail address or password is wrong; check both and try again "
    "(or sign up if you have no account yet)"
)

# Module state holds no connection and reads nothing: constructing the hasher is pure.
_hasher = PasswordHasher()


@dataclass(frozen=True)
class User:
    id: int
    email: str
    name: str
    role: str  # "walker" | "clinician"
    person_id: int | None  # a walker's own program, once onboarded
    units: str = "metric"  # how their own program reads distances and speeds (issue 15)


@dataclass(frozen=True)
class SignedIn:
    """A live session: whose it is, and the CSRF secret its forms must carry."""

    user: User
    csrf: str


@dataclass(frozen=True)
class NewApiToken:
    """A token just created (shown once: only its digest is stored) and the user's tokens."""

    token: str
    tokens: list[tuple[int, str, datetime]]  # (id, label, created_at), the new one included


# --- accounts and sign-in -----------------------------------------------------------------------


def sign_up(uow: UnitOfWork, *, email: str, password: str, name: str, role: str) -> User:
    """Create an account. The e-mail address is kept stripped and lower-cased."""
    account = new_account(email=email, password=password, name=name, role=role)
    with uow:
        stored = store_account(uow, account)
        uow.commit()
    return public_user(stored)


def sign_up_and_in(
    uow: UnitOfWork,
    *,
    email: str,
    password: str,
    name: str,
    role: str,
    client: str,
    now: datetime | None = None,
) -> tuple[User, str]:
    """Create an account and open its first session, in one transaction (the sign-up form).

    Returns the user and the session token, as `sign_in` does.
    """
    now = _now(now)
    account = new_account(email=email, password=password, name=name, role=role)
    with uow:
        stored = store_account(uow, account)
        uow.login_attempts.add(email=stored.email, client=_client(client), succeeded=True, at=now)
        token = _open_session(uow, stored, now)
        uow.commit()
    return public_user(stored), token


def sign_in(
    uow: UnitOfWork, *, email: str, password: str, client: str, now: datetime | None = None
) -> tuple[User, str]:
    """Check the password and open a session; returns the user and the session token.

    A wrong password and an unknown address raise the same `ForbiddenError`; an attempt that
    comes too soon after failures raises `SignInLimitedError` (see the module docstring). `client`
    is the network address the attempt comes from.
    """
    now = _now(now)
    email = _normalise_email(email)[:MAX_EMAIL_LENGTH]
    client = _client(client)
    with uow:
        uow.login_attempts.hold(email, client)
        uow.login_attempts.delete_before(now - LOGIN_ATTEMPT_RETENTION)
        _refuse_if_limited(uow, email, client, now)
        stored = uow.users.by_email(email)
        valid = _verify(stored.password_hash if stored else None, password)
        uow.login_attempts.add(
            email=email, client=client, succeeded=stored is not None and valid, at=now
        )
        if stored is None or not valid:
            uow.commit()  # the failure must count, even though the attempt is refused
            raise ForbiddenError(WRONG_CREDENTIALS)
        if _hasher.check_needs_rehash(stored.password_hash):
            uow.users.set_password_hash(stored.id, _hasher.hash(password))
        token = _open_session(uow, stored, now)
        uow.commit()
    return public_user(stored), token


def signed_in(uow: UnitOfWork, token: str, now: datetime | None = None) -> SignedIn | None:
    """The user a session token belongs to and the session's CSRF secret, or None if the token
    is unknown or has expired. Each use moves the expiry to 14 days on, written at most once a
    minute."""
    if not token:
        return None
    now = _now(now)
    with uow.read():  # every request asks: a read that never waits for writers
        found, due = _live_session(uow, token, now, write=False)
    if due:  # at most once a minute per session: touch it (or drop an expired one)
        with uow:
            found, changed = _live_session(uow, token, now)
            if changed:
                uow.commit()
    return found


def session_user(uow: UnitOfWork, token: str, now: datetime | None = None) -> User | None:
    """The user a session token belongs to (`signed_in` without the CSRF secret)."""
    if not token:
        return None
    found = signed_in(uow, token, now)
    return None if found is None else found.user


def session_csrf(uow: UnitOfWork, token: str) -> str | None:
    """The CSRF secret bound to a live session (None for an unknown or expired one)."""
    if not token:
        return None
    with uow.read():
        session = uow.sessions.by_token(_digest(token))
    if session is None or session.expires_at <= _now(None):
        return None
    return session.csrf_secret


def sign_out(uow: UnitOfWork, token: str) -> None:
    """End the session (signing out of an unknown or ended session does nothing)."""
    if not token:
        return
    with uow:
        uow.sessions.delete(_digest(token))
        uow.commit()


# --- API tokens ---------------------------------------------------------------------------------


def create_api_token(uow: UnitOfWork, user_id: int, label: str) -> NewApiToken:
    """A new API token for the user: returned once, stored only as its SHA-256 digest."""
    label = " ".join(label.split())
    if not label:
        raise InvalidInputError(
            "give the token a label, such as the name of the device using it", field="label"
        )
    if len(label) > MAX_LABEL_LENGTH:
        raise InvalidInputError(
            f"the token label is too long: keep it to {MAX_LABEL_LENGTH} characters",
            field="label",
        )
    token = _new_token()
    with uow:
        stored = load_user(uow, user_id)
        uow.api_tokens.add(
            user_id=stored.id, label=label, token_sha256=_digest(token), now=_now(None)
        )
        tokens = _tokens(uow, stored.id)
        uow.commit()
    return NewApiToken(token, tokens)


def api_token_user(uow: UnitOfWork, token: str) -> User | None:
    """The user an unrevoked API token belongs to, or None."""
    if not token:
        return None
    with uow.read():
        found = uow.api_tokens.active_by_token(_digest(token))
        stored = None if found is None else uow.users.get(found.user_id)
    return None if stored is None else public_user(stored)


def list_api_tokens(uow: UnitOfWork, user_id: int) -> list[tuple[int, str, datetime]]:
    """The user's unrevoked tokens as (id, label, created_at), oldest first."""
    with uow:
        return _tokens(uow, user_id)


def revoke_api_token(uow: UnitOfWork, user_id: int, token_id: int) -> None:
    """Revoke one of the user's tokens; it stops working at once."""
    with uow:
        if not uow.api_tokens.revoke(user_id, token_id, _now(None)):
            raise NotFoundError(
                f"you have no active API token {token_id}; list your tokens to find its id",
                kind="api_token",
            )
        uow.commit()


# --- helpers for use cases of other modules (care links, onboarding, the demo) -----------------


@dataclass(frozen=True)
class NewAccount:
    """An account checked and its password hashed, ready to store (`new_account`)."""

    email: str
    name: str
    role: str
    password_hash: str


def new_account(*, email: str, password: str, name: str, role: str) -> NewAccount:
    """Check a new account's fields and hash its password (slow on purpose: before any
    transaction is opened)."""
    email = check_email(email)
    name = _check_name(name)
    if role not in ROLES:
        raise InvalidInputError(
            f"unknown role {role!r}: choose 'walker' or 'clinician'", field="role"
        )
    _check_password(password)
    return NewAccount(email, name, role, _hasher.hash(password))


def store_account(uow: UnitOfWork, account: NewAccount) -> StoredUser:
    """Add a checked new account in an open unit of work; an address has one account."""
    if uow.users.by_email(account.email) is not None:
        raise ConflictError(
            f"an account for {account.email} already exists: sign in, or reset its password"
        )
    return uow.users.add(
        email=account.email,
        name=account.name,
        role=account.role,
        password_hash=account.password_hash,
    )


def password_matches(stored: StoredUser, password: str) -> bool:
    """Whether `password` is the account's (no attempt is recorded: not for sign-in)."""
    return _verify(stored.password_hash, password)


def load_user(uow: UnitOfWork, user_id: int) -> StoredUser:
    """The stored account, in an open unit of work (a deleted one is `NotFoundError`)."""
    stored = uow.users.get(user_id)
    if stored is None:
        raise NotFoundError("your account no longer exists; sign up again", kind="account")
    return stored


def public_user(stored: StoredUser) -> User:
    return User(
        id=stored.id,
        email=stored.email,
        name=stored.name,
        role=stored.role,
        person_id=stored.person_id,
        units=stored.units or "metric",
    )


def check_email(email: str, field: str = "email") -> str:
    """The e-mail address stripped and lower-cased, if it looks like one."""
    email = _normalise_email(email)
    local, at, domain = email.rpartition("@")
    if not at or not local or "." not in domain.strip(".") or any(c.isspace() for c in email):
        raise InvalidInputError(
            f"{email!r} is not an e-mail address: give one such as name@example.org", field=field
        )
    if len(email) > MAX_EMAIL_LENGTH:
        raise InvalidInputError(
            f"the e-mail address is too long: at most {MAX_EMAIL_LENGTH}", field=field
        )
    return email


# --- private helpers ----------------------------------------------------------------------------


def _now(now: datetime | None) -> datetime:
    if now is None:
        return datetime.now(UTC)
    if now.tzinfo is None or now.utcoffset() is None:
        raise InvalidInputError(f"now {now.isoformat()} has no time zone; pass an aware datetime")
    return now.astimezone(UTC)


def _client(client: str | None) -> str:
    return sign_in_limits.client_key(client)


def _normalise_email(email: str) -> str:
    return email.strip().lower()


def _check_name(name: str) -> str:
    name = " ".join(name.split())
    if not name:
        raise InvalidInputError("give your name, as you would like it shown", field="name")
    if len(name) > MAX_NAME_LENGTH:
        raise InvalidInputError(
            f"the name is too long: keep it to {MAX_NAME_LENGTH} characters", field="name"
        )
    return name


def _check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"the password is too short: use at least {MIN_PASSWORD_LENGTH} characters "
            "(a few unrelated words make a good one)",
            field="password",
        )
    if len(password) > MAX_PASSWORD_LENGTH:
        raise InvalidInputError(
            f"the password is too long: use at most {MAX_PASSWORD_LENGTH} characters",
            field="password",
        )
    if len(set(password)) == 1:
        raise InvalidInputError(
            "the password repeats one character: use at least two different characters, "
            "such as a few unrelated words",
            field="password",
        )


@cache
def _dummy_hash() -> str:
    # Made on first use (not at import): verifying against it costs what a real check costs.
    return _hasher.hash(secrets.token_urlsafe(16))


def _verify(password_hash: str | None, password: str) -> bool:
    if len(password) > MAX_PASSWORD_LENGTH:
        return False
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and (
            password_hash is not None
        )
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def _refuse_if_limited(uow: UnitOfWork, email: str, client: str, now: datetime) -> None:
    attempts = uow.login_attempts
    known = attempts.last_success(email=email, client=client)
    pair_since = now - ACCOUNT_AND_CLIENT.window
    if known is not None:
        pair_since = max(pair_since, known)  # a success ends the count for this client
    counts = [
        (ACCOUNT_AND_CLIENT, attempts.failures(since=pair_since, email=email, client=client)),
        (CLIENT, attempts.failures(since=now - CLIENT.window, client=client)),
    ]
    if known is None:  # a client that has signed in to the account before is spared this one
        counts.append((ACCOUNT, attempts.failures(since=now - ACCOUNT.window, email=email)))
    refused = sign_in_limits.refusal(
        [Counted(rule, found.count, found.last_at) for rule, found in counts], now
    )
    if refused is not None:
        raise SignInLimitedError(refused.message, retry_after_s=refused.retry_after_s)


def _open_session(uow: UnitOfWork, stored: StoredUser, now: datetime) -> str:
    token = _new_token()
    uow.sessions.add(
        user_id=stored.id,
        token_sha256=_digest(token),
        csrf_secret=secrets.token_urlsafe(32),
        now=now,
        expires_at=now + SESSION_LIFETIME,
    )
    return token


def _live_session(
    uow: UnitOfWork, token: str, now: datetime, *, write: bool = True
) -> tuple[SignedIn | None, bool]:
    """The live session of `token`, touched if due (an expired one is deleted), and whether
    anything was written (left for the caller to commit); with `write=False` nothing is written
    and the flag says whether a write is due."""
    session = uow.sessions.by_token(_digest(token))
    if session is None:
        return None, False
    if session.expires_at <= now:
        if write:
            uow.sessions.delete(_digest(token))
        return None, True
    stored = uow.users.get(session.user_id)
    if stored is None:  # pragma: no cover - the foreign key cascades
        return None, False
    touch = now - session.last_seen_at >= SESSION_TOUCH_INTERVAL
    if touch and write:
        uow.sessions.touch(session.id, now, now + SESSION_LIFETIME)
    return SignedIn(public_user(stored), session.csrf_secret), touch


def _tokens(uow: UnitOfWork, user_id: int) -> list[tuple[int, str, datetime]]:
    return [(t.id, t.label, t.created_at) for t in uow.api_tokens.list_active(user_id)]


def _new_token() -> str:
    return secrets.token_urlsafe(32)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()
