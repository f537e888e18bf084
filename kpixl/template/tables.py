"""Own what the table sheets (KPIs, Measurements, Evaluation, Dashboard) share.

Writing a :mod:`kpixl.schema` table (headers, column formulas with their cached values,
formatted empty input cells, widths, hidden helper columns, protection), the data
validation of its input columns (dropdowns, dates, numbers, notes), and the
conditional formats: percent and count units, status colours.
"""

from __future__ import annotations

import textwrap
from datetime import date
from typing import Any, Callable

from xlsxwriter.utility import xl_range

from kpixl import core, schema
from kpixl.template.book import Book
from kpixl.template.layout import ROW_HEIGHT, WRAP_CHARS_PER_WIDTH
from kpixl.xlsx import STATUS_COLOURS, Worksheet


def write_table(book: Book, ws: Worksheet, table: schema.Table, n_rows: int, data: list[list],
                formulas: dict[str, str], values: Callable[[str, int], object]) -> None:
    """Write ``table`` with ``n_rows`` data rows; ``values(key, row)`` is a formula cell's cached value."""
    lang = book.lang
    columns = []
    for i, col in enumerate(table.columns):
        spec: dict[str, object] = {"header": col.header(lang), "format": book.column_format(col),
                                   "header_format": book.f_helper_header if col.helper else book.f_header}
        if col.key in formulas:
            spec["formula"] = formulas[col.key]
            ws.cache_values(1, n_rows, i, _column_values(values, col.key))
        columns.append(spec)
    rows = [row + [None] * (len(table.columns) - len(row)) for row in data]
    options: dict[str, Any] = {"name": table.name, "columns": columns, "style": "Table Style Light 1",
                               "autofilter": True}
    if rows:
        options["data"] = rows
    # The repeated empty tail (Measurements) is not written cell by cell: the table is
    # added up to its first row, then widened to all rows (see kpixl.xlsx.Worksheet.repeat_last_rows).
    written = ws.tail_start(n_rows)
    ws.add_table(0, 0, written, len(table.columns) - 1, options)
    if written < n_rows:
        full = xl_range(0, 0, n_rows, len(table.columns) - 1)
        added = ws.tables[-1]
        added["range"] = added["a_range"] = full
        if added.get("autofilter"):
            added["autofilter"] = full
        ws.write_blank(n_rows, 0, None)  # extends the sheet's dimensions (not stored: tail)
    # Empty input cells still need their format: it unlocks them and makes dates dates.
    for i, col in enumerate(table.columns):
        if col.computed:
            continue
        cell_format = book.column_format(col)
        for r in range(1, ws.tail_start(n_rows) + 1):
            if r > len(rows) or rows[r - 1][i] is None:
                ws.write_blank(r, i, None, cell_format)
    for i, col in enumerate(table.columns):
        hidden = {"hidden": True} if col.helper else {}
        ws.set_column(i, i, col.width, None, hidden)
    ws.set_row(0, 30)
    fit_wrapped_rows(ws, table, rows)
    ws.freeze_panes(1, 2 if table is schema.KPIS else 1)
    ws.set_landscape()
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(0)
    ws.protect("", {"format_columns": True, "format_rows": True, "autofilter": True, "sort": False})


def _column_values(values: Callable[[str, int], object], key: str) -> Callable[[int], object]:
    """Return the cached values of column ``key`` by row."""
    return lambda row: values(key, row)


def fit_wrapped_rows(ws: Worksheet, table: schema.Table, rows: list[list]) -> None:
    """Make the prefilled rows tall enough for the lines of their wrapped text cells.

    LibreOffice keeps the stored row height when it loads a file, so wrapped lines
    would overlap the next row. A line holds about 1.1 characters per
    unit of column width (Calibri 11, mixed text); long words count whole.
    """
    wrapped = [(i, int(col.width * WRAP_CHARS_PER_WIDTH)) for i, col in enumerate(table.columns) if col.wrap]
    if not wrapped:
        return
    for r, row in enumerate(rows, start=1):
        lines = max(len(textwrap.wrap(str(row[i]), width)) if isinstance(row[i], str) else 1
                    for i, width in wrapped)
        if lines > 1:
            ws.set_row(r, ROW_HEIGHT * lines)


def validations(book: Book, ws: Worksheet, table: schema.Table, n_rows: int) -> None:
    """Give the table's input columns their data validation (dropdown, date, number) and their note."""
    lang, words = book.lang, book.texts
    for i, col in enumerate(table.columns):
        if col.computed or (table is schema.EVALUATION and col.key == "new_target"):
            continue  # New target gets one combined rule (evaluation.py): one rule per cell
        first, last = 1, n_rows
        options: dict[str, object] = {}
        if col.kind == "vocab":
            options = {"validate": "list", "source": book.list_ranges[col.vocabulary or ""],
                       "error_message": words["list_error"]}
        elif col.kind == "date":
            options = {"validate": "date", "criteria": "between", "minimum": date(1900, 1, 1),
                       "maximum": date(9999, 12, 31), "error_message": words["date_error"]}
        elif col.kind == "number":
            low = 0 if table is schema.PHASING else -1e15  # a month weight is 0 or more
            options = {"validate": "decimal", "criteria": "between", "minimum": low, "maximum": 1e15,
                       "error_message": words["number_error"]}
        if col.key == "kpi_id" and table is not schema.KPIS:
            options = {"validate": "list", "source": book.kpi_id_source(),
                       "error_type": "warning", "error_message": words["kpi_pick"]}
        if col.key == "phasing" and table is schema.KPIS:
            # A profile of the Phasing table; a name typed before its profile exists only warns.
            options = {"validate": "list", "source": book.phasing_source(), "error_type": "warning",
                       "error_message": words["phasing_pick"]}
        if col.key == "parent_id" and book.options.company is not None:
            # Replaces the column's rule (one validation per cell): only the company's KPI IDs.
            options = {"validate": "list", "source": book.company_source,
                       "error_message": words["company_parent_error"]}
        note = col.note(lang)
        if not options and not note:
            continue
        if not options:
            options = {"validate": "any"}
        if note:
            options["input_title"] = col.header(lang)[:32]
            options["input_message"] = note[:255]
        ws.data_validation(first, i, last, i, options)


def percent_format(book: Book, ws: Worksheet, first_row: int, last_row: int, cols: list[int], unit: str) -> None:
    """Show ``cols`` as percentages on the rows whose ``unit`` (a formula for the first row) is a percent.

    And as whole numbers where it is a count unit (``COUNT_UNITS``).

    Conditional, not fixed: it follows the Unit a user types later. Conditional
    formats cannot use structured references, so ``unit`` uses A1 references.
    """
    ranges = " ".join(xl_range(first_row, c, last_row, c) for c in cols)
    for units, cell_format in ((book.percent_units, book.f_percent), (book.count_units, book.f_count)):
        test = f"ISNUMBER(MATCH(TRIM({unit}),{units},0))"
        ws.conditional_format(first_row, cols[0], last_row, cols[0], {
            "type": "formula", "criteria": "=" + test, "format": cell_format, "multi_range": ranges})


def status_formats(book: Book, ws: Worksheet, first_row: int, last_row: int, col: int,
                   last_col: int | None = None) -> None:
    """Colour the status words of ``col`` (to ``last_col``) as traffic lights, and #VALUE! texts red."""
    last_col = col if last_col is None else last_col
    for status, (fill, font) in STATUS_COLOURS.items():
        ws.conditional_format(first_row, col, last_row, last_col, {
            "type": "cell", "criteria": "==", "value": '"' + core.word("status", status, book.lang) + '"',
            "format": book.wb.add_format({"bg_color": fill, "font_color": font}),
        })
    ws.conditional_format(first_row, col, last_row, last_col, {
        "type": "text", "criteria": "begins with", "value": "#VALUE!",
        "format": book.wb.add_format({"font_color": "#9C0006", "italic": True}),
    })
