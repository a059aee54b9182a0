"""A person's own settings (issue 15): whether they read miles or kilometres.

One use case over one unit of work (decision 0006); stored values never change with it, only what
every interface shows (`walkrx.domain.units`).
"""

from __future__ import annotations

import dataclasses

from walkrx.domain.model import Person
from walkrx.domain.units import check_units
from walkrx.services.access import Actor, person_for
from walkrx.storage import UnitOfWork


def set_units(uow: UnitOfWork, actor: Actor, person_id: int, units: str) -> Person:
    """Show the person's distances and speeds in `units` (metric or imperial) from now on."""
    chosen = check_units(units)
    with uow:
        person = person_for(uow, actor, person_id, write=True)
        if person.units == chosen:
            return person
        stored = uow.people.update(dataclasses.replace(person, units=chosen))
        uow.commit()
    return stored
