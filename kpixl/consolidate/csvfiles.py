"""Own the company tables as CSV files: one file per table, in a plain or a Danish-Excel dialect.

Text a spreadsheet would run as a formula is prefixed with ``'``; dates are ISO in both
dialects; a yes/no cell is ``True``/``False`` in the plain dialect and Danish Excel's
``SAND``/``FALSK`` in excel-da.
"""

from __future__ import annotations

import csv
import math
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from kpixl import texts
from kpixl.consolidate.tables import Consolidation
from kpixl.vocab import Language


# ---------------------------------------------------------------- CSV tables

_CSV_RISKY = ("=", "+", "-", "@", "\t", "\r")


def csv_text(value: str) -> str:
    """Return text safe for a spreadsheet: a leading = + - @ tab or CR gets a ``'`` prefix."""
    return "'" + value if value.startswith(_CSV_RISKY) else value


def _csv_cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, str):
        return csv_text(value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


# CSV dialects: "plain" is tidy CSV for programs (comma, decimal point, UTF-8 without BOM);
# "excel-da" opens right in Danish Excel on a double-click (semicolon, decimal comma, UTF-8
# with a BOM, which Excel needs to read UTF-8). Dates are ISO in both.
CSV_PLAIN, CSV_EXCEL_DA = "plain", "excel-da"
CSV_DIALECTS = (CSV_PLAIN, CSV_EXCEL_DA)


def default_csv_dialect(language: str) -> str:
    """Return the CSV dialect of a company workbook in ``language``: the registry's (excel-da for Danish, else plain)."""
    return Language.parse(language).csv_dialect


def decimal_comma(number: int | float) -> str:
    """Return ``number`` as Danish Excel reads it: decimal comma, no thousands separator, never an exponent."""
    if isinstance(number, int) or not math.isfinite(number):
        return str(number)
    text = repr(number)
    if "e" in text or "E" in text:
        text = format(Decimal(text), "f")
    return text.replace(".", ",")


def _csv_cell_da(value: Any) -> Any:
    if isinstance(value, bool):
        # Danish Excel reads only its own words as a yes/no (an English "False" would stay text).
        return texts.text("findings", "word.true" if value else "word.false", Language.DA)
    if isinstance(value, float) or isinstance(value, int):
        return decimal_comma(value)
    return _csv_cell(value)


def write_csv_table(company: Consolidation, table: str, path: Path | str, dialect: str | None = None) -> None:
    """Write one table as CSV: header row, ISO dates, numbers as numbers, text a spreadsheet would run prefixed.

    ``dialect``: "plain" or "excel-da" (see :data:`CSV_DIALECTS`); default by the company's language.
    """
    dialect = dialect or default_csv_dialect(company.language)
    if dialect not in CSV_DIALECTS:
        raise ValueError(f"unknown CSV dialect {dialect!r}; use one of {', '.join(CSV_DIALECTS)}")
    columns = company.columns(table)
    danish = dialect == CSV_EXCEL_DA
    cell = _csv_cell_da if danish else _csv_cell
    with open(path, "w", encoding="utf-8-sig" if danish else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=";" if danish else ",")
        writer.writerow([csv_text(col.header(company.language)) for col in columns])
        writer.writerows([cell(v) for v in row] for row in company.rows(table))


