"""Own reading a department workbook from disk: safely first, then fast, then typed.

Three stages, in this order, so no parser sees a hostile file; one module each:

1. :mod:`~kpixl.reader.prechecks` looks at the raw bytes with no parser (magic bytes,
   the zip directory, every XML member, package-level limits), each part unpacked once
   (:mod:`~kpixl.reader.zipparts`); each worksheet goes through the byte scanner
   :mod:`~kpixl.reader.sheetscan` (sheet limits, and the input cells holding a formula
   without a saved value or an error), and each table sheet is made lean for the fast
   engine (:mod:`~kpixl.reader.lean`: its computed cells left out). What it returns, the
   :class:`~kpixl.reader.package.Package`, is a module of its own below all three stages.
2. :mod:`~kpixl.reader.ooxml` reads the package structure with a safe XML parser:
   defined names (kpixl metadata), sheets, and the Excel tables ``KPIs``,
   ``Measurements`` and ``Evaluation`` found by name on whatever sheet they live.
3. :mod:`~kpixl.reader.engines` reads the cell values, each typed by
   :mod:`~kpixl.reader.cells` through :mod:`kpixl.schema`: a clean table column by
   column with fastexcel, anything else cell by cell with python-calamine (both parse
   the lean copy), where values that cannot be parsed become
   findings (:mod:`~kpixl.reader.findings`; ``KPX1xx`` for the file and tables,
   ``KPX2xx`` for cells) and leave the field ``None``.

:mod:`~kpixl.reader.paths` expands the command line's files and folders first;
:mod:`~kpixl.reader.worker` names the tasks a worker process runs on one workbook and
turns a worker's fault into a finding;
:mod:`kpixl.refs` (ground floor) owns A1 references. The semantic rules (duplicates,
definitions, late measurements) live in :mod:`kpixl.validate`; this package only
reports what it cannot read as typed. Every name other modules import is here.
"""

from __future__ import annotations

from kpixl.reader.cells import date_text_meanings, fmt_number, interpret_number_text, number_text_message, type_cell
from kpixl.reader.engines import MAX_OUTSIDE_LISTED, read_workbook
from kpixl.reader.findings import (E_MISSING, E_NOT_FILE, E_UNREADABLE, E_EMPTY, E_OLD_XLS, E_ENCRYPTED, E_TEXT,
                                   E_NOT_ZIP, E_CORRUPT, E_NOT_XLSX, E_TOO_BIG, E_RATIO, E_DIMENSION, E_ENTITY,
                                   E_NOT_KPIXL, E_BAD_XML, W_SCHEMA_VERSION, E_NO_KPI_TABLE, E_NO_MEASUREMENT_TABLE,
                                   W_NO_EVALUATION_TABLE, W_TABLE_FROM_HEADERS, E_MISSING_COLUMN, W_UNKNOWN_COLUMN,
                                   W_BELOW_TABLE,
                                   W_DUPLICATE_COLUMN, W_FILE_NOT_READ, W_SUBFOLDER_NOT_READ, W_OUTSIDE_TABLE,
                                   W_KEYLESS_ROW, E_REQUIRED, E_NOT_NUMBER, E_WRONG_TYPE, E_NUMBER_AS_TEXT,
                                   E_DATE_AS_TEXT, E_NOT_DATE, E_VOCABULARY, E_NO_CACHED_VALUE, E_ERROR_VALUE,
                                   E_ID_CONVERTED)
from kpixl.reader.ooxml import TableInfo
from kpixl.reader.package import Package
from kpixl.reader.paths import (WORKBOOK_SUFFIXES, Inputs, collect_inputs, expand_paths, not_read_reason,
                                workbooks_in)
from kpixl.reader.prechecks import (CHUNK, ENCRYPTED_STREAM, MAX_FILE_BYTES, MAX_MEMBERS, MAX_RATIO,
                                    MAX_TOTAL_UNCOMPRESSED, OLE_MAGIC, RATIO_CHECK_FROM, WATCH_FROM, ZIP_MAGICS, precheck)
from kpixl.reader.sheetscan import MAX_CELLS, MAX_COLUMNS, MAX_ROWS
from kpixl.reader.worker import CHECK_TASK, WHOLE_TASK, WORKBOOK_TASK, isolated_result, warm

# The finding codes are the names kpixl.reader.findings gives the registry's ids (kpixl.codes).
__all__ = ["read_workbook", "isolated_result", "warm", "CHECK_TASK", "WORKBOOK_TASK", "WHOLE_TASK", "expand_paths", "collect_inputs", "Inputs", "not_read_reason",
           "workbooks_in", "precheck", "Package", "TableInfo", "type_cell", "interpret_number_text",
           "number_text_message", "fmt_number", "date_text_meanings",
           "MAX_TOTAL_UNCOMPRESSED", "MAX_RATIO", "WATCH_FROM", "RATIO_CHECK_FROM", "MAX_ROWS", "MAX_COLUMNS", "MAX_CELLS",
           "MAX_MEMBERS", "MAX_FILE_BYTES", "MAX_OUTSIDE_LISTED", "WORKBOOK_SUFFIXES", "CHUNK", "ENCRYPTED_STREAM",
           "OLE_MAGIC", "ZIP_MAGICS", "E_MISSING", "E_NOT_FILE", "E_UNREADABLE", "E_EMPTY", "E_OLD_XLS",
           "E_ENCRYPTED", "E_TEXT", "E_NOT_ZIP", "E_CORRUPT", "E_NOT_XLSX", "E_TOO_BIG", "E_RATIO", "E_DIMENSION",
           "E_ENTITY", "E_NOT_KPIXL", "E_BAD_XML", "W_SCHEMA_VERSION", "E_NO_KPI_TABLE", "E_NO_MEASUREMENT_TABLE",
           "W_NO_EVALUATION_TABLE", "W_TABLE_FROM_HEADERS", "E_MISSING_COLUMN", "W_UNKNOWN_COLUMN", "W_BELOW_TABLE",
           "W_DUPLICATE_COLUMN",
           "W_FILE_NOT_READ", "W_SUBFOLDER_NOT_READ", "W_OUTSIDE_TABLE", "W_KEYLESS_ROW", "E_REQUIRED",
           "E_NOT_NUMBER", "E_WRONG_TYPE", "E_NUMBER_AS_TEXT", "E_DATE_AS_TEXT", "E_NOT_DATE", "E_VOCABULARY",
           "E_NO_CACHED_VALUE", "E_ERROR_VALUE", "E_ID_CONVERTED"]
