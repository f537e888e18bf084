"""Own the fixed layout every sheet writer of the template shares.

Where the Dashboard's AsOf cell and table sit, the unit words that make a KPI's numbers
percentages or whole numbers, row heights for wrapped text, the fixed creation date, and
how a sheet name or a text is written into a formula.
"""

from __future__ import annotations

from datetime import datetime

# Fixed creation date: the same inputs give the same bytes (apart from zip timestamps).
CREATED = datetime(2026, 1, 1, 0, 0, 0)
# A KPI whose Unit is a percent unit (kpixl.vocab.PERCENT_UNITS, listed on the Lists
# sheet) shows its numbers as percentages: these number cells of the KPIs table, and the
# matching cells of the Measurements, Dashboard and Evaluation sheets.
PERCENT_COLUMNS = ("baseline", "target", "tolerance", "actual", "plan", "calc_forecast")
# A KPI whose Unit is one of these counts whole things (same matching; listed on the
# Lists sheet too): those cells show whole numbers (schema.COUNT), so a forecast of a
# count reads 5,762 leads, not 5,761.71. Other units (money, hours, scores, indexes)
# keep decimals.
COUNT_UNITS = ("count", "counts", "number", "no.", "#", "pcs", "pcs.", "pieces", "items", "units", "leads",
               "orders", "customers", "visitors", "visits", "downloads", "page views", "sessions", "tickets",
               "sales", "antal", "stk", "stk.", "styk", "ordrer", "kunder", "besøgende", "besøg",
               "sidevisninger", "sager", "salg")
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


def sheet_ref(sheet: str) -> str:
    """Return a sheet name as it must appear in a formula (quoted when needed)."""
    if sheet.replace("_", "").isalnum() and not sheet[0].isdigit():
        return sheet
    return "'" + sheet.replace("'", "''") + "'"


def str_constant(text: str) -> str:
    """Return a defined name's formula for a constant text."""
    return '="' + str(text).replace('"', '""') + '"'
