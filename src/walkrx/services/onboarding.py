"""Onboarding a walker: the red-flag answers first (held on the account the moment they are
given, spec 7), then the program, created and made the account's own in one transaction.

Each public function is one use case over one unit of work handed in unopened (decision 0006).
`complete_onboarding` stores the new person, attaches it to the account, turns the held answers
and those given at the last step into a check-in and clears them, committing once: a failure
anywhere leaves the account exactly as it was, ready to try again.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from walkrx.domain.codes import RedFlag
from walkrx.domain.model import Person
from walkrx.errors import ConflictError, InvalidInputError
from walkrx.services import diary, program, status
from walkrx.services.accounts import User, load_user, public_user
from walkrx.services.context import local_today
from walkrx.storage import UnitOfWork


def hold_onboarding_flags(
    uow: UnitOfWork, user_id: int, flags: Iterable[str], day: date
) -> tuple[RedFlag, ...]:
    """Store red-flag answers given before the program exists (spec 7: never silently lost).

    They accumulate (a later "no" never erases an earlier "yes": only a recorded clearing does) and
    become a check-in dated the first day one was given when onboarding completes. Returns every
    answer held now.
    """
    given = diary.parse_red_flags(tuple(flags))
    with uow:
        stored = load_user(uow, user_id)
        held, held_on = uow.users.pending_flags(stored.id)
        codes = tuple(dict.fromkeys((*held, *(f.value for f in given))))
        first = held_on or (day if codes else None)
        uow.users.set_pending_flags(stored.id, codes, first)
        uow.commit()
    return tuple(RedFlag(c) for c in codes)


def onboarding_flags(uow: UnitOfWork, user_id: int) -> tuple[tuple[RedFlag, ...], date | None]:
    """Red-flag answers held from onboarding, and the day the first was given."""
    with uow:
        codes, day = uow.users.pending_flags(load_user(uow, user_id).id)
    return tuple(RedFlag(c) for c in codes), day


def complete_onboarding(
    uow: UnitOfWork,
    user_id: int,
    person: Person,
    flags: tuple[str, ...],
    now: datetime | None = None,
) -> User:
    """Create the walker's program (a checked `program.new_person`) and make it their own.

    In one transaction: the person is stored, attached to the account, the red-flag answers held
    since step 1 and those given now become a check-in (dated the day the first answer was given,
    or today where the person lives), and the held answers are cleared. Anything failing stores
    nothing, so the same account can simply try again.
    """
    given = diary.parse_red_flags(flags)
    with uow:
        account = load_user(uow, user_id)
        if account.role != "walker":
            raise InvalidInputError(
                "only a walker has a program of their own; clinicians see their patients' programs"
            )
        if account.person_id is not None:
            raise ConflictError(
                f"your account already has a program (person {account.person_id}); "
                "carry on with that one"
            )
        stored = program.store_new_person(uow, person)
        assert stored.id is not None
        account = uow.users.set_person(account.id, stored.id)
        held, held_on = uow.users.pending_flags(account.id)
        codes = tuple(dict.fromkeys((*held, *(f.value for f in given))))
        today = local_today(stored, now)
        day = min(held_on, today) if held_on else today
        diary.store_checkin(uow, stored, diary.CheckInEntry(day=day, red_flags=codes), now)
        uow.users.set_pending_flags(account.id, (), None)
        status.refresh(uow, stored, now=now)
        uow.commit()
    return public_user(account)
