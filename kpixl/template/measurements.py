"""Own the Measurements sheet: the pre-sized table of measured values.

Prefilled rows from the options' measurement records, then empty input rows up to
``options.measurement_rows``; the hidden helper columns of
:func:`kpixl.formulas.measurement_formulas` cache :mod:`kpixl.cache`'s values. The empty
tail is written once and repeated (:meth:`kpixl.xlsx.Worksheet.repeat_last_rows`), so 100,000 rows
stay fast.
"""

from __future__ import annotations

from kpixl import formulas as fx, schema
from kpixl.template import tables
from kpixl.template.book import Book
from kpixl.template.options import TemplateOptions


def write(book: Book, options: TemplateOptions) -> None:
    """Write the Measurements table, its value formats (by the KPI's Unit) and validation."""
    ws = book.ws_meas
    table = schema.MEASUREMENTS
    rows = options.measurement_rows
    data = [[m.kpi_id, m.period_end, m.value, m.entered_by, m.note] for m in options.measurements]
    ws.repeat_last_rows(len(data) + 1, rows)
    made = fx.measurement_formulas(options.mode, options.language, kpi_rows=options.kpi_rows, measurement_rows=rows)
    tables.write_table(book, ws, table, rows, data, made,
                       lambda key, row: book.values.measurement(key, row - 1, row + 1))
    tables.percent_format(book, ws, 1, rows, [table.columns.index(table.column("value"))], book.unit_of("$A2"))
    tables.validations(book, ws, table, rows)
