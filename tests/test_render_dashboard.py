"""Test scripts/render_dashboard.py: pictures through LibreOffice's default settings, and the cache check."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import openpyxl
import pytest
import xlsxwriter

import libreoffice

ROOT = Path(__file__).resolve().parents[1]


def load_script():
    spec = importlib.util.spec_from_file_location("render_dashboard", ROOT / "scripts" / "render_dashboard.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("render_dashboard", module)
    spec.loader.exec_module(module)
    return module


render = load_script()


def cached_workbook(path: Path) -> Path:
    """Write a workbook whose formula cells cache one right and one wrong value, and one text."""
    book = xlsxwriter.Workbook(path)
    ws = book.add_worksheet("Sheet1")
    ws.write_number("A1", 3)
    ws.write_formula("B1", "=A1*2", None, 6)       # right
    ws.write_formula("B2", "=A1*3", None, 0)       # wrong: LibreOffice computes 9
    ws.write_formula("B3", '=IF(A1>2,"big","small")', None, "big")
    book.close()
    return path


def values_workbook(path: Path, values: dict[str, object]) -> Path:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    for ref, value in values.items():
        ws[ref] = value
    book.save(path)
    return path


def test_the_default_profile_does_not_force_recalculation(tmp_path):
    profile = render.default_profile(tmp_path / "profile")
    registry = (profile / "user" / "registrymodifications.xcu").read_text(encoding="utf-8")
    assert "RecalcMode" not in registry
    assert "RecalcMode" in (libreoffice.make_profile(tmp_path / "tests") / "user" /
                            "registrymodifications.xcu").read_text(encoding="utf-8")


def test_cached_differences_names_every_wrong_cache(tmp_path):
    source = cached_workbook(tmp_path / "source.xlsx")
    computed = values_workbook(tmp_path / "computed.xlsx", {"A1": 3, "B1": 6, "B2": 9, "B3": "big"})
    assert render.cached_differences(source, computed) == (3, 1, ["Sheet1!B2: cached 0, LibreOffice 9"])
    right = values_workbook(tmp_path / "right.xlsx", {"A1": 3, "B1": 6.0000000000001, "B2": 0, "B3": "big"})
    assert render.cached_differences(source, right) == (3, 0, [])
    worse = values_workbook(tmp_path / "worse.xlsx", {"A1": 3, "B1": 7, "B2": 9, "B3": "small"})
    assert render.cached_differences(source, worse, limit=2) == (3, 3, ["Sheet1!B1: cached 6, LibreOffice 7",
                                                                         "Sheet1!B2: cached 0, LibreOffice 9"])


@pytest.mark.libreoffice
def test_libreoffice_default_settings_show_the_cached_values(tmp_path, soffice):
    """The pictures show what the file caches: with the default profile LibreOffice keeps a wrong cache."""
    source = cached_workbook(tmp_path / "source.xlsx")
    shown = libreoffice.convert([source], tmp_path / "default", profile=render.default_profile(tmp_path / "p1"),
                                soffice=soffice)[0]
    recalculated = libreoffice.recalculate(source, tmp_path / "recalculated",
                                           profile=libreoffice.make_profile(tmp_path / "p2"), soffice=soffice)
    as_shown = openpyxl.load_workbook(shown, data_only=True)["Sheet1"]
    assert (as_shown["B1"].value, as_shown["B2"].value, as_shown["B3"].value) == (6, 0, "big")
    assert openpyxl.load_workbook(recalculated, data_only=True)["Sheet1"]["B2"].value == 9
    assert render.cached_differences(source, recalculated) == (3, 1, ["Sheet1!B2: cached 0, LibreOffice 9"])
