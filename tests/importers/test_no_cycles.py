"""No import cycles anywhere in walkrx (issue 9), found with grimp (which import-linter installs).

Two views: module by module (a imports b imports ... a), and package by package, where for every
package each child (module or sub-package, with everything under it) is one node, so that
`walkrx.services` importing `walkrx.storage` while anything in storage imports anything in services
is a cycle even though no single module closes it. Imports inside functions count: grimp sees them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import grimp
import pytest


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("walkrx")


def _strongly_connected(edges: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """The groups of nodes that import one another round a cycle (Tarjan), largest first."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    groups: list[list[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in edges.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            group: list[str] = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                group.append(member)
                if member == node:
                    break
            if len(group) > 1 or node in edges.get(node, ()):
                groups.append(sorted(group))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(groups, key=len, reverse=True)


def _chain(graph: grimp.ImportGraph, group: list[str]) -> str:
    """One import chain round the cycle, for the failure message."""
    first, second = group[0], group[1]
    there = graph.find_shortest_chain(importer=first, imported=second) or ()
    back = graph.find_shortest_chain(importer=second, imported=first) or ()
    return " -> ".join([*there, *back[1:]])


def test_no_module_imports_itself_round_a_cycle(graph: grimp.ImportGraph) -> None:
    edges = {m: graph.find_modules_directly_imported_by(m) for m in graph.modules}
    cycles = _strongly_connected(edges)
    assert not cycles, "import cycles between modules:\n" + "\n".join(
        _chain(graph, group) for group in cycles
    )


def _top_child(module: str, package: str) -> str:
    """The child of `package` that `module` is or lies under."""
    return ".".join(module.split(".")[: package.count(".") + 2])


def test_no_package_imports_itself_round_a_cycle(graph: grimp.ImportGraph) -> None:
    packages = sorted(m for m in graph.modules if graph.find_children(m))
    assert "walkrx.importers" in packages
    found: list[str] = []
    for package in packages:
        edges: dict[str, set[str]] = {child: set() for child in graph.find_children(package)}
        for module in graph.find_descendants(package):
            source = _top_child(module, package)
            for target in graph.find_modules_directly_imported_by(module):
                if target.startswith(package + ".") and _top_child(target, package) != source:
                    edges[source].add(_top_child(target, package))
        for group in _strongly_connected(edges):
            found.append(f"in {package}: {' <-> '.join(group)}")
    assert not found, "import cycles between packages:\n" + "\n".join(found)


def test_the_checks_see_a_cycle() -> None:
    """The cycle finder itself: a -> b -> c -> a is one group, d (importing a) is not in it."""
    edges = {"a": ["b"], "b": ["c"], "c": ["a"], "d": ["a"]}
    assert _strongly_connected(edges) == [["a", "b", "c"]]
    assert _strongly_connected({"a": ["b"], "b": []}) == []
