"""GPX 1.0 and 1.1 reader: one Activity per outing, streamed with lxml iterparse.

The document is read by `_gpxdoc.read_content` (heart rate inside <extensions> by local name,
whatever the prefix or namespace) and its points become activities through `_points`.

A file is cut into walks wherever the recording breaks off for an hour or more (between tracks or
within one): three hikes on three days are three walks. Shorter gaps between segments and tracks
are pauses. Points keep the file's order, even where a few are out of time order (Sports Tracker
writes thousands): the path, and so the distance, follows the file. Positions outside the globe's
range (OpenTracks' pause markers) and times before 1990 (a clock never set) are left out, with a
note. A file without a <type> gets sport 'unknown': the import service decides what to do.
"""

from __future__ import annotations

from typing import IO

from walkrx.domain.activity import EARLIEST_TIME, SPLIT_GAP_S, Activity
from walkrx.errors import ImportFileError
from walkrx.importers._gpxdoc import read_content
from walkrx.importers._points import (
    Point,
    build_activity,
    split_at_gaps,
    timed_points,
    untimed_note,
)
from walkrx.importers._xml import XmlSource, normalise_sport, xml_head

FORMAT = "gpx"


def read_gpx(source: XmlSource, name: str) -> list[Activity]:
    """Read a GPX file: one Activity per outing, cut at breaks of an hour or more.

    A file never gives an empty list: a file with nothing to import raises ImportFileError.
    """
    content = read_content(source, name)
    notes: list[str] = []
    segments = content.segments
    types = content.track_types
    track_of = content.segment_tracks
    if not any(segments):
        segments = [r for r in content.routes if r]
        types = [None] * len(segments)
        track_of = list(range(len(segments)))
        if segments:
            notes.append("The file has no recorded track, so its route points were read.")
        elif content.waypoints:
            segments, types, track_of = [content.waypoints], [None], [0]
            notes.append("The file has no recorded track or route, so its waypoints were read.")
    total = sum(len(s) for s in segments)
    if total == 0:
        raise ImportFileError(name, "the GPX file holds no track, route or waypoint to import")
    timed = [timed_points(seg) for seg in segments]
    kept = sum(len(s) for s in timed)
    early = sum(1 for seg in segments for p in seg if p[0] is not None and p[0] < EARLIEST_TIME)
    if kept == 0:
        if early:
            raise ImportFileError(
                name,
                f"its {early} timed points are dated before 1990 (the device's clock was not "
                "set), so the walk cannot be placed in time; set the device's date and record "
                "again, or log the walk by hand",
            )
        raise ImportFileError(
            name,
            f"none of the {total} points has a time, so the walk cannot be placed in time;"
            " export the recording (not a planned route) from the device or app",
        )
    if kept < total:
        notes.append(untimed_note(total - kept, total, early))
    # A walk per track (the file's own way to say where a recording ends), and a new one wherever
    # a track breaks off for SPLIT_GAP_S or more; shorter breaks between segments are pauses.
    walks: list[tuple[list[list[Point]], str | None]] = []
    last_track: int | None = None
    last_time = 0.0
    for seg, kind, track in zip(timed, types, track_of, strict=True):
        for part_index, part in enumerate(split_at_gaps(seg)):
            first: float = part[0][0]  # type: ignore[assignment]
            if track != last_track or part_index or first - last_time >= SPLIT_GAP_S:
                walks.append(([], kind))
            walks[-1][0].append(part)
            last_track = track
            last_time = max(p[0] for p in part)  # type: ignore[type-var,assignment]
    timeless = len({tr for seg, tr in zip(timed, track_of, strict=True) if seg})
    timeless = len(set(track_of)) - timeless
    if timeless:
        notes.append(
            f"{timeless} of the file's tracks {'has' if timeless == 1 else 'have'} no times "
            "(a planned route, not a recording) and could not be imported as a walk."
        )
    if len(walks) > 1:
        notes.append(
            f"The file holds {len(walks)} separate recordings (its tracks, and breaks of an hour "
            "or more); each is a walk of its own."
        )
    return [
        build_activity(
            parts,
            name=name,
            source_format=FORMAT,
            sport=normalise_sport(kind),
            device=content.creator,
            notes=list(notes),
            dropped_chars=content.dropped_chars,
            index=index,
        )
        for index, (parts, kind) in enumerate(walks)
    ]


def sniff_gpx(head: bytes, name: str) -> bool:
    """True when the first bytes are XML text with a <gpx element, whatever the file name."""
    text = xml_head(head)
    return text is not None and b"<gpx" in text


class GpxImporter:
    """The registry's GPX entry."""

    format = FORMAT
    extensions = (".gpx",)

    def sniff(self, head: bytes, name: str) -> bool:
        return sniff_gpx(head, name)

    def read(self, data: bytes | IO[bytes], name: str) -> list[Activity]:
        return read_gpx(data, name)


GPX = GpxImporter()
