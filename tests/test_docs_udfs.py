"""Test that docs/udfs.md documents every UDF with the argument list of its signature."""

from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest

from kpixl import udfs

DOC = Path(__file__).resolve().parents[1] / "docs" / "udfs.md"
SIGNATURE_LINE = re.compile(r"^`(KPI_[A-Z_]+)\((.*)\)`$", re.MULTILINE)


def documented() -> dict[str, list[tuple[str, bool]]]:
    """Return {function: [(argument, optional)]} from the doc's signature lines."""
    found = {}
    for name, arglist in SIGNATURE_LINE.findall(DOC.read_text(encoding="utf-8")):
        args = []
        for part in (p.strip() for p in arglist.split(",")):
            optional = part.startswith("[") and part.endswith("]")
            args.append((part.strip("[]").split("=")[0].strip(), optional))
        found[name] = args
    return found


def signature(function) -> list[tuple[str, bool]]:
    return [(p.name, p.default is not inspect.Parameter.empty)
            for p in inspect.signature(function).parameters.values()]


UDFS = [name for name in udfs.__all__ if name.startswith("KPI_")]


def test_every_public_udf_is_exported():
    module_functions = {n for n, obj in vars(udfs).items() if n.startswith("KPI_") and callable(obj)}
    assert set(UDFS) == module_functions
    assert len(UDFS) == 10


@pytest.mark.parametrize("name", UDFS)
def test_udf_is_documented_with_its_signature(name):
    docs = documented()
    assert name in docs, f"docs/udfs.md has no line `{name}(...)`"
    assert docs[name] == signature(getattr(udfs, name))


def test_the_parser_sees_a_changed_argument_list():
    def KPI_EXAMPLE(actual, target, baseline=None):
        """Return nothing."""

    assert signature(KPI_EXAMPLE) == [("actual", False), ("target", False), ("baseline", True)]
    assert signature(KPI_EXAMPLE) != documented()["KPI_ATTAINMENT"]
