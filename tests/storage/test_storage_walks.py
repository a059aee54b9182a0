"""Walks round-trip, change, disappear, overlap, and supersede one another."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from storage_builders import a_walk

from walkrx.domain.model import Walk
from walkrx.errors import ConflictError, InvalidInputError, NotFoundError
from walkrx.storage import Database, UnitOfWork

T0 = datetime(2024, 4, 2, 7, 0, tzinfo=UTC)


def test_a_walk_with_every_field_round_trips(database: Database, person_id: int) -> None:
    """Every field comes back equal; the start comes back aware, in UTC, to the microsecond."""
    given_walk = a_walk()
    with UnitOfWork(database) as uow:
        stored = uow.walks.add(person_id, given_walk)
        uow.commit()
    assert stored.id is not None
    with UnitOfWork(database) as uow:
        loaded = uow.walks.get(person_id, stored.id)
    assert loaded == replace(given_walk, id=stored.id) == stored
    assert loaded is not None
    assert loaded.start.tzinfo is UTC
    assert loaded.local_start.hour == 0  # still GMT at 00:30 UTC on the night clocks change


def test_a_walk_with_only_the_required_fields_round_trips(
    database: Database, person_id: int
) -> None:
    """Optional fields come back as None, False, empty text and empty tuples."""
    bare = Walk(id=None, start=T0, timezone="Asia/Kolkata", duration_s=0)
    with UnitOfWork(database) as uow:
        stored = uow.walks.add(person_id, bare)
        assert stored.id is not None
        assert uow.walks.get(person_id, stored.id) == replace(bare, id=stored.id)


def test_a_start_in_another_offset_is_stored_as_the_same_instant_in_utc(
    database: Database, person_id: int
) -> None:
    """An aware start with a +05:30 offset comes back equal, expressed in UTC."""
    local = datetime(2024, 4, 2, 12, 30, tzinfo=timezone(timedelta(hours=5, minutes=30)))
    with UnitOfWork(database) as uow:
        stored = uow.walks.add(person_id, a_walk(start=local, timezone="Asia/Kolkata"))
        uow.commit()
    assert stored.id is not None
    with UnitOfWork(database) as uow:
        loaded = uow.walks.get(person_id, stored.id)
    assert loaded is not None
    assert loaded.start == local
    assert loaded.start == T0
    assert loaded.start.utcoffset() == timedelta(0)


def test_a_naive_start_is_refused(database: Database, person_id: int) -> None:
    """A start without a time zone would be ambiguous, so storage refuses it."""
    with UnitOfWork(database) as uow, pytest.raises(InvalidInputError, match="no time zone"):
        uow.walks.add(person_id, a_walk(start=datetime(2024, 4, 2, 7, 0)))


def test_walks_are_listed_by_start(database: Database, person_id: int) -> None:
    """`list` orders by start time whatever the order of entry."""
    with UnitOfWork(database) as uow:
        late = uow.walks.add(person_id, a_walk(start=T0 + timedelta(days=2)))
        early = uow.walks.add(person_id, a_walk(start=T0))
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.walks.list(person_id) == [early, late]


def test_update_saves_every_field(database: Database, person_id: int) -> None:
    """A changed walk is saved whole: next-morning pain, cleared band and cues, new notes."""
    with UnitOfWork(database) as uow:
        stored = uow.walks.add(person_id, a_walk())
        changed = replace(
            stored,
            pain_next_morning=5,
            band_bpm=None,
            cues=(),
            notes="",
            talk_test=None,
            start=T0,
        )
        assert uow.walks.update(person_id, changed) == changed
        uow.commit()
    assert stored.id is not None
    with UnitOfWork(database) as uow:
        assert uow.walks.get(person_id, stored.id) == changed


def test_update_and_delete_of_a_missing_walk_are_not_found(
    database: Database, person_id: int
) -> None:
    """Changing or deleting a walk that is not there raises NotFoundError."""
    with UnitOfWork(database) as uow:
        with pytest.raises(NotFoundError):
            uow.walks.update(person_id, a_walk(id=424242))
        with pytest.raises(NotFoundError):
            uow.walks.update(person_id, a_walk())  # never stored: no id
        with pytest.raises(NotFoundError):
            uow.walks.delete(person_id, 424242)


def test_delete_removes_the_walk(database: Database, person_id: int) -> None:
    """A deleted walk is gone from get and list."""
    with UnitOfWork(database) as uow:
        kept = uow.walks.add(person_id, a_walk(start=T0))
        gone = uow.walks.add(person_id, a_walk(start=T0 + timedelta(days=1)))
        assert gone.id is not None
        uow.walks.delete(person_id, gone.id)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.walks.get(person_id, gone.id) is None
        assert uow.walks.list(person_id) == [kept]


@pytest.mark.parametrize(
    ("offset_s", "length_s", "overlaps"),
    [
        (-600, 600, False),  # ends as the walk starts
        (-600, 601, True),
        (0, 60, True),
        (1200, 60, True),  # inside
        (2399, 10, True),
        (2400, 60, False),  # starts as the walk ends
        (-7200, 20000, True),  # covers it
        (1200, 0, True),  # a moment inside
        (2400, 0, False),
    ],
)
def test_overlapping_finds_walks_sharing_any_time(
    database: Database, person_id: int, offset_s: int, length_s: int, overlaps: bool
) -> None:
    """Intervals are half-open [start, start + duration); a walk of 40 min from T0."""
    with UnitOfWork(database) as uow:
        walk = uow.walks.add(person_id, a_walk(start=T0, duration_s=2400))
        uow.walks.add(person_id, a_walk(start=T0 + timedelta(days=1)))
        start = T0 + timedelta(seconds=offset_s)
        found = uow.walks.overlapping(person_id, start, start + timedelta(seconds=length_s))
    assert found == ([walk] if overlaps else [])


def test_overlapping_sees_a_long_walk_that_started_hours_before(
    database: Database, person_id: int
) -> None:
    """A 5-hour hike overlaps a window near its end, though it started long before."""
    with UnitOfWork(database) as uow:
        hike = uow.walks.add(person_id, a_walk(start=T0, duration_s=5 * 3600))
        uow.walks.add(person_id, a_walk(start=T0 + timedelta(hours=5), duration_s=600))
        window = T0 + timedelta(hours=4, minutes=50)
        assert uow.walks.overlapping(person_id, window, window + timedelta(minutes=5)) == [hike]
        assert uow.walks.overlapping(person_id, window, window) == [hike]


def test_overlapping_never_matches_a_walk_too_long_to_be_one(
    database: Database, person_id: int
) -> None:
    """A 20-hour "walk" (a diary typo, or a record stored before the plausibility rules) cannot
    hide the real walks inside its time as duplicates of it (issue 8)."""
    with UnitOfWork(database) as uow:
        uow.walks.add(person_id, a_walk(start=T0, duration_s=20 * 3600, source="diary"))
        hike = uow.walks.add(person_id, a_walk(start=T0 + timedelta(hours=2), duration_s=3600))
        window = T0 + timedelta(hours=2, minutes=10)
        assert uow.walks.overlapping(person_id, window, window + timedelta(minutes=5)) == [hike]
        assert uow.walks.overlapping(person_id, T0, T0 + timedelta(minutes=5)) == []


def test_walks_waiting_for_confirmation_are_listed_only_when_asked(
    database: Database, person_id: int
) -> None:
    """An imported walk that is not plainly a walk is left out of the counted list until the
    person confirms it; duplicate matching still sees it (it is a record of that time)."""
    with UnitOfWork(database) as uow:
        ride = uow.walks.add(person_id, a_walk(start=T0, source="gpx", check_reason="too_fast"))
        assert uow.walks.list(person_id) == []
        assert uow.walks.list(person_id, include_unconfirmed=True) == [ride]
        assert uow.walks.overlapping(person_id, T0, T0 + timedelta(minutes=1)) == [ride]
        assert ride.id is not None
        confirmed = uow.walks.update(person_id, replace(ride, confirmed=True))
        assert uow.walks.list(person_id) == [confirmed]
        assert confirmed.counted and confirmed.check_reason == "too_fast"


def test_overlapping_refuses_naive_bounds(database: Database, person_id: int) -> None:
    """The window must be aware datetimes too."""
    with UnitOfWork(database) as uow, pytest.raises(InvalidInputError):
        uow.walks.overlapping(person_id, datetime(2024, 4, 2), T0)


def test_a_superseded_walk_leaves_the_list_until_its_winner_is_deleted(
    database: Database, person_id: int
) -> None:
    """A duplicate that lost to a richer record is hidden, kept, and comes back if needed."""
    with UnitOfWork(database) as uow:
        diary = uow.walks.add(person_id, a_walk(start=T0, source="diary"))
        device = uow.walks.add(person_id, a_walk(start=T0 + timedelta(seconds=40), source="fit"))
        assert diary.id is not None and device.id is not None
        uow.walks.mark_superseded(person_id, diary.id, device.id)
        uow.commit()
    with UnitOfWork(database) as uow:
        assert uow.walks.list(person_id) == [device]
        assert uow.walks.list(person_id, include_superseded=True) == [diary, device]
        assert uow.walks.overlapping(person_id, T0, T0 + timedelta(minutes=1)) == [device]
        assert uow.walks.overlapping(
            person_id, T0, T0 + timedelta(minutes=1), include_superseded=True
        ) == [diary, device]
        assert uow.walks.superseded_by(person_id, diary.id) == device.id
        uow.walks.delete(person_id, device.id)
        assert uow.walks.superseded_by(person_id, diary.id) is None
        assert uow.walks.list(person_id) == [diary]


def test_a_superseded_mark_can_be_removed(database: Database, person_id: int) -> None:
    """`mark_superseded(..., None)` puts the walk back in the diary."""
    with UnitOfWork(database) as uow:
        one = uow.walks.add(person_id, a_walk(start=T0))
        two = uow.walks.add(person_id, a_walk(start=T0))
        assert one.id is not None and two.id is not None
        uow.walks.mark_superseded(person_id, one.id, two.id)
        uow.walks.mark_superseded(person_id, one.id, None)
        assert uow.walks.list(person_id) == [one, two]


def test_a_walk_cannot_supersede_itself_or_a_missing_walk(
    database: Database, person_id: int
) -> None:
    """Superseding needs two different walks of the same person."""
    with UnitOfWork(database) as uow:
        walk = uow.walks.add(person_id, a_walk())
        assert walk.id is not None
        with pytest.raises(InvalidInputError, match="itself"):
            uow.walks.mark_superseded(person_id, walk.id, walk.id)
        with pytest.raises(NotFoundError):
            uow.walks.mark_superseded(person_id, walk.id, 987654)


def test_a_walk_remembers_its_file_and_an_activity_is_stored_once(
    database: Database, person_id: int
) -> None:
    """A walk may name its source file and activity index; the same pair twice is a conflict."""
    with UnitOfWork(database) as uow:
        file_id = uow.files.add(person_id, "a.fit", "a" * 64, "fit", b"FIT")
        uow.walks.add(person_id, a_walk(), source_file_id=file_id, activity_index=0)
        second = uow.walks.add(person_id, a_walk(), source_file_id=file_id, activity_index=1)
        diary = uow.walks.add(person_id, a_walk(source="diary"))
        assert second.id is not None and diary.id is not None
        assert uow.walks.source_file_id(person_id, second.id) == file_id
        assert uow.walks.activity_index(person_id, second.id) == 1
        assert uow.walks.source_file_id(person_id, diary.id) is None
        assert uow.walks.activity_index(person_id, diary.id) is None
        with pytest.raises(ConflictError):
            uow.walks.add(person_id, a_walk(), source_file_id=file_id, activity_index=1)
        assert len(uow.walks.list(person_id)) == 3


def test_a_walk_for_a_missing_person_or_file_is_not_found(
    database: Database, person_id: int
) -> None:
    """The person and the source file must exist (and the file must be the person's)."""
    with UnitOfWork(database) as uow:
        with pytest.raises(NotFoundError):
            uow.walks.add(999, a_walk())
        with pytest.raises(NotFoundError):
            uow.walks.add(person_id, a_walk(), source_file_id=999, activity_index=0)


_scores = st.none() | st.integers(0, 10)
_walks = st.builds(
    Walk,
    id=st.none(),
    start=st.datetimes(
        min_value=datetime(2000, 1, 1),
        max_value=datetime(2099, 12, 31),
        timezones=st.just(UTC),
    ),
    timezone=st.sampled_from(["UTC", "Europe/London", "America/St_Johns", "Pacific/Chatham"]),
    duration_s=st.integers(0, 86_400),
    moving_s=st.none() | st.integers(0, 86_400),
    distance_m=st.none() | st.floats(0, 1e6, allow_nan=False, width=32),
    avg_hr=st.none() | st.floats(30, 230, allow_nan=False, width=32),
    max_hr=st.none() | st.integers(30, 230),
    effort=_scores,
    pain_before=_scores,
    pain_during=_scores,
    pain_after=_scores,
    pain_next_morning=_scores,
    lower_limb_pain=_scores,
    terrain=st.none() | st.sampled_from(["flat", "hilly", "mixed", "treadmill"]),
    talk_test=st.none() | st.booleans(),
    tempo=st.booleans(),
    notes=st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\0")),
    cues=st.lists(
        st.text(alphabet=st.characters(blacklist_categories=["Cs"], blacklist_characters="\0")),
        max_size=4,
    ).map(tuple),
    zone_in_s=st.none() | st.integers(0, 86_400),
    band_bpm=st.none() | st.tuples(st.integers(60, 130), st.integers(131, 200)),
    source=st.sampled_from(["diary", "csv", "fit", "gpx", "tcx", "apple"]),
    pace_hr=st.none() | st.floats(0, 10, allow_nan=False, width=32),
)


@settings(
    max_examples=30,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(walk=_walks)
def test_any_valid_walk_round_trips(database: Database, person_id: int, walk: Walk) -> None:
    """Property: whatever valid walk is stored, an equal walk is loaded."""
    with UnitOfWork(database) as uow:
        stored = uow.walks.add(person_id, walk)
        assert stored.id is not None
        assert uow.walks.get(person_id, stored.id) == replace(walk, id=stored.id)
