"""Test kpixl.codes: one registry of finding codes; the code and the docs agree with it."""

from __future__ import annotations

import re
import sys
from pathlib import Path

from kpixl import codes
from kpixl.model import Finding

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "scripts"))

import make_validation_docs  # noqa: E402


def _codes_in_source() -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for path in sorted((ROOT / "kpixl").rglob("*.py")):
        if path.name == "codes.py":
            continue
        for code in re.findall(r"\bKPX\d{3}\b", path.read_text(encoding="utf-8")):
            found.setdefault(code, []).append(path.name)
    return found


def test_every_code_the_package_uses_is_registered():
    unknown = {code: files for code, files in _codes_in_source().items() if code not in codes.REGISTRY}
    assert unknown == {}


def test_every_registered_code_is_used_somewhere():
    used = set(_codes_in_source())
    assert [c.id for c in codes.CODES if c.id not in used] == []


def test_codes_are_unique_sorted_and_well_formed():
    ids = [c.id for c in codes.CODES]
    assert len(ids) == len(set(ids)) and ids == sorted(ids)
    for code in codes.CODES:
        assert re.fullmatch(r"KPX\d{3}", code.id)
        assert code.severity in (codes.ERROR, codes.WARNING, codes.NOTE)
        assert code.title and code.fix and code.group in codes.GROUPS


def test_a_finding_takes_its_severity_from_the_registry():
    assert Finding("KPX405", "error", "late").severity == "warning"
    assert Finding("KPX401", "warning", "unknown KPI").severity == "error"
    assert Finding("KPX405", "warning", "late").title == codes.get("KPX405").title


def test_the_docs_tables_are_generated_from_the_registry():
    page = make_validation_docs.PAGE.read_text(encoding="utf-8")
    assert make_validation_docs.render(page) == page, "run python scripts/make_validation_docs.py"
    assert sorted(make_validation_docs.block_groups(page)) == sorted({c.group for c in codes.CODES})
