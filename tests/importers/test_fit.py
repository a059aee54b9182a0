"""The FIT importer against every real device file in tests/data/fit, and the importer registry.

Each file has `<name>.expected.json` beside it. Set WALKRX_REGEN_EXPECTED=1 to rewrite them from
the current code; then check the diff by hand (SOURCES.md counts, the fitparse cross-check below).
"""

from __future__ import annotations

import io
import itertools
import json
import os
import warnings
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from walkrx.domain.activity import Activity
from walkrx.domain.metrics import analyze
from walkrx.errors import ImportFileError
from walkrx.importers import importer_for, read_file, registered_formats
from walkrx.importers.fit import FitImporter

DATA = Path(__file__).resolve().parents[1] / "data" / "fit"
INVALID_DIR = DATA / "invalid"
REFERENCE = Path(__file__).resolve().parents[1] / "data" / "reference" / "fit"
VALID = sorted(DATA.glob("*.fit"))
INVALID = sorted((DATA / "invalid").glob("*.fit"))
REGEN = os.environ.get("WALKRX_REGEN_EXPECTED") == "1"
BAND = (123, 140)  # 70-80 % of HRmax 175, the band the expected files were written with


def _summary(activity: Activity) -> dict[str, Any]:
    m = analyze(activity, BAND)
    return {
        "index": activity.index,
        "sport": activity.sport,
        "sub_sport": activity.sub_sport,
        "indoor": activity.indoor,
        "start": activity.start.isoformat(),
        "utc_offset_s": activity.utc_offset_s,
        "device": activity.device,
        "file_duration_s": activity.duration_s,
        "duration_s": m.duration_s,
        "moving_s": m.moving_s,
        "pauses": len(activity.pauses),
        "samples": m.samples,
        "hr_samples": m.hr_samples,
        "avg_hr": None if m.avg_hr is None else round(m.avg_hr, 1),
        "max_hr": m.max_hr,
        "distance_m": None if m.distance_m is None else round(m.distance_m, 2),
        "in_band_s": m.in_s,
    }


def _expected_path(fit: Path) -> Path:
    return fit.with_name(fit.stem + ".expected.json")


def _check_expected(fit: Path, actual: dict[str, Any]) -> None:
    path = _expected_path(fit)
    if REGEN:
        path.write_text(json.dumps(actual, indent=2) + "\n", encoding="utf-8")
    expected = json.loads(path.read_text(encoding="utf-8"))
    assert actual == expected


@pytest.mark.parametrize("fit", VALID, ids=lambda p: p.name)
def test_real_file_matches_expected(fit: Path) -> None:
    """Every readable real FIT file gives the activities written in its expected-output file."""
    activities = read_file(fit.read_bytes(), fit.name)
    for a in activities:
        assert a.source_format == "fit"
        assert a.file == fit.name
        assert a.start.tzinfo is not None and a.start.utcoffset() == timedelta(0)
        assert len(a.t_s) == len(a.hr_bpm) == len(a.distance_m) == len(a.lat) == len(a.lon)
        assert all(y >= x for x, y in itertools.pairwise(a.t_s))
        assert all(h is None or 20 <= h <= 250 for h in a.hr_bpm)
        assert all(v is None or -90 <= v <= 90 for v in a.lat)
    _check_expected(fit, {"file": fit.name, "activities": [_summary(a) for a in activities]})


@pytest.mark.parametrize("fit", INVALID, ids=lambda p: p.name)
def test_invalid_file_gives_clear_error(fit: Path) -> None:
    """Every corrupt or undatable file raises ImportFileError naming the file and where."""
    with pytest.raises(ImportFileError) as caught:
        read_file(fit.read_bytes(), fit.name)
    err = caught.value
    assert err.file == fit.name
    assert err.where
    assert fit.name in err.message
    assert "diary" in err.message or "again" in err.message  # says what to do next
    _check_expected(fit, {"file": fit.name, "error": err.message})


def test_walks_read_as_walking() -> None:
    """The two real walks (fenix 5 and FR955) come out as walking, with their local offsets."""
    fenix = read_file((DATA / "fitparse__garmin-fenix-5-walk.fit").read_bytes(), "a.fit")
    fr955 = read_file((DATA / "muktihari__HrmPluginTestActivity.fit").read_bytes(), "b.fit")
    assert [a.sport for a in fenix + fr955] == ["walking", "walking"]
    assert fenix[0].is_walk and fr955[0].is_walk
    assert fenix[0].start == datetime(2017, 6, 11, 14, 32, 51, tzinfo=UTC)
    assert fenix[0].utc_offset_s == -7 * 3600  # PDT, from activity.local_timestamp
    assert fr955[0].utc_offset_s == -6 * 3600  # MDT


def test_fr955_hr_messages_fill_records() -> None:
    """FR955 + HRM-Pro: heart rate lives mostly in chained `hr` messages; 309 of 310 get one."""
    (walk,) = read_file((DATA / "muktihari__HrmPluginTestActivity.fit").read_bytes(), "w.fit")
    hr = [h for h in walk.hr_bpm if h is not None]
    assert len(walk.t_s) == 310
    assert len(hr) == 309  # 84 from the records themselves, 225 from the hr messages
    assert any("hr message" in n for n in walk.notes)
    # The session's own summary says avg 73, max 93 bpm: the merged series must agree with it.
    m = analyze(walk, None)
    assert m.avg_hr is not None and abs(m.avg_hr - 73) < 1.0
    assert m.max_hr is not None and 93 <= m.max_hr <= 94


def test_multisport_file_gives_one_activity_per_session() -> None:
    """The FR920XT triathlon: five sessions become five activities, records split between them."""
    acts = read_file((DATA / "fitparse__sample_mulitple_header.fit").read_bytes(), "tri.fit")
    assert [a.sport for a in acts] == ["swimming", "other", "cycling", "other", "running"]
    assert [a.index for a in acts] == [0, 1, 2, 3, 4]
    assert sum(len(a.t_s) for a in acts) == 1773
    assert all(x.start < y.start for x, y in itertools.pairwise(acts))


def test_chained_files_give_an_activity_each() -> None:
    """Two complete FIT files back to back (the valid first half of activity-activity-filecrc)."""
    single = (DATA / "invalid" / "fitparse__activity-activity-filecrc.fit").read_bytes()[:771]
    acts = read_file(single + single, "chain.fit")
    got = [(a.index, len(a.t_s), a.sport) for a in acts]
    assert got == [(0, 14, "running"), (1, 14, "running")]


def test_truncated_file_keeps_the_records_before_the_cut() -> None:
    """Sigma Sport file cut mid-message (no session): its 14,391 records are read, and noted."""
    (ride,) = read_file((REFERENCE / "dtcooper__nick.fit").read_bytes(), "nick.fit")
    assert (ride.sport, ride.duration_s) == ("cycling", None)  # from the sport message
    assert len(ride.t_s) == 14383  # 14391 records, 8 of them sharing a time with the one before
    assert ride.start == datetime(2020, 9, 12, 12, 23, 38, tzinfo=UTC)
    assert ride.t_s[-1] == 16723.0  # last record 17:02:21
    assert ride.notes == (
        "The file ends in the middle of a message (byte 403456): the 14391 records before it "
        "were read; anything recorded after is lost.",
    )
    (short,) = read_file((DATA / "fitparse__activity-unexpected-eof.fit").read_bytes(), "e.fit")
    assert len(short.t_s) == 14 and short.duration_s == 13.749  # the session came before the cut
    assert "(byte 768)" in short.notes[0]


def test_session_start_time_out_of_line_keeps_the_first_record() -> None:
    """fenix 2 multisport: session 0's start_time (08:00:01) lies 45 min into an unbroken leg.

    Its elapsed time (11738.24 s), its distance and its first lap run from the first record
    (07:14:44), so the activity starts there, with its full distance and duration, and says why.
    """
    acts = read_file(
        (REFERENCE / "dtcooper__activity-large-fenxi2-multisport.fit").read_bytes(), "m"
    )
    first = acts[0]
    assert first.start == datetime(2015, 8, 29, 7, 14, 44, tzinfo=UTC)
    assert first.t_s[-1] == 11739.0  # up to the second session's start
    m = analyze(first, None)
    assert (m.duration_s, m.distance_m) == (11738.24, 25072.07)
    assert any("started 45 minutes after its first record" in n for n in first.notes)
    assert not any("started" in n for a in acts[1:] for n in a.notes)


def test_distance_from_records_when_the_session_gives_none() -> None:
    """Chained SDK file: the paddle session has no total_distance; its records count 0-3600 m."""
    paddle, swim = read_file(
        (REFERENCE / "muktihari__chained_Activity_activity_poolswim.fit").read_bytes(), "c.fit"
    )
    assert paddle.total_distance_m is None and analyze(paddle, None).distance_m == 3600.0
    assert any("no total distance" in n for n in paddle.notes)
    assert swim.total_distance_m == 457.2 and not swim.notes


def test_timer_pause_counts_no_heart_rate_time() -> None:
    """FR935 indoor ride: timer stops 96-109 s and 180-295 s. Spec: a timer stop counts nothing,
    so the 13 s of the first stop (under 30 s) do not carry the 119 bpm before it."""
    (ride,) = read_file((REFERENCE / "GoldenCheetah__6449921903_ACTIVITY.fit").read_bytes(), "g")
    assert ride.pauses == ((96.0, 109.0), (180.0, 295.0))
    assert analyze(ride, None).avg_hr == pytest.approx(99.745, abs=1e-3)
    # Counting the 13 s under the first stop gives the reference script's figure.
    assert analyze(replace(ride, pauses=()), None).avg_hr == pytest.approx(100.943, abs=1e-3)


def test_device_relative_file_is_refused_though_local_timestamp_is_a_date() -> None:
    """Forerunner 70: the one calendar value, activity.local_timestamp, is the same in two files
    whose activities lie 9 days apart on the watch's clock, so it cannot date either walk."""
    for path in (
        REFERENCE / "dtcooper__antfs-dump.63.fit",
        INVALID_DIR / "fitparse__compressed-speed-distance.fit",
    ):
        with pytest.raises(ImportFileError, match="date cannot be known"):
            read_file(path.read_bytes(), path.name)


def test_reads_from_a_stream_and_sniffs_content_not_name() -> None:
    """A FIT file named .bin read from a stream is recognised by its header."""
    data = (DATA / "fitparse__garmin-fenix-5-walk.fit").read_bytes()
    acts = read_file(io.BytesIO(data), "export.bin")
    assert len(acts) == 1 and len(acts[0].t_s) == 17
    assert isinstance(importer_for(data[:64], "whatever.txt"), FitImporter)


def test_extension_fallback_and_unknown_format() -> None:
    """An unrecognisable head falls back on the .fit extension; anything else is refused clearly."""
    assert isinstance(importer_for(b"", "walk.FIT"), FitImporter)
    with pytest.raises(ImportFileError) as caught:
        importer_for(b"hello world", "notes.txt")
    assert "FIT" in caught.value.message and "fit" in registered_formats()
    with pytest.raises(ImportFileError):
        read_file(b"hello world", "walk.fit")  # named .fit but not FIT: refused by the reader


def test_empty_input_is_refused() -> None:
    """Zero bytes named .fit is not a FIT file."""
    with pytest.raises(ImportFileError):
        read_file(b"", "empty.fit")


# ---- cross-check against a second decoder ----------------------------------------------------


def _fitparse_records(path: Path) -> list[tuple[datetime, float | None]]:
    """(timestamp, heart rate) of every record as fitparse reads it; skip if fitparse refuses.

    A truncated file gives the records before the cut: fitparse stops there, as walkrx does.
    """
    fitparse = pytest.importorskip("fitparse")
    out = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            fit = fitparse.FitFile(str(path), check_crc=False)
            for message in fit.get_messages("record"):
                values = message.get_values()
                out.append((values.get("timestamp"), values.get("heart_rate")))
        except fitparse.utils.FitEOFError:
            if not out:
                pytest.skip(f"fitparse reads no record of {path.name} before it ends")
        except fitparse.FitParseError as exc:
            pytest.skip(f"fitparse cannot read {path.name}: {exc}")
    return out


@pytest.mark.parametrize("fit", VALID, ids=lambda p: p.name)
def test_no_record_or_heart_rate_lost_against_fitparse(fit: Path) -> None:
    """Same records and every heart rate fitparse finds (more where `hr` messages add some)."""
    theirs: dict[datetime, float | None] = {}
    for ts, hr in _fitparse_records(fit):
        assert ts is not None
        theirs.setdefault(ts.replace(tzinfo=UTC), hr if hr else None)
    ours: dict[datetime, float | None] = {}
    for a in read_file(fit.read_bytes(), fit.name):
        for t, hr in zip(a.t_s, a.hr_bpm, strict=True):
            ours[a.start + timedelta(seconds=t)] = hr
    assert set(ours) == set(theirs)
    for ts, hr in theirs.items():
        if hr is not None:
            assert ours[ts] == hr, ts
    their_hr = sum(1 for h in theirs.values() if h is not None)
    our_hr = sum(1 for h in ours.values() if h is not None)
    assert our_hr >= their_hr
    if fit.name in {
        "muktihari__HrmPluginTestActivity.fit",
        "fitdecode__garmin-fr935-cr.fit",
        "fitparse__sample_mulitple_header.fit",
    }:
        assert our_hr > their_hr  # these carry heart rate in hr messages too
    else:
        assert our_hr == their_hr
