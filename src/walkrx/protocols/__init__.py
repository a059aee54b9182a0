"""Protocol files: the shipped protocols as package data, and the loader that validates them.

available() -> list[str]                       shipped protocol names
load(name_or_path) -> Protocol                 a shipped name or a clinic's TOML file
parse(content, file="<protocol>") -> Protocol  the text of a protocol file
describe(protocol) -> dict                     a JSON-able description
customise(protocol, overrides) -> Protocol     a clinician's threshold changes for one person
"""

from walkrx.protocols.loader import available, customise, describe, load, parse

__all__ = ["available", "customise", "describe", "load", "parse"]
