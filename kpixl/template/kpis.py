"""Own the KPIs sheet: the KPIs table, one row per KPI definition.

Input columns prefilled from the options' KPI records (vocabulary values in the
workbook's words), computed columns from :func:`kpixl.formulas.kpi_formulas` caching
:mod:`kpixl.cache`'s values, the dropdowns, the percent/count formats that follow the
Unit column, and the status colours.
"""

from __future__ import annotations

from kpixl import core, formulas as fx, schema
from kpixl.model import KpiRecord
from kpixl.template import tables
from kpixl.template.book import Book
from kpixl.template.layout import PERCENT_COLUMNS
from kpixl.template.options import TemplateOptions


def write(book: Book, options: TemplateOptions) -> None:
    """Write the KPIs table with ``options.kpi_rows`` rows, prefilled with ``options.kpis``."""
    ws = book.ws_kpis
    table = schema.KPIS
    data = [_row(k, options) for k in options.kpis]
    made = fx.kpi_formulas(options.mode, options.language, kpi_rows=options.kpi_rows,
                           measurement_rows=options.measurement_rows)
    tables.write_table(book, ws, table, options.kpi_rows, data, made,
                       lambda key, row: book.values.kpi_row_values(row - 1).get(key))
    unit = f"${book.kpi_letter('unit')}2"
    tables.percent_format(book, ws, 1, options.kpi_rows,
                          [table.columns.index(table.column(key)) for key in PERCENT_COLUMNS], unit)
    tables.validations(book, ws, table, options.kpi_rows)
    status_col = table.columns.index(table.column("status"))
    tables.status_formats(book, ws, 1, options.kpi_rows, status_col)


def _row(k: KpiRecord, options: TemplateOptions) -> list:
    """Return the KPIs table row of a record: its input values, None in computed columns."""
    values: list = []
    for col in schema.KPIS.columns:
        if col.computed:
            values.append(None)
            continue
        value = getattr(k, col.key, None)
        if col.kind == "vocab" and value is not None:
            value = core.word(col.vocabulary or "", value, options.language)
        values.append(value)
    return values
