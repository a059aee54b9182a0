"""Use cases for device files: import them as walks; records of the same walk; the originals.

Each file is one use case (decision 0006): a short read checks who may import and whether the very
same file is stored already; the file is read and analysed outside any transaction (it can take
seconds); then one transaction, authorised again, stores the file and its walks whole or not at
all. A bad file never stops the others. The same walk arriving from two sources (time overlap) is
kept once: the richer record counts, the other is kept aside so the choice can be undone
(`prefer_walk`). What happened comes back as records (`FileOutcome`), never as sentences naming
commands.

Not everything a file calls a walk is one (`walkrx.domain.plausibility`): a record of a single
moment, one longer than a plausible walk, or one dated in the future is not stored (skipped, with
the reason); a record whose speed is not walking, or whose file names no sport, is stored but
waits for the person's confirmation before it counts (`diary.confirm_walk`). A record that counts
always beats one that waits, whichever has more data.
"""

from __future__ import annotations

import dataclasses
import hashlib
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from walkrx.domain.codes import PainStatus
from walkrx.domain.model import Person, Walk
from walkrx.domain.pace import PaceBand, WalkPace, walk_pace
from walkrx.domain.pain import pain_status
from walkrx.domain.plausibility import MAX_WALK_DURATION_S, NO_DURATION, TOO_LONG, duration_problem
from walkrx.domain.units import METRIC
from walkrx.errors import ImportFileError, InvalidInputError, NotFoundError
from walkrx.services import status
from walkrx.services.access import Actor, person_for
from walkrx.services.analysis import (
    BEFORE_START,
    FUTURE_MARGIN,
    IN_FUTURE,
    MAX_STORED_BYTES,
    AnalysedWalk,
    DiaryRows,
    Duplicate,
    FileOutcome,
    Progress,
    Skipped,
    analyse_path,
    each_file,
    failure,
    read_path,
)
from walkrx.services.context import load_protocol
from walkrx.services.diary import with_diary_figures
from walkrx.services.diary_csv import import_diary_csv
from walkrx.storage import UnitOfWork

# fields a person adds after a walk; when a richer record replaces a diary entry they move across
PERSONAL_FIELDS = (
    "effort",
    "pain_before",
    "pain_during",
    "pain_after",
    "pain_next_morning",
    "lower_limb_pain",
    "talk_test",
    "tempo",
    "notes",
    "cues",
    "terrain",
)


def richness(walk: Walk) -> tuple[int, int]:
    """How much a record knows: heart-rate samples beat an average, which beats none."""
    measured = (
        2
        if walk.source not in ("diary", "csv") and walk.avg_hr is not None
        else (1 if walk.avg_hr is not None else 0)
    )
    return measured, walk.duration_s


def _walk_from(a: AnalysedWalk) -> Walk:
    m = a.metrics
    eff = m.efficiency
    return Walk(
        id=None,
        start=a.activity.start.astimezone(UTC),
        timezone=a.timezone,
        duration_s=max(1, round(m.duration_s)),
        moving_s=round(m.moving_s),
        distance_m=m.distance_m,
        avg_hr=m.avg_hr,
        max_hr=round(m.max_hr) if m.max_hr is not None else None,
        terrain="treadmill" if a.activity.indoor else None,
        zone_in_s=round(m.in_s) if m.in_s is not None and m.hr_samples else None,
        band_bpm=m.band if m.hr_samples else None,
        pace_hr=eff.speed_per_beat if eff.eligible else None,
        source=a.activity.source_format,
        check_reason=a.check_reason,
        import_notes=a.notes,
    )


def _end(walk: Walk) -> datetime:
    return walk.start + timedelta(seconds=walk.duration_s)


def rank(walk: Walk) -> tuple[bool, tuple[int, int]]:
    """Which of two records of the same walk is kept: one that counts beats one waiting for the
    person's confirmation; then the richer one (`richness`)."""
    return walk.counted, richness(walk)


def _day(day: date) -> str:
    """A date in words for every interface: Tue 3 May 2022."""
    return f"{day:%a} {day.day} {day:%b %Y}"


def _not_stored(a: AnalysedWalk, person: Person, now: datetime) -> Skipped | None:
    """Why an analysed walk is not stored at all (None: it is)."""
    when = f"{_day(a.local_start.date())} at {a.local_start:%H:%M}"
    sport = a.activity.sport
    problem = duration_problem(a.metrics.duration_s)
    if problem == TOO_LONG:
        hours = a.metrics.duration_s / 3600
        return Skipped(
            a.file,
            sport,
            f"the activity of {when} lasts {hours:,.0f} hours, longer than one walk can last "
            f"({MAX_WALK_DURATION_S // 3600} hours): the file's clock or its tracks are probably "
            "wrong, so it was not stored",
            TOO_LONG,
        )
    if problem == NO_DURATION:
        return Skipped(
            a.file,
            sport,
            f"the activity of {when} lasts no time at all (a single moment): there is no walk "
            "to store",
            NO_DURATION,
        )
    if a.activity.start > now + FUTURE_MARGIN:
        return Skipped(
            a.file,
            sport,
            f"the activity is dated {when}, in the future: the device's clock was probably "
            "wrong, so it was not stored",
            IN_FUTURE,
        )
    if a.local_start.date() < person.start:
        return Skipped(
            a.file,
            sport,
            f"walked on {_day(a.local_start.date())}, before the program starts "
            f"({_day(person.start)})",
            BEFORE_START,
        )
    return None


def _store(
    uow: UnitOfWork,
    person: Person,
    outcome: FileOutcome,
    to_store: list[tuple[int, AnalysedWalk]],
    file_id: int,
) -> None:
    """Store a file's walks in an open unit of work, each kept once among records of its time."""
    assert person.id is not None
    protocol = load_protocol(person)
    for index, analysed in to_store:
        walk = _walk_from(analysed)
        others = uow.walks.overlapping(person.id, walk.start, _end(walk))
        richer = next((o for o in others if rank(o) >= rank(walk)), None)
        if richer is not None:
            stored = uow.walks.add(person.id, walk, source_file_id=file_id, activity_index=index)
            assert stored.id is not None and richer.id is not None
            uow.walks.mark_superseded(person.id, stored.id, richer.id)
            outcome.set_aside.append(Duplicate(aside=stored, kept=richer))
            continue
        for other in others:  # carry the person's own ratings over to the richer record
            walk = dataclasses.replace(
                walk,
                **{
                    f: getattr(other, f)
                    for f in PERSONAL_FIELDS
                    if getattr(walk, f) in (None, "", (), False)
                    and getattr(other, f) not in (None, "", ())
                },
            )
        stored = uow.walks.add(
            person.id,
            with_diary_figures(walk, person, protocol),
            source_file_id=file_id,
            activity_index=index,
        )
        assert stored.id is not None
        for other in others:
            assert other.id is not None
            uow.walks.mark_superseded(person.id, other.id, stored.id)
            outcome.replaced.append(Duplicate(aside=other, kept=stored))
        outcome.stored.append(stored)


def import_path(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    path: Path,
    *,
    include_other_sports: bool = False,
    now: datetime | None = None,
    fast_batch: bool = False,
) -> FileOutcome:
    """Import one file for a person; `now` is the clock (default: UTC now)."""
    if path.suffix.lower() == ".csv":
        rows = import_diary_csv(uow, actor, person_id, path.name, path.read_bytes())
        return FileOutcome(path.name, diary=DiaryRows(rows.rows, rows.kind))
    moment = now or datetime.now(UTC)
    digest = _sha256(path)
    with uow.read():  # a short read: who, and whether this very file is stored already
        person = person_for(uow, actor, person_id, write=True)
        known = uow.files.by_sha256(person_id, digest)
        earlier = uow.walks.of_file(person_id, known.id) if known is not None else []
    if known is not None:  # nothing changes; say again what the file gave, and what it did not
        return FileOutcome(
            path.name,
            unchanged=True,
            skipped=[
                Skipped(path.name, sport, reason, code) for sport, reason, code in known.skipped
            ],
            earlier=earlier,
            uploaded_at=known.imported_at,
        )
    outcome = analyse_path(
        path, person=person, include_other_sports=include_other_sports, fast_batch=fast_batch
    )
    to_store: list[tuple[int, AnalysedWalk]] = []
    for index, analysed in enumerate(outcome.walks):
        reason = _not_stored(analysed, person, moment)
        if reason is None:
            to_store.append((index, analysed))
        else:
            outcome.skipped.append(reason)
    if not to_store:  # nothing to keep: the file is not stored either, so it can come again
        return outcome
    content = path.read_bytes() if path.stat().st_size <= MAX_STORED_BYTES else b""
    with uow:  # one transaction: authorised again; the file and its walks, all or nothing
        person = person_for(uow, actor, person_id, write=True)
        if uow.files.by_sha256(person_id, digest) is not None:  # stored meanwhile (another tab)
            return FileOutcome(path.name, unchanged=True)
        file_id = uow.files.add(
            person_id,
            path.name,
            digest,
            outcome.walks[0].activity.source_format,
            content,
            skipped=[(s.sport, s.reason, s.code) for s in outcome.skipped],
        )
        _store(uow, person, outcome, to_store, file_id)
        status.refresh(uow, person, now=now)
        uow.commit()
    return outcome


def import_files(
    uow: UnitOfWork,
    actor: Actor,
    person_id: int,
    paths: list[Path],
    *,
    include_other_sports: bool = False,
    progress: Progress | None = None,
    now: datetime | None = None,
    fast_batch: bool = False,
) -> list[FileOutcome]:
    """Import many files, each its own transaction: one bad file is reported, the rest go in."""

    def one(path: Path) -> FileOutcome:
        try:
            return import_path(
                uow,
                actor,
                person_id,
                path,
                include_other_sports=include_other_sports,
                now=now,
                fast_batch=fast_batch,
            )
        except ImportFileError as exc:
            return FileOutcome(path.name, failed=[failure(exc)])

    return list(each_file(paths, progress, one))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as stream:
        for chunk in iter(lambda: stream.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _walk_of(uow: UnitOfWork, person: Person, walk_id: int) -> Walk:
    assert person.id is not None
    walk = uow.walks.get(person.id, walk_id)
    if walk is None:
        raise NotFoundError(f"there is no walk {walk_id} in {person.name}'s diary", kind="walk")
    return walk


def _same_walk(uow: UnitOfWork, person: Person, walk: Walk) -> list[Walk]:
    """The other records overlapping `walk`, set-aside ones included."""
    assert person.id is not None
    group = uow.walks.overlapping(person.id, walk.start, _end(walk), include_superseded=True)
    return [w for w in group if w.id is not None and w.id != walk.id]


def prefer_walk(uow: UnitOfWork, actor: Actor, person_id: int, walk_id: int) -> PreferredWalk:
    """Undo a duplicate choice: make `walk_id` the record that counts among those of its time."""
    with uow:
        person = person_for(uow, actor, person_id, write=True)
        walk = _walk_of(uow, person, walk_id)
        others = _same_walk(uow, person, walk)
        uow.walks.mark_superseded(person_id, walk_id, None)
        for other in others:
            assert other.id is not None
            uow.walks.mark_superseded(person_id, other.id, walk_id)
        status.refresh(uow, person)
        uow.commit()
    return PreferredWalk(walk, tuple(w.id for w in others if w.id is not None))


@dataclass(frozen=True)
class PreferredWalk:
    """The record now kept (it counts once confirmed, if it waits) and those set aside for it."""

    walk: Walk
    set_aside: tuple[int, ...]


@dataclass(frozen=True)
class DuplicateRecords:
    """Other records of the same walk: the one this walk was set aside for, or those it replaced."""

    kept_instead: int | None  # the walk id kept in the diary instead of this one
    set_aside: tuple[int, ...]  # walk ids set aside for this one


def _duplicates(uow: UnitOfWork, person: Person, walk: Walk) -> DuplicateRecords:
    assert person.id is not None and walk.id is not None
    aside = tuple(
        w.id
        for w in _same_walk(uow, person, walk)
        if w.id is not None and uow.walks.superseded_by(person.id, w.id) == walk.id
    )
    return DuplicateRecords(uow.walks.superseded_by(person.id, walk.id), aside)


def original_file(uow: UnitOfWork, actor: Actor, person_id: int, walk_id: int) -> tuple[str, bytes]:
    """The original file a walk was imported from, for download."""
    with uow.read():
        person = person_for(uow, actor, person_id, write=False)
        _walk_of(uow, person, walk_id)
        file_id = uow.walks.source_file_id(person_id, walk_id)
        if file_id is None:
            raise NotFoundError(f"walk {walk_id} was not imported from a file", kind="file")
        stored = uow.files.get(person_id, file_id)
    if stored is None or not stored.content:
        raise InvalidInputError(
            f"the original of walk {walk_id} was larger than 64 MB and was not kept"
        )
    return stored.filename, stored.content


@dataclass(frozen=True)
class Trace:
    """A walk's heart rate over time, re-read from its original file, for the walk's chart."""

    t_s: list[float]
    hr_bpm: list[float | None]
    band_bpm: tuple[int, int] | None


def _trace(uow: UnitOfWork, person: Person, walk: Walk) -> Trace | None:
    """The heart-rate samples of an imported walk (None for diary walks or files not kept)."""
    assert person.id is not None and walk.id is not None
    file_id = uow.walks.source_file_id(person.id, walk.id)
    index = uow.walks.activity_index(person.id, walk.id)
    stored = uow.files.get(person.id, file_id) if file_id is not None else None
    if stored is None or not stored.content or index is None:
        return None
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / stored.filename
        path.write_bytes(stored.content)
        activities, _, _ = read_path(path)
    matching = [a for a in activities if a.start == walk.start] or activities[index : index + 1]
    if not matching:
        return None
    activity = matching[0]
    return Trace(list(activity.t_s), list(activity.hr_bpm), walk.band_bpm)


@dataclass(frozen=True)
class WalkDetail:
    """Everything a walk's page shows: the walk, its pain light, its heart-rate trace and the
    other records of the same walk."""

    walk: Walk
    pain: PainStatus
    trace: Trace | None
    duplicates: DuplicateRecords
    units: str = METRIC  # issue 15: how the person reads distances and speeds,
    band: PaceBand = field(default_factory=PaceBand)  # their moderate pace band,
    checklist: tuple[str, ...] = ()  # and the posture checklist ticked after a walk

    @property
    def pace(self) -> WalkPace:
        return walk_pace(self.walk, self.band)


def walk_detail(uow: UnitOfWork, actor: Actor, person_id: int, walk_id: int) -> WalkDetail:
    """One walk with what its page needs, read in one transaction."""
    with uow.read():
        person = person_for(uow, actor, person_id, write=False)
        walk = _walk_of(uow, person, walk_id)
        protocol = load_protocol(person)
        status = pain_status(walk, protocol.pain)
        return WalkDetail(
            walk,
            status,
            _trace(uow, person, walk),
            _duplicates(uow, person, walk),
            person.units,
            protocol.pace,
            protocol.posture,
        )
