"""The clinician's panel for a real caseload (issue 11): a page of patients, most urgent first,
filtered and searched, with their open alerts; and acknowledging an alert.

A page costs the same whatever the caseload: the stored panel lines (`services.status`) are read a
page at a time, with the page's open alerts in one more query. Lines computed on an earlier day
(time passed: a week ended, planned days went by) are refreshed first, those of the page and a
bounded batch beyond it, so the order converges without any page doing the whole caseload's work.
Every patient shown is an access to their data by the clinician, and goes on the audit trail.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, datetime

from walkrx.domain.model import Person
from walkrx.errors import InvalidInputError, NotFoundError
from walkrx.services import status
from walkrx.services.access import Actor, person_for
from walkrx.storage import UnitOfWork
from walkrx.storage.clinic import AuditEvent, StoredAlert
from walkrx.storage.panel import PanelLine

PER_PAGE = 25
REFRESH_BATCH = 25  # stale lines refreshed per page view beyond the page's own
MAX_SEARCH = 100
VIEWS = ("all", *status.FILTERS)


@dataclass(frozen=True)
class PanelEntry:
    """One patient on a panel page: their line and their open alerts, newest first."""

    line: PanelLine
    alerts: tuple[StoredAlert, ...]

    @property
    def name(self) -> str:
        return self.line.display_name or self.line.name


@dataclass(frozen=True)
class PanelPage:
    entries: tuple[PanelEntry, ...]
    total: int  # patients matching the view and the search
    page: int
    pages: int
    view: str
    search: str


def _clinician(uow: UnitOfWork, actor: Actor) -> tuple[int, str]:
    stored = uow.users.get(actor.user_id) if actor.user_id is not None else None
    if stored is None or stored.role != "clinician":
        raise NotFoundError("only a clinician's account has a panel", kind="clinician")
    return stored.id, stored.email


def _refresh(uow: UnitOfWork, actor: Actor, person_ids: list[int], now: datetime) -> None:
    for person_id in person_ids:
        person: Person = person_for(uow, actor, person_id, write=False, action="panel_refresh")
        status.refresh(uow, person, now=now)


def panel_page(
    uow: UnitOfWork,
    actor: Actor,
    *,
    view: str = "all",
    search: str = "",
    page: int = 1,
    per_page: int = PER_PAGE,
    now: datetime | None = None,
) -> PanelPage:
    """One page of the clinician's patients (own links and clinics), most urgent first."""
    if view not in VIEWS:
        raise InvalidInputError(
            f"unknown view '{view[:40]}': choose one of {', '.join(VIEWS)}", field="view"
        )
    if len(search) > MAX_SEARCH:
        raise InvalidInputError(
            f"search for at most {MAX_SEARCH} characters of a name", field="search"
        )
    if not 1 <= page <= 100_000:
        raise InvalidInputError("pages are numbered from 1", field="page")
    moment = now or datetime.now(UTC)
    today = moment.date()
    states = status.FILTERS.get(view, ())
    with uow:
        clinician, email = _clinician(uow, actor)
        stale = uow.statuses.any_stale(clinician, today, REFRESH_BATCH)
        _refresh(uow, actor, stale, moment)

        def read() -> tuple[list[PanelLine], int]:
            return uow.statuses.panel(
                clinician,
                states=states,
                with_alerts=view == "attention",
                search=search,
                limit=per_page,
                offset=(page - 1) * per_page,
            )

        lines, total = read()
        shown = [line.person_id for line in lines]
        late = [p for p in uow.statuses.stale(today, shown) if p not in stale]
        if late:  # the page's own lines, past the batch: refreshed, then read again
            _refresh(uow, actor, late, moment)
            lines, total = read()
        ids = [line.person_id for line in lines]
        # each patient shown is a look at their data (the page holds only people the clinician
        # may see: `visible_people` chose them), recorded together with the page's commit
        for person_id in ids:
            uow.record(
                AuditEvent(
                    at=moment,
                    actor_user_id=clinician,
                    actor=email,
                    role="clinician",
                    via=actor.via,
                    client=actor.client,
                    person_id=person_id,
                    clinic_id=None,
                    action="panel",
                )
            )
        open_alerts: dict[int, list[StoredAlert]] = {}
        for alert in uow.alerts.open_of(ids):
            open_alerts.setdefault(alert.person_id, []).append(alert)
        uow.commit()
    return PanelPage(
        entries=tuple(
            PanelEntry(line, tuple(open_alerts.get(line.person_id, ()))) for line in lines
        ),
        total=total,
        page=page,
        pages=max(1, math.ceil(total / per_page)),
        view=view,
        search=search,
    )


def acknowledge(
    uow: UnitOfWork, actor: Actor, person_id: int, alert_id: int, now: datetime | None = None
) -> StoredAlert:
    """A clinician has seen an alert: recorded with who and when; the panel line follows."""
    moment = now or datetime.now(UTC)
    with uow:
        clinician = uow.users.get(actor.user_id) if actor.user_id is not None else None
        person = person_for(uow, actor, person_id, write=True, action="acknowledge_alert")
        if clinician is None or clinician.role != "clinician":
            raise NotFoundError("only a clinician acknowledges alerts", kind="alert")
        acked = uow.alerts.acknowledge(
            person_id, alert_id, user_id=clinician.id, name=clinician.name, now=moment
        )
        if acked is None:
            raise NotFoundError(f"there is no alert {alert_id} for this patient", kind="alert")
        status.refresh(uow, person, now=moment)
        uow.commit()
    return acked
