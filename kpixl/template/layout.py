"""Own the fixed layout every sheet writer of the template shares.

Where the Dashboard's AsOf cell and table sit, the unit words that make a KPI's numbers
percentages or whole numbers, row heights for wrapped text, the fixed creation date, and
how a sheet name or a text is written into a formula.
"""

from __future__ import annotations

import textwrap
from datetime import datetime

from kpixl import texts
from kpixl.vocab import LANGUAGES

# Fixed creation date: the same inputs give the same bytes (apart from zip timestamps).
CREATED = datetime(2026, 1, 1, 0, 0, 0)
# A KPI whose Unit is a percent unit (kpixl.vocab.PERCENT_UNITS, listed on the Lists
# sheet) shows its numbers as percentages: these number cells of the KPIs table, and the
# matching cells of the Measurements, Dashboard and Evaluation sheets.
PERCENT_COLUMNS = ("baseline", "target", "tolerance", "actual", "plan", "calc_forecast")
# A KPI whose Unit is one of these counts whole things (same matching; listed on the
# Lists sheet too): those cells show whole numbers (schema.COUNT), so a forecast of a
# count reads 5,762 leads, not 5,761.71. Other units (money, hours, scores, indexes)
# keep decimals. The words are each offered language's (catalogue key units.count, "|" between
# them), all of them in every workbook: a unit is typed by a person, in whatever language.
COUNT_UNITS = tuple(dict.fromkeys(unit for language in LANGUAGES
                                  for unit in texts.text("units", "count", language).split("|")))
# Dashboard: title in row 1, As of in row 2 (B2 is AsOf), period in row 3, table from row 5.
DASHBOARD_AS_OF_CELL = (1, 1)
DASHBOARD_HEADER_ROW = 4
DASHBOARD_TABLE = "KPIDashboard"

# Deflate level of the parts (_Workbook) of a workbook with more measurement rows than
# the default maximum: level 1 packs that repetitive XML almost as small, 3x faster.
ZIP_LEVEL_LARGE = 1
# Points per line of text in a row (Calibri 11, Excel's default row height).
ROW_HEIGHT = 15
WRAP_CHARS_PER_WIDTH = 1.1


def wrapped_lines(value: object, width: float) -> int:
    """Return the lines a text takes wrapped in a column ``width`` wide (about 1.1 characters a unit of width)."""
    if not isinstance(value, str) or not value:
        return 1
    per_line = max(1, int(width * WRAP_CHARS_PER_WIDTH))
    return sum(len(textwrap.wrap(part, per_line)) or 1 for part in value.split("\n"))


def sheet_ref(sheet: str) -> str:
    """Return a sheet name as it must appear in a formula (quoted when needed)."""
    if sheet.replace("_", "").isalnum() and not sheet[0].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def str_constant(text: str) -> str:
    """Return a defined name's formula for a constant text."""
    return '="' + str(text).replace('"', '""') + '"'
