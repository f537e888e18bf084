"""Own reading the tables of a pre-checked workbook into typed records, with findings.

:func:`read_workbook` picks an engine by name from :data:`ENGINES` (as pandas'
``ExcelFile._engines``): the fast one (:class:`FastEngine`, fastexcel, a clean table
column by column as Arrow arrays) or the exact one (:class:`ExactEngine`,
python-calamine, cell by cell, wording a finding for every cell that does not fit).
A table is clean when each input column holds one expected type, nothing lies below
it and no cell or row needs a finding; the fast engine leaves any other table to the
exact one, and :func:`build_records` makes the records of both, so both give the
same. Both parse the same bytes: the package with its lean table sheets
(:mod:`kpixl.reader.lean`). A parser that fails on a package whose sheets were not scanned whole (in a
worker, see :func:`kpixl.reader.precheck`) is followed by that scan, whose finding wins.
"""

from __future__ import annotations

import io
import math
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
from python_calamine import CalamineError, CalamineWorkbook

try:
    import fastexcel
except ImportError:  # pragma: no cover - optional: the exact reader alone is slower but complete
    fastexcel = None  # type: ignore[assignment]
else:
    # A blank column "falls back to string" with a logged warning; kpixl reads blanks as blanks.
    import logging

    # fastexcel imports pyarrow on its first table: import it here, once, so every worker
    # process forked from this one has it (else each new worker spends a tenth of a second).
    import pyarrow  # noqa: F401

    logging.getLogger("fastexcel.types.dtype").setLevel(logging.ERROR)

from kpixl import core, schema
from kpixl.errors import DefinitionError, WorkbookError
from kpixl.message import ExcelError, Message, Options, message
from kpixl.model import (ERROR, WARNING, CommentRecord, DepartmentWorkbook, EvaluationRecord, Finding, KpiRecord,
                         MeasurementRecord, PhasingRecord, Place, resolve_phasing)
from kpixl.reader.cells import _CellFinding, _nice_label, _required_hint, _text, _typed_column, type_cell
from kpixl.reader.findings import (E_BAD_XML, E_CORRUPT, E_ERROR_VALUE, E_MISSING_COLUMN, E_NO_CACHED_VALUE,
                                   E_NO_KPI_TABLE, E_NO_MEASUREMENT_TABLE, E_NOT_KPIXL, E_REQUIRED, W_BELOW_TABLE,
                                   W_DUPLICATE_COLUMN, W_KEYLESS_ROW, W_NO_EVALUATION_TABLE, W_OUTSIDE_TABLE,
                                   W_SCHEMA_VERSION, W_TABLE_FROM_HEADERS, W_UNKNOWN_COLUMN, _fail)
from kpixl.reader.ooxml import TableInfo, _custom_properties, _input_columns, _structure
from kpixl.reader.package import Package
from kpixl.reader.prechecks import precheck
from kpixl.reader.sheetscan import _SheetScan
from kpixl.refs import A1_RE, column_letter, column_number, parse_ref
from kpixl.schema import Header, HeaderOf, SheetName

# Rows named one by one below a table (KPX136) before one finding sums up the rest.
MAX_OUTSIDE_LISTED = 20


def read_workbook(path: Path | str, *, package: Package | None = None, engine: str | None = None) -> DepartmentWorkbook:
    """Return the records and reading findings of one department workbook.

    Raises WorkbookError (with path, and sheet/cell where there is one) when the
    file cannot be read as a kpixl workbook at all. ``package`` is the result of
    :func:`precheck` on the same path when the caller ran it already. ``engine``
    names one of :data:`ENGINES` (default :func:`default_engine`); both give the same
    records and findings.
    """
    name = engine or default_engine()
    if name not in ENGINES:
        raise ValueError(f"unknown reading engine {name!r}; use one of {', '.join(sorted(ENGINES))}")
    pkg = package if package is not None else precheck(path)
    if pkg.bounded:
        return _read(path, pkg, ENGINES[name])
    try:
        return _read(path, pkg, ENGINES[name])
    except Exception:
        # A parser that failed on a sheet the pre-check did not bound may have met what the
        # whole-sheet scan names (KPX113): say that rather than the parser's error.
        precheck(path, bound_sheets=True)
        raise


def _read(path: Path | str, pkg: Package, reader_class: type["ExactEngine"]) -> DepartmentWorkbook:
    """Return the workbook of the pre-checked ``pkg``, read by an engine of ``reader_class``."""
    sheets, defined, tables = pkg.structure or _structure(pkg)
    props = _custom_properties(pkg)
    by_name = {t.name.casefold(): t for t in tables}
    has_meta = any(key in defined or key in props for key in (schema.NAME_SCHEMA_VERSION, schema.NAME_LANGUAGE))
    if schema.KPIS.name.casefold() not in by_name and not has_meta:
        _fail(pkg.path, E_NOT_KPIXL, message("KPX115"))
    workbook = DepartmentWorkbook(path=pkg.path)
    reader = reader_class(pkg, str(path), workbook)
    reader.tables = list(tables)
    try:
        found = [(t, by_name.get(t.name.casefold())) for t in schema.TABLES]
        # A table whose definition is gone (LibreOffice drops one on some edits) but whose
        # headers and rows are still on a sheet is read from there, with a warning.
        found = [(t, info if info is not None else _table_left_behind(reader, t, sheets)) for t, info in found]
        if found[0][1] is None:
            _fail(pkg.path, E_NO_KPI_TABLE, message("KPX121"))
        _read_metadata(reader, defined, props)
        # The input columns of every table on a sheet, so each sheet is scanned once for odd cells.
        for table_schema, info in found:
            if info is not None:
                reader.input_columns.setdefault(info.sheet_part, set()).update(_input_columns(table_schema, info))
        for table_schema, info in found:
            if info is None:
                reader.missing_table(table_schema)
                continue
            workbook.sheets[table_schema.name] = info.sheet
            reader.read_table(table_schema, info)
    finally:
        reader.close()
    resolve_phasing(workbook.kpis, workbook.phasing)
    return workbook


# How far down a sheet the header row of a table whose definition is gone is looked for.
_HEADER_SEARCH_ROWS = 50


def _table_left_behind(reader: "ExactEngine", table: schema.Table,
                       sheets: list[tuple[str, str]]) -> TableInfo | None:
    """Return the block of a table whose Excel table is gone but whose header row is still on a sheet; None if none is.

    The sheet named as the table's (in either language, or a former name) is looked at first, then the
    others; the header row holds every row key's header, outside any other table. The
    block runs from the header row down to the last row with a value in its columns
    (nothing below is lost), across the headers beside each other. A warning (KPX124)
    names the sheet and the range, and how to make it a table again.
    """
    names = {name.casefold() for name in table.sheet_names}
    ordered = sorted(sheets, key=lambda sheet: sheet[0].casefold() not in names)
    lookup = table.by_header
    for sheet_name, part in ordered:
        try:
            grid = reader.grid(sheet_name)
        except WorkbookError:
            continue  # a chart sheet, or one no reader can parse: it holds no table
        taken = [parse_ref(t.ref) for t in reader.tables if t.sheet == sheet_name and _readable(t.ref)]
        for top, line in enumerate(grid[:_HEADER_SEARCH_ROWS], start=1):
            keys = {column.key: col for col, value in enumerate(line, start=1) if isinstance(value, str)
                    and (column := lookup.get(schema.normalise_header(value))) is not None
                    and not _inside(taken, top, col)}
            if not all(key in keys for key in table.row_keys):
                continue
            left, right, bottom = _block(grid, top, keys[table.row_keys[0]])
            ref = f"{column_letter(left)}{top}:{column_letter(right)}{bottom}"
            info = TableInfo(name=table.name, sheet=sheet_name, ref=ref, columns=[
                str(value).strip() for value in line[left - 1:right]], sheet_part=part)
            reader.tables.append(info)
            name, data = table.name, f"{column_letter(left)}{top + 1}:{column_letter(right)}{bottom}"
            reader.finding(W_TABLE_FROM_HEADERS, WARNING, message("KPX124", table=name, data=data, ref=ref),
                           sheet_name, f"{column_letter(left)}{top}")
            return info
    return None


def _block(grid: list[list[Any]], top: int, col: int) -> tuple[int, int, int]:
    """Return (first column, last column, last row) of the block whose header row ``top`` holds column ``col``.

    The headers beside each other, and every row down to the last with a value under them.
    """
    line = grid[top - 1]
    left = right = col
    while left > 1 and not core.is_blank(line[left - 2]):
        left -= 1
    while right < len(line) and not core.is_blank(line[right]):
        right += 1
    bottom = max([r for r in range(top + 1, len(grid) + 1) if any(
        not core.is_blank(ExactEngine._cell(grid, r, c)) for c in range(left, right + 1))], default=top + 1)
    return left, right, bottom


def _readable(ref: str) -> bool:
    """Return True when ``ref`` is a readable range."""
    try:
        parse_ref(ref)
    except ValueError:
        return False
    return True


def _inside(ranges: list[tuple[int, int, int, int]], row: int, col: int) -> bool:
    """Return True when cell (row, col) lies in one of ``ranges`` (first row, first col, last row, last col)."""
    return any(top <= row <= bottom and left <= col <= right for top, left, bottom, right in ranges)


def _read_metadata(reader: "ExactEngine", defined: dict[str, str], props: dict[str, str]) -> None:
    workbook = reader.workbook

    def meta(name: str) -> str | None:
        raw = defined.get(name.casefold())
        if raw is not None:
            return reader.defined_value(raw)
        return props.get(name.casefold())

    version = meta(schema.NAME_SCHEMA_VERSION)
    language = meta(schema.NAME_LANGUAGE)
    workbook.schema_version = version
    workbook.department = meta(schema.NAME_DEPARTMENT) or None
    workbook.formulas = meta(schema.NAME_FORMULAS) or None
    workbook.company_file = meta(schema.NAME_COMPANY_FILE) or None
    workbook.company_sha256 = meta(schema.NAME_COMPANY_SHA256) or None
    try:
        workbook.language = core.parse_language(language)
    except DefinitionError:
        workbook.language = "en"
    if version is not None and version.strip() not in ("", schema.SCHEMA_VERSION):
        reader.finding(W_SCHEMA_VERSION, WARNING, message("KPX120", v=repr(version), w=schema.SCHEMA_VERSION))


def default_engine() -> str:
    """Return the engine :func:`read_workbook` uses unless told: the fast one when fastexcel is installed."""
    return "fast" if fastexcel is not None else "exact"


class ExactEngine:
    """Read the tables of one opened workbook cell by cell (python-calamine) into typed records, with findings.

    Every cell goes through :func:`~kpixl.reader.cells.type_cell`; whatever does not fit
    is a finding at its cell. :class:`FastEngine` reads clean tables faster, the same way.
    """

    name = "exact"

    def __init__(self, pkg: Package, path: str, workbook: DepartmentWorkbook):
        self.pkg = pkg
        self.path = path
        self.workbook = workbook
        self.grids: dict[str, list[list[Any]]] = {}
        self.input_columns: dict[str, set[int]] = {}
        self.tables: list[TableInfo] = []
        self._book: CalamineWorkbook | None = None
        self._fast: Any = None
        self._source: bytes | str | None = None

    def close(self) -> None:
        if self._book is not None:
            self._book.close()

    # -- helpers
    def finding(self, code: str, severity: str, said: Message, sheet: str | None = None, cell: str | None = None,
                kpi_id: str | None = None) -> None:
        self.workbook.findings.append(Finding(code, severity, said, Place(self.pkg.path, sheet, cell), kpi_id))

    def source(self) -> bytes | str:
        """Return what both engines parse, made once: the package with lean table sheets (:mod:`kpixl.reader.lean`)."""
        if self._source is None:
            self._source = self.pkg.parsed_source()
        return self._source

    @property
    def book(self) -> CalamineWorkbook:
        """Return the python-calamine workbook (the exact cell-by-cell reader), opened on first use."""
        if self._book is None:
            try:
                source = self.source()
                self._book = CalamineWorkbook.from_path(source) if isinstance(source, str) else \
                    CalamineWorkbook.from_filelike(io.BytesIO(source))
            except CalamineError as error:
                _fail(self.pkg.path, E_CORRUPT, message("KPX109.workbook", why=f"{type(error).__name__}: {error}"))
        assert self._book is not None  # _fail raised otherwise
        return self._book

    def grid(self, sheet: str) -> list[list[Any]]:
        if sheet not in self.grids:
            try:
                self.grids[sheet] = self.book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
            except CalamineError as error:
                _fail(self.pkg.path, E_CORRUPT, message("KPX109.sheet", why=f"{type(error).__name__}: {error}"),
                      sheet=sheet)
        return self.grids[sheet]

    def defined_value(self, raw: str) -> str | None:
        """Return a defined name's value: a quoted constant, or the value of the one cell it refers to."""
        text = raw.strip().lstrip("=")
        if len(text) >= 2 and text[0] == text[-1] == '"':
            return text[1:-1].replace('""', '"')
        sheet, _, ref = text.rpartition("!")
        sheet = sheet.strip("'").replace("''", "'")
        match = A1_RE.match(ref.strip())
        if not sheet or not match:
            return text or None
        row, col = int(match.group(2)), column_number(match.group(1))
        try:
            value = self._cell(self.grid(sheet), row, col)
        except WorkbookError:
            return None
        if core.is_blank(value):
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        return str(value).strip()

    @staticmethod
    def _cell(grid: list[list[Any]], row: int, col: int) -> Any:
        if row - 1 < len(grid):
            line = grid[row - 1]
            if col - 1 < len(line):
                return line[col - 1]
        return None

    def missing_table(self, table: schema.Table) -> None:
        if table is schema.MEASUREMENTS:
            self.finding(E_NO_MEASUREMENT_TABLE, ERROR, message("KPX122", sheet=SheetName(table.name)))
        elif table is schema.EVALUATION:
            self.finding(W_NO_EVALUATION_TABLE, WARNING, message("KPX123", sheet=SheetName(table.name)))

    # -- tables
    def read_table(self, table: schema.Table, info: TableInfo) -> None:
        """Read one Excel table into the workbook's records: column by column when clean, else cell by cell."""
        sheet = info.sheet
        try:
            top, left, bottom, right = parse_ref(info.ref)
        except ValueError:
            _fail(self.pkg.path, E_BAD_XML, message("KPX117.range", table=info.name, ref=repr(info.ref)), sheet=sheet)
        mapping, extras, seen = self._map_headers(table, info, top, left)
        # Where each input column is, so later checks can name a record's cell (validate --company).
        self.workbook.columns[table.name] = {key: column_letter(c) for key, c in seen.items()}
        self.workbook.ranges[table.name] = info.ref
        missing_keys = self._missing_columns(table, info, seen, top, left)
        first_data = top + info.header_rows
        last_data = bottom - info.totals_rows
        scan = self.pkg.scan(info.sheet_part, self.input_columns.get(info.sheet_part) or set(mapping))
        if not extras and not missing_keys and not scan.formulas_without_value and not scan.error_cells \
                and info.header_rows == 1 and self._read_rows_fast(table, info, mapping, top, first_data, last_data):
            return  # the fast engine read the whole clean table
        grid = self.grid(sheet)
        others = self._other_tables(info)
        below = self._rows_below(grid, bottom, left, right, others)
        rows: list[tuple[int, bool]] = [(r, False) for r in range(first_data, last_data + 1)] + [
            (r, True) for r in range(bottom + 1, below)]
        self._read_rows_exact(table, info, grid, rows, mapping, extras, missing_keys, scan, (left, bottom, right))
        # Rows after a blank one are not read (the spec reads only rows just below): name each value.
        self._outside_values(grid, info, sheet, below, (left, bottom, right), others)

    def _map_headers(self, table: schema.Table, info: TableInfo, header_row: int,
                     left: int) -> tuple[dict[int, schema.Column], dict[int, str], dict[str, int]]:
        """Map the table's header cells to ``table``'s columns, naming unknown and repeated headers.

        Returns (input column by column number, unknown header by column number, column number
        by key of each column read); computed and helper columns are left out.
        """
        sheet = info.sheet
        lookup = table.by_header
        mapping: dict[int, schema.Column] = {}
        extras: dict[int, str] = {}
        seen: dict[str, int] = {}
        for offset, header in enumerate(info.columns):
            col_number = left + offset
            cell = f"{column_letter(col_number)}{header_row}"
            column = lookup.get(schema.normalise_header(header))
            if column is None:
                extras[col_number] = header
                self.finding(W_UNKNOWN_COLUMN, WARNING, _unknown_column(table, repr(header), info.name), sheet, cell)
                continue
            if column.computed or column.helper:
                continue
            if column.key in seen:
                self.finding(W_DUPLICATE_COLUMN, WARNING, message(
                    "KPX133", header=repr(header), cell=f"{column_letter(seen[column.key])}{header_row}",
                    table=info.name), sheet, cell)
                continue
            seen[column.key] = col_number
            mapping[col_number] = column
        return mapping, extras, seen

    def _missing_columns(self, table: schema.Table, info: TableInfo, seen: dict[str, int], header_row: int,
                         left: int) -> set[str]:
        """Name each required input column the table lacks (KPX130); return their keys."""
        missing = [c for c in table.input_columns if c.required and not c.helper and c.key not in seen]
        for column in missing:
            self.finding(E_MISSING_COLUMN, ERROR, message("KPX130", table=info.name,
                                                          header=repr(column.header(self.workbook.language)),
                                                          en=column.en), info.sheet, f"{column_letter(left)}{header_row}")
        return {c.key for c in missing}

    def _read_rows_exact(self, table: schema.Table, info: TableInfo, grid: list[list[Any]],
                         rows: list[tuple[int, bool]], mapping: dict[int, schema.Column], extras: dict[int, str],
                         missing_keys: set[str], scan: _SheetScan, corner: tuple[int, int, int]) -> None:
        """Read ``rows`` (number, below the table?) cell by cell: each row with a row key is a record, checked.

        ``corner`` is the table's (first column, last row, last column). A row without a row key is named,
        not counted (KPX137); a row just below the table is read and named (KPX132).
        """
        sheet = info.sheet
        left, bottom, right = corner
        letters, columns, row_key_index, other_index = _row_layout(table, mapping, extras, left)
        # Below the table nothing computes: a value in any of its columns there was typed.
        whole_width = list(range(left - 1, right))
        special = scan.formulas_without_value or scan.error_cells
        blank = core.is_blank
        for row, outside in rows:
            line = grid[row - 1] if row - 1 < len(grid) else []
            width = len(line)
            bad_cells = _bad_cells(columns, row, scan) if special else set()
            # Most template rows are empty: decide presence from the row keys before anything else.
            if not any(table.column(k).key in table.row_keys for k in bad_cells) and not any(
                    i < width and not blank(line[i]) for i in row_key_index):
                self._keyless_row(table, info, row, line, whole_width if outside else other_index, outside, bottom,
                                  bad_cells=bad_cells)
                continue
            raw = {key: (None if key in bad_cells else (line[index] if index < width else None))
                   for index, key, _letter in columns}
            cells = {key: f"{letter}{row}" for _index, key, letter in columns}
            first_cell = f"{letters[left]}{row}"
            if outside:
                self.finding(W_BELOW_TABLE, WARNING, message("KPX132", row=row, table=info.name, end=bottom), sheet,
                             first_cell)
            extra = {header: line[c - 1] for c, header in extras.items() if c - 1 < width and not blank(line[c - 1])}
            self._read_row(table, sheet, row, first_cell, raw, cells, bad_cells, missing_keys, extra, scan)

    def _rows_below(self, grid: list[list[Any]], bottom: int, left: int, right: int,
                    others: list[tuple[int, int, int, int]]) -> int:
        """Return the first row after the rows typed just below the table (a blank row, or another table)."""
        below = bottom + 1
        while below <= len(grid) and not _inside(others, below, left) and any(
                not core.is_blank(self._cell(grid, below, c)) for c in range(left, right + 1)):
            below += 1
        return below

    def _other_tables(self, info: TableInfo) -> list[tuple[int, int, int, int]]:
        """Return the ranges of the other Excel tables on ``info``'s sheet (their cells are theirs, not stray)."""
        ranges = []
        for other in self.tables:
            if other is not info and other.sheet == info.sheet:
                try:
                    ranges.append(parse_ref(other.ref))
                except ValueError:
                    continue
        return ranges

    def _outside_values(self, grid: list[list[Any]], info: TableInfo, sheet: str, start: int,
                        box: tuple[int, int, int], others: list[tuple[int, int, int, int]]) -> None:
        """Name each row from ``start`` down holding a value in the table's columns: it is not counted (KPX136)."""
        left, bottom, right = box
        blank = core.is_blank
        named: list[str] = []
        for row in range(start, len(grid) + 1):
            line = grid[row - 1]
            for col in range(left, min(right, len(line)) + 1):
                if not blank(line[col - 1]) and not _inside(others, row, col):
                    named.append(f"{column_letter(col)}{row}")
                    break
        for cell in named[:MAX_OUTSIDE_LISTED]:
            self.finding(W_OUTSIDE_TABLE, WARNING, message("KPX136.value", table=info.name, end=bottom), sheet, cell)
        if len(named) > MAX_OUTSIDE_LISTED:
            self.finding(W_OUTSIDE_TABLE, WARNING, message("KPX136.more", n=len(named) - MAX_OUTSIDE_LISTED,
                                                           cell=named[-1], table=info.name),
                         sheet, named[MAX_OUTSIDE_LISTED])

    def _keyless_row(self, table: schema.Table, info: TableInfo, row: int, line: list[Any], indexes: list[int],
                     outside: bool, bottom: int, bad_cells: set[str] | frozenset[str] = frozenset()) -> None:
        """Name a row that holds values but none of the table's row keys: it is not counted (KPX137).

        Most such rows are the template's empty rows: nothing typed, nothing said.
        """
        blank = core.is_blank
        filled = [i for i in indexes if i < len(line) and not blank(line[i])]
        if not filled and not bad_cells:
            return
        column = (filled[0] + 1) if filled else None
        if column is None:
            # Only an error or a formula without a value: name that cell.
            left = parse_ref(info.ref)[1]
            offsets = {schema.normalise_header(h): n for n, h in enumerate(info.columns)}
            lookup = table.by_header
            for header, offset in offsets.items():
                found = lookup.get(header)
                if found is not None and found.key in bad_cells:
                    column = left + offset
                    break
        keys = Options(tuple(Header(_nice_label(table.column(k).en)) for k in table.row_keys))
        said = message("KPX137.below", row=row, table=info.name, end=bottom, keys=keys) if outside else \
            message("KPX137.row", row=row, table=info.name, keys=keys)
        self.finding(W_KEYLESS_ROW, WARNING, said, info.sheet, f"{column_letter(column or parse_ref(info.ref)[1])}{row}")

    def _read_rows_fast(self, table: schema.Table, info: TableInfo, mapping: dict[int, schema.Column], top: int,
                        first_data: int, last_data: int) -> bool:
        """Return False: this engine reads every table cell by cell (:class:`FastEngine` tries columns first)."""
        return False

    def _read_row(self, table: schema.Table, sheet: str, row: int, first_cell: str, raw: dict[str, Any],
                  cells: dict[str, str], bad_cells: set[str], missing_keys: set[str], extra: dict[str, Any],
                  scan: _SheetScan) -> None:
        kpi_id = _text(raw.get("kpi_id"))
        # A Phasing row is named by its profile, every other row by its KPI ID.
        row_name = _text(raw.get("profile")) if table is schema.PHASING else kpi_id
        values: dict[str, Any] = {}
        ok = True
        errors_in: set[str] = set()
        by_key = table.by_key
        for key, value in raw.items():
            column = by_key[key]
            ref = cells[key]
            if key in bad_cells:
                ok = False
                errors_in.add(key)
                if ref in scan.formulas_without_value:
                    self.finding(E_NO_CACHED_VALUE, ERROR, message("KPX208", label=Header(_nice_label(column.en))),
                                 sheet, ref, kpi_id)
                else:
                    self.finding(E_ERROR_VALUE, ERROR, message("KPX209", label=Header(_nice_label(column.en)),
                                                               e=ExcelError(scan.error_cells.get(ref, "#VALUE!"))),
                                 sheet, ref, kpi_id)
                values[key] = None
                continue
            try:
                values[key] = self._typed(column, value, sheet, ref, kpi_id)
            except _CellProblem:
                values[key] = None
                errors_in.add(key)
                ok = False
        for column in table.required_columns:
            if column.key not in missing_keys and column.key not in errors_in \
                    and column.key in cells and values.get(column.key) is None:
                self.finding(E_REQUIRED, ERROR, message("KPX201", label=Header(_nice_label(column.en)),
                                                        hint=_required_hint(column)), sheet, cells[column.key], kpi_id)
                errors_in.add(column.key)
                ok = False
        values["kpi_id"] = kpi_id
        place = Place(self.pkg.path, sheet, first_cell)
        valid = True
        if table is schema.KPIS:
            valid = not (errors_in & {"target", "baseline", "tolerance", "direction", "aggregation", "start",
                                      "deadline", "green", "amber", "weight"}) and not (
                missing_keys & {"target", "direction", "aggregation"})
        elif table is schema.MEASUREMENTS:
            # A measurement without its date and value is no measurement: the findings name why.
            kpi_id = kpi_id if ok and values.get("period_end") is not None and values.get("value") is not None else None
            row_name = kpi_id
        elif table is schema.PHASING:
            row_name = row_name if values.get("profile") is not None else None
        if row_name:
            _records_of(self.workbook, table).extend(
                build_records(table, {key: [value] for key, value in values.items()}, [place], [extra], [valid]))

    def _typed(self, column: schema.Column, value: Any, sheet: str, ref: str, kpi_id: str | None) -> Any:
        """Return the typed value of one cell, or report a finding and raise _CellProblem."""
        kind = column.kind
        if kind == "text" and type(value) is str:
            return value.strip() or None
        if kind == "number" and type(value) is float and math.isfinite(value):
            return value
        if kind == "date" and type(value) is date:
            return value
        try:
            return type_cell(column, value)
        except _CellFinding as found:
            self.finding(found.code, ERROR, found.message, sheet, ref, kpi_id)
            raise _CellProblem from None


def build_records(table: schema.Table, values: dict[str, list[Any]], places: list[Place],
                  extras: list[dict[str, Any]] | None = None,
                  valid: list[bool] | None = None) -> list[Any]:
    """Return the records of rows of ``table`` from their typed values, a column per key: both engines' one builder.

    ``places`` holds each row's first cell; ``extras`` the unknown columns' values by header;
    ``valid`` is False for a KPI whose numbers an error finding makes meaningless.
    """
    count = len(places)
    extras = extras if extras is not None else [{} for _ in range(count)]
    blank = [None] * count
    if table is schema.MEASUREMENTS:
        # The record's fields are the schema's input columns in order, then place and extra (a test
        # keeps them so): a new Measurements column needs no edit here. Positional, not keywords: this
        # builds a million records at scale.
        columns = [values.get(column.key, blank) for column in table.input_columns]
        return [MeasurementRecord(*fields) for fields in zip(*columns, places, extras)]
    if table is schema.PHASING:
        weights = list(zip(*(values.get(key, blank) for key in schema.MONTH_KEYS)))
        return [PhasingRecord(name, tuple(w), place) for name, w, place in zip(values["profile"], weights, places)]
    if table is schema.KPIS:
        keys = list(values)
        flags = valid if valid is not None else [True] * count
        return [KpiRecord(place=place, extra=extra, valid=flag, **dict(zip(keys, row)))
                for place, extra, flag, *row in zip(places, extras, flags, *values.values())]
    if table is schema.COMMENTARY:
        keys = [c.key for c in table.input_columns if c.key != "kpi_id"]
        return [CommentRecord(kpi_id=kpi_id, place=place, **dict(zip(keys, row)))
                for kpi_id, place, *row in zip(values["kpi_id"], places, *(values.get(k, blank) for k in keys))]
    return [EvaluationRecord(*fields) for fields in zip(
        values["kpi_id"], values.get("decision", blank), values.get("new_target", blank), values.get("notes", blank),
        places, extras)]


def _records_of(workbook: DepartmentWorkbook, table: schema.Table) -> list[Any]:
    """Return the list of ``workbook`` that holds the records of ``table``."""
    if table is schema.KPIS:
        return workbook.kpis
    if table is schema.COMMENTARY:
        return workbook.comments
    if table is schema.PHASING:
        return workbook.phasing
    return workbook.measurements if table is schema.MEASUREMENTS else workbook.evaluations


class FastEngine(ExactEngine):
    """Read a clean table column by column with fastexcel (Arrow arrays); any other table as :class:`ExactEngine`.

    Clean: each input column holds one expected type, nothing lies below the table and
    no cell or row needs a finding. The records are the ones the exact engine makes.
    """

    name = "fast"

    def fast_book(self) -> Any:
        """Return the fastexcel reader of the package (columns in bulk), or None if unavailable.

        It parses the lean copy (:meth:`source`): the table sheets without the computed
        cells it is never asked for.
        """
        if self._fast is None:
            self._fast = False
            if fastexcel is not None:
                try:
                    self._fast = fastexcel.read_excel(self.source())
                except Exception:  # noqa: BLE001 - any trouble: the exact reader decides
                    self._fast = False
        return self._fast or None

    def _read_rows_fast(self, table: schema.Table, info: TableInfo, mapping: dict[int, schema.Column], top: int,
                        first_data: int, last_data: int) -> bool:
        """Read a clean table column by column with fastexcel; return False to leave it to the exact reader.

        Only used when every input column has one expected type (strict dtypes, all rows
        sampled), nothing lies below the table, and no row needs a finding; the records are
        then the ones the cell-by-cell reader would make.
        """
        fast = self.fast_book()
        if fast is None or not mapping:
            return False
        numbers = sorted(mapping)
        batch = _load_fast_columns(fast, info, numbers, top, first_data, last_data)
        if batch is None:
            return False
        typed = _typed_fast_columns(mapping, numbers, batch)
        if typed is None:
            return False
        values, height = typed
        rows = _fast_record_rows(table, values, height)
        if rows is None:
            return False
        self._append_fast_records(table, info, values, rows, first_data, height)
        return True

    def _append_fast_records(self, table: schema.Table, info: TableInfo, values: dict[str, list[Any]],
                             rows: list[int], first_data: int, height: int) -> None:
        """Add the records of ``rows`` (indexes into the typed columns ``values``) to the workbook."""
        path, sheet_name, first_letter = self.pkg.path, info.sheet, column_letter(parse_ref(info.ref)[1])
        # Usually every row read holds a record (the pre-sized blank rows are sliced off already).
        picked = values if len(rows) == height else {key: [column[i] for i in rows] for key, column in values.items()}
        places = Place.of_cells(path, sheet_name, [f"{first_letter}{first_data + i}" for i in rows])
        _records_of(self.workbook, table).extend(build_records(table, picked, places))


# The engines by name, as pandas' ExcelFile._engines: read_workbook(path, engine=...) picks one.
ENGINES: dict[str, type[ExactEngine]] = {"exact": ExactEngine, "fast": FastEngine}


def _load_fast_columns(fast: Any, info: TableInfo, numbers: list[int], top: int, first_data: int,
                       last_data: int) -> Any | None:
    """Return the table's columns ``numbers`` as one Arrow batch from fastexcel, strictly typed.

    None when fastexcel cannot (mixed types, odd headers...) or when something lies below
    the table: the exact reader decides and reports those.
    """
    letters = [column_letter(c) for c in numbers]
    options = dict(header_row=top - 1, use_columns=",".join(letters), dtype_coercion="strict", schema_sample_rows=None)
    try:
        try:
            # Straight into Arrow (no sheet object in between): 0.2 ms less on a lean Measurements sheet.
            batch = fast.load_sheet(info.sheet, eager=True, **options)
        except TypeError:  # a fastexcel without eager loading
            batch = fast.load_sheet(info.sheet, **options).to_arrow()
        if batch.num_rows > last_data - first_data + 1:
            return None  # something below the table: the exact reader reports it
        names = batch.schema.names
    except Exception:  # noqa: BLE001 - mixed types, odd headers...: the exact reader decides
        return None
    left = parse_ref(info.ref)[1]
    if names != [info.columns[c - left] for c in numbers] or batch.num_columns != len(numbers):
        return None
    return batch


def _typed_fast_columns(mapping: dict[int, schema.Column], numbers: list[int],
                        batch: Any) -> tuple[dict[str, list[Any]], int] | None:
    """Return (each column's typed values by key, the rows kept), a whole column at a time.

    None when any cell needs a finding: the exact reader words it.
    """
    # Template tables are pre-sized with blank formula rows: rows after the last one with a
    # row key cannot hold a record, so they are not converted at all.
    used = max((_used_length(array) for array in batch.columns), default=0)
    batch = batch.slice(0, used)
    values: dict[str, list[Any]] = {}
    for number, array in zip(numbers, batch.columns):
        column = mapping[number]
        typed = _typed_column(column, array)
        if typed is None:
            return None
        values[column.key] = typed
    return values, batch.num_rows


def _used_length(array: Any) -> int:
    """Return one past the last non-null entry of an Arrow array (0 when all are null).

    Read from the validity bitmap: pyarrow.compute's is_valid would import pandas (over
    half a second in every new worker).
    """
    if array.null_count == 0 or array.null_count == len(array):
        return len(array) if array.null_count == 0 else 0
    bits = np.unpackbits(np.frombuffer(array.buffers()[0], np.uint8), bitorder="little")
    return int(np.flatnonzero(bits[array.offset:array.offset + len(array)])[-1]) + 1


def _fast_record_rows(table: schema.Table, values: dict[str, list[Any]], height: int) -> list[int] | None:
    """Return the indexes of the rows with a row key; None when a row needs a finding (the exact reader words it)."""
    keys = [k for k in table.row_keys if k in values]
    required = [c.key for c in table.required_columns if c.key in values]
    nothing = (None,) * len(keys)
    rows = [i for i, key_values in enumerate(zip(*(values[k] for k in keys))) if key_values != nothing]
    if len(rows) < height and _values_outside(values, rows):
        return None  # a row with values but no row key needs a finding (KPX137): the exact reader words it
    for key in required:
        column_values = values[key]
        if None in column_values and any(column_values[i] is None for i in rows):
            return None  # a required blank: the exact reader words the finding
    return rows


def _row_layout(table: schema.Table, mapping: dict[int, schema.Column], extras: dict[int, str],
                left: int) -> tuple[dict[int, str], list[tuple[int, str, str]], list[int], list[int]]:
    """Return where the exact reader looks in a row of the grid.

    (letter by column number, (index, key, letter) of each input column, indexes of the
    row-key columns, indexes of the other input and extra columns).
    """
    letters = {c: column_letter(c) for c in list(mapping) + list(extras) + [left]}
    columns = [(c - 1, column.key, letters[c]) for c, column in mapping.items()]
    row_key_index = [c - 1 for c, column in mapping.items() if column.key in table.row_keys]
    # Input and extra columns that are no row key: a value there in a row without a key is not counted.
    other_index = [c - 1 for c in sorted(set(mapping) | set(extras)) if c - 1 not in row_key_index]
    return letters, columns, row_key_index, other_index


def _bad_cells(columns: list[tuple[int, str, str]], row: int, scan: _SheetScan) -> set[str]:
    """Return the keys of ``row``'s input cells holding a formula without a saved value or an error."""
    bad_cells: set[str] = set()
    for _index, key, letter in columns:
        ref = f"{letter}{row}"
        if ref in scan.formulas_without_value or ref in scan.error_cells:
            bad_cells.add(key)
    return bad_cells


def _values_outside(values: dict[str, list[Any]], rows: list[int]) -> bool:
    """Return True when a row not in ``rows`` (the rows with a row key) holds any value."""
    everything = (None,) * len(values)
    kept = set(rows)
    return any(row_values != everything for i, row_values in enumerate(zip(*values.values())) if i not in kept)


def _unknown_column(table: schema.Table, header: str, name: str) -> Message:
    """Return KPX131 for ``table``: what happens to an unknown column's values there (the message must be true)."""
    if table is schema.KPIS:
        return message("KPX131.kpis", header=header, table=name)
    if table is schema.MEASUREMENTS:
        return message("KPX131.measurements", header=header, table=name)
    return message("KPX131.other", header=header, table=name, decision=HeaderOf("Evaluation", "decision"),
                   new_target=HeaderOf("Evaluation", "new_target"), notes=HeaderOf("Evaluation", "notes"))


class _CellProblem(Exception):
    """Signal that a cell produced a finding and has no typed value."""
