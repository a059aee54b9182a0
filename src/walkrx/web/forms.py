"""Reading HTML form values: empty fields are "not given", and bad ones get a message to fix them.

Browsers send every field as text (an empty number box is ""), so pages read forms here rather
than through FastAPI's typed parameters, whose refusals would be JSON, not a page.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, time
from typing import Any

from walkrx.errors import InvalidInputError


def text(form: Mapping[str, Any], name: str) -> str:
    value = form.get(name)
    return value.strip() if isinstance(value, str) else ""


def many(form: Any, name: str) -> list[str]:
    """Every value of a repeated field (checkboxes), empty ones dropped."""
    return [v.strip() for v in form.getlist(name) if isinstance(v, str) and v.strip()]


def opt_int(form: Mapping[str, Any], name: str, label: str) -> int | None:
    raw = text(form, name)
    if not raw:
        return None
    try:
        return int(raw)
    except ValueError:
        raise InvalidInputError(f"{label} must be a whole number, not '{raw}'") from None


def opt_float(form: Mapping[str, Any], name: str, label: str) -> float | None:
    raw = text(form, name).replace(",", ".")
    if not raw:
        return None
    try:
        return float(raw)
    except ValueError:
        raise InvalidInputError(f"{label} must be a number, not '{raw}'") from None


def req_float(form: Mapping[str, Any], name: str, label: str) -> float:
    value = opt_float(form, name, label)
    if value is None:
        raise InvalidInputError(f"give the {label}")
    return value


def opt_date(form: Mapping[str, Any], name: str, label: str) -> date | None:
    raw = text(form, name)
    if not raw:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError(f"{label} '{raw}' is not a date: use YYYY-MM-DD") from None


def opt_time(form: Mapping[str, Any], name: str, label: str) -> time | None:
    raw = text(form, name)
    if not raw:
        return None
    try:
        return time.fromisoformat(raw)
    except ValueError:
        raise InvalidInputError(f"{label} '{raw}' is not a time: use HH:MM") from None


def yes_no(form: Mapping[str, Any], name: str, label: str) -> bool | None:
    raw = text(form, name).lower()
    if not raw:
        return None
    if raw in ("yes", "true", "on", "1"):
        return True
    if raw in ("no", "false", "0"):
        return False
    raise InvalidInputError(f"{label} takes yes or no, not '{raw}'")
