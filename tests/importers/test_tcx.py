"""TCX importer: real device files against their expected outputs, and synthetic files with known
answers (indoor files without GPS, several activities, timer stops, speed-only distance)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from activity_summary import summary
from lxml import etree

from walkrx.errors import ImportFileError
from walkrx.importers import importer_for
from walkrx.importers.tcx import read_tcx

DATA = Path(__file__).resolve().parent.parent / "data" / "tcx"
REAL = sorted(DATA.glob("*.tcx"))
INVALID = sorted((DATA / "invalid").glob("*.tcx"))
TCD = "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"
AX = "http://www.garmin.com/xmlschemas/ActivityExtension/v2"
T0 = datetime(2024, 5, 4, 7, 30, tzinfo=UTC)


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_file_matches_expected_output(path: Path) -> None:
    """Each real TCX file reads to the sport, start, offset and counts in its .expected.json."""
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text())
    assert [summary(a) for a in read_tcx(path.read_bytes(), path.name)] == expected["activities"]


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_every_timed_trackpoint_and_heart_rate_is_kept(path: Path) -> None:
    """Counted independently with lxml: no trackpoint with a time and no HR value is lost."""
    data = path.read_bytes()
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    timed = root.xpath("count(//*[local-name()='Trackpoint'][*[local-name()='Time']])")
    hr = root.xpath(
        "count(//*[local-name()='Trackpoint']/*[local-name()='HeartRateBpm']/*[local-name()='Value'])"
    )
    activities = read_tcx(data, path.name)
    assert sum(len(a.t_s) for a in activities) == timed
    assert sum(sum(h is not None for h in a.hr_bpm) for a in activities) == hr


def test_other_sport_and_offset() -> None:
    """Sport="Other" stays 'other' (the import service decides); +01:00 gives utc_offset_s 3600."""
    (ski,) = read_tcx((DATA / "tcxreader__cross-country-skiing_activity_1.tcx").read_bytes(), "s")
    assert ski.sport == "other" and not ski.is_walk
    (tour,) = read_tcx((DATA / "togeojson__tour_hr.tcx").read_bytes(), "t")
    assert tour.utc_offset_s == 3600
    assert tour.start == datetime(2020, 12, 27, 14, 59, 36, tzinfo=UTC)


def _tp(
    t: datetime,
    *,
    hr: int | None = 110,
    pos: bool = True,
    dist: float | None = None,
    speed: float | None = None,
    offset: str = "Z",
) -> str:
    when = t.strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + offset
    parts = [f"<Time>{when}</Time>"]
    if pos:
        parts.append(
            "<Position><LatitudeDegrees>51.5</LatitudeDegrees>"
            "<LongitudeDegrees>-0.1</LongitudeDegrees></Position>"
        )
    if dist is not None:
        parts.append(f"<DistanceMeters>{dist}</DistanceMeters>")
    if hr is not None:
        parts.append(f"<HeartRateBpm><Value>{hr}</Value></HeartRateBpm>")
    if speed is not None:
        parts.append(f"<Extensions><ns3:TPX><ns3:Speed>{speed}</ns3:Speed></ns3:TPX></Extensions>")
    return "<Trackpoint>" + "".join(parts) + "</Trackpoint>"


def _tcx(activities: str) -> bytes:
    return (
        f'<?xml version="1.0"?>\n<TrainingCenterDatabase xmlns="{TCD}" xmlns:ns3="{AX}">'
        f"<Activities>{activities}</Activities></TrainingCenterDatabase>"
    ).encode()


def _activity(sport: str, start: datetime, laps: list[list[list[str]]]) -> str:
    body = "".join(
        f'<Lap StartTime="{start.isoformat()}"><TotalTimeSeconds>60</TotalTimeSeconds>'
        "<DistanceMeters>100</DistanceMeters>"
        + "".join("<Track>" + "".join(track) + "</Track>" for track in lap)
        + "</Lap>"
        for lap in laps
    )
    creator = "<Creator><Name>Watch</Name></Creator>"
    return f'<Activity Sport="{sport}"><Id>{start.isoformat()}</Id>{body}{creator}</Activity>'


def test_treadmill_file_without_gps_keeps_all_heart_rate() -> None:
    """No Position anywhere: every trackpoint stays with its HR and the walk is marked indoor."""
    points = [
        _tp(T0 + timedelta(seconds=i), hr=90 + i % 30, pos=False, dist=i * 1.2) for i in range(600)
    ]
    (activity,) = read_tcx(_tcx(_activity("Other", T0, [[points]])), "treadmill.tcx")
    assert len(activity.t_s) == 600
    assert sum(h is not None for h in activity.hr_bpm) == 600
    assert activity.lat == () and activity.indoor
    assert activity.distance_m[-1] == pytest.approx(599 * 1.2)


def test_several_activities_give_several_activities() -> None:
    """Two <Activity> elements: two Activities, in file order, with their own sports and index."""
    walk = _activity("Other", T0, [[[_tp(T0 + timedelta(seconds=i)) for i in range(10)]]])
    t1 = T0 + timedelta(hours=3)
    run = _activity("Running", t1, [[[_tp(t1 + timedelta(seconds=i)) for i in range(20)]]])
    first, second = read_tcx(_tcx(walk + run), "two.tcx")
    assert (first.sport, len(first.t_s), first.index) == ("other", 10, 0)
    assert (second.sport, len(second.t_s), second.index) == ("running", 20, 1)
    assert second.start == t1


def test_multisport_session_is_read() -> None:
    """A MultiSportSession's legs (which tcxreader ignores) each become an Activity."""
    t1 = T0 + timedelta(minutes=30)
    leg1 = _activity("Biking", T0, [[[_tp(T0 + timedelta(seconds=i)) for i in range(5)]]])
    leg2 = _activity("Running", t1, [[[_tp(t1 + timedelta(seconds=i)) for i in range(7)]]])
    data = (
        f'<TrainingCenterDatabase xmlns="{TCD}"><Activities><MultiSportSession><Id>x</Id>'
        f"<FirstSport>{leg1}</FirstSport><NextSport>{leg2}</NextSport>"
        "</MultiSportSession></Activities></TrainingCenterDatabase>"
    ).encode()
    activities = read_tcx(data, "multi.tcx")
    assert [(a.sport, len(a.t_s)) for a in activities] == [("cycling", 5), ("running", 7)]


def test_a_second_track_is_a_timer_stop_but_a_new_lap_is_not() -> None:
    """Tracks in one lap split by 2 minutes give a pause; the lap boundary itself gives none."""
    lap1 = [
        [_tp(T0 + timedelta(seconds=i)) for i in range(60)],
        [_tp(T0 + timedelta(seconds=180 + i)) for i in range(60)],
    ]
    lap2 = [[_tp(T0 + timedelta(seconds=240 + i)) for i in range(60)]]
    (activity,) = read_tcx(_tcx(_activity("Other", T0, [lap1, lap2])), "laps.tcx")
    assert activity.pauses == ((59.0, 180.0),)
    assert len(activity.t_s) == 180
    assert activity.total_distance_m == 200.0


def test_offsets_and_fractional_seconds() -> None:
    """-04:00 times with milliseconds: the UTC instants are right and the offset is kept."""
    local = T0 - timedelta(hours=4)
    points = [_tp(local + timedelta(milliseconds=500 * i), offset="-04:00") for i in range(4)]
    (activity,) = read_tcx(_tcx(_activity("Running", T0, [[points]])), "x.tcx")
    assert activity.start == T0
    assert activity.t_s == (0.0, 0.5, 1.0, 1.5)
    assert activity.utc_offset_s == -14400


def test_distance_from_speed_when_no_distance_is_given() -> None:
    """Speed from the ns3:TPX extension at 1.5 m/s for 100 s gives 148.5 m (99 intervals)."""
    points = [_tp(T0 + timedelta(seconds=i), speed=1.5) for i in range(100)]
    (activity,) = read_tcx(_tcx(_activity("Other", T0, [[points]])), "x.tcx")
    assert activity.distance_m[-1] == pytest.approx(148.5)
    assert any("speed" in n for n in activity.notes)


def test_sniff_and_registry() -> None:
    """TCX is recognised by content whatever the name."""
    data = _tcx(_activity("Other", T0, [[[_tp(T0)]]]))
    assert importer_for(data[:4096], "walk.xml").format == "tcx"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_files_give_a_clear_import_error(path: Path) -> None:
    """Each corrupt, empty, foreign or hostile file is refused with an ImportFileError."""
    with pytest.raises(ImportFileError) as info:
        read_tcx(path.read_bytes(), path.name)
    assert path.name in info.value.message


def test_ten_hours_at_1hz_lose_no_point() -> None:
    """36,000 trackpoints with HR and distance: every one is read, in order, with its values.

    How fast this is against gpxpy is measured by benchmarks/bench_import.py, not here.
    """
    points = [_tp(T0 + timedelta(seconds=i), hr=100 + i % 40, dist=i * 1.3) for i in range(36_000)]
    (activity,) = read_tcx(_tcx(_activity("Other", T0, [[points]])), "long.tcx")
    assert len(activity.t_s) == 36_000 and activity.t_s[-1] == 35_999.0
    assert activity.hr_bpm[35_999] == 100 + 35_999 % 40
    assert sum(h is not None for h in activity.hr_bpm) == 36_000
    assert activity.distance_m[-1] == pytest.approx(35_999 * 1.3)


def test_trackpoints_outside_a_track_keep_the_lap_totals() -> None:
    """Not valid TCX, but seen: trackpoints straight in a Lap. Emptying read trackpoints in
    batches must not take the Lap's own totals with them."""
    points = "".join(_tp(T0 + timedelta(seconds=i), dist=i * 1.0) for i in range(700))
    lap = (
        f'<Lap StartTime="{T0.isoformat()}"><TotalTimeSeconds>699</TotalTimeSeconds>'
        f"<DistanceMeters>700</DistanceMeters>{points}</Lap>"
    )
    xml = _tcx(f'<Activity Sport="Other"><Id>{T0.isoformat()}</Id>{lap}</Activity>')
    (activity,) = read_tcx(xml, "loose.tcx")
    assert len(activity.t_s) == 700 and activity.t_s[-1] == 699.0
    assert activity.total_distance_m == 700.0
    assert any("699.0 s" in note for note in activity.notes)


def test_speed_is_still_read_for_a_later_activity_without_distance() -> None:
    """The reader stops reading Speed once an activity gives distances; the next one starts over."""
    with_distance = _activity(
        "Other", T0, [[[_tp(T0 + timedelta(seconds=i), dist=i * 1.0) for i in range(10)]]]
    )
    t1 = T0 + timedelta(hours=2)
    speed_only = _activity(
        "Other", t1, [[[_tp(t1 + timedelta(seconds=i), speed=2.0) for i in range(11)]]]
    )
    first, second = read_tcx(_tcx(with_distance + speed_only), "two.tcx")
    assert first.distance_m[-1] == pytest.approx(9.0)
    assert second.distance_m[-1] == pytest.approx(20.0)
