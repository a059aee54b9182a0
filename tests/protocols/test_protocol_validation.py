"""A malformed protocol file is refused with a message naming the file, the field and the problem.

Spec section 1: "A protocol file that is malformed (a phase with min > max, a missing field,
overlapping weeks, an unknown key) is refused with a message that names the file, the field and the
problem." Each file in data/invalid/ states in its header the field and a part of the problem the
loader must report.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from walkrx.domain.protocol import (
    PainThresholds,
    Protocol,
    ReferralThresholds,
    ReviewThresholds,
    ZoneDefaults,
)
from walkrx.errors import InvalidInputError, NotFoundError, ProtocolFileError
from walkrx.protocols import available, load, parse

DATA = Path(__file__).parent / "data"
INVALID = sorted((DATA / "invalid").glob("*.toml"))
CLINIC = DATA / "valid" / "clinic-8wk.toml"


def _expectations(path: Path) -> tuple[str, str]:
    header = path.read_text(encoding="utf-8")
    field = re.search(r"^# expect-field: (.+)$", header, re.MULTILINE)
    problem = re.search(r"^# expect-problem: (.+)$", header, re.MULTILINE)
    assert field and problem, f"{path.name} lacks its expect-field/expect-problem header"
    return field.group(1).strip(), problem.group(1).strip()


def test_there_are_invalid_fixtures() -> None:
    """The invalid-file corpus exists, so the parametrised test below cannot pass vacuously."""
    assert len(INVALID) >= 40


@pytest.mark.parametrize("path", INVALID, ids=[p.stem for p in INVALID])
def test_invalid_file_is_refused_naming_file_field_and_problem(path: Path) -> None:
    """A malformed file raises ProtocolFileError naming the file, the dotted field, the problem."""
    field, problem = _expectations(path)
    with pytest.raises(ProtocolFileError) as caught:
        load(str(path))
    error = caught.value
    assert error.file == str(path)
    assert error.field == field
    assert problem.lower() in error.problem.lower()
    message = str(error)
    assert str(path) in message and field in message
    assert isinstance(error, InvalidInputError)


def test_clinic_file_loads_with_default_thresholds() -> None:
    """A clinic's file may leave out every threshold section; the dataclass defaults apply."""
    protocol = load(str(CLINIC))
    assert protocol.name == "clinic-8wk"
    assert protocol.pain == PainThresholds()
    assert protocol.review == ReviewThresholds()
    assert protocol.referral == ReferralThresholds()
    assert protocol.zones == ZoneDefaults()
    assert protocol.last_week == 8
    assert protocol.maintenance.last_week is None
    assert protocol.prescription(0).minutes_min == 8  # 10 x 0.8
    assert protocol.prescription(9).phase == 3
    assert protocol.step_back_position(9) == 4


def test_clinic_file_accepts_a_pathlike() -> None:
    """load() takes a pathlib.Path as well as a string path."""
    assert load(CLINIC).name == "clinic-8wk"


def _changed(value: object) -> object:
    """A different value that stays valid against the shipped defaults and their orderings."""
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    assert isinstance(value, float)
    return round(value * 0.9, 6)


_THRESHOLD_FIELDS = [
    (section, cls, f.name)
    for section, cls in (
        ("pain", PainThresholds),
        ("review", ReviewThresholds),
        ("referral", ReferralThresholds),
        ("zones", ZoneDefaults),
    )
    for f in dataclasses.fields(cls)
]


@pytest.mark.parametrize(
    ("section", "cls", "name"), _THRESHOLD_FIELDS, ids=[f"{s}.{n}" for s, _, n in _THRESHOLD_FIELDS]
)
def test_every_threshold_is_settable_from_the_file(section: str, cls: type, name: str) -> None:
    """Every field of the Pain/Review/Referral thresholds and ZoneDefaults is set by the file."""
    default = getattr(cls(), name)
    value = _changed(default)
    text = CLINIC.read_text(encoding="utf-8") + f"\n[{section}]\n{name} = {value!r}\n"
    protocol = parse(text, "clinic.toml")
    assert getattr(getattr(protocol, section), name) == value


def test_integer_accepted_where_a_decimal_is_expected() -> None:
    """A whole number may be written for a decimal threshold (3 for 3.0); it is read as a float."""
    text = CLINIC.read_text(encoding="utf-8") + "\n[referral]\nbaseline_pain_min = 4\n"
    protocol = parse(text, "clinic.toml")
    assert protocol.referral.baseline_pain_min == 4.0
    assert isinstance(protocol.referral.baseline_pain_min, float)


def test_phase_options_are_read() -> None:
    """Optional phase keys (long walk, tempo, weekly zone goal, cues) reach the Phase objects."""
    text = CLINIC.read_text(encoding="utf-8").replace(
        "long_walk_minutes = 40",
        "long_walk_minutes = 40\ntempo = true\nweekly_zone_minutes = [100, 200]",
    )
    text = 'tempo_description = "Brisk bits."\n' + text
    protocol = parse(text, "clinic.toml")
    phase = protocol.phases[1]
    assert phase.long_walk_minutes == 40
    assert phase.tempo is True
    assert phase.weekly_zone_minutes == (100, 200)
    assert protocol.phases[0].cues == ("Walk tall.", "Breathe easily.")
    assert protocol.phases[0].long_walk_minutes is None
    assert protocol.phases[0].weekly_zone_minutes is None


def test_parse_names_the_given_file() -> None:
    """parse() reports problems against the file label it was given."""
    with pytest.raises(ProtocolFileError) as caught:
        parse('name = "x"\n', "upload.toml")
    assert caught.value.file == "upload.toml"
    assert caught.value.field == "title"


def test_file_that_is_not_utf8_is_refused(tmp_path: Path) -> None:
    """A file that is not UTF-8 text is a ProtocolFileError, not a crash."""
    path = tmp_path / "latin1.toml"
    path.write_bytes('title = "caf\u00e9"\n'.encode("latin-1"))
    with pytest.raises(ProtocolFileError) as caught:
        load(str(path))
    assert caught.value.file == str(path)
    assert "UTF-8" in caught.value.problem


def test_syntax_error_at_end_of_document_names_a_line(tmp_path: Path) -> None:
    """An unterminated table header at the end still names a line of the file."""
    path = tmp_path / "cut.toml"
    path.write_text('name = "x"\n[[phases', encoding="utf-8")
    with pytest.raises(ProtocolFileError) as caught:
        load(str(path))
    assert re.fullmatch(r"line \d+", caught.value.field)
    assert "line" in caught.value.problem


def test_unknown_name_lists_the_shipped_protocols() -> None:
    """A name neither shipped nor a file raises NotFoundError that lists the available names."""
    with pytest.raises(NotFoundError) as caught:
        load("walking-12wk")
    message = str(caught.value)
    assert "walking-12wk" in message
    for name in available():
        assert name in message


def test_missing_path_is_not_found(tmp_path: Path) -> None:
    """A path to a file that does not exist raises NotFoundError, naming what was asked for."""
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(NotFoundError) as caught:
        load(str(missing))
    assert str(missing) in str(caught.value)


def test_directory_is_not_a_protocol(tmp_path: Path) -> None:
    """A directory is refused with NotFoundError saying it is not a file."""
    with pytest.raises(NotFoundError) as caught:
        load(str(tmp_path))
    assert "directory" in str(caught.value)


def test_loaded_protocol_is_the_domain_type() -> None:
    """The loader returns walkrx.domain.protocol.Protocol objects."""
    assert isinstance(load(str(CLINIC)), Protocol)
