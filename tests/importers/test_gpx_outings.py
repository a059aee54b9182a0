"""GPX files as people really have them: several outings in one file, points out of time order,
impossible coordinates and clocks that were never set (issue 8)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import gpxpy
import pytest

from walkrx.domain.metrics import analyze
from walkrx.errors import ImportFileError
from walkrx.importers.gpx import read_gpx

GPX11 = "http://www.topografix.com/GPX/1/1"
T0 = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)


def _pt(lat: float, lon: float, t: datetime | None) -> str:
    time = f"<time>{t.strftime('%Y-%m-%dT%H:%M:%SZ')}</time>" if t else ""
    return f'<trkpt lat="{lat:.7f}" lon="{lon:.7f}">{time}</trkpt>'


def _doc(tracks: list[list[list[str]]]) -> bytes:
    body = "".join(
        "<trk><type>hiking</type>"
        + "".join("<trkseg>" + "".join(seg) + "</trkseg>" for seg in trk)
        + "</trk>"
        for trk in tracks
    )
    return (
        f'<?xml version="1.0"?><gpx version="1.1" creator="t" xmlns="{GPX11}">{body}</gpx>'
    ).encode()


def _line(start: datetime, n: int, lat0: float = 46.0, step_s: int = 1) -> list[str]:
    """n points 1.2 m apart going north, one every `step_s` seconds."""
    return [_pt(lat0 + i * 1.08e-5, 7.0, start + timedelta(seconds=i * step_s)) for i in range(n)]


def test_three_hikes_on_three_days_are_three_walks() -> None:
    """Each track a day apart is its own walk, with its own start and duration (not 2 days)."""
    days = [T0 + timedelta(days=d) for d in range(3)]
    data = _doc([[_line(day, 1200)] for day in days])
    walks = read_gpx(data, "hikes.gpx")
    assert [w.start for w in walks] == days
    assert [w.index for w in walks] == [0, 1, 2]
    for walk in walks:
        assert walk.t_s[-1] == 1199.0
        assert analyze(walk, None).duration_s == 1199.0
        assert any("3 separate recordings" in note for note in walk.notes)


def test_a_two_year_file_is_never_one_walk() -> None:
    """A logger left running for two years: one walk per outing, none longer than an hour."""
    outings = [T0 + timedelta(days=30 * k) for k in range(25)]
    data = _doc([[p for day in outings for p in _line(day, 600)]])  # one track, one segment
    walks = read_gpx(data, "logger.gpx")
    assert len(walks) == 25
    assert max(analyze(w, None).duration_s for w in walks) == 599.0


def test_each_track_is_a_walk_even_minutes_apart() -> None:
    """Garmin's ACTIVE LOG and ACTIVE LOG #2, five minutes apart: the file says these are two
    recordings, so they are two walks (a track is where the device says a recording ends)."""
    first = _line(T0, 600)
    second = _line(T0 + timedelta(seconds=900), 600, lat0=46.01)
    one, two = read_gpx(_doc([[first], [second]]), "active-log.gpx")
    assert (one.start, two.start) == (T0, T0 + timedelta(seconds=900))
    assert one.t_s[-1] == two.t_s[-1] == 599.0
    assert analyze(one, None).moving_s == analyze(two, None).moving_s == 599.0


def test_segments_of_one_track_within_the_hour_are_one_walk_with_a_pause() -> None:
    """Two segments of one track, five minutes apart: one walk, the gap between them a pause."""
    first = _line(T0, 600)
    second = _line(T0 + timedelta(seconds=900), 600, lat0=46.01)
    (walk,) = read_gpx(_doc([[first, second]]), "paused.gpx")
    assert walk.t_s[-1] == 1499.0
    assert walk.pauses == ((599.0, 900.0),)
    assert analyze(walk, None).moving_s == 1198.0


def test_a_break_of_an_hour_inside_a_segment_starts_a_new_walk() -> None:
    """An hour or more without a point inside one segment separates two walks."""
    seg = _line(T0, 300) + _line(T0 + timedelta(hours=3), 300)
    walks = read_gpx(_doc([[seg]]), "two.gpx")
    assert [w.start for w in walks] == [T0, T0 + timedelta(hours=3)]


def test_points_out_of_order_keep_the_file_order_for_distance() -> None:
    """Sports Tracker writes points a few seconds out of order: the path is the file's order.

    A straight 1,200-point line with every 10th pair of timestamps swapped: walkrx's distance
    equals gpxpy's length in file order (about 1.3 km), where sorting by time would zig-zag.
    """
    points = []
    for i in range(1200):
        j = i + 1 if i % 10 == 0 else i - 1 if i % 10 == 1 else i  # swap times of pairs
        points.append(_pt(46.0 + i * 1.08e-5, 7.0, T0 + timedelta(seconds=j)))
    data = _doc([[points]])
    (walk,) = read_gpx(data, "sportstracker.gpx")
    reference = gpxpy.parse(data.decode()).length_2d()
    m = analyze(walk, None)
    assert m.distance_m == pytest.approx(reference, rel=0.002)
    assert m.duration_s == 1199.0
    assert m.moving_s == 1199.0  # time order gives every second once
    assert any("out of time order" in note for note in walk.notes)
    assert walk.t_s[0] == 1.0 and min(walk.t_s) == 0.0  # the start is the earliest time


def test_impossible_coordinates_are_left_out_with_a_note() -> None:
    """lat=100 / lon=200 (OpenTracks' pause markers) never add 39,000 km to a walk."""
    points = _line(T0, 300)
    points.insert(150, _pt(100.0, 200.0, T0 + timedelta(seconds=150)))
    (walk,) = read_gpx(_doc([[points]]), "opentracks.gpx")
    m = analyze(walk, None)
    assert m.distance_m == pytest.approx(299 * 1.2, rel=0.01)
    assert any("impossible coordinates" in note for note in walk.notes)


def test_a_file_dated_1901_is_refused_with_the_reason() -> None:
    """A clock never set cannot place a walk: a clear error rather than a 0-second walk."""
    points = _line(datetime(1901, 12, 13, 20, 45, 52, tzinfo=UTC), 100)
    with pytest.raises(ImportFileError, match="before 1990"):
        read_gpx(_doc([[points]]), "unset-clock.gpx")


def test_early_points_among_good_ones_are_left_out_and_counted() -> None:
    points = [_pt(46.0, 7.0, datetime(1970, 1, 1, tzinfo=UTC)), *_line(T0, 100)]
    (walk,) = read_gpx(_doc([[points]]), "glitch.gpx")
    assert walk.start == T0
    assert any("1 of them dated before 1990" in note for note in walk.notes)
