"""Deterministic synthetic inputs for the import benchmark (and its smoke test).

- `write_walk_gpx` / `write_walk_tcx`: one long walk at 1 Hz (lat, lon, elevation, time, heart
  rate), the same samples in both formats: GPX 1.1 with Garmin TrackPointExtension (`gpxtpx:hr`)
  as Garmin Connect and Strava write it, and TCX v2 with laps, tracks, distance, heart rate and the
  ActivityExtension speed.
- `write_apple_export`: an Apple Health `export.zip` shaped like a real one: `export.xml` with the
  DOCTYPE internal subset iOS writes, `ExportDate` and `Me`, millions of `Record` elements of many
  types (grouped by type, each in time order, as iOS orders them) with the attributes iOS writes
  (sourceName, sourceVersion, device string, unit, creationDate, startDate, endDate, value) and
  MetadataEntry / HeartRateVariabilityMetadataList children, then `Workout` elements (walking,
  hiking, running) with MetadataEntry, WorkoutEvent, WorkoutStatistics and WorkoutRoute children,
  then one `ActivitySummary` per day; plus `workout-routes/route_*.gpx` files in Apple's format.

Everything is driven by `random.Random(seed)`, so the same arguments give byte-identical files.
"""

from __future__ import annotations

import math
import random
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

EARTH_R = 6_371_000.0
WALK_START = datetime(2024, 5, 18, 6, 0, 0, tzinfo=UTC)


# --- one long walk (GPX and TCX) ---------------------------------------------------------------


@dataclass(frozen=True)
class WalkSample:
    t: datetime
    lat: float
    lon: float
    ele: float
    hr: int
    dist: float  # cumulative metres


def walk_samples(n: int, seed: int = 1) -> list[WalkSample]:
    """`n` samples at 1 Hz of a walk wandering at 1.2-1.6 m/s with a slowly drifting heart rate."""
    rng = random.Random(seed)
    lat, lon, ele = 51.4779, -0.0015, 45.0
    heading = rng.uniform(0, 2 * math.pi)
    speed = 1.4
    hr = 105.0
    dist = 0.0
    out: list[WalkSample] = []
    for i in range(n):
        out.append(
            WalkSample(WALK_START + timedelta(seconds=i), lat, lon, round(ele, 1), round(hr), dist)
        )
        heading += rng.gauss(0, 0.05)
        speed = min(1.6, max(1.2, speed + rng.gauss(0, 0.02)))
        dlat = speed * math.cos(heading) / EARTH_R
        dlon = speed * math.sin(heading) / (EARTH_R * math.cos(math.radians(lat)))
        lat += math.degrees(dlat)
        lon += math.degrees(dlon)
        ele = min(400.0, max(0.0, ele + rng.gauss(0, 0.15)))
        hr = min(150.0, max(85.0, hr + rng.gauss(0, 0.6) + (110 - hr) * 0.01))
        dist += speed
    return out


def _iso(t: datetime) -> str:
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def write_walk_gpx(path: Path, samples: list[WalkSample]) -> None:
    """A GPX 1.1 track as Garmin Connect exports it (heart rate in gpxtpx:TrackPointExtension)."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            '<gpx creator="Garmin Connect" version="1.1"'
            ' xsi:schemaLocation="http://www.topografix.com/GPX/1/1'
            " http://www.topografix.com/GPX/11.xsd"
            " http://www.garmin.com/xmlschemas/TrackPointExtension/v1"
            ' http://www.garmin.com/xmlschemas/TrackPointExtensionv1.xsd"'
            ' xmlns="http://www.topografix.com/GPX/1/1"'
            ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1"'
            ' xmlns:gpxx="http://www.garmin.com/xmlschemas/GpxExtensions/v3"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            f"  <metadata>\n    <time>{_iso(samples[0].t)}</time>\n  </metadata>\n"
            "  <trk>\n    <name>Long walk</name>\n    <type>walking</type>\n    <trkseg>\n"
        )
        for s in samples:
            f.write(
                f'      <trkpt lat="{s.lat:.7f}" lon="{s.lon:.7f}">\n'
                f"        <ele>{s.ele:.1f}</ele>\n"
                f"        <time>{_iso(s.t)}</time>\n"
                "        <extensions>\n"
                "          <gpxtpx:TrackPointExtension>\n"
                f"            <gpxtpx:hr>{s.hr}</gpxtpx:hr>\n"
                "          </gpxtpx:TrackPointExtension>\n"
                "        </extensions>\n"
                "      </trkpt>\n"
            )
        f.write("    </trkseg>\n  </trk>\n</gpx>\n")


def write_walk_tcx(path: Path, samples: list[WalkSample], lap_s: int = 3600) -> None:
    """The same walk as a Garmin TCX v2 file: sport Other, one lap (and track) per `lap_s`."""
    with path.open("w", encoding="utf-8", newline="\n") as f:
        f.write(
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            "<TrainingCenterDatabase"
            ' xsi:schemaLocation="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2'
            ' http://www.garmin.com/xmlschemas/TrainingCenterDatabasev2.xsd"'
            ' xmlns:ns5="http://www.garmin.com/xmlschemas/ActivityGoals/v1"'
            ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2"'
            ' xmlns:ns2="http://www.garmin.com/xmlschemas/UserProfile/v2"'
            ' xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
            ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">\n'
            "  <Activities>\n"
            '    <Activity Sport="Other">\n'
            f"      <Id>{_iso(samples[0].t)}</Id>\n"
        )
        for start in range(0, len(samples), lap_s):
            lap = samples[start : start + lap_s]
            secs = (lap[-1].t - lap[0].t).total_seconds() + 1
            metres = lap[-1].dist - lap[0].dist
            avg = round(sum(s.hr for s in lap) / len(lap))
            f.write(
                f'      <Lap StartTime="{_iso(lap[0].t)}">\n'
                f"        <TotalTimeSeconds>{secs:.1f}</TotalTimeSeconds>\n"
                f"        <DistanceMeters>{metres:.2f}</DistanceMeters>\n"
                f"        <Calories>{round(secs / 12)}</Calories>\n"
                f"        <AverageHeartRateBpm><Value>{avg}</Value></AverageHeartRateBpm>\n"
                f"        <MaximumHeartRateBpm><Value>{max(s.hr for s in lap)}</Value>"
                "</MaximumHeartRateBpm>\n"
                "        <Intensity>Active</Intensity>\n"
                "        <TriggerMethod>Manual</TriggerMethod>\n"
                "        <Track>\n"
            )
            prev = lap[0].dist
            for s in lap:
                speed = s.dist - prev if s.dist > prev else 1.4
                prev = s.dist
                f.write(
                    "          <Trackpoint>\n"
                    f"            <Time>{_iso(s.t)}</Time>\n"
                    "            <Position>\n"
                    f"              <LatitudeDegrees>{s.lat:.7f}</LatitudeDegrees>\n"
                    f"              <LongitudeDegrees>{s.lon:.7f}</LongitudeDegrees>\n"
                    "            </Position>\n"
                    f"            <AltitudeMeters>{s.ele:.1f}</AltitudeMeters>\n"
                    f"            <DistanceMeters>{s.dist:.2f}</DistanceMeters>\n"
                    f"            <HeartRateBpm><Value>{s.hr}</Value></HeartRateBpm>\n"
                    "            <Extensions>\n"
                    "              <ns3:TPX>\n"
                    f"                <ns3:Speed>{speed:.3f}</ns3:Speed>\n"
                    "              </ns3:TPX>\n"
                    "            </Extensions>\n"
                    "          </Trackpoint>\n"
                )
            f.write("        </Track>\n      </Lap>\n")
        f.write(
            "      <Creator>\n        <Name>Forerunner 965</Name>\n"
            "        <UnitId>3456789012</UnitId>\n        <ProductID>4315</ProductID>\n"
            "      </Creator>\n    </Activity>\n  </Activities>\n</TrainingCenterDatabase>\n"
        )


# --- Apple Health export -----------------------------------------------------------------------

APPLE_DTD = """<!DOCTYPE HealthData [
<!-- HealthKit Export Version: 13 -->
<!ELEMENT HealthData (ExportDate,Me,(Record|Correlation|Workout|ActivitySummary|ClinicalRecord|\
Audiogram|VisionPrescription)*)>
<!ATTLIST HealthData
  locale CDATA #REQUIRED
>
<!ELEMENT ExportDate EMPTY>
<!ATTLIST ExportDate
  value CDATA #REQUIRED
>
<!ELEMENT Me EMPTY>
<!ATTLIST Me
  HKCharacteristicTypeIdentifierDateOfBirth                 CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBiologicalSex               CDATA #REQUIRED
  HKCharacteristicTypeIdentifierBloodType                   CDATA #REQUIRED
  HKCharacteristicTypeIdentifierFitzpatrickSkinType         CDATA #REQUIRED
  HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse CDATA #REQUIRED
>
<!ELEMENT Record ((MetadataEntry|HeartRateVariabilityMetadataList)*)>
<!ATTLIST Record
  type          CDATA #REQUIRED
  unit          CDATA #IMPLIED
  value         CDATA #IMPLIED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!-- Note: Any Records that appear as children of a correlation also appear as top-level \
records in this document. -->
<!ELEMENT Correlation ((MetadataEntry|Record)*)>
<!ATTLIST Correlation
  type          CDATA #REQUIRED
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT Workout ((MetadataEntry|WorkoutEvent|WorkoutRoute|WorkoutStatistics)*)>
<!ATTLIST Workout
  workoutActivityType   CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
  totalDistance         CDATA #IMPLIED
  totalDistanceUnit     CDATA #IMPLIED
  totalEnergyBurned     CDATA #IMPLIED
  totalEnergyBurnedUnit CDATA #IMPLIED
  sourceName            CDATA #REQUIRED
  sourceVersion         CDATA #IMPLIED
  device                CDATA #IMPLIED
  creationDate          CDATA #IMPLIED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
>
<!ELEMENT WorkoutActivity ((WorkoutEvent|WorkoutStatistics|MetadataEntry)*)>
<!ATTLIST WorkoutActivity
  uuid                  CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #IMPLIED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
>
<!ELEMENT WorkoutEvent (MetadataEntry?)>
<!ATTLIST WorkoutEvent
  type                  CDATA #REQUIRED
  date                  CDATA #REQUIRED
  duration              CDATA #IMPLIED
  durationUnit          CDATA #IMPLIED
>
<!ELEMENT WorkoutStatistics EMPTY>
<!ATTLIST WorkoutStatistics
  type                  CDATA #REQUIRED
  startDate             CDATA #REQUIRED
  endDate               CDATA #REQUIRED
  average               CDATA #IMPLIED
  minimum               CDATA #IMPLIED
  maximum               CDATA #IMPLIED
  sum                   CDATA #IMPLIED
  unit                  CDATA #IMPLIED
>
<!ELEMENT WorkoutRoute ((MetadataEntry|FileReference)*)>
<!ATTLIST WorkoutRoute
  sourceName    CDATA #REQUIRED
  sourceVersion CDATA #IMPLIED
  device        CDATA #IMPLIED
  creationDate  CDATA #IMPLIED
  startDate     CDATA #REQUIRED
  endDate       CDATA #REQUIRED
>
<!ELEMENT FileReference EMPTY>
<!ATTLIST FileReference
  path CDATA #REQUIRED
>
<!ELEMENT ActivitySummary EMPTY>
<!ATTLIST ActivitySummary
  dateComponents           CDATA #IMPLIED
  activeEnergyBurned       CDATA #IMPLIED
  activeEnergyBurnedGoal   CDATA #IMPLIED
  activeEnergyBurnedUnit   CDATA #IMPLIED
  appleMoveTime            CDATA #IMPLIED
  appleMoveTimeGoal        CDATA #IMPLIED
  appleExerciseTime        CDATA #IMPLIED
  appleExerciseTimeGoal    CDATA #IMPLIED
  appleStandHours          CDATA #IMPLIED
  appleStandHoursGoal      CDATA #IMPLIED
>
<!ELEMENT MetadataEntry EMPTY>
<!ATTLIST MetadataEntry
  key   CDATA #REQUIRED
  value CDATA #REQUIRED
>
<!-- Note: Heart Rate Variability records captured by Apple Watch may include an associated \
list of instantaneous beats-per-minute readings. -->
<!ELEMENT HeartRateVariabilityMetadataList (InstantaneousBeatsPerMinute*)>
<!ELEMENT InstantaneousBeatsPerMinute EMPTY>
<!ATTLIST InstantaneousBeatsPerMinute
  bpm  CDATA #REQUIRED
  time CDATA #REQUIRED
>
]>
"""

APPLE_OFFSET = "-0700"  # America/Phoenix: no daylight saving time, so one offset all year
APPLE_OFFSET_S = -7 * 3600
APPLE_ZONE = "America/Phoenix"
APPLE_FIRST_DAY = date(2021, 1, 1)
WATCH = "Alex\u2019s Apple Watch"
PHONE = "Alex\u2019s iPhone"
_WATCH_DEVICE = (
    "&lt;&lt;HKDevice: 0x{addr:x}&gt;, name:Apple Watch, manufacturer:Apple Inc., model:Watch,"
    " hardware:Watch6,2, software:{sw}, creation date:{day} 07:00:00 {off}&gt;"
)
_PHONE_DEVICE = (
    "&lt;&lt;HKDevice: 0x{addr:x}&gt;, name:iPhone, manufacturer:Apple Inc., model:iPhone,"
    " hardware:iPhone13,2, software:{sw}, creation date:{day} 07:00:00 {off}&gt;"
)
# (type, unit, source is the watch, per day, value range, decimals)
_RECORD_TYPES: tuple[tuple[str, str, bool, int, tuple[float, float], int], ...] = (
    ("HKQuantityTypeIdentifierStepCount", "count", False, 140, (5, 900), 0),
    ("HKQuantityTypeIdentifierDistanceWalkingRunning", "km", False, 140, (0.004, 0.7), 5),
    ("HKQuantityTypeIdentifierActiveEnergyBurned", "Cal", True, 260, (0.05, 12), 3),
    ("HKQuantityTypeIdentifierBasalEnergyBurned", "Cal", True, 180, (0.5, 30), 3),
    ("HKQuantityTypeIdentifierAppleExerciseTime", "min", True, 35, (1, 1), 0),
    ("HKQuantityTypeIdentifierAppleStandTime", "min", True, 30, (1, 5), 0),
    ("HKQuantityTypeIdentifierFlightsClimbed", "count", False, 8, (1, 4), 0),
    ("HKQuantityTypeIdentifierWalkingSpeed", "km/hr", False, 16, (3.2, 5.8), 4),
    ("HKQuantityTypeIdentifierWalkingStepLength", "cm", False, 16, (55, 80), 1),
    ("HKQuantityTypeIdentifierWalkingDoubleSupportPercentage", "%", False, 12, (0.24, 0.32), 3),
    ("HKQuantityTypeIdentifierRestingHeartRate", "count/min", True, 1, (52, 66), 0),
    ("HKQuantityTypeIdentifierWalkingHeartRateAverage", "count/min", True, 1, (88, 110), 0),
    ("HKCategoryTypeIdentifierAppleStandHour", "", True, 16, (0, 0), 0),
    ("HKCategoryTypeIdentifierSleepAnalysis", "", True, 6, (0, 0), 0),
)
HR_TYPE = "HKQuantityTypeIdentifierHeartRate"
HRV_TYPE = "HKQuantityTypeIdentifierHeartRateVariabilitySDNN"
_SPORT_NAMES = {"walk": "Walking", "hike": "Hiking", "run": "Running"}
_SLEEP_VALUES = (
    "HKCategoryValueSleepAnalysisInBed",
    "HKCategoryValueSleepAnalysisAsleepCore",
    "HKCategoryValueSleepAnalysisAsleepDeep",
    "HKCategoryValueSleepAnalysisAsleepREM",
    "HKCategoryValueSleepAnalysisAwake",
)


@dataclass
class AppleWorkout:
    kind: str  # walk | hike | run
    day: date
    start_s: int  # seconds after local midnight
    duration_s: int
    indoor: bool
    pause: tuple[int, int] | None  # (stop, resume) seconds after the start
    route: str | None  # path of the route GPX inside the zip, e.g. workout-routes/route_...gpx
    route_points: int = 0
    hr_samples: int = 0  # heart-rate records written inside [start, end]


@dataclass
class AppleExport:
    """What `write_apple_export` wrote, for the benchmark table and the smoke test."""

    zip_path: Path
    zip_bytes: int
    xml_bytes: int
    days: int
    records: int  # top-level Record elements
    hr_records: int
    workouts: list[AppleWorkout] = field(default_factory=list)
    activity_summaries: int = 0
    route_files: int = 0
    route_points: int = 0
    route_bytes: int = 0

    @property
    def elements(self) -> int:
        """Top-level data elements (Record, Workout, ActivitySummary): the 'records' of the file."""
        return self.records + len(self.workouts) + self.activity_summaries


def _hms(s: int) -> str:
    return f"{s // 3600:02d}:{s // 60 % 60:02d}:{s % 60:02d}"


class _Day:
    """Cheap local-time strings for one day ('2021-03-04 07:12:33 -0700'): no datetime each."""

    def __init__(self, day: date) -> None:
        self.day = day
        self.iso = day.isoformat()
        self.midnight_utc = (
            datetime(day.year, day.month, day.day, tzinfo=UTC).timestamp() - APPLE_OFFSET_S
        )

    def at(self, s: int) -> str:
        if s >= 86400:  # past midnight: rare (late workouts), take the slow path
            t = datetime.fromtimestamp(self.midnight_utc + s, UTC) + timedelta(
                seconds=APPLE_OFFSET_S
            )
            return f"{t:%Y-%m-%d %H:%M:%S} {APPLE_OFFSET}"
        return f"{self.iso} {_hms(s)} {APPLE_OFFSET}"

    def utc_iso(self, s: float) -> str:
        return datetime.fromtimestamp(self.midnight_utc + s, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _plan_workouts(rng: random.Random, days: int, route_days: int) -> list[AppleWorkout]:
    out: list[AppleWorkout] = []
    for i in range(days):
        day = APPLE_FIRST_DAY + timedelta(days=i)
        weekend = day.weekday() >= 5
        roll = rng.random()
        if weekend and roll < 0.35:
            kind, dur = "hike", rng.randint(90 * 60, 180 * 60)
        elif roll < 0.5:
            kind, dur = "walk", rng.randint(25 * 60, 70 * 60)
        elif roll < 0.7:
            kind, dur = "run", rng.randint(25 * 60, 50 * 60)
        else:
            continue
        start = rng.randint(6 * 3600, 18 * 3600)
        indoor = kind == "walk" and rng.random() < 0.1
        pause = None
        if rng.random() < 0.3:
            stop = rng.randint(300, dur - 600)
            pause = (stop, stop + rng.randint(30, 300))
        route = None
        if not indoor and i >= days - route_days:
            h, m = divmod(start // 60, 60)
            ampm = "am" if h < 12 else "pm"
            route = f"workout-routes/route_{day.isoformat()}_{(h - 1) % 12 + 1}.{m:02d}{ampm}.gpx"
        out.append(AppleWorkout(kind, day, start, dur, indoor, pause, route))
    return out


def _value(rng: random.Random, lo: float, hi: float, decimals: int) -> str:
    v = rng.uniform(lo, hi)
    return str(round(v)) if decimals == 0 else f"{v:.{decimals}f}".rstrip("0").rstrip(".")


def _records_of_type(
    rng: random.Random,
    spec: tuple[str, str, bool, int, tuple[float, float], int],
    days: list[_Day],
) -> Iterator[str]:
    rtype, unit, watch, per_day, (lo, hi), dec = spec
    source, version = (WATCH, "10.1") if watch else (PHONE, "17.1")
    device_fmt = _WATCH_DEVICE if watch else _PHONE_DEVICE
    for d in days:
        device = device_fmt.format(
            addr=0x281A00000 + rng.randrange(1 << 20), sw=version, day=d.iso, off=APPLE_OFFSET
        )
        step = 86400 // per_day
        for k in range(per_day):
            s = k * step + rng.randrange(max(1, step - 120))
            length = (
                rng.randint(30, 600) if rtype != "HKCategoryTypeIdentifierSleepAnalysis" else 3600
            )
            if rtype == "HKCategoryTypeIdentifierAppleStandHour":
                value = (
                    "HKCategoryValueAppleStandHourStood"
                    if rng.random() < 0.8
                    else "HKCategoryValueAppleStandHourIdle"
                )
                length = 3600
            elif rtype == "HKCategoryTypeIdentifierSleepAnalysis":
                value = _SLEEP_VALUES[k % len(_SLEEP_VALUES)]
            else:
                value = _value(rng, lo, hi, dec)
            unit_attr = f' unit="{unit}"' if unit else ""
            head = (
                f' <Record type="{rtype}" sourceName="{source}" sourceVersion="{version}"'
                f' device="{device}"{unit_attr} creationDate="{d.at(s + length + 5)}"'
                f' startDate="{d.at(s)}" endDate="{d.at(s + length)}" value="{value}"'
            )
            if rtype == "HKQuantityTypeIdentifierStepCount" and k % 10 == 0:
                yield (
                    head + ">\n"
                    '  <MetadataEntry key="HKMetadataKeySyncVersion" value="2"/>\n'
                    f'  <MetadataEntry key="HKMetadataKeySyncIdentifier" value="{d.iso}-{k}"/>\n'
                    " </Record>\n"
                )
            else:
                yield head + "/>\n"


def _hr_records(
    rng: random.Random, days: list[_Day], by_day: dict[date, AppleWorkout]
) -> Iterator[tuple[str, bool]]:
    """Heart rate: every ~7 minutes in the background, every 5 s during a workout."""
    for d in days:
        device = _WATCH_DEVICE.format(
            addr=0x281A00000 + rng.randrange(1 << 20), sw="10.1", day=d.iso, off=APPLE_OFFSET
        )
        work = by_day.get(d.day)
        times: list[tuple[int, bool]] = [(k * 420 + rng.randrange(300), False) for k in range(205)]
        if work is not None:
            w0, w1 = work.start_s, work.start_s + work.duration_s
            times = [x for x in times if not w0 <= x[0] <= w1]
            during = list(range(w0 + 2, w1, 5))
            work.hr_samples = len(during)
            times += [(s, True) for s in during]
            times.sort()
        base = {"walk": 112, "hike": 120, "run": 150}[work.kind] if work else 70
        for s, during in times:
            bpm = round(base + rng.gauss(0, 6)) if during else round(rng.gauss(72, 8))
            context = "2" if during else "1"
            yield (
                (
                    f' <Record type="{HR_TYPE}" sourceName="{WATCH}" sourceVersion="10.1"'
                    f' device="{device}" unit="count/min" creationDate="{d.at(s + 40)}"'
                    f' startDate="{d.at(s)}" endDate="{d.at(s)}" value="{bpm}">\n'
                    '  <MetadataEntry key="HKMetadataKeyHeartRateMotionContext"'
                    f' value="{context}"/>\n'
                    " </Record>\n"
                ),
                during,
            )


def _hrv_records(rng: random.Random, days: list[_Day]) -> Iterator[str]:
    for d in days:
        for k in range(4):
            s = 3600 + k * 5 * 3600 + rng.randrange(3600)
            beats = "".join(
                f'    <InstantaneousBeatsPerMinute bpm="{rng.randint(55, 90)}"'
                f' time="{(s // 3600 - 1) % 12 + 1}:{s // 60 % 60:02d}:{s % 60:02d}.{j * 83:02d}'
                f' {"AM" if s < 43200 else "PM"}"/>\n'
                for j in range(12)
            )
            yield (
                f' <Record type="{HRV_TYPE}" sourceName="{WATCH}" sourceVersion="10.1"'
                f' unit="ms" creationDate="{d.at(s + 60)}" startDate="{d.at(s)}"'
                f' endDate="{d.at(s + 58)}" value="{rng.uniform(20, 80):.4f}">\n'
                "  <HeartRateVariabilityMetadataList>\n"
                f"{beats}"
                "  </HeartRateVariabilityMetadataList>\n"
                " </Record>\n"
            )


def _route_gpx(rng: random.Random, work: AppleWorkout) -> tuple[str, int]:
    d = _Day(work.day)
    speed = {"walk": 1.4, "hike": 1.1, "run": 2.9}[work.kind]
    lat, lon, ele = 33.4484 + rng.uniform(-0.2, 0.2), -112.074 + rng.uniform(-0.2, 0.2), 340.0
    heading = rng.uniform(0, 2 * math.pi)
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="Apple Health Export" xmlns="http://www.topografix.com/GPX/1/1"'
        ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
        ' xsi:schemaLocation="http://www.topografix.com/GPX/1/1'
        ' http://www.topografix.com/GPX/1/1/gpx.xsd">\n'
        f"  <metadata>\n    <time>{d.utc_iso(work.start_s + work.duration_s + 3)}</time>\n"
        "  </metadata>\n"
        f"  <trk>\n    <name>Route {d.iso} {work.route[-11:-4] if work.route else ''}</name>\n"
        "    <trkseg>\n"
    ]
    n = 0
    paused = work.pause
    for s in range(0, work.duration_s, 1):
        if paused and paused[0] <= s < paused[1]:
            continue
        heading += rng.gauss(0, 0.08)
        v = speed + rng.gauss(0, 0.1)
        lat += math.degrees(v * math.cos(heading) / EARTH_R)
        lon += math.degrees(v * math.sin(heading) / (EARTH_R * math.cos(math.radians(lat))))
        ele += rng.gauss(0, 0.2)
        parts.append(
            f'    <trkpt lon="{lon:.6f}" lat="{lat:.6f}"><ele>{ele:.6f}</ele>'
            f"<time>{d.utc_iso(work.start_s + s)}</time><extensions><speed>{v:.6f}</speed>"
            f"<course>{math.degrees(heading) % 360:.6f}</course>"
            f"<hAcc>{rng.uniform(2, 9):.6f}</hAcc><vAcc>{rng.uniform(1, 6):.6f}</vAcc>"
            "</extensions></trkpt>\n"
        )
        n += 1
    parts.append("    </trkseg>\n  </trk>\n</gpx>\n")
    return "".join(parts), n


def _workout_xml(rng: random.Random, w: AppleWorkout) -> str:
    d = _Day(w.day)
    start, end = w.start_s, w.start_s + w.duration_s
    name = _SPORT_NAMES[w.kind]
    km = w.duration_s * {"walk": 1.4, "hike": 1.1, "run": 2.9}[w.kind] / 1000
    kcal = w.duration_s / 60 * {"walk": 4.5, "hike": 7.0, "run": 11.0}[w.kind]
    device = _WATCH_DEVICE.format(addr=0x283B4A1C0, sw="10.1", day=d.iso, off=APPLE_OFFSET)
    lines = [
        f' <Workout workoutActivityType="HKWorkoutActivityType{name}"'
        f' duration="{w.duration_s / 60:.12g}" durationUnit="min" sourceName="{WATCH}"'
        f' sourceVersion="10.1" device="{device}" creationDate="{d.at(end + 12)}"'
        f' startDate="{d.at(start)}" endDate="{d.at(end)}">\n',
        f'  <MetadataEntry key="HKIndoorWorkout" value="{int(w.indoor)}"/>\n',
        f'  <MetadataEntry key="HKTimeZone" value="{APPLE_ZONE}"/>\n',
        f'  <MetadataEntry key="HKWeatherTemperature" value="{rng.randint(45, 105)} degF"/>\n',
        f'  <MetadataEntry key="HKWeatherHumidity" value="{rng.randint(5, 60) * 100} %"/>\n',
        '  <MetadataEntry key="HKAverageMETs"'
        f' value="{rng.uniform(3, 10):.5f} kcal/hr\u00b7kg"/>\n',
    ]
    if not w.indoor:
        lines.append(
            f'  <MetadataEntry key="HKElevationAscended" value="{rng.randint(500, 40000)} cm"/>\n'
        )
    seg = 0
    while seg * 600 < w.duration_s:
        lines.append(
            '  <WorkoutEvent type="HKWorkoutEventTypeSegment"'
            f' date="{d.at(start + seg * 600)}"'
            f' duration="{min(10, (w.duration_s - seg * 600) / 60):.6g}"'
            ' durationUnit="min"/>\n'
        )
        seg += 1
    if w.pause:
        lines.append(
            f'  <WorkoutEvent type="HKWorkoutEventTypePause" date="{d.at(start + w.pause[0])}"/>\n'
            f'  <WorkoutEvent type="HKWorkoutEventTypeResume" date="{d.at(start + w.pause[1])}"/>\n'
        )
    stats = (
        ("HKQuantityTypeIdentifierActiveEnergyBurned", f'sum="{kcal:.4f}" unit="Cal"'),
        ("HKQuantityTypeIdentifierBasalEnergyBurned", f'sum="{w.duration_s / 60:.4f}" unit="Cal"'),
        ("HKQuantityTypeIdentifierDistanceWalkingRunning", f'sum="{km:.6f}" unit="km"'),
        (
            "HKQuantityTypeIdentifierHeartRate",
            f'average="{rng.uniform(100, 150):.4f}" minimum="{rng.randint(80, 95)}"'
            f' maximum="{rng.randint(150, 175)}" unit="count/min"',
        ),
        ("HKQuantityTypeIdentifierStepCount", f'sum="{round(km * 1350)}" unit="count"'),
    )
    for stype, values in stats:
        lines.append(
            f'  <WorkoutStatistics type="{stype}" startDate="{d.at(start)}"'
            f' endDate="{d.at(end)}" {values}/>\n'
        )
    if w.route:
        lines.append(
            f'  <WorkoutRoute sourceName="{WATCH}" sourceVersion="10.1"'
            f' creationDate="{d.at(end + 20)}" startDate="{d.at(start)}" endDate="{d.at(end)}">\n'
            '   <MetadataEntry key="HKMetadataKeySyncVersion" value="2"/>\n'
            f'   <FileReference path="/{w.route}"/>\n'
            "  </WorkoutRoute>\n"
        )
    lines.append(" </Workout>\n")
    return "".join(lines)


def _summary_xml(rng: random.Random, d: _Day) -> str:
    return (
        f' <ActivitySummary dateComponents="{d.iso}"'
        f' activeEnergyBurned="{rng.uniform(150, 900):.5f}" activeEnergyBurnedGoal="520"'
        ' activeEnergyBurnedUnit="Cal" appleMoveTime="0" appleMoveTimeGoal="0"'
        f' appleExerciseTime="{rng.randint(5, 120)}" appleExerciseTimeGoal="30"'
        f' appleStandHours="{rng.randint(6, 16)}" appleStandHoursGoal="12"/>\n'
    )


_APPROX_DAY_BYTES = 730_000  # export.xml bytes per day at these rates (measured; sizes `days`)


def apple_days_for(xml_mb: float) -> int:
    """How many days of data make an export.xml of about `xml_mb` MB."""
    return max(2, round(xml_mb * 1_000_000 / _APPROX_DAY_BYTES))


def write_apple_export(
    out_dir: Path,
    *,
    days: int,
    route_days: int | None = None,
    seed: int = 7,
    compresslevel: int = 6,
) -> AppleExport:
    """Write `out_dir/export.zip`: `days` days of data; routes for the last `route_days` days."""
    rng = random.Random(seed)
    route_days = max(1, days // 6) if route_days is None else route_days
    workouts = _plan_workouts(rng, days, route_days)
    by_day = {w.day: w for w in workouts}
    day_objs = [_Day(APPLE_FIRST_DAY + timedelta(days=i)) for i in range(days)]
    zip_path = out_dir / "export.zip"
    result = AppleExport(zip_path, 0, 0, days, 0, 0, workouts)
    with zipfile.ZipFile(
        zip_path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=compresslevel
    ) as zf:
        export_day = APPLE_FIRST_DAY + timedelta(days=days)
        with zf.open("apple_health_export/export.xml", "w", force_zip64=True) as raw:
            buf: list[str] = []
            size = 0

            def emit(text: str) -> None:
                nonlocal size
                buf.append(text)
                if len(buf) >= 4096:
                    flush()

            def flush() -> None:
                nonlocal size
                data = "".join(buf).encode("utf-8")
                size += len(data)
                raw.write(data)
                buf.clear()

            emit('<?xml version="1.0" encoding="UTF-8"?>\n')
            emit(APPLE_DTD)
            emit('<HealthData locale="en_US">\n')
            emit(f' <ExportDate value="{export_day.isoformat()} 09:15:02 {APPLE_OFFSET}"/>\n')
            emit(
                ' <Me HKCharacteristicTypeIdentifierDateOfBirth="1974-03-02"'
                ' HKCharacteristicTypeIdentifierBiologicalSex="HKBiologicalSexFemale"'
                ' HKCharacteristicTypeIdentifierBloodType="HKBloodTypeNotSet"'
                ' HKCharacteristicTypeIdentifierFitzpatrickSkinType="HKFitzpatrickSkinTypeNotSet"'
                ' HKCharacteristicTypeIdentifierCardioFitnessMedicationsUse="None"/>\n'
            )
            specs = list(_RECORD_TYPES)
            # iOS groups records by type; heart rate sits among the others, not first or last
            for spec in specs[:3]:
                for rec in _records_of_type(rng, spec, day_objs):
                    emit(rec)
                    result.records += 1
            for rec, _during in _hr_records(rng, day_objs, by_day):
                emit(rec)
                result.records += 1
                result.hr_records += 1
            for rec in _hrv_records(rng, day_objs):
                emit(rec)
                result.records += 1
            for spec in specs[3:]:
                for rec in _records_of_type(rng, spec, day_objs):
                    emit(rec)
                    result.records += 1
            for w in workouts:
                emit(_workout_xml(rng, w))
            for d in day_objs:
                emit(_summary_xml(rng, d))
                result.activity_summaries += 1
            emit("</HealthData>\n")
            flush()
            result.xml_bytes = size
        for w in workouts:
            if w.route is None:
                continue
            text, n = _route_gpx(rng, w)
            w.route_points = n
            data = text.encode("utf-8")
            zf.writestr("apple_health_export/" + w.route, data)
            result.route_files += 1
            result.route_points += n
            result.route_bytes += len(data)
    result.zip_bytes = zip_path.stat().st_size
    return result


def write_walk_files(out_dir: Path, n: int, seed: int = 1) -> tuple[Path, Path]:
    """`out_dir/walk.gpx` and `out_dir/walk.tcx`, the same `n`-sample walk."""
    samples = walk_samples(n, seed)
    gpx, tcx = out_dir / "walk.gpx", out_dir / "walk.tcx"
    write_walk_gpx(gpx, samples)
    write_walk_tcx(tcx, samples)
    return gpx, tcx
