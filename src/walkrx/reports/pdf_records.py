"""What one progress report shows (`walkrx.reports.pdf` lays it out; `walkrx.reports.pdf_pace`
writes its section on pace). A leaf, so that both can read it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime

from walkrx.domain.codes import RedFlag
from walkrx.domain.model import CheckIn, FlagClearing, Person, ProgramPause, Walk
from walkrx.domain.protocol import Protocol
from walkrx.domain.review import WeekReview
from walkrx.reports import charts


@dataclass(frozen=True)
class ChartSeries:
    """The series of the four progress charts (`walkrx.reports.charts`), for the period."""

    zone: Sequence[charts.ZoneWeekLike]
    pain: Sequence[charts.PainPointLike]
    pace: Sequence[charts.PacePointLike]
    rx: Sequence[charts.RxPointLike]
    walking: Sequence[charts.PaceWalkLike] = ()  # each walk's moving pace (issue 15)


@dataclass(frozen=True)
class ReportRecords:
    """Everything one report shows; the period runs from `first` to `last`, both included."""

    person: Person
    protocol: Protocol
    first: date
    last: date
    today: date  # the person's today when the report is made
    week: int  # the program week of `today` (0 or less: before the start)
    walks: tuple[Walk, ...]  # the walks of the period
    reviews: tuple[WeekReview, ...]  # the reviewed weeks that end in the period
    checkins: tuple[CheckIn, ...]  # the check-ins of the period (their red flags are listed)
    clearings: tuple[FlagClearing, ...]  # every clearing of red flags up to today
    pauses: tuple[ProgramPause, ...]  # every pause by a clinician
    open_flags: tuple[RedFlag, ...]  # warning signs still open today
    series: ChartSeries
    generated: datetime  # when the report was made (the PDF's creation date)
