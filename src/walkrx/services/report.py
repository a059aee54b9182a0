"""The progress report as a PDF (issue 12): one use case, one read-only unit of work.

The program is read and authorised (a clinician's download goes on the audit trail as `report`)
by `person_for` in one transaction; the records of the period and the charts' series
(`services.progress`, as on the progress page) go to the pure builder `walkrx.reports.pdf`.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from walkrx.errors import InvalidInputError
from walkrx.reports import pdf, pdf_records
from walkrx.services import progress, technique
from walkrx.services.access import Actor, person_for
from walkrx.services.program import read_program
from walkrx.storage import UnitOfWork


def report(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    start: date | None = None,
    end: date | None = None,
    *,
    today: date | None = None,
    now: datetime | None = None,
) -> bytes:
    """The report of the period from `start` (default: the program's start) to `end` (default:
    the person's today), both included: the walks and check-ins dated in it, and the weeks that
    end in it (a week in progress shows as so far when the period reaches today)."""
    if start is not None and end is not None and start > end:
        raise InvalidInputError(
            f"the first date ({start}) comes after the last one ({end}): swap them", field="from"
        )
    with uow.read():
        person = person_for(uow, actor, person_id, write=False, action="report")
        prog = read_program(uow, person, today)
    first = start or min(person.start, prog.today)
    last = end or prog.today

    def inside(day: date) -> bool:
        return first <= day <= last

    diary = prog.diary
    series = pdf_records.ChartSeries(
        zone=[
            p
            for p in progress.weekly_zone_minutes(prog)
            if inside(p.start + timedelta(days=6)) or (not p.complete and inside(prog.today))
        ],
        pain=[p for p in progress.pain_series(prog) if inside(p.day)],
        pace=[p for p in progress.pace_series(prog) if inside(p.day)],
        rx=[p for p in progress.prescription_vs_done(prog) if inside(p.start + timedelta(days=6))],
        walking=[p for p in technique.pace_walks(prog) if inside(p.day)],
    )
    records = pdf_records.ReportRecords(
        person=person,
        protocol=prog.protocol,
        first=first,
        last=last,
        today=prog.today,
        week=prog.current_week,
        walks=tuple(w for w in diary.walks if inside(w.local_date)),
        reviews=tuple(r for r in prog.reviews if inside(r.summary.end)),
        checkins=tuple(c for c in diary.checkins if inside(c.day)),
        clearings=tuple(c for c in diary.clearings if c.day <= prog.today),
        pauses=diary.pauses,
        open_flags=prog.open_flags(),
        series=series,
        generated=now or datetime.now(UTC),
    )
    return pdf.build_report(records)
