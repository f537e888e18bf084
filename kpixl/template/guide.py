"""Own the Guide sheet: how to fill in the workbook, in the workbook's language.

:data:`SECTIONS` orders the Guide's headings and paragraphs; their words are the
catalogue's (``template.guide_*`` in ``kpixl/locales/*.po``). The section on the formulas
differs by formula mode. :func:`paragraph` is how the Guide writes a paragraph, also for
the company section of ``template --company`` (:mod:`kpixl.template.company`).
"""

from __future__ import annotations

from xlsxwriter.utility import xl_rowcol_to_cell

from kpixl import formulas as fx, i18n, texts
from kpixl.template.book import Book
from kpixl.template.layout import sheet_ref
from kpixl.template.options import TemplateOptions
from kpixl.xlsx import Worksheet

# (kind, text key): "h1" the title, "h2" a heading, "p" a paragraph, "mode:<mode>" a
# paragraph shown only in formula mode <mode>.
SECTIONS = (
    ("h1", "guide_title"),
    ("p", "guide_intro"),
    ("h2", "guide_phases_title"),
    ("p", "guide_phases"),
    ("h2", "guide_smart_title"),
    ("p", "guide_smart"),
    ("h2", "guide_levels_title"),
    ("p", "guide_levels"),
    ("h2", "guide_owner_title"),
    ("p", "guide_owner"),
    ("h2", "guide_where_title"),
    ("p", "guide_where"),
    ("h2", "guide_numbers_title"),
    ("p", "guide_numbers"),
    ("h2", "guide_phasing_title"),
    ("p", "guide_phasing"),
    ("h2", "guide_formulas_title"),
    ("mode:xlwings", "guide_formulas_xlwings"),
    ("mode:native", "guide_formulas_native"),
    ("h2", "guide_more_title"),
    ("p", "guide_more_rows"),
    ("p", "guide_more_running_out"),
    ("p", "guide_more_units"),
)
# Row heights are not auto-fitted on load by every app: a paragraph's row is sized for
# about this many characters a line (column width 110).
CHARS_PER_LINE = 105


def write(book: Book, options: TemplateOptions) -> None:
    """Write the Guide's sections, locked, one column wide."""
    ws, words = book.ws_guide, book.texts
    ws.set_column(0, 0, 110)
    ws.hide_gridlines(2)
    department = f" - {options.department}" if options.department else ""
    mode_name = words[f"mode_{options.mode.value}"]
    row = 0
    for kind, key in SECTIONS:
        if kind.startswith("mode:") and kind != f"mode:{options.mode.value}":
            continue
        text = words[key].format(department=department, mode=mode_name,
                                 kpi_rows=i18n.format_number(options.kpi_rows, options.language),
                                 measurement_rows=i18n.format_number(options.measurement_rows, options.language))
        if kind == "h1":
            ws.write_string(row, 0, text, book.f_title)
            ws.set_row(row, 24)
            row += 2
        elif kind == "h2":
            ws.write_string(row, 0, text, book.f_h2)
            row += 1
        else:
            paragraph(book, ws, row, text)
            row += 2
    self_check(book, row)
    ws.protect("", {"format_columns": True, "format_rows": True})
    ws.set_landscape()
    ws.fit_to_pages(1, 0)


def paragraph(book: Book, ws: Worksheet, row: int, text: str) -> None:
    """Write a wrapped paragraph in ``row``, the row tall enough for its lines."""
    ws.write_string(row, 0, text, book.f_wrap)
    ws.set_row(row, 15 * (len(text) // CHARS_PER_LINE + 1))


def self_check(book: Book, row: int) -> None:
    """Write the self-check from ``row``: one row per construct of formulas.SELF_CHECKS, its verdict and message.

    Columns: the construct's name, the result computed on the Lists sheet's known data,
    the known answer, and 1 when they agree. The verdict cell is ``SelfCheckOK`` (every
    KPI formula is gated on it), the message cell ``SelfCheckMessage`` (the Dashboard
    shows it too). Every cell caches what a program that passes computes.
    """
    ws, words, lang = book.ws_guide, book.texts, book.lang
    sheet, letters, first_row, blank = book.self_check_data
    ws.write_string(row, 0, words["self_check_title"], book.f_h2)
    paragraph(book, ws, row + 1, words["self_check_intro"])
    message_row, header_row = row + 2, row + 3
    for col, key in enumerate(("self_check_construct", "self_check_result", "self_check_answer", "self_check_ok")):
        ws.write_string(header_row, col, words[key], book.f_header)
    first = header_row + 1
    names, results, answers = [], [], []
    for i, (key, _template, _answer) in enumerate(fx.SELF_CHECKS):
        r = first + i
        answer = fx.self_check_answer(key, lang)
        ws.write_string(r, 0, texts.text("formulas", f"check.{key}", lang))
        ws.write_formula(r, 1, fx.self_check_formula(key, sheet, letters, first_row, blank, lang), None, answer)
        ws.write(r, 2, answer)
        names.append(xl_rowcol_to_cell(r, 0))
        results.append(xl_rowcol_to_cell(r, 1))
        answers.append(xl_rowcol_to_cell(r, 2))
    oks = [xl_rowcol_to_cell(first + i, 3) for i in range(len(fx.SELF_CHECKS))]
    for r, formula in enumerate(fx.self_check_ok_formula(results, answers), start=first):
        ws.write_formula(r, 3, formula, None, 1)
    verdict_row = first + len(fx.SELF_CHECKS)
    ws.write_string(verdict_row, 0, words["self_check_title"], book.f_label)
    ok_range = f"{oks[0]}:{oks[-1]}"
    ws.write_formula(verdict_row, 3, fx.self_check_verdict_formula(ok_range), book.f_label, True)
    guide = sheet_ref(ws.name)
    book.wb.define_name(fx.SELF_CHECK_OK, f"={guide}!{xl_rowcol_to_cell(verdict_row, 3, True, True)}")
    message = fx.self_check_message_formula(names, oks, lang)
    ws.write_formula(message_row, 0, message, book.f_label, texts.text("formulas", "check.ok", lang))
    # Red where a check failed (the verdict cell is FALSE).
    ws.conditional_format(message_row, 0, message_row, 0, {
        "type": "formula", "criteria": f"=NOT({fx.SELF_CHECK_OK})",
        "format": book.wb.add_format({"bold": True, "font_color": "#9C0006"})})
    book.wb.define_name(fx.SELF_CHECK_MESSAGE, f"={guide}!{xl_rowcol_to_cell(message_row, 0, True, True)}")
    ws.set_column(1, 3, 14)
