"""Own the IronCalc and Gnumeric harness: recalculate a workbook in each and compare every formula cell.

LibreOffice (``tests/libreoffice.py``) is not the only program staff open a department
workbook in. This module recalculates a workbook in IronCalc (the ``ironcalc`` Python
package) and in Gnumeric (``ssconvert --recalc``), reads back every formula cell's value,
and compares it with the value kpixl stored (:func:`mismatches`), at 1e-9.

Like ``tests/libreoffice.py`` it is a test helper, not part of the package:
``scripts/bench_recalc.py`` and ``tests/test_engines.py`` use it.
"""

from __future__ import annotations

import datetime as dt
import math
import shutil
import subprocess
import warnings
from pathlib import Path
from typing import Any

Cell = tuple[str, str]  # (sheet, A1 coordinate)
EXCEL_EPOCH = dt.datetime(1899, 12, 30)
TOLERANCE = 1e-9


def find_ssconvert() -> str | None:
    """Return the path of Gnumeric's ssconvert, or None when Gnumeric is not installed."""
    return shutil.which("ssconvert")


def have_ironcalc() -> bool:
    """Return whether the ironcalc package can be imported."""
    try:
        import ironcalc  # noqa: F401
    except ImportError:
        return False
    return True


def _load(path: Path | str, data_only: bool):
    import openpyxl
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path, data_only=data_only, read_only=False)


def normalise(value: Any) -> Any:
    """Return a cell value comparable across readers: dates as serials, None as "", ints as floats."""
    if isinstance(value, dt.datetime):
        return (value - EXCEL_EPOCH).total_seconds() / 86400
    if isinstance(value, dt.date):
        return float((value - EXCEL_EPOCH.date()).days)
    if value is None:
        return ""
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)):
        return float(value)
    return value


def formula_cells(path: Path | str) -> dict[Cell, Any]:
    """Return every formula cell of ``path`` with the value stored with it (kpixl's cached value)."""
    formulas, values = _load(path, False), _load(path, True)
    out: dict[Cell, Any] = {}
    for ws in formulas.worksheets:
        stored = values[ws.title]
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    out[(ws.title, cell.coordinate)] = normalise(stored[cell.coordinate].value)
    return out


def read_values(path: Path | str, cells: list[Cell]) -> dict[Cell, Any]:
    """Return the values a recalculated copy holds in ``cells``."""
    book = _load(path, True)
    return {(sheet, coord): normalise(book[sheet][coord].value) for sheet, coord in cells}


def gnumeric(src: Path | str, out_dir: Path | str, cells: list[Cell], *, timeout: float = 600) -> dict[Cell, Any]:
    """Recalculate ``src`` with Gnumeric (``ssconvert --recalc``); return the values of ``cells``."""
    ssconvert = find_ssconvert()
    if ssconvert is None:
        raise RuntimeError("Gnumeric (ssconvert) is not installed")
    out = Path(out_dir) / (Path(src).stem + ".gnumeric.xlsx")
    out.unlink(missing_ok=True)
    done = subprocess.run([ssconvert, "--recalc", str(src), str(out)], capture_output=True, text=True,
                          timeout=timeout)
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(f"ssconvert failed ({done.returncode}): {done.stderr[-2000:]}")
    return read_values(out, cells)


def ironcalc(src: Path | str, cells: list[Cell]) -> dict[Cell, Any]:
    """Recalculate ``src`` with IronCalc; return the values of ``cells`` (errors as their texts)."""
    import ironcalc as ic

    model = ic.load_from_xlsx(str(src), "en", "UTC")
    model.evaluate()
    sheets = {p["name"] if isinstance(p, dict) else p.name: i
              for i, p in enumerate(model.get_worksheets_properties())}
    from openpyxl.utils.cell import coordinate_from_string, column_index_from_string

    out: dict[Cell, Any] = {}
    for sheet, coord in cells:
        letters, row = coordinate_from_string(coord)
        value = model.get_cell_value(sheets[sheet], row, column_index_from_string(letters))
        out[(sheet, coord)] = normalise(value)
    return out


def mismatches(stored: dict[Cell, Any], computed: dict[Cell, Any], tolerance: float = TOLERANCE) -> dict[Cell, tuple]:
    """Return the cells whose computed value differs from the stored one: (stored, computed).

    Numbers agree within ``tolerance`` (relative for large numbers); texts, booleans and
    errors must be equal.
    """
    out = {}
    for cell, want in stored.items():
        got = computed.get(cell)
        if isinstance(want, float) and isinstance(got, float) and not isinstance(got, bool):
            if math.isclose(want, got, rel_tol=tolerance, abs_tol=tolerance):
                continue
        elif isinstance(want, bool) or isinstance(got, bool):
            if bool(want) == bool(got) and type(want) is type(got):
                continue
        elif want == got:
            continue
        out[cell] = (want, got)
    return out
