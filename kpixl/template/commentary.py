"""Own the Commentary sheet: why a KPI's number is what it is, and what will be done, by whom, by when.

One row per comment (workbook.md, "Commentary"): the KPI ID (a dropdown of the KPIs'
IDs), the period it explains, the comment, the action, its one owner, its due date and
its status (Open, Done, Dropped in the workbook's language). Every column is an input;
the Dashboard reads the table (:func:`kpixl.formulas.dashboard_comment_formulas`) and
``validate`` checks it (:mod:`kpixl.commentary`).
"""

from __future__ import annotations

from kpixl import core, schema
from kpixl.template import tables
from kpixl.template.book import Book
from kpixl.template.options import TemplateOptions


def write(book: Book, options: TemplateOptions) -> None:
    """Write the Commentary table with its dropdowns, dates and notes."""
    ws = book.ws_comments
    table = schema.COMMENTARY
    rows = options.comment_rows
    data = [_row(comment, options.language) for comment in options.comments]
    tables.write_table(book, ws, table, rows, data, {}, lambda key, row: None)
    tables.validations(book, ws, table, rows)


def _row(comment: object, language: str) -> list[object]:
    """Return a prefilled row of the table: its input values in column order, the status in ``language``."""
    row: list[object] = []
    for col in schema.COMMENTARY.columns:
        value = getattr(comment, col.key)
        if col.key == "action_status" and value:
            value = core.word("action_status", value, language)
        row.append(value)
    return row
