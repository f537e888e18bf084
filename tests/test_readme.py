"""Test that the README's "Where to change what" table is true: what it names exists where it says.

Each row of the table names files (``kpixl/xlsx.py``, a pattern like ``kpixl/locales/<code>.po``),
names inside them (a function, a constant, a key: ``header_style``, ``CANONICAL``), options
of the command line (``--previous``) and commands to run after the change
(``python scripts/render_dashboard.py --all``, ``CI=true python -m pytest tests/...``).
Every backticked token of every row is checked by its kind; a token of no known kind fails
the test, so a new row is checkable or says plainly that its token is an example file name.
The check is general on purpose: the layout moves, and the table must follow it.
"""

from __future__ import annotations

import ast
import functools
import re
import shlex
from pathlib import Path

import click
import pytest

ROOT = Path(__file__).resolve().parent.parent
PATH = re.compile(r"(?:kpixl|tests|scripts|docs|workbook_templates)/[\w./<>*-]+")
NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
OPTION = re.compile(r"--[a-z][a-z-]*")


def where_to_change_rows(readme: str) -> list[list[str]]:
    """Return the table's rows (its header and rule left out), each as its cells' texts."""
    section = re.search(r"^#+\s*Where to change what\s*$(.*?)(?=^#+\s|\Z)", readme, re.M | re.S)
    assert section, 'README.md has no "Where to change what" section'
    lines = [line.strip() for line in section.group(1).splitlines() if line.strip().startswith("|")]
    return [[cell.strip() for cell in line.strip("|").split(" | ")] for line in lines[2:]]


def files_named(pattern: str) -> list[Path]:
    """Return the files a path names; ``<area>`` (or ``*``) stands for any one name part."""
    return sorted(ROOT.glob(re.sub(r"<[^>]+>", "*", pattern)))


@functools.cache
def names_in(path: Path) -> frozenset[str]:
    """Return every name a Python file binds (def, class, assignment, import, argument) or spells as a string."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            found.add(node.name)
        elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            found.add(node.id)
        elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
            found.add(node.attr)
        elif isinstance(node, ast.alias):
            found.add(node.asname or node.name.split(".")[-1])
        elif isinstance(node, ast.arg):
            found.add(node.arg)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found.add(node.value)
    return frozenset(found)


@functools.cache
def cli_options() -> frozenset[str]:
    """Return every option of every ``kpixl`` command (and the group's own)."""
    from kpixl.cli import cli

    found: set[str] = set()
    commands: list[click.Command] = [cli]
    while commands:
        command = commands.pop()
        found.update(opt for param in command.params for opt in (*param.opts, *param.secondary_opts))
        if isinstance(command, click.Group):
            commands.extend(command.commands.values())
    return frozenset(found)


def command_problems(command: str) -> list[str]:
    """Return what is wrong with a command the table says to run (a script, pytest, kpixl)."""
    words = [w for w in shlex.split(command) if not re.fullmatch(r"[A-Z_]+=\S*", w)]  # CI=true ...
    if words[:3] == ["python", "-m", "pytest"]:
        return [f"{command}: {w} does not exist" for w in words[3:] if not w.startswith("-") and not files_named(w)]
    if words[:1] == ["python"] and len(words) > 1 and words[1].endswith(".py"):
        script = ROOT / words[1]
        if not script.is_file():
            return [f"{command}: {words[1]} does not exist"]
        source = script.read_text(encoding="utf-8")
        return [f"{command}: {words[1]} has no option {w}" for w in words[2:]
                if OPTION.fullmatch(w) and f'"{w}"' not in source and f"'{w}'" not in source]
    if words[:1] == ["kpixl"] and len(words) > 1:
        from kpixl.cli import cli

        if words[1] not in cli.commands:
            return [f"{command}: kpixl has no command {words[1]}"]
        return [f"{command}: kpixl {words[1]} has no option {w}" for w in words[2:]
                if OPTION.fullmatch(w) and w not in cli_options()]
    return [f"{command}: not a command the test knows (python scripts/..., python -m pytest ..., kpixl ...)"]


def row_problems(row: list[str]) -> list[str]:
    """Return what a row names that does not exist (empty when the row is true)."""
    tokens = [t for cell in row for t in re.findall(r"`([^`]+)`", cell)]
    paths = [t for t in tokens if PATH.fullmatch(t)]
    problems = [f"{p} does not exist" for p in paths if not files_named(p)]
    sources = [f for p in paths for f in files_named(p) if f.suffix == ".py" and f.is_relative_to(ROOT / "kpixl")]
    if not any(PATH.fullmatch(t) for t in re.findall(r"`([^`]+)`", row[1])):
        problems.append(f"the 'open' cell names no file: {row[1]}")
    for token in tokens:
        if PATH.fullmatch(token):
            continue
        if re.match(r"(?:[A-Z_]+=\S*\s+)*(?:python|kpixl)\s", token):
            problems.extend(command_problems(token))
        elif OPTION.fullmatch(token):
            if token not in cli_options():
                problems.append(f"{token}: no kpixl command has this option")
        elif NAME.fullmatch(token):
            if not any(token in names_in(f) for f in sources):
                problems.append(f"{token}: not in {[str(f.relative_to(ROOT)) for f in sources]}")
        elif not token.endswith(".xlsx"):  # an example file name (a copy's name, say)
            problems.append(f"{token}: neither a path, a name, an option, a command nor an example .xlsx name")
    return problems


def test_every_row_of_where_to_change_what_names_what_exists():
    rows = where_to_change_rows((ROOT / "README.md").read_text(encoding="utf-8"))
    assert len(rows) >= 6 and all(len(row) == 3 for row in rows), rows
    assert {row[0]: problems for row in rows if (problems := row_problems(row))} == {}


def test_the_company_header_style_row_sends_to_xlsx():
    """Every workbook kpixl writes, the company's included, takes its header style from xlsx.py."""
    rows = where_to_change_rows((ROOT / "README.md").read_text(encoding="utf-8"))
    (row,) = [row for row in rows if "header" in row[0]]
    assert re.findall(r"`(kpixl/[^`]+)`", row[1]) == ["kpixl/xlsx.py"]
    assert {"header_style", "header_format"} <= set(re.findall(r"`([^`]+)`", row[1]))


@pytest.mark.parametrize("row, problem", [
    (["a", "`kpixl/nowhere.py`", ""], "kpixl/nowhere.py does not exist"),
    (["a", "`kpixl/xlsx.py` (`no_such_style`)", ""], "no_such_style: not in ['kpixl/xlsx.py']"),
    (["a", "`kpixl/xlsx.py`", "`python scripts/make_templates.py --nothing`"],
     "python scripts/make_templates.py --nothing: scripts/make_templates.py has no option --nothing"),
    (["a", "`kpixl/xlsx.py`", "`python scripts/nowhere.py`"], "python scripts/nowhere.py: scripts/nowhere.py does not exist"),
    (["a", "`kpixl/xlsx.py`", "`CI=true python -m pytest tests/test_nowhere.py`"],
     "CI=true python -m pytest tests/test_nowhere.py: tests/test_nowhere.py does not exist"),
    (["`--no-such-option`", "`kpixl/xlsx.py`", ""], "--no-such-option: no kpixl command has this option"),
    (["a", "`kpixl/xlsx.py`", "`kpixl frobnicate`"], "kpixl frobnicate: kpixl has no command frobnicate"),
    (["a", "`kpixl/texts/<nowhere>/x.py`", ""], "kpixl/texts/<nowhere>/x.py does not exist"),
    (["a", "see the code", ""], "the 'open' cell names no file: see the code"),
    (["a", "`kpixl/xlsx.py` (`a = b`)", ""], "a = b: neither a path, a name, an option, a command nor an example .xlsx name"),
])
def test_the_check_sees_a_wrong_row(row, problem):
    assert problem in row_problems(row)


def test_the_check_passes_a_true_row():
    assert row_problems(["`--previous`, `Sales (1).xlsx`", "`kpixl/reader/<area>.py` (`type_cell`), `kpixl/xlsx.py` "
                         "(`header_style`)", "`python scripts/render_dashboard.py --all`, `tests/test_house.py`, "
                         "`CI=true python -m pytest tests/test_engines.py`, `kpixl consolidate --previous`"]) == []
