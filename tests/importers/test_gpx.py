"""GPX importer: real device files against their expected outputs, a second reader, and synthetic
files with known answers (segments and pauses, every heart-rate extension form, offsets)."""

from __future__ import annotations

import io
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import gpxpy
import pytest
from activity_summary import summary
from lxml import etree

from walkrx.errors import ImportFileError
from walkrx.importers import importer_for
from walkrx.importers.gpx import read_gpx, sniff_gpx

DATA = Path(__file__).resolve().parent.parent / "data" / "gpx"
REAL = sorted(DATA.glob("*.gpx"))
INVALID = sorted((DATA / "invalid").glob("*.gpx"))


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_file_matches_expected_output(path: Path) -> None:
    """Each real GPX file reads to the sport, start, offset and counts in its .expected.json."""
    expected = json.loads(path.with_name(path.name + ".expected.json").read_text())
    activities = read_gpx(path.read_bytes(), path.name)
    assert [summary(a) for a in activities] == expected["activities"]


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_real_file_columns_are_consistent(path: Path) -> None:
    """Every non-empty column has one value per sample, times start at 0 and never go back."""
    for activity in read_gpx(path.read_bytes(), path.name):
        n = len(activity.t_s)
        for column in (activity.hr_bpm, activity.lat, activity.lon, activity.altitude_m):
            assert len(column) in (0, n)
        assert activity.t_s[0] == 0.0
        assert all(b >= a for a, b in zip(activity.t_s, activity.t_s[1:], strict=False))
        assert activity.start.tzinfo is UTC


def _gpxpy_timed_points(data: bytes) -> int:
    parsed = gpxpy.parse(data.decode("utf-8"))
    times = [p.time for t in parsed.tracks for s in t.segments for p in s.points]
    if not times:
        times = [p.time for r in parsed.routes for p in r.points]
    if not times:
        times = [p.time for p in parsed.waypoints]
    return sum(1 for t in times if t is not None)


def _lxml_hr_elements(data: bytes) -> int:
    root = etree.fromstring(data, etree.XMLParser(resolve_entities=False, no_network=True))
    found = root.xpath(
        "//*[local-name()='extensions']//*[local-name()='hr' or local-name()='heartrate']"
    )
    return len(found)


@pytest.mark.parametrize("path", REAL, ids=lambda p: p.name)
def test_counts_agree_with_gpxpy_and_raw_hr_elements(path: Path) -> None:
    """Sample counts agree with gpxpy; every HR extension element lxml finds becomes a sample."""
    data = path.read_bytes()
    activities = read_gpx(data, path.name)
    assert sum(len(a.t_s) for a in activities) == _gpxpy_timed_points(data)
    hr_samples = sum(h is not None for a in activities for h in a.hr_bpm)
    assert hr_samples == _lxml_hr_elements(data)


def test_korita_keeps_timed_points_and_says_what_it_dropped() -> None:
    """GPSBabel's file: 871 points, 358 without time left out with a note; its two timed tracks
    (the device switched off for 5 minutes at 10:52:22, on again at 10:57:10) are two walks."""
    first, second = read_gpx((DATA / "gpxpy__korita-zbevnica.gpx").read_bytes(), "korita.gpx")
    assert len(first.t_s) + len(second.t_s) == 871 - 358
    assert any("358 of 871" in note for note in first.notes)
    assert any("2 of the file's tracks have no times" in note for note in first.notes)
    assert first.t_s[-1] == 4552.0
    assert (second.start - first.start).total_seconds() == 4840.0
    assert first.pauses == second.pauses == ()


def test_waypoint_heart_rate_is_read() -> None:
    """Runkeeper's file has no track, only a waypoint with gpxtpx:hr 171."""
    (activity,) = read_gpx((DATA / "gpxpy__gpx_with_garmin_extension.gpx").read_bytes(), "w.gpx")
    assert activity.hr_bpm == (171.0,)


# ---- synthetic files -------------------------------------------------------------------------

T0 = datetime(2024, 5, 4, 7, 30, tzinfo=UTC)
GPX11 = "http://www.topografix.com/GPX/1/1"
TPX1 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
TPX2 = "http://www.garmin.com/xmlschemas/TrackPointExtension/v2"
GPXDATA = "http://www.cluetrust.com/XML/GPXDATA/1/0"
TPX_HR = "<gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension>"


def _iso(t: datetime, offset_h: int | None = None, frac: bool = False) -> str:
    if offset_h is None:
        return t.strftime("%Y-%m-%dT%H:%M:%S") + (".250" if frac else "") + "Z"
    local = t + timedelta(hours=offset_h)
    sign = "+" if offset_h >= 0 else "-"
    return (
        local.strftime("%Y-%m-%dT%H:%M:%S")
        + (".250" if frac else "")
        + f"{sign}{abs(offset_h):02d}:00"
    )


def _walk_gpx(
    *,
    hr_xml: str = TPX_HR,
    ns_decl: str = f'xmlns:gpxtpx="{TPX1}"',
    type_xml: str = "<type>walking</type>",
    offset_h: int | None = None,
    frac: bool = False,
) -> bytes:
    """A 20-minute walk: 10 min at 1 Hz, a 5-minute stop, then 10 min in a second segment."""
    segs = []
    for seg_start in (0, 900):
        pts = []
        for i in range(600):
            t = T0 + timedelta(seconds=seg_start + i)
            hr = 100 + (i % 20)
            ext = hr_xml.format(hr=hr)
            pts.append(
                f'<trkpt lat="{51.5 + i * 1e-5:.6f}" lon="-0.1"><ele>10</ele>'
                f"<time>{_iso(t, offset_h, frac)}</time><extensions>{ext}</extensions></trkpt>"
            )
        segs.append("<trkseg>" + "".join(pts) + "</trkseg>")
    return (
        f'<?xml version="1.0" encoding="UTF-8"?>\n<gpx version="1.1" creator="test" '
        f'xmlns="{GPX11}" {ns_decl}><trk><name>walk</name>{type_xml}{"".join(segs)}</trk></gpx>'
    ).encode()


def test_synthetic_walk_with_pause_in_second_segment() -> None:
    """Two 600-point segments 5 minutes apart: 1200 samples, one pause 599 s -> 900 s, all HR."""
    (activity,) = read_gpx(_walk_gpx(), "walk.gpx")
    assert activity.sport == "walking"
    assert activity.is_walk
    assert activity.start == T0
    assert len(activity.t_s) == 1200
    assert activity.t_s[-1] == 1499.0
    assert activity.pauses == ((599.0, 900.0),)
    assert activity.hr_bpm[0] == 100.0 and activity.hr_bpm[-1] == 119.0
    assert all(h is not None for h in activity.hr_bpm)
    assert activity.utc_offset_s is None


@pytest.mark.parametrize(
    ("ns_decl", "hr_xml"),
    [
        (
            f'xmlns:gpxtpx="{TPX1}"',
            "<gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension>",
        ),
        (
            f'xmlns:ns3="{TPX1}"',
            "<ns3:TrackPointExtension><ns3:hr>{hr}</ns3:hr></ns3:TrackPointExtension>",
        ),
        (
            f'xmlns:tp1="{TPX1}"',
            "<tp1:TrackPointExtension><tp1:hr>{hr}</tp1:hr></tp1:TrackPointExtension>",
        ),
        (
            f'xmlns:ns3="{TPX2}"',
            "<ns3:TrackPointExtension><ns3:hr>{hr}</ns3:hr><ns3:cad>80</ns3:cad></ns3:TrackPointExtension>",
        ),
        (f'xmlns:gpxdata="{GPXDATA}"', "<gpxdata:hr>{hr}</gpxdata:hr>"),
        ("", "<heartrate>{hr}</heartrate>"),
        (
            f'xmlns:gpxtpx="{TPX1}"',
            "<heartrate>{hr}</heartrate><gpxtpx:TrackPointExtension><gpxtpx:hr>{hr}</gpxtpx:hr></gpxtpx:TrackPointExtension>",
        ),
    ],
    ids=["gpxtpx-v1", "ns3-v1", "tp1-v1", "ns3-v2", "cluetrust", "amazfit-bare", "amazfit-both"],
)
def test_every_heart_rate_extension_form(ns_decl: str, hr_xml: str) -> None:
    """Heart rate is found whatever the prefix or extension schema, and never counted twice."""
    (activity,) = read_gpx(_walk_gpx(ns_decl=ns_decl, hr_xml=hr_xml), "walk.gpx")
    assert len(activity.hr_bpm) == 1200
    assert sum(h or 0.0 for h in activity.hr_bpm) == pytest.approx(
        2 * sum(100 + (i % 20) for i in range(600))
    )


def test_offset_and_fractional_seconds() -> None:
    """'+02:00' with fractional seconds: the instant is right and the offset is recorded."""
    (activity,) = read_gpx(_walk_gpx(offset_h=2, frac=True), "walk.gpx")
    assert activity.start == T0 + timedelta(milliseconds=250)
    assert activity.utc_offset_s == 7200
    assert activity.t_s[1] == pytest.approx(1.0)


def test_negative_offset() -> None:
    """A '-05:00' offset gives utc_offset_s -18000 and the same UTC start."""
    (activity,) = read_gpx(_walk_gpx(offset_h=-5), "walk.gpx")
    assert activity.start == T0
    assert activity.utc_offset_s == -18000


@pytest.mark.parametrize(
    ("type_xml", "sport"),
    [
        ("", "unknown"),
        ("<type>walking</type>", "walking"),
        ("<type>Hiking</type>", "hiking"),
        ("<type>running</type>", "running"),
        ("<type>9</type>", "running"),
        ("<type>road_biking</type>", "cycling"),
        ("<type>treadmill_walking</type>", "treadmill_walking"),
        ("<type>kayaking</type>", "other"),
    ],
)
def test_type_is_normalised(type_xml: str, sport: str) -> None:
    """<type> words map to walkrx sports; no type gives 'unknown' (the person decides)."""
    (activity,) = read_gpx(_walk_gpx(type_xml=type_xml), "walk.gpx")
    assert activity.sport == sport


def test_gpx_10_without_extensions() -> None:
    """GPX 1.0 (another namespace) reads the same way; points have no heart rate."""
    data = (
        b'<gpx version="1.0" xmlns="http://www.topografix.com/GPX/1/0"><trk><trkseg>'
        b'<trkpt lat="1" lon="2"><time>2024-01-01T10:00:00Z</time></trkpt>'
        b'<trkpt lat="1" lon="2.001"><time>2024-01-01T10:00:05Z</time></trkpt>'
        b"</trkseg></trk></gpx>"
    )
    (activity,) = read_gpx(data, "old.gpx")
    assert activity.t_s == (0.0, 5.0)
    assert activity.hr_bpm == ()
    assert activity.altitude_m == ()


def test_invalid_heart_rate_is_dropped_with_a_note() -> None:
    """A heart rate of 0 or 255 is not a reading: the sample stays, its heart rate is None."""
    data = (
        f'<gpx version="1.1" xmlns="{GPX11}"><trk><trkseg>'
        + "".join(
            f'<trkpt lat="1" lon="2"><time>2024-01-01T10:00:0{i}Z</time>'
            f"<extensions><heartrate>{hr}</heartrate></extensions></trkpt>"
            for i, hr in enumerate((0, 255, 99))
        )
        + "</trkseg></trk></gpx>"
    ).encode()
    (activity,) = read_gpx(data, "x.gpx")
    assert activity.hr_bpm == (None, None, 99.0)
    assert any("2 heart-rate values" in n for n in activity.notes)


def test_control_characters_and_utf8_bom_are_tolerated() -> None:
    """Stray control characters are dropped (with a note) and a UTF-8 BOM is accepted."""
    data = b"\xef\xbb\xbf" + _walk_gpx().replace(b"<name>walk</name>", b"<name>wa\x01lk\x0b</name>")
    (activity,) = read_gpx(data, "x.gpx")
    assert len(activity.t_s) == 1200
    assert any("2 characters" in n for n in activity.notes)


def test_utf16_file() -> None:
    """A UTF-16 GPX (rare) reads like its UTF-8 twin."""
    data = _walk_gpx().decode().replace('encoding="UTF-8"', 'encoding="UTF-16"').encode("utf-16")
    (activity,) = read_gpx(data, "x.gpx")
    assert len(activity.t_s) == 1200


def test_harmless_doctype_is_ignored() -> None:
    """A DOCTYPE without entities is cut and never loaded (no network, no file access)."""
    data = _walk_gpx().replace(
        b"\n<gpx", b'\n<!DOCTYPE gpx SYSTEM "http://example.invalid/gpx.dtd">\n<gpx', 1
    )
    (activity,) = read_gpx(data, "x.gpx")
    assert len(activity.t_s) == 1200


def test_reads_from_a_stream() -> None:
    """A binary stream reads the same as bytes."""
    (activity,) = read_gpx(io.BytesIO(_walk_gpx()), "walk.gpx")
    assert len(activity.t_s) == 1200


def test_sniff_and_registry() -> None:
    """GPX is recognised by content, whatever the name, and not by a zip that stores a GPX."""
    data = _walk_gpx()
    assert sniff_gpx(data[:4096], "export.xml")
    assert importer_for(data[:4096], "walk.dat").format == "gpx"
    assert not sniff_gpx(b"PK\x03\x04....<gpx", "a.zip")


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_files_give_a_clear_import_error(path: Path) -> None:
    """Each corrupt or hostile file is refused with an ImportFileError naming the file."""
    with pytest.raises(ImportFileError) as info:
        read_gpx(path.read_bytes(), path.name)
    assert path.name in info.value.message
    assert len(info.value.problem) > 10


def test_entity_files_are_refused_for_the_right_reason() -> None:
    """Billion laughs and XXE are refused because they declare entities, before any expansion."""
    for name in ("billion_laughs.gpx", "xxe.gpx"):
        with pytest.raises(ImportFileError, match="declares XML entities"):
            read_gpx((DATA / "invalid" / name).read_bytes(), name)


def test_truncated_file_names_the_line() -> None:
    """A truncated file says it is damaged and where the parser stopped."""
    with pytest.raises(ImportFileError, match="damaged or incomplete") as info:
        read_gpx((DATA / "invalid" / "truncated.gpx").read_bytes(), "truncated.gpx")
    assert info.value.where is not None and info.value.where.startswith("line ")


def _ten_hour_gpx() -> bytes:
    pts = "".join(
        f'<trkpt lat="{51 + i * 1e-6:.7f}" lon="{-1 - i * 1e-6:.7f}"><ele>{100 + i % 50}.0</ele>'
        f"<time>{(T0 + timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time>"
        f"<extensions><gpxtpx:TrackPointExtension><gpxtpx:hr>{100 + i % 40}</gpxtpx:hr>"
        "</gpxtpx:TrackPointExtension></extensions></trkpt>"
        for i in range(36_000)
    )
    return (
        f'<gpx version="1.1" creator="t" xmlns="{GPX11}" xmlns:gpxtpx="{TPX1}">'
        f"<trk><type>walking</type><trkseg>{pts}</trkseg></trk></gpx>"
    ).encode()


def test_ten_hours_at_1hz_lose_no_point_and_agree_with_gpxpy() -> None:
    """36,000 points with HR: every point and heart rate is read, as gpxpy reads them.

    How fast this is against gpxpy is measured by benchmarks/bench_import.py, not here.
    """
    data = _ten_hour_gpx()
    (activity,) = read_gpx(data, "long.gpx")
    theirs = gpxpy.parse(data.decode())
    assert len(activity.t_s) == theirs.get_points_no() == 36_000
    assert activity.t_s[-1] == 35_999.0
    assert activity.hr_bpm[:40] == tuple(float(100 + i) for i in range(40))
    assert sum(h is not None for h in activity.hr_bpm) == 36_000
    assert activity.altitude_m[-1] == theirs.tracks[0].segments[0].points[-1].elevation
