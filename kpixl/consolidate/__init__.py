"""Own ``kpixl consolidate``: many department workbooks into one company workbook.

One module per step, each usable on its own:

* :mod:`.load`: :func:`load_sources` checks every input (in worker processes,
  :mod:`kpixl.isolation`), hashes the bytes it read and turns it into a compact
  :class:`Source` whose KPIs are already evaluated by :mod:`kpixl.core`.
* :mod:`.rules`: :func:`consolidate_sources` applies the cross-file rules (a KPI ID or a
  department in two files, a parent ID that is no high-level KPI), decides which files
  are included and computes the roll-up; :func:`consolidate_workbooks` does the same from
  in-memory workbooks.
* :mod:`.tables`: the company tables, one :class:`Column` per column (its key, kind,
  headers and value), filled from the :class:`Consolidation`.
* :mod:`.history`: every KPI as of each month-end and what changed (data);
  :mod:`.history_out` shows it (the History sheet, the Summary's changes, the console table).
* :mod:`.write` writes the company workbook, :mod:`.csvfiles` the CSV tables,
  :mod:`.export` the JSON document and Parquet tables, and :mod:`.command` is the command
  itself (:func:`consolidate`).

Layering (issue 21: no import circles, no import inside a function to dodge one). A module
imports only modules on the lines above its own:

1. ``kpixl.xlsx``, ``kpixl.template.layout``, ``kpixl.core``, the reader and validate;
2. :mod:`.load` (Source, KpiLine, MeasurementRows);
3. :mod:`.history` (reads a consolidation through its ``Company`` protocol);
4. :mod:`.tables` (the columns and ``Consolidation``);
5. :mod:`.rules`, :mod:`.previous`, :mod:`.meeting`, :mod:`.history_out`, :mod:`.csvfiles`,
   :mod:`.export`;
6. :mod:`.write` (uses meeting and history_out);
7. :mod:`.command`, then this package's ``__init__``.

Every number comes from :mod:`kpixl.core`; the words the company workbook shows are in
the text catalogue (``consolidate.*`` in ``kpixl/locales/*.po``). This package re-exports the names
other modules, tests and scripts use.
"""

from __future__ import annotations

# _load_one (the workers' task) and _cross_file_rules are used by tests/fault_engines.py and tests.
from kpixl.consolidate.load import (CODE_DEFINITION, CODE_UNREADABLE, INCLUDED, LOAD_TASK, SKIPPED, KpiLine,
                                    MeasurementRows, Source, _load_one, file_facts, load_sources,
                                    source_from_workbook)
from kpixl.consolidate.tables import (CSV_FILES, KPI_COLUMNS, MEASUREMENT_COLUMNS, STATUSES, TABLES,
                                      WORKBOOK_SHEETS, Column, Consolidation, sheet_name)
from kpixl.consolidate.rules import (CODE_DUPLICATE_DEPARTMENT, CODE_DUPLICATE_ID, CODE_UNKNOWN_PARENT,
                                     ERRORS_SHOWN, _cross_file_rules, consolidate_sources, consolidate_workbooks)
# _STATUS_COLOURS: tests/test_xlsx.py checks the company workbook uses the one palette (kpixl.xlsx).
from kpixl.consolidate.write import _STATUS_COLOURS, MAX_SHEET_ROWS, SUMMARY_CHART_DEPARTMENTS, write_company_workbook
from kpixl.consolidate.csvfiles import (CSV_DIALECTS, CSV_EXCEL_DA, CSV_PLAIN, csv_text, decimal_comma,
                                        default_csv_dialect, write_csv_table)
from kpixl.consolidate.command import ConsolidationResult, consolidate

__all__ = ["consolidate", "ConsolidationResult", "Consolidation", "Source", "KpiLine", "MeasurementRows",
           "load_sources", "source_from_workbook", "consolidate_sources", "consolidate_workbooks",
           "write_company_workbook", "write_csv_table", "csv_text", "decimal_comma", "default_csv_dialect",
           "CSV_DIALECTS", "CSV_PLAIN", "CSV_EXCEL_DA", "SUMMARY_CHART_DEPARTMENTS", "file_facts",
           "sheet_name", "TABLES", "CSV_FILES", "WORKBOOK_SHEETS", "KPI_COLUMNS", "MEASUREMENT_COLUMNS", "STATUSES",
           "Column", "MAX_SHEET_ROWS", "ERRORS_SHOWN", "INCLUDED", "SKIPPED", "LOAD_TASK", "CODE_DUPLICATE_ID",
           "CODE_UNKNOWN_PARENT", "CODE_DUPLICATE_DEPARTMENT", "CODE_DEFINITION", "CODE_UNREADABLE"]
