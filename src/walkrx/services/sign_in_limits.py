"""Sign-in throttling: how long a client must wait before its next sign-in attempt counts.

Pure rules over counts of recent failed attempts; `accounts.sign_in` reads the counts from the
`login_attempts` table and refuses an attempt that comes too early (`SignInLimitedError`: how long
to wait, in words and in seconds). The design follows OWASP's advice against online guessing
(throttle per account *and* client, not per account alone: a lock on the account alone lets
anyone lock its owner out) and the usual exponential back-off of rate limiters. Three rules, each
over its own window; a rule lets `free` failures through, then each further attempt must wait,
from the rule's most recent failure, `first_wait` doubled for every failure over `free`, at most
`longest_wait`:

    rule                 failures counted                           free  waits
    account and client   for this e-mail address from this client,     5  30 s, 1, 2, 4, 8 min,
                         last 24 h, since that client's last success        then 15 min each
                         with this address
    client               from this client for any address, last hour   20  1, 2, 4, 8, 15 min
    account              for this address from every client, last    200  30 s, 1, 2, 4, 8 min,
                         24 h; not applied to a client that has signed      then 15 min each
                         in to this address before (in the 90 days
                         attempts are kept)

So one client can try about 100 passwords a day on one account (5 at once, then one every 15
minutes); spraying from one client across accounts gets about 25 an hour; a distributed attack
gets about 300 a day on one account. The owner is held back by none of this when signing in from
a client that has not failed for the account, unless the account is under an attack of over 200
failures a day from many addresses; even then a client that has signed in to the account before
gets in at once. Refused attempts are not recorded, so knocking while refused does not make the
wait grow. An unknown e-mail address is throttled exactly like a known one.

A client is its network address; an IPv6 address counts as its /64 network (one subscriber's
prefix, inside which an attacker could otherwise pick a new address for every guess).
"""

from __future__ import annotations

import ipaddress
import math
from dataclasses import dataclass
from datetime import datetime, timedelta

MAX_CLIENT_LENGTH = 200
_MAX_DOUBLINGS = 30  # far beyond any longest wait: keeps the arithmetic small


@dataclass(frozen=True)
class Rule:
    """One throttling rule (see the module docstring)."""

    name: str
    window: timedelta  # failures older than this do not count
    free: int  # failures let through before any wait
    first_wait: timedelta  # the wait after the `free`-th failure, doubled after each further one
    longest_wait: timedelta
    reason: str  # the start of the refusal's message

    def wait(self, failures: int) -> timedelta:
        """How long after the most recent of `failures` counted failures the next attempt waits."""
        if failures < self.free:
            return timedelta(0)
        doublings = min(failures - self.free, _MAX_DOUBLINGS)
        return min(self.longest_wait, self.first_wait * (1 << doublings))


ACCOUNT_AND_CLIENT = Rule(
    "account and client",
    window=timedelta(hours=24),
    free=5,
    first_wait=timedelta(seconds=30),
    longest_wait=timedelta(minutes=15),
    reason="too many failed sign-ins to this account from your network address",
)
CLIENT = Rule(
    "client",
    window=timedelta(hours=1),
    free=20,
    first_wait=timedelta(minutes=1),
    longest_wait=timedelta(minutes=15),
    reason="too many failed sign-ins from your network address",
)
ACCOUNT = Rule(
    "account",
    window=timedelta(hours=24),
    free=200,
    first_wait=timedelta(seconds=30),
    longest_wait=timedelta(minutes=15),
    reason="too many failed sign-ins to this account from many network addresses",
)


@dataclass(frozen=True)
class Counted:
    """The failures a rule counts: how many, and when the most recent was."""

    rule: Rule
    failures: int
    last_at: datetime | None


@dataclass(frozen=True)
class Refusal:
    """An attempt that comes too early: which rule refuses it, and the wait in whole seconds."""

    rule: Rule
    retry_after_s: int

    @property
    def message(self) -> str:
        return (
            f"{self.rule.reason}: wait {in_words(self.retry_after_s)} and try again "
            "(if you have forgotten your password, ask for it to be reset)"
        )


def refusal(counted: list[Counted], now: datetime) -> Refusal | None:
    """The refusal of an attempt at `now` (the rule making it wait longest), or None."""
    found: Refusal | None = None
    for count in counted:
        wait = count.rule.wait(count.failures)
        if count.last_at is None or not wait:
            continue
        remaining = (count.last_at + wait - now).total_seconds()
        if remaining <= 0:
            continue
        seconds = max(1, math.ceil(remaining))
        if found is None or seconds > found.retry_after_s:
            found = Refusal(count.rule, seconds)
    return found


def in_words(seconds: int) -> str:
    """A wait as people say it: 30 seconds, 1 minute, 15 minutes (minutes rounded up)."""
    if seconds < 60:
        return f"{seconds} second" + ("" if seconds == 1 else "s")
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minute" + ("" if minutes == 1 else "s")


def client_key(address: str | None) -> str:
    """The client an attempt is counted against: its IP address, an IPv6 address's /64 network
    (an IPv4 address mapped into IPv6 is the IPv4 address), or the text given when it is no IP
    address ("unknown" when there is none)."""
    text = (address or "").strip()[:MAX_CLIENT_LENGTH] or "unknown"
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return text
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return str(ip.ipv4_mapped)
        return str(ipaddress.IPv6Network((ip.packed, 64), strict=False))
    return str(ip)
