"""Own the Phasing sheet: the phasing profiles a KPI's plan may follow (docs/kpi-semantics.md, "Phasing").

One row per profile: its name and 12 month weights (numbers of 0 or more, January first),
in a pre-sized table of :data:`kpixl.formulas.PHASING_ROWS` rows (a protected table cannot
grow). The KPIs sheet's Phasing column offers the names as a dropdown
(:meth:`~kpixl.template.book.Book.phasing_source`).
"""

from __future__ import annotations

from kpixl import formulas as fx, schema
from kpixl.template import tables
from kpixl.template.book import Book
from kpixl.template.options import TemplateOptions


def write(book: Book, options: TemplateOptions) -> None:
    """Write the Phasing table, prefilled with ``options.phasing``, and its validation."""
    ws = book.ws_phasing
    data = [[p.profile, *p.weights] for p in options.phasing]
    rows = max(fx.PHASING_ROWS, len(data))
    tables.write_table(book, ws, schema.PHASING, rows, data, {}, lambda key, row: None)
    tables.validations(book, ws, schema.PHASING, rows)
    # Right of the table, not below it: a value below a table is read as a row typed outside it.
    help_col = len(schema.PHASING.columns) + 1
    ws.set_column(help_col, help_col, 60)
    ws.write_string(0, help_col, book.texts["phasing_help"], book.f_wrap)
