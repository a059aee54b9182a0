"""Apple Health importer: the real (tiny) export samples, and generated exports with known answers:
a walk with heart rate, route and pauses, the malformed DTD of some iOS versions, stray control
characters, and a large export read in bounded memory."""

from __future__ import annotations

import io
import json
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from activity_summary import summary

from walkrx.domain.metrics import analyze
from walkrx.errors import ImportFileError
from walkrx.importers import importer_for
from walkrx.importers.apple import read_apple

DATA = Path(__file__).resolve().parent.parent / "data" / "apple"
INVALID = sorted((DATA / "invalid").glob("*"))
SRC = Path(__file__).resolve().parents[2] / "src"
PDT = -7 * 3600


@pytest.mark.parametrize(
    "name", ["hk2sqlite__export.xml", "hk2sqlite__zip__export.xml", "hk2sqlite__export.zip"]
)
def test_real_samples_match_expected_output(name: str) -> None:
    """The healthkit-to-sqlite samples read to the workout in their .expected.json."""
    path = DATA / name
    expected = json.loads(path.with_name(name + ".expected.json").read_text())
    assert [summary(a) for a in read_apple(path.read_bytes(), name)] == expected["activities"]


def test_real_zip_route_outside_the_workout_is_not_used() -> None:
    """The sample zip's route is dated 2019, its workout 2016: the route is noted, not merged."""
    (activity,) = read_apple((DATA / "hk2sqlite__export.zip").read_bytes(), "export.zip")
    assert activity.t_s == ()
    assert any("outside the workout" in n for n in activity.notes)
    assert activity.timezone == "America/Los_Angeles"
    assert activity.utc_offset_s == PDT


def test_real_bare_xml_reads_inline_locations() -> None:
    """Older exports put Location elements inside WorkoutRoute: they become samples."""
    (activity,) = read_apple((DATA / "hk2sqlite__export.xml").read_bytes(), "export.xml")
    assert activity.lat == (37.7777, 37.7777)


# ---- generated exports -----------------------------------------------------------------------

START = datetime(2024, 5, 4, 16, 0, tzinfo=UTC)  # 09:00 local at -0700
# The shape of the broken internal subset some iOS versions write (an ATTLIST for an element it
# never declares, and a declaration cut short).
BAD_DTD = """<!DOCTYPE HealthData [
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary)*)>
<!ATTLIST HealthData locale CDATA #REQUIRED>
<!ATTLIST WorkoutActivity uuid CDATA #REQUIRED startDate CDATA #REQUIRED
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record type CDATA #REQUIRED unit CDATA #IMPLIED value CDATA #IMPLIED "unclosed>
]>
"""


def _adate(t: datetime) -> str:
    return (t + timedelta(seconds=PDT)).strftime("%Y-%m-%d %H:%M:%S") + " -0700"


def _hr(t: datetime, bpm: float) -> str:
    return (
        '<Record type="HKQuantityTypeIdentifierHeartRate" sourceName="Watch" unit="count/min"'
        f' creationDate="{_adate(t)}" startDate="{_adate(t)}" endDate="{_adate(t)}"'
        f' value="{bpm}"><MetadataEntry key="HKMetadataKeyHeartRateMotionContext" value="2"/>'
        "</Record>\n"
    )


def _steps(t: datetime) -> str:
    return (
        '<Record type="HKQuantityTypeIdentifierStepCount" sourceName="Phone" unit="count"'
        f' startDate="{_adate(t)}" endDate="{_adate(t)}" value="12"/>\n'
    )


def _workout(
    kind: str,
    start: datetime,
    minutes: int,
    *,
    route: str | None = None,
    pause: tuple[int, int] | None = None,
) -> str:
    end = start + timedelta(minutes=minutes)
    events = ""
    if pause:
        stop, resume = (_adate(start + timedelta(seconds=x)) for x in pause)
        events = (
            f'<WorkoutEvent type="HKWorkoutEventTypePause" date="{stop}"/>'
            f'<WorkoutEvent type="HKWorkoutEventTypeResume" date="{resume}"/>'
        )
    ref = (
        f'<WorkoutRoute sourceName="Watch" startDate="{_adate(start)}" endDate="{_adate(end)}">'
        f'<FileReference path="/workout-routes/{route}"/></WorkoutRoute>'
        if route
        else ""
    )
    return (
        f'<Workout workoutActivityType="HKWorkoutActivityType{kind}" duration="{minutes}"'
        ' durationUnit="min" sourceName="Watch"'
        f' startDate="{_adate(start)}" endDate="{_adate(end)}">'
        '<MetadataEntry key="HKTimeZone" value="America/Los_Angeles"/>'
        f"{events}"
        '<WorkoutStatistics type="HKQuantityTypeIdentifierDistanceWalkingRunning"'
        f' startDate="{_adate(start)}" endDate="{_adate(end)}" sum="2.5" unit="km"/>'
        f"{ref}</Workout>\n"
    )


def _export_xml(body: str, *, dtd: str = BAD_DTD) -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        + dtd
        + '<HealthData locale="en_US">\n<ExportDate value="2024-05-05 10:00:00 -0700"/>\n'
        + '<Me HKCharacteristicTypeIdentifierDateOfBirth=""/>\n'
        + body
        + "</HealthData>\n"
    ).encode()


def _route_gpx(start: datetime, seconds: int) -> bytes:
    pts = "".join(
        f'<trkpt lon="-122.4" lat="{37.78 + i * 1e-5:.6f}"><ele>5</ele>'
        f"<time>{(start + timedelta(seconds=i)).strftime('%Y-%m-%dT%H:%M:%SZ')}</time>"
        "<extensions><speed>1.3</speed></extensions></trkpt>"
        for i in range(seconds)
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?><gpx version="1.1" creator="Apple Health Export"'
        f' xmlns="http://www.topografix.com/GPX/1/1"><trk><trkseg>{pts}</trkseg></trk></gpx>'
    ).encode()


def _walk_export() -> bytes:
    """HR every 5 s through a 30-min walk (records before the workouts), plus noise and a run."""
    body = "".join(_steps(START + timedelta(minutes=m)) for m in range(0, 40, 2))
    body += "".join(_hr(START + timedelta(seconds=s), 100 + s % 20) for s in range(0, 1801, 5))
    body += _hr(START - timedelta(hours=2), 60)  # resting, outside any workout
    body += _workout("Walking", START, 30, route="route_walk.gpx", pause=(600, 720))
    run = START + timedelta(days=1)
    body += _workout("Running", run, 20)
    body += _hr(run + timedelta(minutes=5), 150)  # a record after its workout in the file
    body += '<ActivitySummary dateComponents="2024-05-04" activeEnergyBurned="1"/>\n'
    return _export_xml(body)


def _zip(xml: bytes, routes: dict[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("apple_health_export/export.xml", xml)
        zf.writestr("apple_health_export/export_cda.xml", b"<ClinicalDocument/>")
        for name, data in routes.items():
            zf.writestr(f"apple_health_export/workout-routes/{name}", data)
    return buf.getvalue()


def test_walk_with_heart_rate_route_and_pause_from_export_zip() -> None:
    """The generated zip gives a walk (361 HR + 1800 route points, one pause) and a run (1 HR)."""
    data = _zip(_walk_export(), {"route_walk.gpx": _route_gpx(START, 1800)})
    walk, run = read_apple(data, "export.zip")
    assert walk.sport == "walking" and walk.is_walk
    assert walk.start == START
    assert walk.utc_offset_s == PDT and walk.timezone == "America/Los_Angeles"
    assert sum(h is not None for h in walk.hr_bpm) == 361
    assert sum(x is not None for x in walk.lat) == 1800
    assert len(walk.t_s) == 361 + 1800
    assert walk.pauses == ((600.0, 720.0),)
    assert walk.duration_s == 1800.0
    assert walk.total_distance_m == pytest.approx(2500.0)
    assert (run.sport, run.index) == ("running", 1)
    assert run.hr_bpm == (150.0,)


def test_bare_export_xml_with_malformed_dtd() -> None:
    """export.xml alone, with the broken internal DTD: read; the route is noted as zip-only."""
    walk, _ = read_apple(_walk_export(), "export.xml")
    assert sum(h is not None for h in walk.hr_bpm) == 361
    assert walk.lat == ()
    assert any("only in export.zip" in n for n in walk.notes)


def test_stray_control_characters_are_removed() -> None:
    """Control characters in attribute values (seen in real exports) do not stop the import."""
    data = _walk_export().replace(b'sourceName="Phone"', b'sourceName="Ph\x02one\x1f"')
    walk, _ = read_apple(data, "export.xml")
    assert sum(h is not None for h in walk.hr_bpm) == 361
    assert any("characters not allowed" in n for n in walk.notes)


def test_hiking_and_other_workouts() -> None:
    """Hiking is a walk sport; yoga is 'other' with its kind kept as sub_sport."""
    body = _workout("Hiking", START, 10) + _workout("Yoga", START + timedelta(hours=2), 10)
    hike, yoga = read_apple(_export_xml(body), "export.xml")
    assert hike.sport == "hiking" and hike.is_walk and hike.t_s == ()
    assert (yoga.sport, yoga.sub_sport) == ("other", "yoga")


def test_sniff_and_registry_send_export_zip_to_apple() -> None:
    """An export.zip and an export.xml are both recognised as Apple Health, not as a bulk zip."""
    data = _zip(_walk_export(), {})
    assert importer_for(data[:4096], "export.zip").format == "apple"
    assert importer_for(_walk_export()[:4096], "export.xml").format == "apple"


@pytest.mark.parametrize("path", INVALID, ids=lambda p: p.name)
def test_invalid_exports_give_a_clear_import_error(path: Path) -> None:
    """Empty, truncated, workout-less and billion-laughs exports are refused clearly."""
    with pytest.raises(ImportFileError) as info:
        read_apple(path.read_bytes(), path.name)
    assert path.name in info.value.message


def test_zip_without_export_xml_is_refused() -> None:
    """A zip that is not an Apple Health export says how to make one."""
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("notes.txt", "hello")
    with pytest.raises(ImportFileError, match="not an Apple Health export"):
        read_apple(buf.getvalue(), "export.zip")


def _write_large_export(path: Path, days: int) -> int:
    """An export with a day's worth of records per day and one walk a day; returns HR count."""
    count = 0
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf,
        zf.open("apple_health_export/export.xml", "w") as out,
    ):
        out.write(_export_xml("").split(b"</HealthData>")[0])
        workouts = []
        for day in range(days):
            d0 = START + timedelta(days=day)
            chunk = [_steps(d0 + timedelta(minutes=m)) for m in range(0, 1440, 3)]
            chunk += [_hr(d0 + timedelta(seconds=s), 90 + s % 40) for s in range(0, 3600, 5)]
            count += 720
            out.write("".join(chunk).encode())
            workouts.append(_workout("Walking", d0, 30))
        out.write("".join(workouts).encode() + b"</HealthData>\n")
    return count


def test_large_export_runs_in_bounded_memory(tmp_path: Path) -> None:
    """A generated export of about 70 MB is read in a child process with peak RSS under 300 MB."""
    path = tmp_path / "export.zip"
    hr_total = _write_large_export(path, days=120)
    script = (
        "import re, sys\n"
        "from walkrx.importers.apple import read_apple\n"
        "acts = read_apple(open(sys.argv[1], 'rb'), 'export.zip')\n"
        "hr = sum(sum(h is not None for h in a.hr_bpm) for a in acts)\n"
        # this process's own peak: ru_maxrss would report the parent's (pytest's) if larger,
        # since Linux keeps it over exec
        "hwm = re.search(r'VmHWM:\\s+(\\d+)', open('/proc/self/status').read()).group(1)\n"
        "print(len(acts), hr, hwm)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(SRC)},
    ).stdout.split()
    workouts, hr_in_walks, peak_kb = int(out[0]), int(out[1]), int(out[2])
    assert workouts == 120
    assert hr_in_walks == 120 * 361  # 30 min at 5 s, both ends included
    assert hr_total == 120 * 720
    assert peak_kb < 300 * 1024


def test_apple_watch_shaped_walk_gives_the_hand_calculated_zone_minutes() -> None:
    """Issue 8: a 45-min Apple Watch walk, route at 1 Hz, heart rate every 5 s, one pause.

    Heart rate 110 for the first 10 min, 130 to minute 35, 150 after; the walker pauses from
    minute 20 to 25 (the watch keeps sampling heart rate, the route stops). By hand, against the
    band 123-140: 10 min below, 20 min in (10-20 and 25-35), 10 min above; moving time 40 min.
    Each heart-rate sample counts the 5 s to the next one, so every band may be short by one
    sample's 5 s at its edges, well within the 15 s the issue allows.
    """
    pause = (1200, 1500)
    end = 2700

    def bpm(s: int) -> float:
        return 110.0 if s < 600 else 130.0 if s < 2100 else 150.0

    body = "".join(_hr(START + timedelta(seconds=s), bpm(s)) for s in range(0, end + 1, 5))
    body += _workout("Walking", START, 45, route="route_walk.gpx", pause=pause)
    route = _route_gpx(START, end + 1)
    # the route stops during the pause: drop its points strictly inside it
    pts = route.split(b"<trkpt ")
    kept = [pts[0]] + [p for i, p in enumerate(pts[1:]) if not pause[0] < i < pause[1]]
    data = _zip(_export_xml(body), {"route_walk.gpx": b"<trkpt ".join(kept)})
    (walk,) = read_apple(data, "export.zip")
    m = analyze(walk, (123, 140))
    assert m.moving_s == pytest.approx(2400, abs=2)
    assert m.below_s == pytest.approx(600, abs=15)
    assert m.in_s == pytest.approx(1200, abs=15)
    assert m.above_s == pytest.approx(600, abs=15)
    assert m.hr_coverage is not None and m.hr_coverage >= 0.99
    assert m.avg_hr == pytest.approx((110 * 600 + 130 * 1200 + 150 * 600) / 2400, abs=1)
    assert m.efficiency.ineligible_reason != "low_hr_coverage"
