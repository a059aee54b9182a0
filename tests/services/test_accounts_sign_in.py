"""Accounts: sign-up, sign-in and its throttling, sessions and API tokens, on both engines."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import select

from walkrx.errors import (
    ConflictError,
    ForbiddenError,
    InvalidInputError,
    NotFoundError,
    SignInLimitedError,
)
from walkrx.services import accounts, sign_in_limits
from walkrx.services.accounts import User
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
    return accounts.sign_up(
        UnitOfWork(db), email=email, password=PASSWORD, name="Ann", role="walker"
    )


def _fail(db: Database, email: str, *, client: str = "10.0.0.1", now: datetime) -> Exception:
    with pytest.raises(ForbiddenError) as caught:
        accounts.sign_in(
            UnitOfWork(db), email=email, password="wrong password", client=client, now=now
        )
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
        UnitOfWork(database),
        email="  Ann@Example.ORG ",
        password=PASSWORD,
        name=" Ann  Lee ",
        role="walker",
    )
    assert (user.email, user.name, user.role, user.person_id) == (
        "ann@example.org",
        "Ann Lee",
        "walker",
        None,
    )
    signed_in, token = accounts.sign_in(
        UnitOfWork(database), email="ANN@example.org", password=PASSWORD, client="10.0.0.1", now=T0
    )
    assert signed_in == user
    assert accounts.session_user(UnitOfWork(database), token, now=T0) == user


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
    accounts.sign_in(
        UnitOfWork(database), email="ann@example.org", password=PASSWORD, client="c", now=T0
    )
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
            UnitOfWork(database), email="a@example.org", password=password, name="A", role="walker"
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
        accounts.sign_up(UnitOfWork(database), email=email, password=PASSWORD, name=name, role=role)


def test_an_e_mail_address_has_one_account_whatever_its_case(database: Database) -> None:
    """Signing up again with the same address (in other case) is a conflict saying to sign in."""
    _walker(database)
    with pytest.raises(ConflictError, match="sign in"):
        _walker(database, email="ANN@EXAMPLE.ORG")


def test_sign_up_and_in_opens_the_first_session_in_the_same_transaction(
    database: Database,
) -> None:
    """The sign-up form's use case: the account and its session together; a refusal opens none."""
    now = datetime.now(UTC)
    user, token = accounts.sign_up_and_in(
        UnitOfWork(database),
        email=" New@Example.ORG ",
        password=PASSWORD,
        name="New",
        role="walker",
        client="10.0.0.9",
        now=now,
    )
    assert user.email == "new@example.org"
    found = accounts.signed_in(UnitOfWork(database), token, now=now)
    assert found is not None
    assert found.user == user
    assert found.csrf == accounts.session_csrf(UnitOfWork(database), token)
    with pytest.raises(ConflictError):
        accounts.sign_up_and_in(
            UnitOfWork(database),
            email="new@example.org",
            password=PASSWORD,
            name="Again",
            role="walker",
            client="10.0.0.9",
            now=now,
        )
    with database.sessions() as session:
        assert len(session.scalars(select(SessionRow)).all()) == 1
        assert len(session.scalars(select(UserRow)).all()) == 1


# --- sign-in and its limit ----------------------------------------------------------------------


def test_wrong_password_and_unknown_email_give_the_same_error(database: Database) -> None:
    """Sign-in does not reveal whether an account exists: same class, same message."""
    _walker(database)
    wrong = _fail(database, "ann@example.org", now=T0)
    unknown = _fail(database, "nobody@example.org", now=T0)
    assert type(wrong) is type(unknown) is ForbiddenError
    assert str(wrong) == str(unknown)
    assert "try again" in str(wrong)


ATTACKER = "203.0.113.5"
OWNER = "198.51.100.7"


def _sign_in(
    db: Database,
    *,
    client: str,
    now: datetime,
    email: str = "ann@example.org",
    password: str = PASSWORD,
) -> User:
    user, _ = accounts.sign_in(
        UnitOfWork(db), email=email, password=password, client=client, now=now
    )
    return user


def _limited(
    db: Database,
    *,
    client: str,
    now: datetime,
    email: str = "ann@example.org",
    password: str = PASSWORD,
) -> SignInLimitedError:
    with pytest.raises(SignInLimitedError) as caught:
        _sign_in(db, client=client, now=now, email=email, password=password)
    return caught.value


def test_five_wrong_passwords_from_one_client_leave_the_owner_free_elsewhere(
    database: Database,
) -> None:
    """Issue 10: the owner signs in at once from another client; the failing client waits, even
    with the right password."""
    _walker(database)
    for second in range(5):
        _fail(database, "ann@example.org", client=ATTACKER, now=T0 + timedelta(seconds=second))
    owner = _sign_in(database, client=OWNER, now=T0 + timedelta(seconds=5))
    assert owner.email == "ann@example.org"
    refused = _limited(database, client=ATTACKER, now=T0 + timedelta(seconds=5))
    assert isinstance(refused, ForbiddenError)
    assert refused.retry_after_s == 29  # 30 s after the fifth failure, one second ago
    assert "wait 29 seconds and try again" in str(refused)


def test_the_failing_client_waits_longer_after_each_further_failure(database: Database) -> None:
    """30 s after the fifth failure, then twice as long after each further one, at most 15 min;
    knocking while refused does not make the wait grow; the right password then gets in."""
    _walker(database)
    for _ in range(5):
        _fail(database, "ann@example.org", client=ATTACKER, now=T0)
    now = T0
    waits = []
    for _ in range(7):
        refused = _limited(database, client=ATTACKER, now=now)
        waits.append((refused.retry_after_s, str(refused).split(": wait ")[1].split(" and")[0]))
        knocked = _limited(database, client=ATTACKER, now=now + timedelta(seconds=10))
        assert knocked.retry_after_s == refused.retry_after_s - 10  # not recorded, no longer
        now += timedelta(seconds=refused.retry_after_s)
        error = _fail(database, "ann@example.org", client=ATTACKER, now=now)
        assert not isinstance(error, SignInLimitedError)  # the wait was over: it counts
    assert waits == [
        (30, "30 seconds"),
        (60, "1 minute"),
        (120, "2 minutes"),
        (240, "4 minutes"),
        (480, "8 minutes"),
        (900, "15 minutes"),
        (900, "15 minutes"),
    ]
    assert _limited(database, client=ATTACKER, now=now).retry_after_s == 900
    user = _sign_in(database, client=ATTACKER, now=now + timedelta(minutes=15))
    assert user.email == "ann@example.org"


def test_an_unknown_address_is_limited_the_same_way(database: Database) -> None:
    """Throttling does not reveal whether an account exists: same wait, same message."""
    _walker(database)
    for _ in range(5):
        _fail(database, "ann@example.org", client=ATTACKER, now=T0)
        _fail(database, "nobody@example.org", client="203.0.113.6", now=T0)
    known = _fail(database, "ann@example.org", client=ATTACKER, now=T0 + timedelta(seconds=1))
    unknown = _fail(
        database, "nobody@example.org", client="203.0.113.6", now=T0 + timedelta(seconds=1)
    )
    assert isinstance(known, SignInLimitedError)
    assert isinstance(unknown, SignInLimitedError)
    assert (str(known), known.retry_after_s) == (str(unknown), unknown.retry_after_s)


def test_twenty_failures_from_one_client_across_addresses_slow_that_client(
    database: Database,
) -> None:
    """Guessing across addresses from one client: after 20 failures within an hour that client
    waits 1 minute, then twice as long after each further failure; other clients are not held."""
    _walker(database)
    sprayer = "203.0.113.9"
    for n in range(20):
        _fail(database, f"guess{n}@example.org", client=sprayer, now=T0)
    refused = _limited(database, client=sprayer, now=T0)
    assert refused.retry_after_s == 60
    assert "from your network address: wait 1 minute" in str(refused)
    assert _sign_in(database, client=OWNER, now=T0).email == "ann@example.org"
    _fail(database, "guess20@example.org", client=sprayer, now=T0 + timedelta(minutes=1))
    later = _limited(database, client=sprayer, now=T0 + timedelta(minutes=1))
    assert later.retry_after_s == 120
    # An hour after those failures the client starts afresh.
    assert _sign_in(database, client=sprayer, now=T0 + timedelta(minutes=62)).id > 0


def test_a_distributed_attack_meets_the_per_account_ceiling(database: Database) -> None:
    """200 failures for one address from many clients in a day slow every client new to the
    account; a client that has signed in to it before still gets in; a day later it is over."""
    _walker(database)
    with UnitOfWork(database) as uow:
        for n in range(199):
            client = f"10.{n // 250}.{n % 250}.1"
            uow.login_attempts.add(
                email="ann@example.org",
                client=client,
                succeeded=False,
                at=T0 + timedelta(seconds=n),
            )
        uow.commit()
    assert _sign_in(database, client="198.51.100.1", now=T0 + timedelta(seconds=250)).id > 0
    _fail(database, "ann@example.org", client="10.9.9.9", now=T0 + timedelta(seconds=300))
    refused = _limited(database, client="198.51.100.2", now=T0 + timedelta(seconds=300))
    assert refused.retry_after_s == 30
    assert "from many network addresses" in str(refused)
    known = _sign_in(database, client="198.51.100.1", now=T0 + timedelta(seconds=300))
    assert known.email == "ann@example.org"
    assert _sign_in(database, client="198.51.100.2", now=T0 + timedelta(days=1, minutes=10)).id


def test_a_success_ends_the_count_for_that_client_only(database: Database) -> None:
    """After four failures and a success from one client, five new failures are needed there;
    a success from one client does not free another; every attempt is kept."""
    _walker(database)
    for second in range(5):
        _fail(database, "ann@example.org", client="10.0.0.2", now=T0 + timedelta(seconds=second))
    for second in range(4):
        _fail(database, "ann@example.org", now=T0 + timedelta(seconds=second))
    _sign_in(database, client="10.0.0.1", now=T0 + timedelta(seconds=10))
    assert isinstance(
        _fail(database, "ann@example.org", client="10.0.0.2", now=T0 + timedelta(seconds=11)),
        SignInLimitedError,
    )
    for second in range(4):
        error = _fail(database, "ann@example.org", now=T0 + timedelta(seconds=20 + second))
        assert not isinstance(error, SignInLimitedError)
    _fail(database, "ann@example.org", now=T0 + timedelta(seconds=30))
    assert isinstance(
        _fail(database, "ann@example.org", now=T0 + timedelta(seconds=31)), SignInLimitedError
    )
    with database.sessions() as session:
        attempts = session.scalars(select(LoginAttemptRow.succeeded)).all()
    assert sorted(attempts) == [False] * 14 + [True]


def test_an_ipv6_client_is_its_64_network(database: Database) -> None:
    """Picking a new address inside one /64 for each guess does not escape the limit; an IPv4
    address written as IPv6 is that IPv4 address."""
    _walker(database)
    for n in range(1, 6):
        _fail(database, "ann@example.org", client=f"2001:db8:1:2::{n}", now=T0)
    _limited(database, client="2001:db8:1:2:abcd::9", now=T0)
    assert _sign_in(database, client="2001:db8:1:3::1", now=T0).id > 0
    _fail(database, "ann@example.org", client="::ffff:203.0.113.5", now=T0)
    with database.sessions() as session:
        clients = set(session.scalars(select(LoginAttemptRow.client)))
    assert clients == {"2001:db8:1:2::/64", "2001:db8:1:3::/64", "203.0.113.5"}


def test_concurrent_attempts_for_one_address_are_taken_one_at_a_time(
    database: Database,
) -> None:
    """A burst of parallel guesses cannot all pass the same check: an attempt waits for the one
    in progress for the same address and client, and then counts its failure."""
    _walker(database)
    for _ in range(4):
        _fail(database, "ann@example.org", client=ATTACKER, now=T0)
    outcome: list[BaseException | User] = []

    def second_attempt() -> None:
        try:
            outcome.append(_sign_in(database, client=ATTACKER, now=T0 + timedelta(seconds=2)))
        except BaseException as error:  # handed over to the test's thread
            outcome.append(error)

    with UnitOfWork(database) as first:
        first.login_attempts.hold("ann@example.org", ATTACKER)
        first.login_attempts.add(
            email="ann@example.org", client=ATTACKER, succeeded=False, at=T0 + timedelta(seconds=1)
        )
        thread = threading.Thread(target=second_attempt)
        thread.start()
        time.sleep(0.5)
        assert thread.is_alive(), "the second attempt did not wait for the first"
        first.commit()
    thread.join(timeout=30)
    [result] = outcome
    assert isinstance(result, SignInLimitedError), result


def test_the_waits_double_up_to_the_longest_and_read_as_words() -> None:
    """The rules' arithmetic and wording, without a database."""
    rule = sign_in_limits.ACCOUNT_AND_CLIENT
    assert [rule.wait(n).total_seconds() for n in range(4, 12)] == [
        0,
        30,
        60,
        120,
        240,
        480,
        900,
        900,
    ]
    assert rule.wait(10**6) == timedelta(minutes=15)
    assert [sign_in_limits.in_words(s) for s in (1, 45, 60, 61, 900)] == [
        "1 second",
        "45 seconds",
        "1 minute",
        "2 minutes",
        "15 minutes",
    ]
    assert sign_in_limits.client_key("  ") == "unknown"
    assert sign_in_limits.client_key("testclient") == "testclient"


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
        UnitOfWork(database),
        email="ann@example.org",
        password=PASSWORD,
        client="10.0.0.1",
        now=later,
    )
    assert kept() == [T0 + timedelta(days=30), later]  # the first failure is gone


# --- sessions -----------------------------------------------------------------------------------


def test_a_session_lasts_14_days_from_its_last_use(database: Database) -> None:
    """Used every 10 days it stays alive; left for 14 days it expires and is forgotten."""
    user = _walker(database)
    _, token = accounts.sign_in(
        UnitOfWork(database), email=user.email, password=PASSWORD, client="c", now=T0
    )
    assert accounts.session_user(UnitOfWork(database), token, now=T0 + timedelta(days=10)) == user
    assert accounts.session_user(UnitOfWork(database), token, now=T0 + timedelta(days=20)) == user
    assert accounts.session_user(UnitOfWork(database), token, now=T0 + timedelta(days=34)) is None
    assert accounts.session_user(UnitOfWork(database), token, now=T0 + timedelta(days=20)) is None


def test_session_use_is_written_at_most_once_a_minute(database: Database) -> None:
    """Uses within a minute of the last recorded one do not move last_seen_at."""
    user = _walker(database)
    _, token = accounts.sign_in(
        UnitOfWork(database), email=user.email, password=PASSWORD, client="c", now=T0
    )

    def last_seen() -> datetime:
        with database.sessions() as session:
            found: datetime | None = session.scalar(select(SessionRow.last_seen_at))
        assert found is not None
        return found

    accounts.session_user(UnitOfWork(database), token, now=T0 + timedelta(seconds=30))
    assert last_seen() == T0
    accounts.session_user(UnitOfWork(database), token, now=T0 + timedelta(seconds=90))
    assert last_seen() == T0 + timedelta(seconds=90)


def test_sign_out_ends_the_session(database: Database) -> None:
    """After signing out the token names nobody and has no CSRF secret; other sessions live on."""
    user = _walker(database)
    now = datetime.now(UTC)
    _, token = accounts.sign_in(
        UnitOfWork(database), email=user.email, password=PASSWORD, client="c", now=now
    )
    _, other = accounts.sign_in(
        UnitOfWork(database), email=user.email, password=PASSWORD, client="c", now=now
    )
    csrf = accounts.session_csrf(UnitOfWork(database), token)
    assert csrf is not None
    assert csrf != accounts.session_csrf(UnitOfWork(database), other)
    accounts.sign_out(UnitOfWork(database), token)
    assert accounts.session_user(UnitOfWork(database), token, now=now) is None
    assert accounts.session_csrf(UnitOfWork(database), token) is None
    assert accounts.session_user(UnitOfWork(database), other, now=now) == user
    accounts.sign_out(UnitOfWork(database), token)  # signing out twice is harmless


def test_session_tokens_are_stored_only_as_sha256_digests(database: Database) -> None:
    """The database holds the token's SHA-256 hex digest, never the token."""
    user = _walker(database)
    _, token = accounts.sign_in(
        UnitOfWork(database), email=user.email, password=PASSWORD, client="c", now=T0
    )
    with database.sessions() as session:
        stored = session.scalars(select(SessionRow.token_sha256)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    assert accounts.session_user(UnitOfWork(database), "not a token", now=T0) is None
    assert accounts.session_user(UnitOfWork(database), "", now=T0) is None


# --- API tokens ---------------------------------------------------------------------------------


def test_api_tokens_work_until_revoked_and_are_stored_hashed(database: Database) -> None:
    """A token names its user, is listed by label, is kept as a digest, and dies when revoked."""
    user = _walker(database)
    token = accounts.create_api_token(UnitOfWork(database), user.id, "  my watch ").token
    assert accounts.api_token_user(UnitOfWork(database), token) == user
    [(token_id, label, created_at)] = accounts.list_api_tokens(UnitOfWork(database), user.id)
    assert label == "my watch"
    assert created_at.tzinfo is not None
    with database.sessions() as session:
        stored = session.scalars(select(ApiTokenRow.token_sha256)).all()
    assert stored == [hashlib.sha256(token.encode()).hexdigest()]
    accounts.revoke_api_token(UnitOfWork(database), user.id, token_id)
    assert accounts.api_token_user(UnitOfWork(database), token) is None
    assert accounts.list_api_tokens(UnitOfWork(database), user.id) == []
    with pytest.raises(NotFoundError, match="list your tokens"):
        accounts.revoke_api_token(UnitOfWork(database), user.id, token_id)


def test_one_cannot_revoke_another_users_token(database: Database) -> None:
    """Revoking someone else's token id is refused and leaves it working."""
    ann = _walker(database)
    bob = _walker(database, email="bob@example.org")
    token = accounts.create_api_token(UnitOfWork(database), ann.id, "phone").token
    [(token_id, _, _)] = accounts.list_api_tokens(UnitOfWork(database), ann.id)
    with pytest.raises(NotFoundError):
        accounts.revoke_api_token(UnitOfWork(database), bob.id, token_id)
    assert accounts.api_token_user(UnitOfWork(database), token) == ann


def test_an_api_token_needs_a_label(database: Database) -> None:
    """A blank label is refused with a suggestion of what to write."""
    user = _walker(database)
    with pytest.raises(InvalidInputError, match="label"):
        accounts.create_api_token(UnitOfWork(database), user.id, "   ")


def test_the_unit_of_work_exposes_the_account_repositories(database: Database) -> None:
    """uow.users and friends return plain records, never rows."""
    user = _walker(database)
    with UnitOfWork(database) as uow:
        stored = uow.users.get(user.id)
    assert stored is not None
    assert not isinstance(stored, UserRow)
    assert stored.email == user.email
