"""Test kpixl.refs: the one implementation of column letters and A1 references."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpixl import refs
from kpixl.refs import column_letter, column_number, parse_ref, split_cell


@pytest.mark.parametrize("number, letters", [(1, "A"), (26, "Z"), (27, "AA"), (52, "AZ"), (53, "BA"), (702, "ZZ"),
                                             (703, "AAA"), (16384, "XFD")])
def test_column_letters(number, letters):
    assert column_letter(number) == letters
    assert column_number(letters) == number == column_number(letters.lower())


@given(st.integers(min_value=1, max_value=18278))
def test_letters_and_numbers_round_trip(number):
    assert column_number(column_letter(number)) == number


def test_ranges_and_cells():
    assert parse_ref("B2:D9") == (2, 2, 9, 4)
    assert parse_ref("$C$12") == (12, 3, 12, 3)
    with pytest.raises(ValueError):
        parse_ref("B2:9")
    assert split_cell("C12") == ("C", 12) and split_cell("XFD1048576") == ("XFD", 1048576)
    assert [split_cell(c) for c in ("$C$12", "c12", "C012", "C0", "C", "12", "Sheet!C1", "")] == [None] * 8


def _base26(node: ast.AST) -> bool:
    """True for the arithmetic of column letters: ``n * 26``, ``divmod(n, 26)``, ``chr(65 + r)``, ``ord(c) - 64``."""
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Mult):
        return any(isinstance(side, ast.Constant) and side.value == 26 for side in (node.left, node.right))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.args:
        if node.func.id == "divmod" and len(node.args) == 2:
            return isinstance(node.args[1], ast.Constant) and node.args[1].value == 26
        if node.func.id == "chr":
            return isinstance(node.args[0], ast.BinOp)
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Sub) and isinstance(node.left, ast.Call):
        return getattr(node.left.func, "id", None) == "ord" and isinstance(node.right, ast.Constant)
    return False


def test_the_checker_sees_column_arithmetic():
    source = "a = n * 26\nb = divmod(n, 26)\nc = chr(65 + r)\nd = ord(ch) - 64\ne = width(26)\nf = ord('<')\n"
    assert [_base26(node) for node in ast.parse(source).body for node in [node.value]] == [True] * 4 + [False] * 2


def test_no_other_module_decodes_column_letters():
    """The vectorised byte scanners aside (numpy over whole sheets at once), no module does."""
    package = Path(refs.__file__).parent
    found = []
    for path in sorted(package.rglob("*.py")):
        if path.name == "refs.py" or path.parent.name == "reader" and path.name in ("sheetscan.py", "lean.py"):
            continue
        found += [f"{path.relative_to(package)}:{node.lineno}"
                  for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))) if _base26(node)]
    assert found == []
