"""Accounts: sign-up, sign-in and its rate limit, sessions and API tokens, on both engines."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from walkrx.errors import ConflictError, ForbiddenError, InvalidInputError, NotFoundError
from walkrx.services import accounts
from walkrx.services.accounts import SignInLimitedError, User
from walkrx.storage import Database, UnitOfWork
from walkrx.storage.rows import ApiTokenRow, LoginAttemptRow, SessionRow, UserRow

PASSWORD = "correct horse battery"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
CHEAP = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1)


@pytest.fixture(autouse=True)
def cheap_hashing(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Hash with small argon2id parameters so the tests run quickly (same algorithm)."""
    monkeypatch.setattr(accounts, "_hasher", CHEAP)
    accounts._dummy_hash.cache_clear()
    yield
    accounts._dummy_hash.cache_clear()


def _walker(db: Database, email: str = "ann@example.org") -> User:
    return accounts.sign_up(db, email=email, password=PASSWORD, name="Ann", role="walker")


def _fail(db: Database, email: str, *, client: str = "10.0.0.1", now: datetime) -> Exception:
    with pytest.raises(ForbiddenError) as caught:
        accounts.sign_in(db, email=email, password="wrong password", client=client, now=now)
    return caught.value


def _stored_hash(db: Database, email: str) -> str:
    with db.sessions() as session:
        found = session.scalar(select(UserRow.password_hash).where(UserRow.email == email))
    assert found is not None
    return found


# --- sign-up ------------------------------------------------------------------------------------


def test_sign_up_then_sign_in_gives_the_user_and_a_session(database: Database) -> None:
    """The e-mail address is stored stripped and lower-cased; signing in opens a session."""
    user = accounts.sign_up(
        database, email="  Ann@Example.ORG ", password=PASSWORD, name=" Ann  Lee ", role="walker"
    )
    assert (user.email, user.name, user.role, user.person_id) == (
        "ann@example.org",
        "Ann Lee",
        "walker",
        None,
    )
    signed_in, token = accounts.sign_in(
        database, email="ANN@example.org", password=PASSWORD, client="10.0.0.1", now=T0
    )
    assert signed_in == user
    assert accounts.session_user(database, token, now=T0) == user


def test_the_password_is_stored_as_an_argon2id_hash_never_as_itself(database: Database) -> None:
    """The stored value is an argon2id hash that verifies the password and does not contain it."""
    _walker(database)
    stored = _stored_hash(database, "ann@example.org")
    assert stored.startswith("$argon2id$")
    assert PASSWORD not in stored
    assert CHEAP.verify(stored, PASSWORD)


def test_a_hash_made_with_old_parameters_is_replaced_at_sign_in(
    database: Database, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the hashing parameters change, the next successful sign-in rehashes the password."""
    _walker(database)
    old = _stored_hash(database, "ann@example.org")
    stronger = PasswordHasher(time_cost=2, memory_cost=2048, parallelism=1)
    monkeypatch.setattr(accounts, "_hasher", stronger)
    accounts.sign_in(database, email="ann@example.org", password=PASSWORD, client="c", now=T0)
    new = _stored_hash(database, "ann@example.org")
    assert new != old
    assert not stronger.check_needs_rehash(new)
    assert stronger.verify(new, PASSWORD)


@pytest.mark.parametrize(
    ("password", "says"),
    [("short pw", "at least 10 characters"), ("aaaaaaaaaaaa", "at least two different")],
)
def test_weak_passwords_are_refused_with_a_clear_message(
    database: Database, password: str, says: str
) -> None:
    """Under 10 characters, or one character repeated, is refused and the rule is stated."""
    with pytest.raises(InvalidInputError, match=says):
        accounts.sign_up(
            database, email="a@example.org", password=password, name="A", role="walker"
        )


@pytest.mark.parametrize(
    ("email", "name", "role", "says"),
    [
        ("a@example.org", "A", "admin", "choose 'walker' or 'clinician'"),
        ("not-an-address", "A", "walker", "name@example.org"),
        ("a@example.org", "   ", "walker", "give your name"),
    ],
)
def test_sign_up_validates_role_email_and_name(
    database: Database, email: str, name: str, role: str, says: str
) -> None:
    """An unknown role, a malformed e-mail address or a blank name are refused."""
    with pytest.raises(InvalidInputError, match=says):
        accounts.sign_up(database, email=email, password=PASSWORD, name=name, role=role)


def test_an_e_mail_address_has_one_account_whatever_its_case(database: Database) -> None:
    """Signing up again with the same address (in other case) is a conflict saying to sign in."""
    _walker(database)
    with pytest.raises(ConflictError, match="sign in"):
        _walker(database, email="ANN@EXAMPLE.ORG")


# --- sign-in and its limit ----------------------------------------------------------------------


def test_wrong_password_and_unknown_email_give_the_same_error(database: Database) -> None:
    """Sign-in does not reveal whether an account exists: same class, same message."""
    _walker(database)
    wrong = _fail(database, "ann@example.org", now=T0)
    unknown = _fail(database, "nobody@example.org", now=T0)
    assert type(wrong) is type(unknown) is ForbiddenError
    assert str(wrong) == str(unknown)
    assert "try again" in str(wrong)


def test_five_failures_lock_the_address_and_say_when_to_retry(database: Database) -> None:
    """The sixth attempt within 15 minutes is refused, even with the right password."""
    _walker(database)
    for minute in range(5):
        _fail(database, "ann@example.org", now=T0 + timedelta(minutes=minute))
    with pytest.raises(SignInLimitedError) as caught:
        accounts.sign_in(
            database,
            email="ann@example.org",
            password=PASSWORD,
            client="10.0.0.1",
            now=T0 + timedelta(minutes=5),
        )
    # The first failure (at T0) leaves the window at T0 + 15 min: 10 minutes from now.
    assert "wait 10 minutes" in str(caught.value)
    assert caught.value.retry_after_s == 600
    assert isinstance(caught.value, ForbiddenError)
    user, _ = accounts.sign_in(
        database,
        email="ann@example.org",
        password=PASSWORD,
        client="10.0.0.1",
        now=T0 + timedelta(minutes=15),
    )
    assert user.email == "ann@example.org"


def test_an_unknown_address_is_locked_the_same_way(database: Database) -> None:
    """Locking does not reveal existence either: unknown addresses are limited too."""
    for second in range(5):
        _fail(database, "nobody@example.org", now=T0 + timedelta(seconds=second))
    error = _fail(database, "nobody@example.org", now=T0 + timedelta(minutes=1))
    assert isinstance(error, SignInLimitedError)
    assert "wait 14 minutes" in str(error)


def test_twenty_failures_from_one_client_lock_that_client(database: Database) -> None:
    """Guessing across many addresses from one client stops after 20 failures in 15 minutes."""
    _walker(database)
    for n in range(20):
        _fail(database, f"guess{n}@example.org", client="203.0.113.9", now=T0)
    with pytest.raises(SignInLimitedError, match="wait 15 minutes"):
        accounts.sign_in(
            database, email="ann@example.org", password=PASSWORD, client="203.0.113.9", now=T0
        )
    user, _ = accounts.sign_in(
        database, email="ann@example.org", password=PASSWORD, client="198.51.100.1", now=T0
    )
    assert user.email == "ann@example.org"


def test_a_success_resets_the_address_count_but_keeps_the_record(database: Database) -> None:
    """After four failures and a success, five new failures are needed; all attempts are kept."""
    _walker(database)
    for second in range(4):
        _fail(database, "ann@example.org", now=T0 + timedelta(seconds=second))
    accounts.sign_in(
        database,
        email="ann@example.org",
        password=PASSWORD,
        client="10.0.0.1",
        now=T0 + timedelta(seconds=10),
    )
    for second in range(4):
        error = _fail(database, "ann@example.org", now=T0 + timedelta(seconds=20 + second))
        assert not isinstance(error, SignInLimitedError)
    _fail(database, "ann@example.org", now=T0 + timedelta(seconds=30))
    assert isinstance(
        _fail(database, "ann@example.org", now=T0 + timedelta(seconds=31)), (SignInLimitedError)
    )
    with database.sessions() as session:
        attempts = session.scalars(select(LoginAttemptRow.succeeded)).all()
    assert sorted(attempts) == [False] * 9 + [True]


def test_attempts_older_than_the_retention_are_deleted_at_the_next_sign_in(
    database: Database,
) -> None:
    """Attempts name e-mail and network addresses: kept 90 days as a record, then deleted."""
    _walker(database)
    _fail(database, "ann@example.org", now=T0)
    _fail(database, "nobody@example.org", client="10.0.0.9", now=T0 + timedelta(days=30))

    def kept() -> list[datetime]:
        with database.sessions() as session:
            return sorted(session.scalars(select(LoginAttemptRow.at)))

    assert kept() == [T0, T0 + timedelta(days=30)]
    later = T0 + accounts.LOGIN_ATTEMPT_RETENTION + timedelta(seconds=1)
    accounts.sign_in(
        database, email="ann@example.org", password=PASSWORD, client="10.0.0.1", now=later
    )
    assert kept() == [T0 + timedelta(days=30), later]  # the first failure is gone


# --- sessions -----------------------------------------------------------------------------------


def test_a_session_lasts_14_days_from_its_last_use(database: Database) -> None:
    """Used every 10 days it stays alive; left for 14 days it expires and is forgotten."""
    user = _walker(database)
    _, token = accounts.sign_in(database, email=user.email, password=PASSWORD, client="c", now=T0)
    assert accounts.session_user(database, token, now=T0 + timedelta(days=10)) == user
    assert accounts.session_user(database, token, now=T0 + timedelta(days=20)) == user
    assert accounts.session_user(database, token, now=T0 + timedelta(days=34)) is None
    assert accounts.session_user(database, token, now=T0 + timedelta(days=20)) is None


def test_session_use_is_written_at_most_once_a_minute(database: Database) -> None:
    """Uses within a minute of the last recorded one do not move last_seen_at."""
    user = _walker(database)
    _, token = accounts.sign_in(database, email=user.email, password=PASSWORD, client="c", now=T0)

    def last_seen() -> datetime:
        with database.sessions() as session:
            found: datetime | None = session.scalar(select(SessionRow.last_seen_at))
        assert found is not None
        return found

    accounts.session_user(database, token, now=T0 + timedelta(seconds=30))
    assert last_seen() == T0
    accounts.session_user(database, token, now=T0 + timedelta(seconds=90))
    assert last_seen() == T0 + timedelta(seconds=90)


def test_sign_out_ends_the_session(database: Database) -> None:
    """After signing out the token names nobody and has no CSRF secret; other sessions live on."""
    user = _walker(database)
    now = datetime.now(UTC)
    _, token = accounts.sign_in(database, email=user.email, password=PASSWORD, client="c", now=now)
    _, other = accounts.sign_in(database, email=user.email, password=PASSWORD, client="c", now=now)
    csrf = accounts.session_csrf(database, token)
    assert csrf is not None
    assert csrf != accounts.session_csrf(database, other)
    accounts.sign_out(database, token)
    assert accounts.session_user(database, token, now=now) is None
    assert accounts.session_csrf(database, token) is None
    assert accounts.session_user(database, other, now=now) == user
    accounts.sign_out(database, token)  # signing out twice is harmless


def test_session_tokens_are_stored_only_as_sha256_digests(database: Database) -> None:
    """The database holds the token's SHA-256 hex digest, never the token."""
    user = _walker(database)
    _, token = accounts.sign_in(database, email=user.email, password=PASSWORD, client="c", now=T0)
    with database.sessions() as session:
        stored = session.scalars(select(SessionRow.token_sha256)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert accounts.session_user(database, "not a token", now=T0) is None
    assert accounts.session_user(database, "", now=T0) is None


# --- API tokens ---------------------------------------------------------------------------------


def test_api_tokens_work_until_revoked_and_are_stored_hashed(database: Database) -> None:
    """A token names its user, is listed by label, is kept as a digest, and dies when revoked."""
    user = _walker(database)
    token = accounts.create_api_token(database, user, "  my watch ")
    assert accounts.api_token_user(database, token) == user
    [(token_id, label, created_at)] = accounts.list_api_tokens(database, user)
    assert label == "my watch"
    assert created_at.tzinfo is not None
    with database.sessions() as session:
        stored = session.scalars(select(ApiTokenRow.token_sha256)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    accounts.revoke_api_token(database, user, token_id)
    assert accounts.api_token_user(database, token) is None
    assert accounts.list_api_tokens(database, user) == []
    with pytest.raises(NotFoundError, match="list your tokens"):
        accounts.revoke_api_token(database, user, token_id)


def test_one_cannot_revoke_another_users_token(database: Database) -> None:
    """Revoking someone else's token id is refused and leaves it working."""
    ann = _walker(database)
    bob = _walker(database, email="bob@example.org")
    token = accounts.create_api_token(database, ann, "phone")
    [(token_id, _, _)] = accounts.list_api_tokens(database, ann)
    with pytest.raises(NotFoundError):
        accounts.revoke_api_token(database, bob, token_id)
    assert accounts.api_token_user(database, token) == ann


def test_an_api_token_needs_a_label(database: Database) -> None:
    """A blank label is refused with a suggestion of what to write."""
    user = _walker(database)
    with pytest.raises(InvalidInputError, match="label"):
        accounts.create_api_token(database, user, "   ")


def test_the_unit_of_work_exposes_the_account_repositories(database: Database) -> None:
    """uow.users and friends return plain records, never rows."""
    user = _walker(database)
    with UnitOfWork(database) as uow:
        stored = uow.users.get(user.id)
    assert stored is not None
    assert not isinstance(stored, UserRow)
    assert stored.email == user.email
