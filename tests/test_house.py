"""Test the house rules that keep kpixl small enough to hold in one's head.

* No function above cyclomatic complexity 25 (McCabe, counted on the AST like radon:
  1 + each branch point: if/elif, for/while (+ their else), except, assert,
  boolean operators, comprehension loops and their conditions, match cases, ternaries).
* mypy finds nothing, run as plain ``python -m mypy kpixl`` so pyproject's ``[tool.mypy]`` is
  the one place its settings live (skipped without mypy locally, a failure under ``CI=true``).
* Every path the README names exists (its layout and "Where to change what" guide newcomers).
"""

from __future__ import annotations

import ast
import importlib.util
import re
import subprocess
import sys
from pathlib import Path

import pytest

import conftest

ROOT = Path(__file__).resolve().parent.parent
LIMIT = 25


def _complexity(node: ast.AST) -> int:
    score = 1
    for child in ast.walk(node):
        if child is not node and isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            continue
        if isinstance(child, (ast.If, ast.IfExp, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.Assert)):
            score += 1
            if isinstance(child, (ast.For, ast.AsyncFor, ast.While)) and child.orelse:
                score += 1
        elif isinstance(child, ast.BoolOp):
            score += len(child.values) - 1
        elif isinstance(child, ast.comprehension):
            score += 1 + len(child.ifs)
        elif isinstance(child, ast.match_case):
            score += 1
    return score


def _own_body(function: ast.AST) -> ast.AST:
    """Return the function with nested functions left out (they are scored on their own)."""
    clone = ast.parse(ast.unparse(function)).body[0]
    for node in ast.walk(clone):
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and node is not clone:
                setattr(node, field, [b for b in block if not isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef))]
                        or [ast.Pass()])
    clone.body = [b for b in clone.body if not isinstance(b, (ast.FunctionDef, ast.AsyncFunctionDef))] or [ast.Pass()]
    return clone


def complexities() -> dict[str, int]:
    """Return the complexity of every function and method in the package, by ``file:line name``."""
    found = {}
    for path in sorted((ROOT / "kpixl").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                found[f"{path.relative_to(ROOT)}:{node.lineno} {node.name}"] = _complexity(_own_body(node))
    return found


def test_no_function_is_above_the_complexity_limit():
    assert {name: score for name, score in complexities().items() if score > LIMIT} == {}


def test_the_counter_counts_branches():
    source = "def f(x):\n    if x and x > 1 or x < -1:\n        return [y for y in x if y]\n    return 0\n"
    assert _complexity(ast.parse(source).body[0]) == 1 + 1 + 2 + 2


def test_mypy_finds_nothing():
    if importlib.util.find_spec("mypy") is None:
        if conftest.under_ci():
            pytest.fail("mypy is not installed (CI=true: the test extra must bring it)", pytrace=False)
        pytest.skip("mypy is not installed (pip install '.[test]')")
    result = subprocess.run([sys.executable, "-m", "mypy", "kpixl"], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout[-3000:]


def test_mypys_settings_live_in_pyproject_only():
    """Flags on a command line would make `python -m mypy kpixl` at the prompt check something else."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    section = re.search(r"^\[tool\.mypy\]\n(.*?)(?=^\[|\Z)", pyproject, re.M | re.S)
    assert section, "pyproject.toml has no [tool.mypy] section"
    for setting in ("check_untyped_defs", "ignore_missing_imports"):
        assert re.search(rf"^{setting}\s*=\s*true\s*$", section.group(1), re.M), setting
    for path in (Path(__file__), ROOT / ".ci" / "run"):
        calls = re.findall(r"mypy\b[^\n]*", path.read_text(encoding="utf-8"))
        assert not [c for c in calls if re.search(r"mypy[\"',\s]+--", c)], f"{path.name}: mypy flags belong in pyproject"


def test_every_path_the_readme_names_exists():
    """The README's layout and its "Where to change what" table point a newcomer at real files."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`((?:kpixl|tests|scripts|docs|workbook_templates)/[\w./<>-]*)`", readme))
    assert len(named) > 20
    missing = [p for p in sorted(named) if "<" not in p and not (ROOT / p).exists()]
    assert missing == []
