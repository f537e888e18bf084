"""Own the hidden Lists sheet: the dropdown words, the unit words and ``MeasurementsUsed``.

One column per vocabulary (the dropdown sources of the other sheets' validation), the
Yes/No words, the percent and count unit words (:mod:`kpixl.template.layout`) and the
``MeasurementsUsed`` cell the Measurements formulas scan up to. It records the ranges on
the :class:`~kpixl.template.book.Book` for the other sheets, and leaves a free column for
the company's KPI IDs (:mod:`kpixl.template.company`).
"""

from __future__ import annotations

from typing import Sequence

from xlsxwriter.utility import xl_col_to_name

from kpixl import core, formulas as fx, schema
from kpixl.template.book import Book
from kpixl.template.layout import COUNT_UNITS, sheet_ref
from kpixl.vocab import PERCENT_UNITS
from kpixl.template.options import TemplateOptions


def write(book: Book, options: TemplateOptions) -> None:
    """Write the Lists sheet, hide and protect it."""
    ws, lang, words = book.ws_lists, options.language, book.texts
    ws.write(0, 0, words["lists_title"], book.f_label)
    vocabularies = [
        ("direction", schema.KPIS.column("direction").header(lang)),
        ("aggregation", schema.KPIS.column("aggregation").header(lang)),
        ("frequency", schema.KPIS.column("frequency").header(lang)),
        ("level", schema.KPIS.column("level").header(lang)),
        ("decision", words["decision"]),
        ("status", words["status"]),
        ("trend", words["trend"]),
    ]
    sheet = sheet_ref(schema.SHEET_LISTS[lang])
    for col, (vocabulary, title) in enumerate(vocabularies):
        values = schema.vocabulary_words(vocabulary, lang) if vocabulary != "trend" else tuple(
            core.word("trend", v, lang) for v in core.VOCABULARIES["trend"])
        book.list_ranges[vocabulary] = "=" + _column(book, col, title, values, sheet)
    col = len(vocabularies)
    ws.write(1, col, words["yes_no"], book.f_header)
    for i, w in enumerate(schema.YES_NO[lang]):
        ws.write_string(2 + i, col, w)
    col += 1
    book.percent_units = _column(book, col, words["percent_units"], PERCENT_UNITS, sheet)
    col += 1
    book.count_units = _column(book, col, words["count_units"], COUNT_UNITS, sheet)
    # The Measurements formulas scan only the rows up to the last counted one (formulas.Refs.used).
    col += 2
    ws.write(1, col, words["used_rows"], book.f_header)
    ws.write_formula(2, col, fx.measurements_used_formula(lang, measurement_rows=options.measurement_rows), None,
                     book.values.measurements_used)
    ws.set_column(col, col, 24)
    book.wb.define_name(fx.MEASUREMENTS_USED, f"={sheet}!${xl_col_to_name(col)}$3")
    col = _self_check_data(book, col + 2, sheet)
    book.lists_free_col = col + 1  # the company's KPI IDs go here (template --company)
    # The Commentary's Action status words, right of that (added later than the others: their columns stay).
    status_col = col + 3
    book.list_ranges["action_status"] = "=" + _column(
        book, status_col, schema.COMMENTARY.column("action_status").header(lang),
        schema.vocabulary_words("action_status", lang), sheet)
    ws.hide()
    ws.protect("", {"format_columns": True})


def _self_check_data(book: Book, col: int, sheet: str) -> int:
    """Write the self-check's known data (formulas.SELF_CHECK_DATA) from column ``col``; return its last column.

    The Guide's checks (kpixl.template.guide) compute on it; the cell under the title of
    its first column stays empty (the check of comparisons with a blank cell).
    """
    ws = book.ws_lists
    ws.write(0, col, book.texts["self_check_data"], book.f_label)
    letters = {}
    for i, name in enumerate(fx.SELF_CHECK_COLUMNS):
        ws.write(1, col + i, book.texts[f"self_check_column.{name}"], book.f_header)
        for r, value in enumerate(fx.SELF_CHECK_DATA[name]):
            if value != "":
                ws.write(2 + r, col + i, value)
        letters[name] = xl_col_to_name(col + i)
    blank = f"{sheet}!${letters['row']}${3 + fx.SELF_CHECK_ROWS + 1}"
    book.self_check_data = (sheet, letters, 3, blank)
    return col + len(fx.SELF_CHECK_COLUMNS) - 1


def _column(book: Book, col: int, title: str, values: Sequence[str], sheet: str) -> str:
    """Write a titled list of words in column ``col``; return its range (with the sheet, absolute)."""
    ws = book.ws_lists
    ws.write(1, col, title, book.f_header)
    for i, w in enumerate(values):
        ws.write_string(2 + i, col, w)
    letter = xl_col_to_name(col)
    ws.set_column(col, col, 16)
    return f"{sheet}!${letter}$3:${letter}${2 + len(values)}"
