"""Rules about a protocol file as a whole: its name and texts, the phase table and maintenance.

`walkrx.protocols.loader` calls `check_protocol` after the schema walk has built the `Protocol`.
"""

from __future__ import annotations

import re

from walkrx.domain.lessons import Lesson, word_count
from walkrx.domain.protocol import Phase, Protocol
from walkrx.errors import ProtocolFileError

__all__ = ["check_protocol"]

_NAME_PATTERN = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
# The posture checklist's cues are stored, as ticked, with each walk: the same limits as a walk's
# cues (walkrx.services.entries.MAX_CUES, MAX_CUE_LENGTH).
MAX_POSTURE_CUES, MAX_CUE_LENGTH = 20, 200
MAX_LESSON_WORDS = 1000  # a short read: "a few hundred words"


def check_protocol(protocol: Protocol, file: str) -> None:
    if not protocol.name:
        raise ProtocolFileError(file, "name", "is empty; give the protocol a short name")
    if not _NAME_PATTERN.match(protocol.name):
        raise ProtocolFileError(
            file,
            "name",
            f"'{protocol.name}' is not a valid name; use letters, digits, '-', '_' or '.', "
            "starting with a letter or digit (for example 'clinic-8wk')",
        )
    for key in ("title", "description"):
        if not getattr(protocol, key):
            raise ProtocolFileError(file, key, "is empty; write a short text")
    _check_phases(protocol.phases, file)
    _check_posture(protocol.posture, file)
    _check_lessons(protocol.lessons, protocol.last_week, file)
    if protocol.followup.return_phase > len(protocol.table_phases):
        raise ProtocolFileError(
            file,
            "followup.return_phase",
            f"is {protocol.followup.return_phase}, but the table has "
            f"{len(protocol.table_phases)} phases before maintenance; a return after a "
            "recurrence starts at one of them",
        )
    if any(phase.tempo for phase in protocol.phases) and not protocol.tempo_description:
        index = next(i for i, phase in enumerate(protocol.phases, start=1) if phase.tempo)
        raise ProtocolFileError(
            file,
            "tempo_description",
            f"missing or empty, but phases[{index}] offers a tempo walk; describe the tempo walk "
            "or set tempo = false",
        )


def _check_phases(phases: tuple[Phase, ...], file: str) -> None:
    if len(phases) < 2:
        raise ProtocolFileError(
            file,
            "phases",
            f"has {len(phases)} phase(s); write at least one [[phases]] table with weeks and then "
            "a maintenance phase (a last [[phases]] table without last_week)",
        )
    for index, phase in enumerate(phases, start=1):
        path = f"phases[{index}]"
        is_last = index == len(phases)
        if phase.number != index:
            raise ProtocolFileError(
                file,
                f"{path}.number",
                f"is {phase.number}, expected {index}; number the phases 1, 2, 3... in file order",
            )
        for key in ("name", "purpose"):
            if not getattr(phase, key):
                raise ProtocolFileError(file, f"{path}.{key}", "is empty; write a short text")
        if is_last and phase.last_week is not None:
            raise ProtocolFileError(
                file,
                f"{path}.last_week",
                "the last phase is the maintenance phase and never ends, but it has a last_week; "
                "remove last_week from it, or add a maintenance phase after it",
            )
        if not is_last and phase.last_week is None:
            raise ProtocolFileError(
                file,
                f"{path}.last_week",
                "missing; only the last phase (maintenance) may leave out last_week",
            )
        if index == 1 and phase.first_week != 1:
            raise ProtocolFileError(
                file,
                f"{path}.first_week",
                f"is {phase.first_week}; the first phase must start at week 1",
            )
        if index > 1:
            previous = phases[index - 2]
            assert previous.last_week is not None
            expected = previous.last_week + 1
            if phase.first_week <= previous.last_week:
                raise ProtocolFileError(
                    file,
                    f"{path}.first_week",
                    f"is {phase.first_week}, but phases[{index - 1}] runs to week "
                    f"{previous.last_week}: the weeks overlap; start this phase at week {expected}",
                )
            if phase.first_week > expected:
                raise ProtocolFileError(
                    file,
                    f"{path}.first_week",
                    f"is {phase.first_week}, but phases[{index - 1}] ends at week "
                    f"{previous.last_week}: {_weeks(expected, phase.first_week - 1)} no phase; "
                    f"start this phase at week {expected}",
                )
        if phase.last_week is not None and phase.last_week < phase.first_week:
            raise ProtocolFileError(
                file,
                f"{path}.last_week",
                f"is {phase.last_week}, before first_week ({phase.first_week}); make last_week "
                "at least first_week",
            )
        if phase.long_walk_minutes is not None and phase.long_walk_minutes < phase.minutes_min:
            raise ProtocolFileError(
                file,
                f"{path}.long_walk_minutes",
                f"is {phase.long_walk_minutes}, shorter than minutes_min ({phase.minutes_min}); "
                "a long walk must last at least the phase's minimum minutes",
            )
    _check_maintenance(phases, file)


def _check_maintenance(phases: tuple[Phase, ...], file: str) -> None:
    # Spec section 1: past the table the person keeps the last phase's prescription; the
    # step-back from maintenance (section 6) relies on it.
    last, maintenance = phases[-2], phases[-1]
    path = f"phases[{len(phases)}]"
    for key in ("walks_min", "walks_max", "minutes_min", "minutes_max"):
        value, expected = getattr(maintenance, key), getattr(last, key)
        if value != expected:
            raise ProtocolFileError(
                file,
                f"{path}.{key}",
                f"is {value}, but maintenance keeps the walks and minutes of the last phase "
                f"(phases[{len(phases) - 1}].{key} = {expected}); set it to {expected}",
            )


def _weeks(first: int, last: int) -> str:
    return f"week {first} belongs to" if first == last else f"weeks {first}-{last} belong to"


def _check_posture(cues: tuple[str, ...], file: str) -> None:
    if len(cues) > MAX_POSTURE_CUES:
        raise ProtocolFileError(
            file, "posture", f"has {len(cues)} cues; keep the checklist to {MAX_POSTURE_CUES}"
        )
    for index, cue in enumerate(cues, start=1):
        if len(cue) > MAX_CUE_LENGTH:
            raise ProtocolFileError(
                file,
                f"posture[{index}]",
                f"is {len(cue)} characters long; keep a cue to {MAX_CUE_LENGTH}",
            )
        if cue in cues[: index - 1]:
            raise ProtocolFileError(
                file, f"posture[{index}]", "repeats an earlier cue; remove one of them"
            )


def _check_lessons(lessons: tuple[Lesson, ...], last_week: int, file: str) -> None:
    """No lessons at all is allowed; given, they cover every week of the table, in order."""
    for index, lesson in enumerate(lessons, start=1):
        path = f"lessons[{index}]"
        for key in ("title", "text"):
            if not getattr(lesson, key):
                raise ProtocolFileError(file, f"{path}.{key}", "is empty; write the lesson")
        if not lesson.sources:
            raise ProtocolFileError(
                file, f"{path}.sources", "is empty; name at least one source for the lesson"
            )
        words = word_count(lesson.text)
        if words > MAX_LESSON_WORDS:
            raise ProtocolFileError(
                file,
                f"{path}.text",
                f"has {words} words; a lesson is a short read: keep it to {MAX_LESSON_WORDS}",
            )
        expected = 1 if index == 1 else (lessons[index - 2].last_week or 0) + 1
        if lesson.first_week != expected:
            if index == 1:
                problem = "the first lesson must start at week 1"
            elif lesson.first_week < expected:
                problem = f"the weeks overlap: start this lesson at week {expected}"
            else:
                problem = f"a week has no lesson: start this lesson at week {expected}"
            raise ProtocolFileError(
                file, f"{path}.first_week", f"is {lesson.first_week}; {problem}"
            )
        if lesson.last_week is None and index != len(lessons):
            raise ProtocolFileError(
                file,
                f"{path}.last_week",
                "missing; only the last lesson may leave out last_week (it then runs on)",
            )
        if lesson.last_week is not None and lesson.last_week < lesson.first_week:
            raise ProtocolFileError(
                file,
                f"{path}.last_week",
                f"is {lesson.last_week}, before first_week ({lesson.first_week})",
            )
    if lessons and (lessons[-1].last_week or last_week) < last_week:
        raise ProtocolFileError(
            file,
            f"lessons[{len(lessons)}].last_week",
            f"is {lessons[-1].last_week}, but the table runs to week {last_week}: every week "
            "needs a lesson (leave out last_week to let the last one run on)",
        )
