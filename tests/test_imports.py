"""Test kpixl's import graph: no circles, and no import deferred into a function to dodge one.

The graph is built statically with :mod:`ast` from every ``import`` in ``kpixl/``: those
at module level (including ``if TYPE_CHECKING:`` blocks, which hide a circle from the
interpreter but not from a reader) and those inside functions. Importing
``kpixl.a.b`` runs ``kpixl/a/__init__.py`` first, so an import of a module also counts
as an import of each package above it that the importer is not itself inside.

The floors these tests keep are written in ``kpixl/__init__.py``'s docstring, which
test_no_module_imports_one_above_its_floor reads.
"""

from __future__ import annotations

import ast
import functools
import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "kpixl"

# The only imports of kpixl modules allowed inside a function, each with why.
# cli.py imports each command's module when that command runs, so `kpixl --help` and
# shell completion start without pandas, XlsxWriter or the reader (start-up speed).
# kpixl/__init__.py, the top floor, makes ``kpixl.read_workbook(...)``, ``kpixl.validate(...)``
# & co. work without importing the API (and pandas) on ``import kpixl`` (PEP 562): every
# ``import kpixl.x`` runs kpixl/__init__.py, so importing the API there would undo cli's laziness.
LAZY_KPIXL_IMPORTS = {
    ("kpixl.cli", "kpixl.api"): "the template, validate and consolidate commands load the API when run",
    ("kpixl.cli", "kpixl.texts"): "the template command's language names, loaded when it runs",
    ("kpixl.cli", "kpixl.isolation"): "the worker pool, started only by a command that reads workbooks",
    ("kpixl.cli", "kpixl.rollover"): "the rollover command, loaded when it runs",
    ("kpixl.cli", "kpixl.split"): "the split command, loaded when it runs",
    ("kpixl.cli", "kpixl.demo"): "the demo command, loaded when it runs",
    ("kpixl", "kpixl.api"): "kpixl.read_workbook & co. and calling kpixl.validate load the API on first use",
}

# Imports of other libraries allowed inside a function, each with why (no circle can run
# through another library; these keep `import kpixl` light or run where the library is).
LAZY_OTHER_IMPORTS = {
    ("kpixl.api", "pandas"): "the API returns DataFrames; import kpixl does not load pandas until asked",
    ("kpixl.consolidate.export", "pyarrow"): "Parquet only when asked for (pyarrow takes a quarter second to import)",
    ("kpixl.consolidate.export", "pyarrow.parquet"): "Parquet only when asked for",
    ("kpixl.isolation", "resource"): "a POSIX module: the memory limit is set only where it exists",
    ("kpixl.cli", "click.shell_completion"): "shell completion, loaded only when the shell asks",
    ("kpixl", "importlib"): "kpixl.validate / kpixl.consolidate loaded on first use (PEP 562)",
}

# Circles another branch is breaking: none left (issue 21's consolidate <-> export and history
# circles are gone: export moved into the consolidate package, history's data is split from
# its writers, wrapped_lines and print_setup moved down). A circle listed here must still be
# there (test_every_known_cycle_is_still_there), with the function-level imports it needs.
KNOWN_CYCLES: dict[tuple[str, ...], str] = {}
KNOWN_FUNCTION_IMPORTS: set[tuple[str, str]] = set()


@dataclass(frozen=True)
class Import:
    """One import statement's target, as seen in the importing module."""

    importer: str
    target: str
    line: int
    in_function: bool


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _modules() -> dict[str, Path]:
    return {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def _walk(node: ast.AST, in_function: bool = False):
    """Yield (import node, whether it sits inside a function)."""
    for child in ast.iter_child_nodes(node):
        if isinstance(child, (ast.Import, ast.ImportFrom)):
            yield child, in_function
        yield from _walk(child, in_function or isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef,
                                                                   ast.Lambda)))


def _targets(node: ast.Import | ast.ImportFrom, importer: str, is_package: bool, modules: set[str]) -> list[str]:
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:
        here = importer.split(".") if is_package else importer.split(".")[:-1]
        base = ".".join(here[:len(here) - node.level + 1] + ([base] if base else []))
    # `from kpixl import texts` imports the module kpixl.texts; `from kpixl.core import x`, kpixl.core.
    return [f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules else base for alias in node.names]


@functools.cache
def all_imports() -> list[Import]:
    """Return every import in kpixl, in- and outside functions."""
    modules = _modules()
    found = []
    for name, path in modules.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node, in_function in _walk(tree):
            for target in _targets(node, name, path.name == "__init__.py", set(modules)):
                found.append(Import(name, target, node.lineno, in_function))
    return found


def _runs(importer: str, target: str) -> list[str]:
    """Return the kpixl modules an import of ``target`` runs: it and each package above it not above the importer."""
    parts = target.split(".")
    chain = [".".join(parts[:n]) for n in range(1, len(parts) + 1)]
    above_importer = {".".join(importer.split(".")[:n]) for n in range(1, importer.count(".") + 1)} | {importer}
    return [module for module in chain if module.startswith("kpixl") and module not in above_importer]


def graph(imports: list[Import] | None = None) -> dict[str, set[str]]:
    """Return the static import graph of kpixl: module -> the kpixl modules importing it runs."""
    modules = set(_modules())
    edges: dict[str, set[str]] = {module: set() for module in modules}
    for imp in all_imports() if imports is None else imports:
        edges[imp.importer].update(module for module in _runs(imp.importer, imp.target) if module in modules)
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Return one circle through each strongly connected component (Tarjan), as a path back to its start."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[set[str]] = []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges[node]):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.add(member)
                if member == node:
                    break
            if len(component) > 1 or node in edges[node]:
                components.append(component)

    limit = sys.getrecursionlimit()
    sys.setrecursionlimit(max(limit, 10_000))
    try:
        for node in sorted(edges):
            if node not in index:
                visit(node)
    finally:
        sys.setrecursionlimit(limit)
    return [_circle(component, edges) for component in components]


def _circle(component: set[str], edges: dict[str, set[str]]) -> list[str]:
    """Return the shortest circle from the component's first module back to it (breadth first)."""
    start = min(component)
    paths = {start: [start]}
    queue = [start]
    while queue:
        node = queue.pop(0)
        for nxt in sorted(edges[node] & component):
            if nxt == start:
                return paths[node] + [start]
            if nxt not in paths:
                paths[nxt] = paths[node] + [nxt]
                queue.append(nxt)
    raise AssertionError(component)  # pragma: no cover - a component always has a circle


def _without_known(edges: dict[str, set[str]]) -> dict[str, set[str]]:
    pruned = {module: set(targets) for module, targets in edges.items()}
    for circle in KNOWN_CYCLES:
        pruned[circle[-2]].discard(circle[-1])
    return pruned


def test_kpixl_has_no_import_circle():
    found = cycles(_without_known(graph()))
    assert found == [], "import circles: " + "; ".join(" -> ".join(circle) for circle in found)


@pytest.mark.parametrize("circle", list(KNOWN_CYCLES), ids=" -> ".join)
def test_every_known_cycle_is_still_there(circle):
    edges = graph()
    missing = [(a, b) for a, b in zip(circle, circle[1:]) if b not in edges[a]]
    assert circle[0] == circle[-1]
    assert missing == [], f"this known circle is gone (imports {missing} no longer there): delete it from KNOWN_CYCLES"


def test_no_kpixl_module_is_imported_inside_a_function_but_cli_s_lazy_ones():
    allowed = set(LAZY_KPIXL_IMPORTS) | KNOWN_FUNCTION_IMPORTS
    found = sorted(f"{imp.importer}:{imp.line} imports {imp.target}" for imp in all_imports()
                   if imp.in_function and imp.target.split(".")[0] == "kpixl"
                   and (imp.importer, imp.target) not in allowed)
    assert found == [], "move these imports to the top of the module (move what both sides need down a floor): " \
        + "; ".join(found)


def test_other_libraries_are_imported_inside_a_function_only_where_listed():
    found = sorted(f"{imp.importer}:{imp.line} imports {imp.target}" for imp in all_imports()
                   if imp.in_function and imp.target.split(".")[0] != "kpixl"
                   and (imp.importer, imp.target) not in LAZY_OTHER_IMPORTS)
    assert found == [], "import these at the top, or list them in LAZY_OTHER_IMPORTS with why: " + "; ".join(found)


def test_every_listed_lazy_import_is_still_there():
    seen = {(imp.importer, imp.target) for imp in all_imports() if imp.in_function}
    stale = sorted((set(LAZY_KPIXL_IMPORTS) | set(LAZY_OTHER_IMPORTS) | KNOWN_FUNCTION_IMPORTS) - seen)
    assert stale == [], f"no longer imported inside a function: delete from the lists {stale}"


def floors() -> dict[str, int]:
    """Return each floor's modules, as ``kpixl/__init__.py``'s docstring lists them (``N. name: a, b``)."""
    doc = ast.get_docstring(ast.parse((PACKAGE / "__init__.py").read_text(encoding="utf-8"))) or ""
    found = {}
    for number, names in re.findall(r"^(\d+)\. \w+: (.+)$", doc, re.M):
        for name in names.split(","):
            found["kpixl" if name.strip() == "kpixl" else f"kpixl.{name.strip()}"] = int(number)
    return found


def floor_of(module: str, listed: dict[str, int]) -> int | None:
    """Return the floor of ``module``: its own, or that of the package it is inside (kpixl.reader.lean: reader's)."""
    parts = module.split(".")
    for n in range(len(parts), 0, -1):
        if ".".join(parts[:n]) in listed and (n > 1 or module == "kpixl"):
            return listed[".".join(parts[:n])]
    return None


def test_every_module_has_a_floor():
    listed = floors()
    assert len(listed) > 20 and max(listed.values()) == 7
    assert [m for m in sorted(_modules()) if floor_of(m, listed) is None] == []
    assert [m for m in listed if m not in _modules()] == []


def test_no_module_imports_one_above_its_floor():
    listed = floors()
    lazy = set(LAZY_KPIXL_IMPORTS) | KNOWN_FUNCTION_IMPORTS
    found = sorted({f"{imp.importer}:{imp.line} (floor {floor_of(imp.importer, listed)}) imports {target} "
                   f"(floor {floor_of(target, listed)})"
                   for imp in all_imports() for target in _runs(imp.importer, imp.target)
                   if target in listed or floor_of(target, listed) is not None
                   if floor_of(target, listed) > floor_of(imp.importer, listed)  # type: ignore[operator]
                   and not (imp.in_function and (imp.importer, imp.target) in lazy and imp.importer in ("kpixl.cli",
                                                                                                   "kpixl"))})
    assert found == [], "imports upwards (move the shared thing down a floor): " + "; ".join(found)


# The checker itself, on small made-up graphs (so a test that cannot fail would show here).

def test_cycles_names_a_circle_and_passes_a_tree():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c", "a"]]
    assert cycles({"a": {"b", "c"}, "b": {"c"}, "c": set()}) == []
    assert cycles({"a": {"a"}}) == [["a", "a"]]


def test_an_import_of_a_module_runs_the_packages_above_it():
    assert _runs("kpixl.model", "kpixl.reader.refs") == ["kpixl.reader", "kpixl.reader.refs"]
    assert _runs("kpixl.reader.engines", "kpixl.reader.refs") == ["kpixl.reader.refs"]
    assert _runs("kpixl.reader", "kpixl.reader.engines") == ["kpixl.reader.engines"]
    assert _runs("kpixl.cli", "click") == []


def test_function_level_and_type_checking_imports_are_seen():
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    import kpixl.core\n" \
             "def f():\n    from kpixl import model\n"
    found = [(node.lineno, inside) for node, inside in _walk(ast.parse(source))]
    assert found == [(1, False), (3, False), (5, True)]


def test_the_floor_check_sees_an_import_upwards(monkeypatch):
    listed = floors()
    monkeypatch.setattr(sys.modules[__name__], "floors", lambda: {**listed, "kpixl.company": listed["kpixl.validate"] + 1})
    with pytest.raises(AssertionError, match=r"kpixl.validate:\d+ \(floor 3\) imports kpixl.company \(floor 4\)"):
        test_no_module_imports_one_above_its_floor()


def test_the_commands_modules_are_callable_without_loading_the_api_first(tmp_path):
    """kpixl/__init__.py makes kpixl.validate and kpixl.consolidate callable as they are imported; the API loads on call."""
    code = ("import sys, kpixl.validate, kpixl.consolidate, kpixl\n"
            "assert callable(kpixl.validate) and callable(kpixl.consolidate)\n"
            "assert 'kpixl.api' not in sys.modules and 'pandas' not in sys.modules\n"
            "report = kpixl.validate([sys.argv[1]])\n"
            "print(type(report).__module__, report.errors, 'kpixl.api' in sys.modules)\n")
    (tmp_path / "x.xlsx").write_bytes(b"not a workbook")
    done = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.xlsx")], cwd=ROOT, capture_output=True,
                          text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert (done.returncode, done.stdout, done.stderr) == (0, "kpixl.api 1 True\n", "")
