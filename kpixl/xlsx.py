"""Own kpixl's use of XlsxWriter: the one place that knows its options, styles and private methods.

- :func:`new_workbook`: every workbook kpixl writes (template and company) is made here,
  with the safe options: text a person typed stays text, never a formula, number or URL.
- The palette (:data:`STATUS_COLOURS`, :data:`HEADER_FILL`, :data:`INPUT_FILL`,
  :data:`CALC_FILL`) and the header style (:func:`header_style`), shared by the department
  and company workbooks, so they cannot drift apart.
- :class:`Worksheet`, :class:`Workbook` and :class:`PlainRows`: ALL of kpixl's use of
  XlsxWriter's private methods (formula caching, the repeated tail of a pre-sized table,
  empty cached values, chart caches, the zip level, plain rows streamed as XML). tests/test_xlsx.py records the private signatures they
  override and fails when an XlsxWriter release changes them; pyproject pins XlsxWriter
  below the next major version.
"""

from __future__ import annotations

import functools
import io
import re
from datetime import date
from pathlib import Path
from typing import Any, Callable, Sequence

import xlsxwriter
import xlsxwriter.workbook
import xlsxwriter.worksheet
from xlsxwriter.utility import _preserve_whitespace, xl_col_to_name, xl_rowcol_to_cell_fast

from kpixl import core

# ------------------------------------------------------------------------ palette

INPUT_FILL = "#FFF7D6"  # cells a person types in
CALC_FILL = "#EEF1F5"   # computed cells
HEADER_FILL = "#1F4E79"  # table headers (white bold text)
HEADER_FONT = "#FFFFFF"
# Status: (fill, font), Excel's good / neutral / bad cell styles; grey for no verdict.
STATUS_COLOURS = {
    core.ON_TRACK: ("#C6EFCE", "#006100"),
    core.AT_RISK: ("#FFEB9C", "#9C5700"),
    core.OFF_TRACK: ("#FFC7CE", "#9C0006"),
    core.NOT_STARTED: ("#EDEDED", "#595959"),
    core.NO_DATA: ("#EDEDED", "#595959"),
}


def header_style(**extra: Any) -> dict[str, Any]:
    """Return the format properties of a header cell (bold white on the header fill), plus ``extra``."""
    return {"bold": True, "font_color": HEADER_FONT, "bg_color": HEADER_FILL, **extra}


def header_format(workbook: xlsxwriter.Workbook, **extra: Any):
    """Return a new header cell format of ``workbook`` (see :func:`header_style`)."""
    return workbook.add_format(header_style(**extra))


# ------------------------------------------------------------------------ sheets

# Rows a worksheet holds, the header included (Excel's limit).
MAX_SHEET_ROWS = 1_048_576


def print_setup(sheet: Any, pages_tall: int = 0) -> None:
    """Print landscape on A4, one page wide (and ``pages_tall`` high; 0 means as many as needed)."""
    sheet.set_landscape()
    sheet.set_paper(9)
    sheet.fit_to_pages(1, pages_tall)


# ------------------------------------------------------------------------ options

# Text from records and files is written as text: XlsxWriter's write() must never turn a
# typed "=1+1" into a formula, "0012" into 12 or a URL into a link.
SAFE_OPTIONS = {"strings_to_formulas": False, "strings_to_numbers": False, "strings_to_urls": False}


def new_workbook(path: Path | str, options: dict[str, Any] | None = None,
                 workbook_class: type[xlsxwriter.Workbook] = xlsxwriter.Workbook) -> xlsxwriter.Workbook:
    """Return an XlsxWriter workbook writing ``path`` with ``options`` and the safe options (they win)."""
    return workbook_class(str(path), {**(options or {}), **SAFE_OPTIONS})


# ---------------------------------------------------------- XlsxWriter subclasses

# The error values a formula's cached value can be (XlsxWriter writes them with t="e").
_ERROR_CODES = frozenset(("#DIV/0!", "#N/A", "#NAME?", "#NULL!", "#NUM!", "#REF!", "#VALUE!"))
# Cached values a chart draws as a gap: a formula showing nothing ("") or #N/A.
_GAPS = ("", "#N/A")


class Worksheet(xlsxwriter.worksheet.Worksheet):
    """An XlsxWriter worksheet for kpixl's workbooks, sheets of many repeated formulas (set as ``worksheet_class``).

    - Formulas are prepared and XML-escaped once per distinct text: a table column repeats
      one formula on thousands of rows, and XlsxWriter runs dozens of regular expressions
      over every formula it writes (:meth:`_prepare_formula`, :meth:`_write_formula`,
      :meth:`_write_cell`).
    - Formulas cache the value kpixl.core computed (:meth:`cache_values`), and a formula
      showing nothing caches an empty text, as Excel does.
    - The empty tail of a pre-sized table is written by repeating one row's XML
      (:meth:`repeat_last_rows`).
    - Charts get gaps, not zeros, for cells showing nothing (:meth:`_get_range_data`).
    - In ``constant_memory`` mode (the company workbook) a typed text shaped like rich-text
      XML is written as text (:meth:`_write_cell`); XlsxWriter writes it unescaped.
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
        self.table[row][col] = first.__class__(first.formula, cell_format, value)
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
        return [None if token in _GAPS else token for token in data]

    def _write_cell(self, row, col, cell):
        kind = cell.__class__.__name__
        if kind == "String" and self.constant_memory and cell.string.startswith("<r>") and cell.string.endswith("</r>"):
            # A typed text shaped like rich-text XML: XlsxWriter would write it unescaped, as
            # rich text (a note "<r>...</r>" made invalid XML, and Excel's repair prompt).
            fmt = cell.format or (self.row_info[row].row_format if row in self.row_info else None) or (
                self.col_info[col].column_format if col in self.col_info else None)
            style = f' s="{fmt._get_xf_index()}"' if fmt else ""
            self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}"{style}{inline_string(self, cell.string)}')
            return None
        if kind != "Formula" or not (cell.format or cell.value == ""):
            return super()._write_cell(row, col, cell)
        # A template is mostly formula cells, the same few texts on thousands of rows: they
        # are written here, each text XML-escaped once (XlsxWriter escapes every cell's).
        # As XlsxWriter writes them, but for the empty value: a formula showing nothing
        # caches an empty text, as Excel stores it (t="str"); XlsxWriter would write an
        # untyped empty value, which readers take for 0.
        value = cell.value
        if isinstance(value, bool):
            kind, value = ' t="b"', int(value)
        elif isinstance(value, str):
            kind = ' t="e"' if value in _ERROR_CODES else ' t="str"'
            value = self._escape_data(value)
        else:
            kind = ""
        escaped = self.__dict__.setdefault("_kpixl_escaped", {})
        formula = escaped.get(cell.formula)
        if formula is None:
            formula = escaped[cell.formula] = self._escape_data(cell.formula)
        style = f' s="{cell.format._get_xf_index()}"' if cell.format else ""
        self.fh.write(f'<c r="{xl_rowcol_to_cell_fast(row, col)}"{style}{kind}><f>{formula}</f><v>{value}</v></c>')


class Workbook(xlsxwriter.Workbook):
    """Zip the parts at deflate level ``zip_level``.

    A 100,000-row Measurements sheet is ~350 MB of highly repetitive XML: level 1
    packs it to about the same size as the default level 6, in a third of the time.
    A default-sized workbook stays at level 6 (level 1 would double its file size).
    """

    zip_level = 6

    def _store_workbook(self) -> None:
        module = xlsxwriter.workbook
        original = module.ZipFile
        module.ZipFile = functools.partial(original, compresslevel=self.zip_level)  # type: ignore[misc]
        try:
            super()._store_workbook()
        finally:
            module.ZipFile = original  # type: ignore[misc]


def inline_string(sheet: Any, text: str) -> str:
    """Return the end of an inline-string cell holding ``text``, from its type on, as XlsxWriter writes it.

    ``' t="inlineStr"><is><t>...</t></is></c>'``: control characters as ``_xHHHH_``, then XML
    escapes; a leading or trailing space (after the control characters) is preserved.
    """
    controlled = sheet._escape_control_characters(text)  # "\r" is "_x000D_": then no space to keep
    space = ' xml:space="preserve"' if _preserve_whitespace(controlled) else ""
    return f' t="inlineStr"><is><t{space}>{sheet._escape_data(controlled)}</t></is></c>'


class PlainRows:
    """Write rows of plain values straight into a ``constant_memory`` worksheet's sheet data.

    The company workbook's Measurements sheet is a million cells at 1,000 workbooks, and
    XlsxWriter spends about 10 µs on each (a dimension check, a row table, an attribute
    list, three regular expressions over each text): most of consolidate's time. Here a
    row is one string join and each distinct text is escaped once. The XML is XlsxWriter's
    own, byte for byte (tests/test_xlsx.py writes the same rows both ways and compares):
    an inline string, a number as ``.16G``, a cell styled by its own format or else its
    column's.

    Plain values only: a text, a finite ``int`` or ``float`` in a column that takes numbers,
    a ``date`` in one that takes dates, a ``bool`` in one that takes them. For any other row :meth:`row`
    returns False and writes nothing: the caller calls :meth:`flush` and writes that row
    through XlsxWriter (so do rows needing a height). A text starting ``<r>`` and ending
    ``</r>`` is escaped as any other (:class:`Worksheet` does the same for XlsxWriter's writes).
    """

    TEXTS_KEPT = 20_000  # distinct escaped texts kept (a department workbook repeats ~1,500); then afresh
    BUFFERED = 256  # rows joined before one write to the sheet's temporary file

    def __init__(self, sheet: Any, numbers: Sequence[bool], dates: Sequence[bool], texts: Sequence[bool],
                 booleans: Sequence[bool] | None = None):
        """Stream into ``sheet`` (its header row written) rows of ``len(numbers)`` columns.

        ``numbers``, ``dates``, ``texts``, ``booleans``: per column, whether it takes them.
        """
        if not sheet.constant_memory:
            raise ValueError("PlainRows writes only to a constant_memory worksheet")
        self.sheet = sheet
        self.width = len(numbers)
        # The header spans every column, so plain rows never widen the sheet's dimension.
        if sheet.dim_colmin != 0 or sheet.dim_colmax != self.width - 1:
            raise ValueError("PlainRows needs a header row spanning its columns")
        self.letters = [xl_col_to_name(c) for c in range(self.width)]
        self.numbers, self.dates, self.takes_text = list(numbers), list(dates), list(texts)
        self.booleans = list(booleans) if booleans is not None else [False] * self.width
        self.column_styles = [self._style(info.column_format) if (info := sheet.col_info.get(c)) else ""
                              for c in range(self.width)]
        self.texts: dict[str, str] = {}
        self.serials: dict[date, int] = {}
        self.pending: list[str] = []
        self.last = -1  # the last row written here; XlsxWriter's own writes move sheet.previous_row

    @staticmethod
    def _style(cell_format: Any) -> str:
        return f' s="{cell_format._get_xf_index()}"' if cell_format is not None else ""

    def styles(self, formats: dict[int, Any]) -> list[str]:
        """Return the style of each column's numbers, ``formats`` (column: format) over the columns' own."""
        return [self._style(formats[c]) if formats.get(c) is not None else style
                for c, style in enumerate(self.column_styles)]

    def _text(self, text: str) -> str:
        if len(self.texts) >= self.TEXTS_KEPT:
            self.texts.clear()
        xml = self.texts[text] = inline_string(self.sheet, text)
        return xml

    def row(self, r: int, values: Sequence[Any], number_styles: Sequence[str]) -> bool:
        """Write ``values`` as row ``r`` (0-based, after every row written so far); False: not plain, not written."""
        if len(values) > self.width:
            return False
        n = str(r + 1)
        letters, styles, texts = self.letters, self.column_styles, self.texts
        cells = [f'<row r="{n}">']
        for c, value in enumerate(values):
            if value is None:
                continue
            kind = type(value)
            if kind is str and self.takes_text[c]:
                cells.append(f'<c r="{letters[c]}{n}"{styles[c]}{texts.get(value) or self._text(value)}')
            elif (kind is float or kind is int) and self.numbers[c] and value - value == 0:  # not NaN nor ±inf
                cells.append(f'<c r="{letters[c]}{n}"{number_styles[c]}><v>{value:.16G}</v></c>')
            elif kind is date and self.dates[c]:
                serial = self.serials.get(value)
                if serial is None:
                    serial = self.serials[value] = core.to_serial(value)
                cells.append(f'<c r="{letters[c]}{n}"{styles[c]}><v>{serial}</v></c>')
            elif kind is bool and self.booleans[c]:
                cells.append(f'<c r="{letters[c]}{n}"{styles[c]} t="b"><v>{int(value)}</v></c>')
            else:
                return False
        if len(cells) == 1:
            return True  # no value: XlsxWriter writes no row either
        sheet = self.sheet
        if sheet.previous_row != self.last or sheet.table:
            # XlsxWriter holds a row it has not written yet (the header, a row it wrote).
            self.flush()
            sheet._write_single_row(r)
        cells.append("</row>")
        self.pending.append("".join(cells))
        if len(self.pending) >= self.BUFFERED:
            self.flush()
        sheet.previous_row = self.last = r
        if sheet.dim_rowmax is None or r > sheet.dim_rowmax:
            sheet.dim_rowmax = r
        if sheet.dim_rowmin is None or r < sheet.dim_rowmin:
            sheet.dim_rowmin = r
        return True

    def flush(self) -> None:
        """Write the rows joined so far to the sheet (before XlsxWriter writes a row itself)."""
        if self.pending:
            self.sheet.fh.write("".join(self.pending))
            self.pending.clear()
