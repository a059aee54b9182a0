"""Load protocol files (TOML) into validated `walkrx.domain.protocol.Protocol` objects.

The shipped protocols are package data beside this module; a clinic may pass the path of its own
file. Validation walks the domain dataclasses (their fields and type hints), so a field added to
`Phase` or to a thresholds class is read and checked without changes here: every number must be
positive unless `_RANGES` says otherwise, and every `x_min`/`x_max` or `x_low`/`x_high` pair must be
in order. Rules about the protocol as a whole (name, phase weeks and numbering, maintenance) are
in `walkrx.protocols.checks`. Every problem raises `ProtocolFileError(file, field, problem)` with a
dotted field path such as `phases[2].minutes_min`; phases are counted from 1, in the order of the
file's `[[phases]]` tables.
"""

from __future__ import annotations

import dataclasses
import functools
import math
import os
import re
import tomllib
import types
import typing
from collections.abc import Mapping
from importlib import resources
from pathlib import Path
from typing import Any, TypeVar

from walkrx.domain.pace import PaceBand
from walkrx.domain.protocol import (
    FollowUpRules,
    PainThresholds,
    Protocol,
    ReferralThresholds,
    ReviewThresholds,
    ZoneDefaults,
)
from walkrx.errors import NotFoundError, ProtocolFileError
from walkrx.protocols.checks import check_protocol

__all__ = ["available", "describe", "load", "parse"]

_T = TypeVar("_T")
_SUFFIX = ".toml"
_PAIRS = (("_min", "_max"), ("_low", "_high"))


@dataclasses.dataclass(frozen=True)
class _Range:
    """Allowed values of a number; the default for any number not listed is `> 0`."""

    low: float = 0.0
    high: float | None = None
    low_inclusive: bool = False
    hint: str = ""

    def admits(self, value: float) -> bool:
        above = value >= self.low if self.low_inclusive else value > self.low
        return above and (self.high is None or value <= self.high)

    def explain(self) -> str:
        low = f"at least {self.low:g}" if self.low_inclusive else f"greater than {self.low:g}"
        text = low if self.high is None else f"{low} and at most {self.high:g}"
        return f"{text}{self.hint}"


_POSITIVE = _Range()
_PAIN = _Range(0, 10, hint=" (points on the 0-10 pain scale)")
_FRACTION = _Range(0, 1, hint=" (a fraction: 0.75 means 75 %)")

# Numbers whose allowed values differ from "greater than 0", by (class, field name).
_RANGES: Mapping[tuple[type, str], _Range] = {
    **{(PainThresholds, f.name): _PAIN for f in dataclasses.fields(PainThresholds)},
    (ReviewThresholds, "count_fraction"): _FRACTION,
    (ReviewThresholds, "too_little_fraction"): _FRACTION,
    (ReviewThresholds, "too_much_fraction"): _Range(
        1, low_inclusive=True, hint=" (a multiple of the maximum total: 1.25 means 125 %)"
    ),
    (ReviewThresholds, "morning_rise"): _PAIN,
    (ReviewThresholds, "morning_min_checkins"): _Range(0, 7, hint=" (check-ins in a week)"),
    (ReviewThresholds, "ease_in_scale"): _FRACTION,
    (ReferralThresholds, "baseline_pain_min"): _PAIN,
    (ReferralThresholds, "pain_improve_points"): _PAIN,
    (ReferralThresholds, "pain_improve_fraction"): _FRACTION,
    (ReferralThresholds, "pace_improve_fraction"): _FRACTION,
    (ReferralThresholds, "psfs_good"): _Range(0, 10, hint=" (PSFS mean, 0-10)"),
    (ReferralThresholds, "psfs_improve_points"): _Range(0, 10, hint=" (PSFS points, 0-10)"),
    (ReferralThresholds, "tsk17_high"): _Range(17, 68, True, " (TSK-17 scores run 17-68)"),
    (ReferralThresholds, "fabq_pa_high"): _Range(0, 24, hint=" (FABQ-PA scores run 0-24)"),
    **{(ZoneDefaults, f.name): _FRACTION for f in dataclasses.fields(ZoneDefaults)},
    (FollowUpRules, "interval_days"): _Range(7, 366, True, " (days between two follow-ups)"),
    **{
        (PaceBand, name): _Range(0, 10, hint=" (km/h: people walk at about 3 to 7)")
        for name in ("low_kmh", "high_kmh")
    },
}

# Further orderings between two numbers of one class: (class, smaller or equal, larger or equal).
_ORDERED: tuple[tuple[type, str, str], ...] = (
    (PainThresholds, "amber_peak_with_rise", "amber_peak"),
    (PainThresholds, "amber_peak", "red_peak"),
    (PainThresholds, "red_peak_with_rise", "red_peak"),
    (PainThresholds, "amber_rise", "red_rise"),
    (PaceBand, "low_kmh", "high_kmh"),
)


# ---------------------------------------------------------------------------------------------
# Public API


def available() -> list[str]:
    """Names of the shipped protocols, sorted."""
    return sorted(
        entry.name.removesuffix(_SUFFIX)
        for entry in resources.files(__package__).iterdir()
        if entry.name.endswith(_SUFFIX) and entry.is_file()
    )


def load(name_or_path: str | os.PathLike[str]) -> Protocol:
    """A shipped protocol by name, or a clinic's protocol file by path, validated.

    Raises `ProtocolFileError` for a malformed file and `NotFoundError` when the argument is
    neither a shipped name nor an existing file.
    """
    text = os.fspath(name_or_path)
    if text in available():
        return _load_shipped(text)
    path = Path(text)
    if path.is_file():
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise ProtocolFileError(
                text, "(file)", f"cannot be read ({exc.strerror}); check its permissions"
            ) from exc
        return parse(data, text)
    names = ", ".join(available())
    where = (
        "is a directory, not a file"
        if path.is_dir()
        else "is neither a shipped protocol nor an existing file"
    )
    raise NotFoundError(
        f"protocol '{text}' {where}. Shipped protocols: {names}. "
        "Give one of these names, or the path of a protocol file ending in .toml."
    )


def parse(content: str | bytes, file: str = "<protocol>") -> Protocol:
    """Validate the text of a protocol file; `file` names it in error messages."""
    if isinstance(content, bytes):
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ProtocolFileError(
                file, "(file)", f"is not UTF-8 text (byte {exc.start}); save it as UTF-8"
            ) from exc
    try:
        data = tomllib.loads(content)
    except tomllib.TOMLDecodeError as exc:
        raise _syntax_error(file, content, exc) from exc
    protocol = _build(Protocol, data, "", file)
    check_protocol(protocol, file)
    return protocol


def describe(protocol: Protocol) -> dict[str, Any]:
    """A JSON-able description: every field of the file, plus the prescription of each position.

    `prescriptions` runs from position 0 (ease-in) to the first maintenance position, each with its
    weekly totals and where a red week would send the program from there.
    """
    description: dict[str, Any] = _jsonable(protocol)
    for phase_description, phase in zip(description["phases"], protocol.phases, strict=True):
        phase_description["maintenance"] = phase is protocol.maintenance
    description["last_week"] = protocol.last_week
    description["maintenance_from"] = protocol.maintenance.first_week
    prescriptions = []
    for position in range(protocol.last_week + 2):
        prescription = protocol.prescription(position)
        entry = _jsonable(prescription)
        entry["total_min"] = prescription.total_min
        entry["total_max"] = prescription.total_max
        entry["ease_in"] = position == 0
        entry["maintenance"] = position > protocol.last_week
        entry["step_back_to"] = protocol.step_back_position(position)
        prescriptions.append(entry)
    description["prescriptions"] = prescriptions
    return description


# ---------------------------------------------------------------------------------------------
# Loading


@functools.cache
def _load_shipped(name: str) -> Protocol:
    resource = resources.files(__package__).joinpath(name + _SUFFIX)
    return parse(resource.read_bytes(), f"{name}{_SUFFIX} (shipped)")


def _syntax_error(file: str, content: str, exc: tomllib.TOMLDecodeError) -> ProtocolFileError:
    message = str(exc)
    match = re.search(r"\(at line (\d+), column (\d+)\)", message)
    if match:
        line = int(match.group(1))
    else:  # "(at end of document)"
        line = max(1, content.count("\n") + (0 if content.endswith("\n") else 1))
    problem = re.sub(r"\s*\(at [^)]*\)$", "", message)
    return ProtocolFileError(
        file,
        f"line {line}",
        f"invalid TOML syntax: {problem} (line {line}); fix that line, "
        "see docs/protocols.md for the format",
    )


# ---------------------------------------------------------------------------------------------
# The schema walk over the domain dataclasses


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


def _build(cls: type[_T], data: object, path: str, file: str) -> _T:
    """An instance of dataclass `cls` from a TOML table, checking keys, types and numbers."""
    if not isinstance(data, dict):
        raise ProtocolFileError(
            file, path, f"expected a table of keys, got {_kind(data)}; write it as [{path}]"
        )
    fields = dataclasses.fields(typing.cast(Any, cls))
    hints = typing.get_type_hints(cls)
    known = {f.name for f in fields}
    for key in data:
        if key not in known:
            raise ProtocolFileError(
                file,
                _join(path, key),
                f"unknown key; allowed keys here: {', '.join(sorted(known))}. "
                "Check the spelling or remove it",
            )
    values: dict[str, Any] = {}
    for f in fields:
        field_path = _join(path, f.name)
        if f.name in data:
            values[f.name] = _convert(
                hints[f.name], data[f.name], field_path, file, owner=cls, name=f.name
            )
        elif f.default is not dataclasses.MISSING:
            values[f.name] = f.default
        elif f.default_factory is not dataclasses.MISSING:
            values[f.name] = f.default_factory()
        elif _optional_arm(hints[f.name]) is not None:
            values[f.name] = None
        else:
            raise ProtocolFileError(
                file, field_path, f"missing; {_how_to_add(f.name, hints[f.name])}"
            )
    _check_pairs(cls, values, path, file)
    return cls(**values)


def _convert(hint: Any, value: object, path: str, file: str, *, owner: type, name: str) -> Any:
    """Convert one TOML value to the type `hint`, checking its range."""
    arm = _optional_arm(hint)
    if arm is not None:
        hint = arm
    origin = typing.get_origin(hint)
    if dataclasses.is_dataclass(hint) and isinstance(hint, type):
        return _build(hint, value, path, file)
    if origin is tuple:
        return _convert_tuple(hint, value, path, file, owner=owner, name=name)
    if hint is bool:
        if not isinstance(value, bool):
            raise _wrong_type(file, path, "true or false", value)
        return value
    if hint is int:
        if isinstance(value, bool) or not isinstance(value, int):
            raise _wrong_type(file, path, "a whole number", value)
        _check_range(owner, name, value, path, file)
        return value
    if hint is float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise _wrong_type(file, path, "a number", value)
        if not math.isfinite(value):
            raise ProtocolFileError(file, path, "must be a finite number, not nan or inf")
        _check_range(owner, name, value, path, file)
        return float(value)
    if hint is str:
        if not isinstance(value, str):
            raise _wrong_type(file, path, "a string in quotes", value)
        return value.strip()
    raise TypeError(f"walkrx.protocols cannot read a field of type {hint!r} ({path})")


def _convert_tuple(
    hint: Any, value: object, path: str, file: str, *, owner: type, name: str
) -> tuple[Any, ...]:
    if not isinstance(value, list):
        raise _wrong_type(file, path, "an array [ ... ]", value)
    args = typing.get_args(hint)
    if len(args) == 2 and args[1] is Ellipsis:
        item_types = [args[0]] * len(value)
    else:
        if len(value) != len(args):
            raise ProtocolFileError(
                file, path, f"expected an array of {len(args)} values, got {len(value)}"
            )
        item_types = list(args)
    items = []
    for index, (item_type, item) in enumerate(zip(item_types, value, strict=True), start=1):
        converted = _convert(item_type, item, f"{path}[{index}]", file, owner=owner, name=name)
        if isinstance(converted, str) and not converted:
            raise ProtocolFileError(
                file, f"{path}[{index}]", "is empty; write the text or remove the entry"
            )
        items.append(converted)
    if len(args) == 2 and args[1] is not Ellipsis and items[0] > items[1]:
        raise ProtocolFileError(
            file,
            path,
            f"the first value ({items[0]}) is greater than the second ({items[1]}); "
            "write [smaller, larger]",
        )
    return tuple(items)


def _optional_arm(hint: Any) -> Any:
    """X for `X | None`, else None."""
    if typing.get_origin(hint) in (typing.Union, types.UnionType):
        arms = [arm for arm in typing.get_args(hint) if arm is not type(None)]
        if len(arms) == 1:
            return arms[0]
    return None


def _check_range(owner: type, name: str, value: float, path: str, file: str) -> None:
    allowed = _RANGES.get((owner, name), _POSITIVE)
    if not allowed.admits(value):
        raise ProtocolFileError(file, path, f"is {value:g}; it must be {allowed.explain()}")


def _check_pairs(cls: type, values: Mapping[str, Any], path: str, file: str) -> None:
    """x_min <= x_max and x_low <= x_high for every such pair, plus the orderings in `_ORDERED`."""
    ordered = [(low, high) for owner, low, high in _ORDERED if owner is cls]
    for name in values:
        for low_suffix, high_suffix in _PAIRS:
            if name.endswith(low_suffix):
                partner = name.removesuffix(low_suffix) + high_suffix
                if partner in values:
                    ordered.append((name, partner))
    for low, high in ordered:
        low_value, high_value = values[low], values[high]
        if low_value is not None and high_value is not None and low_value > high_value:
            raise ProtocolFileError(
                file,
                _join(path, low),
                f"{low} ({low_value:g}) is greater than {high} ({high_value:g}); "
                f"make {low} at most {high}",
            )


# ---------------------------------------------------------------------------------------------
# Messages and JSON


def _kind(value: object) -> str:
    if isinstance(value, bool):
        return f"true/false ({str(value).lower()})"
    if isinstance(value, int | float):
        return f"a number ({value})"
    if isinstance(value, str):
        return f"a string ({value!r})"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "a table"
    return f"a {type(value).__name__} ({value})"


def _wrong_type(file: str, path: str, expected: str, value: object) -> ProtocolFileError:
    return ProtocolFileError(file, path, f"expected {expected}, got {_kind(value)}")


def _how_to_add(name: str, hint: Any) -> str:
    arm = _optional_arm(hint)
    hint = arm if arm is not None else hint
    if dataclasses.is_dataclass(hint):
        return f"add a [{name}] table (see docs/protocols.md)"
    args = typing.get_args(hint)
    if typing.get_origin(hint) is tuple and args and dataclasses.is_dataclass(args[0]):
        return f"add one [[{name}]] table for each (see docs/protocols.md)"
    if typing.get_origin(hint) is tuple:
        return f"add a line {name} = [...] with an array"
    kinds = {bool: "true or false", int: "a whole number", float: "a number", str: "quoted text"}
    return f"add a line {name} = ... with {kinds.get(hint, 'a value')}"


def _jsonable(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _jsonable(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, tuple | list):
        return [_jsonable(item) for item in value]
    return value


# ---------------------------------------------------------------------------------------------
# Per-person adjustments


ADJUSTABLE_SECTIONS = ("pain", "review", "referral", "zones", "pace")


def customise(protocol: Protocol, overrides: Mapping[str, Any], who: str = "person") -> Protocol:
    """The protocol with a clinician's threshold changes for one person, validated like a file.

    Keys are dotted paths into the threshold sections, e.g. `review.too_little_fraction` or
    `referral.first_week`; errors name the key as the field.
    """
    if not overrides:
        return protocol
    data: dict[str, Any] = _as_toml(_jsonable(protocol))
    label = f"{protocol.name} (adjusted for {who})"
    for key, value in overrides.items():
        section, _, name = key.partition(".")
        if section not in ADJUSTABLE_SECTIONS or not name or name not in data[section]:
            raise ProtocolFileError(
                label,
                key,
                "cannot be adjusted; use a threshold such as review.too_little_fraction "
                f"(sections: {', '.join(ADJUSTABLE_SECTIONS)}; see docs/protocols.md)",
            )
        data[section][name] = value
    adjusted = _build(Protocol, data, "", label)
    check_protocol(adjusted, label)
    return adjusted


def _as_toml(value: Any) -> Any:
    """TOML has no null: a field left out is how a file says None."""
    if isinstance(value, dict):
        return {k: _as_toml(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_as_toml(item) for item in value]
    return value
