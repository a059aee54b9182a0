"""The service-layer rules of decision 0006, checked on the source (issue 9).

- No CLI command and no web route calls more than one use case (a service function that takes a
  unit of work), directly or through a helper of its own module.
- No service message names a CLI command, an option or a page.
- No source module is over ~500 lines.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
from pathlib import Path

import pytest

import walkrx.services

SRC = Path(__file__).resolve().parent.parent / "src" / "walkrx"
INTERFACES = sorted([*(SRC / "cli").glob("*.py"), *(SRC / "web" / "routes").glob("*.py")])
INTERFACES += [SRC / "web" / "uploads.py", SRC / "web" / "deps.py"]
MAX_LINES = 520
# Reading --person is parsing a command line, not a use case (decision 0006, point 3).
PARSING = {"resolve_person_id"}


def _use_cases() -> dict[str, set[str]]:
    """Service module name -> names of its public functions whose first parameter is `uow`."""
    found: dict[str, set[str]] = {}
    for info in pkgutil.iter_modules(walkrx.services.__path__):
        module = importlib.import_module(f"walkrx.services.{info.name}")
        for name, fn in inspect.getmembers(module, inspect.isfunction):
            if fn.__module__ != module.__name__ or name.startswith("_") or name in PARSING:
                continue
            params = list(inspect.signature(fn).parameters)
            if params and params[0] == "uow":
                found.setdefault(info.name, set()).add(name)
    return found


USE_CASES = _use_cases()


def _service_names(tree: ast.Module) -> tuple[dict[str, str], dict[str, str]]:
    """(alias -> service module) for `from walkrx.services import x`, and
    (name -> service module) for `from walkrx.services.x import name`, anywhere in the file."""
    modules: dict[str, str] = {}
    names: dict[str, str] = {}
    for node in ast.walk(tree):
        if not isinstance(node, ast.ImportFrom) or not node.module:
            continue
        if node.module == "walkrx.services":
            for alias in node.names:
                modules[alias.asname or alias.name] = alias.name
        elif node.module.startswith("walkrx.services."):
            mod = node.module.rsplit(".", 1)[1]
            for alias in node.names:
                names[alias.asname or alias.name] = mod
    return modules, names


def _outside_handlers(fn: ast.AST) -> list[ast.AST]:
    """The nodes of `fn` outside `except` blocks: a refused write may read the page again to show
    the form with the problem (the write rolled back; decision 0006)."""
    skip = {id(n) for h in ast.walk(fn) if isinstance(h, ast.ExceptHandler) for n in ast.walk(h)}
    return [n for n in ast.walk(fn) if id(n) not in skip]


def _calls(fn: ast.AST, modules: dict[str, str], names: dict[str, str]) -> tuple[int, set[str]]:
    """How many use-case calls `fn` makes itself, and which module-level functions it calls."""
    count = 0
    local: set[str] = set()
    for node in _outside_handlers(fn):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if isinstance(f, ast.Attribute) and isinstance(f.value, ast.Name):
            mod = modules.get(f.value.id)
            if mod and f.attr in USE_CASES.get(mod, set()):
                count += 1
        elif isinstance(f, ast.Name):
            mod = names.get(f.id)
            if mod and f.id in USE_CASES.get(mod, set()):
                count += 1
            else:
                local.add(f.id)
    return count, local


def _per_function(path: Path) -> dict[str, int]:
    """Use-case calls of each top-level function, counting its own module's helpers it calls."""
    tree = ast.parse(path.read_text())
    modules, names = _service_names(tree)
    own: dict[str, tuple[int, set[str]]] = {
        node.name: _calls(node, modules, names)
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
    }

    def total(name: str, seen: frozenset[str]) -> int:
        count, local = own[name]
        return count + sum(total(n, seen | {n}) for n in local if n in own and n not in seen)

    return {name: total(name, frozenset({name})) for name in own}


def test_the_checker_finds_use_cases() -> None:
    """The rule below is no rubber stamp: it sees the use cases it is about."""
    assert "log_walk" in USE_CASES["diary"]
    assert "import_files" in USE_CASES["imports"]
    assert "load_program" in USE_CASES["program"]


@pytest.mark.parametrize("path", INTERFACES, ids=lambda p: str(p.relative_to(SRC)))
def test_each_command_and_route_calls_one_use_case(path: Path) -> None:
    over = {name: n for name, n in _per_function(path).items() if n > 1}
    assert not over, f"functions calling more than one use case: {over}"


def _messages(path: Path) -> list[str]:
    """String constants of a module, docstrings left out."""
    tree = ast.parse(path.read_text())
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.FunctionDef | ast.ClassDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    return [
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant)
        and isinstance(node.value, str)
        and id(node) not in docstrings
    ]


COMMAND = re.compile(
    r"walkrx (init|log|walks|import|analyze|checkin|clear-flag|week|review|plan)\b"
)
OPTION = re.compile(r"(^|\s|\()--[a-z]")
PAGE = re.compile(r"(^|\s)/(today|walks|log|upload|onboarding|clinician|signin)\b")


@pytest.mark.parametrize("path", sorted((SRC / "services").glob("*.py")), ids=lambda p: p.name)
def test_no_service_message_names_a_command_an_option_or_a_page(path: Path) -> None:
    bad = [m for m in _messages(path) if COMMAND.search(m) or OPTION.search(m) or PAGE.search(m)]
    assert not bad, f"service messages that belong to an interface: {bad}"


@pytest.mark.parametrize("path", sorted(SRC.rglob("*.py")), ids=lambda p: str(p.relative_to(SRC)))
def test_no_module_is_over_500_lines(path: Path) -> None:
    lines = len(path.read_text().splitlines())
    assert lines <= MAX_LINES, f"{lines} lines: split it into modules of a readable size"
