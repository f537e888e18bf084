"""Own the template's XlsxWriter layer: the safe workbook options, the palette, and the
worksheet and workbook subclasses that use XlsxWriter's private methods.

Kept together and unchanged so that they move to :mod:`kpixl.xlsx` in one piece (issue
11): the sheet writers only use :class:`_Worksheet`'s public additions
(``cache_values``, ``repeat_last_rows``, ``tail_start``) and the constants here.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any, Callable

import xlsxwriter
import xlsxwriter.worksheet
from xlsxwriter.utility import xl_rowcol_to_cell

from kpixl import cache, core

INPUT_FILL = "#FFF7D6"
CALC_FILL = "#EEF1F5"
HEADER_FILL = "#1F4E79"
STATUS_COLOURS = {
    core.ON_TRACK: ("#C6EFCE", "#006100"),
    core.AT_RISK: ("#FFEB9C", "#9C5700"),
    core.OFF_TRACK: ("#FFC7CE", "#9C0006"),
    core.NOT_STARTED: ("#EDEDED", "#595959"),
    core.NO_DATA: ("#EDEDED", "#595959"),
}

# XlsxWriter's constructor options for the department workbook.
WORKBOOK_OPTIONS = {
    "use_future_functions": True,   # AGGREGATE (Excel 2010) gets its _xlfn. prefix
    "in_memory": False,  # parts go to temporary files: a 100,000-row sheet never sits in memory
    "strings_to_formulas": False,   # text from records stays text, never a formula
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


class _Worksheet(xlsxwriter.worksheet.Worksheet):
    """Remember prepared formulas: a table column repeats one formula on thousands of rows.

    XlsxWriter runs dozens of regular expressions over every formula it writes; caching
    them makes a template take well under a second instead of many seconds.
    """

    def _prepare_formula(self, formula, expand_future_functions=False):
        cache = self.__dict__.setdefault("_kpixl_prepared", {})
        key = (formula, expand_future_functions)
        if key not in cache:
            cache[key] = super()._prepare_formula(formula, expand_future_functions)
        return cache[key]

    def cache_values(self, first_row: int, last_row: int, col: int, provider: Callable[[int], object]) -> None:
        """Make the formulas written to ``col`` between the rows cache ``provider(row)`` (0-based rows).

        Table column formulas are written by ``add_table``; this is how they get the
        value kpixl.core computed for them (see kpixl.cache).
        """
        self.__dict__.setdefault("_kpixl_values", {}).setdefault(col, []).append((first_row, last_row, provider))

    def _write_formula(self, row, col, formula, cell_format=None, value=0):
        if self._in_tail(row):
            return self._check_dimensions(row, col)
        for first_row, last_row, provider in self.__dict__.get("_kpixl_values", {}).get(col, ()):
            if first_row <= row <= last_row:
                value = provider(row)
        # The first write of a formula takes XlsxWriter's path (dynamic-array check,
        # preparation); repeats store the same prepared cell, skipping the regex scans.
        stored = self.__dict__.setdefault("_kpixl_cells", {})
        first = stored.get(formula)
        if first is None or self._check_dimensions(row, col):
            result = super()._write_formula(row, col, formula, cell_format, value)
            cell = self.table.get(row, {}).get(col) if result == 0 else None
            if cell is not None and hasattr(cell, "formula") and not hasattr(cell, "range"):
                stored[formula] = cell
            return result
        self.table[row][col] = first._replace(format=cell_format, value=value)
        return 0

    def repeat_last_rows(self, first_row: int, last_row: int) -> None:
        """Declare rows ``first_row+1..last_row`` copies of row ``first_row`` (0-based), but for the row number.

        The empty tail of a pre-sized table (up to 100,000 Measurements rows) is the same
        blank input cells and the same formulas with the same cached values on every row,
        except ROW(). Those rows are not stored cell by cell: the sheet XML repeats the
        first one's XML with the row number replaced, which keeps the memory and time of
        the largest template small.
        """
        self.__dict__["_kpixl_tail"] = (first_row, last_row)

    def tail_start(self, default: int) -> int:
        """Return the row :meth:`repeat_last_rows` repeats (``default`` without one)."""
        tail = self.__dict__.get("_kpixl_tail")
        return default if tail is None else tail[0]

    def _in_tail(self, row: int) -> bool:
        tail = self.__dict__.get("_kpixl_tail")
        return tail is not None and tail[0] < row <= tail[1]

    def _write_blank(self, row, col, blank, cell_format=None):
        if self._in_tail(row):
            return self._check_dimensions(row, col)
        return super()._write_blank(row, col, blank, cell_format)

    def _write_rows(self):
        tail = self.__dict__.get("_kpixl_tail")
        if tail is None or tail[0] >= tail[1]:
            return super()._write_rows()
        first, last = tail
        lowest, highest = int(getattr(self, "dim_rowmin")), int(getattr(self, "dim_rowmax"))
        try:
            self.dim_rowmax = first - 1
            super()._write_rows()
            out: Any = getattr(self, "fh")
            self.fh = io.StringIO()
            self.dim_rowmin = self.dim_rowmax = first
            super()._write_rows()
            row_xml = self.fh.getvalue()
            self.fh = out
            out.write(row_xml)
            # The row number appears in <row r="n">, in every cell reference and as ROW()'s value.
            n = str(first + 1)
            marked = re.sub(rf'(<row r="|<c r="[A-Z]+){n}"', lambda m: m.group(1) + '\0"', row_xml)
            parts = marked.replace(f"<v>{n}</v>", "<v>\0</v>").split("\0")
            for row in range(first + 2, last + 2):
                out.write(str(row).join(parts))
            if highest > last:
                self.dim_rowmin, self.dim_rowmax = last + 1, highest
                super()._write_rows()
        finally:
            self.dim_rowmin, self.dim_rowmax = lowest, highest

    def _get_range_data(self, row_start, col_start, row_end, col_end):
        # The charts' cached points come from the cells' cached values: a formula showing
        # nothing ("" or #N/A) is a gap, as Excel draws it, not a bar of 0.
        data = super()._get_range_data(row_start, col_start, row_end, col_end)
        if data is None:
            return data
        return [None if token in (cache.BLANK, cache.NA) else token for token in data]

    def _write_cell(self, row, col, cell):
        # A formula showing nothing caches an empty text, as Excel stores it (t="str");
        # XlsxWriter would write an untyped empty value, which readers take for 0.
        if cell.__class__.__name__ == "Formula" and isinstance(cell.value, str) and cell.value == "":
            attributes = [("r", xl_rowcol_to_cell(row, col))]
            if cell.format:
                attributes.append(("s", cell.format._get_xf_index()))
            attributes.append(("t", "str"))
            self._xml_formula_element(cell.formula, "", attributes)
            return
        super()._write_cell(row, col, cell)


class _Workbook(xlsxwriter.Workbook):
    """Zip the parts at deflate level ``zip_level``.

    A 100,000-row Measurements sheet is ~350 MB of highly repetitive XML: level 1
    packs it to about the same size as the default level 6, in a third of the time.
    A default-sized workbook stays at level 6 (level 1 would double its file size).
    """

    zip_level = 6

    def _store_workbook(self) -> None:
        import xlsxwriter.workbook as module

        original = module.ZipFile
        module.ZipFile = functools.partial(original, compresslevel=self.zip_level)  # type: ignore[misc]
        try:
            super()._store_workbook()
        finally:
            module.ZipFile = original  # type: ignore[misc]
